/**
 * Replacing a map or ACL file's contents in the running HAProxy, atomically, through the master
 * CLI: `prepare` a new version, fill it, `commit` it (requests see the old contents or the new,
 * never a mix). Maps take their entries as one payload; ACLs (HAProxy 3.0 has no payload form
 * for `add acl`) as one `add acl` per entry, `;`-separated on one line. The same contents must be
 * on disk too: a reload reads the file. Pure: command texts, argv and answer parsers.
 */
import { cliArgument, masterPipeArgv } from './master-cli.js';

export type RuntimeKind = 'map' | 'acl';

/** Starts a new, empty version of the file's contents; the answer names it. */
export function prepareCommand(kind: RuntimeKind, path: string): string {
  return `@1 prepare ${kind} ${cliArgument(path)}`;
}

/** The version number from `New version created: <n>`. */
export function parsePrepared(answer: string): number {
  const m = /New version created: (\d+)/.exec(answer);
  if (!m) throw new Error(`unexpected answer to prepare: ${JSON.stringify(answer.trim().slice(0, 200))}`);
  return Number(m[1]);
}

/** An entry as the runtime API takes it: one line, no `;` that would split the command. */
function entry(line: string): string {
  if (/[\n\r;]/.test(line) || line.trim() === '') throw new Error(`not usable as a map or ACL entry: ${JSON.stringify(line)}`);
  return line;
}

/** argv that sends every map entry (`key value`) of version `version` as one payload. */
export function addMapPayloadArgv(path: string, version: number, lines: string[]): string[] {
  const script = `printf '@1 add map @%s %s <<\\n' "$1" "$2"; shift 2; for l in "$@"; do printf '%s\\n' "$l"; done; printf '\\n'`;
  return masterPipeArgv('add-map', script, [String(version), cliArgument(path), ...lines.map(entry)]);
}

/** Every ACL entry of version `version`, then its commit, as one command line. */
export function addAclAndCommitCommand(path: string, version: number, lines: string[]): string {
  const file = cliArgument(path);
  return [...lines.map((l) => `@1 add acl @${version} ${file} ${cliArgument(entry(l))}`), `@1 commit acl @${version} ${file}`].join('; ');
}

/** Makes version `version` the live contents. */
export function commitCommand(kind: RuntimeKind, path: string, version: number): string {
  return `@1 commit ${kind} @${version} ${cliArgument(path)}`;
}

/** `add` and `commit` answer nothing when they succeed; any text is HAProxy's error. */
export function runtimeAnswerError(answer: string): string | undefined {
  const text = answer.trim();
  return text === '' ? undefined : text;
}
