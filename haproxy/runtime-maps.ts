/**
 * Replacing a map or ACL file's contents in the running HAProxy, atomically, through the master
 * CLI: `prepare` a new version, fill it, `commit` it (requests see the old contents or the new,
 * never a mix). The same contents must be
 * on disk too: a reload reads the file. Pure: command texts, argv and answer parsers.
 */
import { cliArgument } from './master-cli.js';

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

/**
 * Most bytes of entries in one command: HAProxy reads a CLI command, payload included, into one
 * buffer (tune.bufsize, 16 KiB), and a longer one is refused ("The command is too big for the
 * buffer size"), which a hosts map of 1,000 routes is. Half of it leaves room for the rest.
 */
export const CHUNK_BYTES = 8192;

/** Consecutive runs of `items` of at most `max` bytes (each item and a separator counted). */
function chunks(items: string[], max: number): string[][] {
  const out: string[][] = [];
  let size = 0;
  for (const item of items) {
    if (out.length === 0 || size + item.length + 2 > max) {
      out.push([]);
      size = 0;
    }
    out.at(-1)!.push(item);
    size += item.length + 2;
  }
  return out;
}

/**
 * The commands that fill version `version` with `lines` and commit it: map entries as payloads
 * (`add map @v file <<`, one entry per line), ACL entries as `add acl` commands `;`-separated
 * on a line (HAProxy 3.0 has no payload form for ACLs), each command under CHUNK_BYTES.
 */
export function fillAndCommitCommands(kind: RuntimeKind, path: string, version: number, lines: string[]): string[] {
  const file = cliArgument(path);
  if (kind === 'acl') {
    const adds = lines.map((l) => `@1 add acl @${version} ${file} ${cliArgument(entry(l))}`);
    return [...chunks(adds, CHUNK_BYTES).map((part) => part.join('; ')), commitCommand(kind, path, version)];
  }
  const payloads = chunks(lines.map(entry), CHUNK_BYTES).map((part) => `@1 add map @${version} ${file} <<\n${part.join('\n')}\n`);
  return [...payloads, commitCommand(kind, path, version)];
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
