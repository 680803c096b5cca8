/**
 * The CA files routes name (`ca`, `clientCA`): read relative to edge.yaml's directory, checked to
 * hold certificates and nothing secret, and put into the model, so renderers stay pure and the
 * files travel into HAProxy's config volume like every other rendered file.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { EdgeModel, PemFile } from '../../stacks/model.js';
import type { ConfigProblem } from '../cli/errors.js';
import type { ValidationResult } from './validate.js';

const CERTIFICATE = /-----BEGIN CERTIFICATE-----[A-Za-z0-9+/=\s]+-----END CERTIFICATE-----/g;

/** The certificates of a PEM file as HAProxy reads them, or why not. */
function certificatesOf(text: string): { pem: string } | { problem: string; hint?: string } {
  if (/PRIVATE KEY/.test(text)) return { problem: 'contains a private key', hint: 'a CA file holds certificates only; never copy a private key into the edge' };
  const certs = text.match(CERTIFICATE);
  if (!certs) return { problem: 'holds no PEM certificate', hint: 'expected -----BEGIN CERTIFICATE----- blocks' };
  return { pem: `${certs.map((c) => c.trim()).join('\n')}\n` };
}

/** Reads every `ca`/`clientCA` of the model in place; returns the located problems. */
export function readPemFiles(model: EdgeModel, baseDir: string, where: Pick<ValidationResult, 'problemAt' | 'routePath'>): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const read = (file: PemFile, host: string, key: string): PemFile => {
    const abs = resolve(baseDir, file.file);
    const shown = abs === file.file ? '' : ` (resolved to ${abs})`;
    let text: string;
    try {
      text = readFileSync(abs, 'utf8');
    } catch (err) {
      const missing = (err as NodeJS.ErrnoException).code === 'ENOENT';
      problems.push(where.problemAt([...where.routePath(host), key], `"${file.file}" ${missing ? 'does not exist' : 'cannot be read'}${shown}`, "the path is relative to edge.yaml's directory"));
      return file;
    }
    const result = certificatesOf(text);
    if ('problem' in result) {
      problems.push(where.problemAt([...where.routePath(host), key], `"${file.file}" ${result.problem}${shown}`, result.hint));
      return file;
    }
    return { file: abs, pem: result.pem };
  };
  for (const route of model.routes) {
    if (route.ca) route.ca = read(route.ca, route.host, 'ca');
    if (route.clientCA) route.clientCA = read(route.clientCA, route.host, 'clientCA');
  }
  return problems;
}
