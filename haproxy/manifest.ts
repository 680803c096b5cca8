/**
 * What a set of rendered HAProxy files means to a running HAProxy, as hashes: the core (global,
 * defaults, listeners, fixed backends), each route's own sections, the certificate list, and the
 * map and ACL files the runtime API can replace. `up` records the manifest of the files it last
 * wrote; comparing the next one to it tells whether a change needs a reload or can be applied
 * at run time (see `haproxyChange`). Pure.
 */
import { createHash } from 'node:crypto';
import type { RuntimeFile } from './render-maps.js';
import type { Section } from './section.js';

export interface HaproxyManifest {
  /** Everything that must match the running configuration exactly. */
  core: string;
  /** Route sections (backends, userlists) by their first line, with the files they read. */
  sections: Record<string, string>;
  /** crt-list lines, each with the hash of the CA file it names. */
  certificates: string[];
  /** Map and ACL files, by path, with their kind and content hash. */
  runtime: Record<string, { kind: RuntimeFile['kind']; hash: string }>;
  /**
   * Every file by path, with its content hash: a reload swaps in only those that differ (with a
   * page per tunnel route, rewriting 1,000 unchanged files cost the engine about 0.1 s).
   * Missing in a manifest recorded by an earlier version: then every file is written.
   */
  files?: Record<string, string>;
}

const sha = (text: string) => createHash('sha256').update(text).digest('hex').slice(0, 16);

/** A section's text with the content of the files it reads (a changed page means a changed section). */
function sectionText(section: Section, files: Record<string, string>): string {
  return [...section.lines, ...(section.reads ?? []).map((f) => `${f}\0${files[f] ?? ''}`)].join('\n');
}

export function buildManifest(sections: Section[], files: Record<string, string>, crtList: string, runtime: Record<string, RuntimeFile>): HaproxyManifest {
  const core = sections.filter((s) => !s.route).map((s) => sectionText(s, files));
  const certificates = crtList
    .split('\n')
    .filter((l) => l !== '')
    .map((line) => {
      const ca = /ca-file (\S+?)\]?(\s|$)/.exec(line)?.[1];
      return ca ? `${line} #${sha(files[ca] ?? '')}` : line;
    });
  return {
    core: sha(core.join('\n\n')),
    sections: Object.fromEntries(sections.filter((s) => s.route).map((s) => [s.lines[0]!, sha(sectionText(s, files))])),
    certificates,
    runtime: Object.fromEntries(Object.entries(runtime).map(([path, f]) => [path, { kind: f.kind, hash: sha(f.lines.join('\n')) }])),
    files: Object.fromEntries(Object.entries(files).map(([path, text]) => [path, sha(text)])),
  };
}

/** The files whose content differs from what was last applied (all of them without a record). */
export function changedFiles(desired: HaproxyManifest, applied: HaproxyManifest | undefined): string[] {
  const want = desired.files ?? {};
  const had = applied?.files;
  return Object.keys(want).filter((path) => had?.[path] !== want[path]);
}

/** A long list in a log line: the first few and how many more. */
export function someOf(names: string[], shown = 8): string {
  return names.length <= shown ? names.join(', ') : `${names.slice(0, shown).join(', ')} and ${names.length - shown} more`;
}

/** How a running HAProxy takes the change from `applied` to `desired`. */
export type HaproxyChange = { how: 'none' } | { how: 'reload'; why: string } | { how: 'runtime'; files: string[]; why: string };

/**
 * A reload is needed when the desired files ask for anything the applied ones did not have: a
 * core change, a route section that is new or different, a certificate line not loaded yet.
 * Otherwise (routes removed, map or ACL contents changed) the running HAProxy already has every
 * backend and certificate the maps can point at: replacing the maps and lists at run time is
 * enough, and sections of removed routes stay loaded, unreachable, until the next reload.
 * Sections are compared with the files last written, never with what a reload may have dropped,
 * so a route removed at run time and added back is a new section again (and reloads).
 */
export function haproxyChange(desired: HaproxyManifest, applied: HaproxyManifest | undefined): HaproxyChange {
  if (!applied) return { how: 'reload', why: 'no record of what HAProxy runs' };
  if (desired.core !== applied.core) return { how: 'reload', why: 'listeners, frontends or global settings changed' };
  const changed = Object.entries(desired.sections).filter(([name, hash]) => applied.sections[name] !== hash);
  if (changed.length) return { how: 'reload', why: `new or changed: ${someOf(changed.map(([name]) => name.split(' ')[1]!))}` };
  const certs = desired.certificates.filter((c) => !applied.certificates.includes(c));
  if (certs.length) return { how: 'reload', why: 'certificate list changed' };
  const files = Object.keys(desired.runtime).filter((p) => applied.runtime[p]?.hash !== desired.runtime[p]?.hash);
  const unknown = files.filter((p) => !applied.runtime[p]);
  if (unknown.length) return { how: 'reload', why: `new lookup files: ${unknown.join(', ')}` };
  const removed = Object.keys(applied.sections).filter((name) => !(name in desired.sections));
  if (files.length === 0 && removed.length === 0 && certs.length === 0 && desired.certificates.length === applied.certificates.length) return { how: 'none' };
  const what = [...(removed.length ? [`removed: ${someOf(removed.map((n) => n.split(' ')[1]!))}`] : []), ...(files.length ? [`${someOf(files.map((p) => p.split('/').pop()!))} changed`] : [])];
  return { how: 'runtime', files, why: `${what.join('; ') || 'certificate list shortened'} (no new backend, certificate or listener)` };
}
