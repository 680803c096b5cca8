/**
 * Reads the access log where the logger container keeps it (the `logs` volume, rotated files
 * first), through the engine, so it works the same against a remote engine: the last lines, and
 * with `follow` every new line until the caller aborts.
 */
import { LABEL } from '../../stacks/labels.js';
import { ACCESS_LOG, HAPROXY_UID } from '../../stacks/layout.js';
import { containerName } from '../../stacks/services.js';
import { ExitError } from '../cli/errors.js';
import * as engine from '../engine/index.js';

/**
 * Prints the last $2 lines (those containing $3 when it is not empty) of the rotated files and
 * the current one up to its size now; with $4 = 1 it then follows the file from exactly there
 * (no gap, no repeat; `tail -F` follows rotations) until its stdin closes.
 */
const SCRIPT = `
log=$1/access.log n=$2 needle=$3 follow=$4
size=$(stat -c %s "$log" 2>/dev/null || echo 0)
{ for f in $(ls "$log".* 2>/dev/null | sort -t. -k3,3nr); do cat "$f"; done; head -c "$size" "$log" 2>/dev/null; } |
  { if [ -n "$needle" ]; then grep -F -- "$needle"; else cat; fi; } | tail -n "$n"
[ "$follow" = 1 ] || exit 0
tail -c +$((size + 1)) -F "$log" 2>/dev/null &
t=$!
cat >/dev/null
kill "$t"
`;

export interface ReadOptions {
  lines: number;
  /** Only lines containing this text (a cheap pre-filter; the caller parses and checks). */
  needle?: string;
  /** Keep streaming new lines until `signal` aborts. */
  follow?: AbortSignal;
}

/** Hands each line of the project's access log to `onLine`; needs the logger container running. */
export async function readAccessLog(project: string, opts: ReadOptions, onLine: (line: string) => void): Promise<void> {
  const name = containerName(project, 'logger');
  const logger = (await engine.listContainers([`${LABEL.project}=${project}`, `${LABEL.service}=logger`])).find((c) => c.name === name);
  if (!logger?.running) throw new ExitError(`the access log collector of project ${project} (${name}) is not running: set logs.access: true in edge.yaml and run \`npm run up\``);
  let pending = '';
  const onData = (chunk: Buffer) => {
    const parts = (pending + chunk.toString('utf8')).split('\n');
    pending = parts.pop() ?? '';
    for (const line of parts) if (line !== '') onLine(line);
  };
  const argv = ['sh', '-c', SCRIPT, 'access-log', ACCESS_LOG.dir, String(opts.lines), opts.needle ?? '', opts.follow ? '1' : '0'];
  // As the collector's own uid: the logs are its files (0640 in a 0750 folder), and root in the
  // locked-down logger holds no capability to read another user's files.
  await engine.execStream(name, argv, onData, opts.follow ?? AbortSignal.abort(), String(HAPROXY_UID));
  if (pending !== '') onLine(pending);
}
