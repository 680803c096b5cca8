/**
 * Talking to a running HAProxy: the master CLI, a checked config swap, a reload whose success is
 * verified (a signal alone tells nothing), readiness after start.
 */
import { checkConfigArgv, cleanupArgv, filesPayload, restoreFilesArgv, swapFilesArgv } from '../../haproxy/config-swap.js';
import { MASTER_ANSWER_TIMEOUT_S, masterCliArgv } from '../../haproxy/master-cli.js';
import { parseReload, RELOAD_COMMAND } from '../../haproxy/runtime-api.js';
import { ExitError } from '../cli/errors.js';
import * as engine from '../engine/index.js';

/** One master CLI command (prefix `@1 ` to reach the current worker); returns the answer text. */
export async function masterCli(container: string, command: string): Promise<string> {
  const res = await engine.exec(container, masterCliArgv(command));
  if (res.exitCode !== 0) throw new ExitError(`haproxy (${container}): master CLI "${command}" failed: ${(res.stderr || res.stdout).trim()}`);
  return res.stdout;
}

/** Waits until the master answers and a worker runs; on timeout, says so with the container's state. */
export async function waitHaproxyReady(container: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    const res = await engine.exec(container, masterCliArgv('show proc')).catch((err: Error) => ({ exitCode: -1, stdout: '', stderr: err.message }));
    if (res.exitCode === 0 && /\bworker\b/.test(res.stdout)) return;
    last = (res.stderr || res.stdout).trim();
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new ExitError(`haproxy (${container}) did not become ready within ${timeoutMs / 1000}s: ${last || 'no answer'} (see \`docker logs ${container}\`)`);
}

/**
 * Writes the new config files beside the live ones, swaps them in and checks them with
 * `haproxy -c` (as HAProxy's user); on failure the previous files are back in place and nothing
 * was reloaded. `check: false` leaves the check to a reload that follows: the master parses the
 * config itself and answers `Success=0` with the errors while the old worker keeps serving, so
 * checking first would parse (and load every certificate) twice, 0.3 s at 1,000 routes.
 */
export async function swapHaproxyFiles(container: string, files: Record<string, string>, opts: { check?: boolean } = {}): Promise<void> {
  const paths = Object.keys(files);
  const swap = await engine.exec(container, swapFilesArgv(), { user: 'root', stdin: filesPayload(files) });
  if (swap.exitCode !== 0) throw new ExitError(`haproxy (${container}): swapping in the new configuration failed: ${(swap.stderr || swap.stdout).trim()}`);
  if (opts.check === false) return;
  const check = await engine.exec(container, checkConfigArgv());
  if (check.exitCode === 0) return;
  await engine.exec(container, restoreFilesArgv(paths), { user: 'root' });
  throw new ExitError(`haproxy (${container}) rejected the new configuration; the running one is unchanged:\n${(check.stderr || check.stdout).trim()}`);
}

/** What follows a reload that took. */
export interface AfterReload {
  /** Written once the reload took, by path: what says the files are applied. */
  record?: Record<string, string>;
  /** Every rendered file, when only some were swapped in: the others are kept by the cleanup. */
  rendered?: Record<string, string>;
}

/**
 * Reloads through the master CLI and checks `Success=1`, then cleans up and writes the record.
 * On failure the swapped-in `files` are restored (the old workers keep serving meanwhile),
 * nothing is recorded and the error carries HAProxy's log.
 */
export async function reloadHaproxy(container: string, files?: Record<string, string>, after: AfterReload = {}): Promise<void> {
  const text = await masterCli(container, RELOAD_COMMAND);
  if (text.trim() === '')
    throw new ExitError(
      `haproxy (${container}): no answer to reload within ${MASTER_ANSWER_TIMEOUT_S} s; the master may still be loading the new configuration (an upstream host name that does not resolve costs it about 0.1 s per route). See \`docker logs ${container}\`.`,
    );
  const answer = parseReload(text);
  const paths = Object.keys(files ?? {});
  if (!answer.ok) {
    if (paths.length) {
      await engine.exec(container, restoreFilesArgv(paths), { user: 'root' });
      await masterCli(container, RELOAD_COMMAND);
    }
    throw new ExitError(`haproxy (${container}) reload failed; previous configuration restored:\n${answer.log.join('\n').trim()}`);
  }
  // Both only after a reload that took, in one exec.
  await cleanupHaproxyFiles(container, after.rendered ?? files ?? {}, after.record);
}

/** Drops the `.prev` copies of a swap that is final and files no longer rendered, then writes `record`. */
export async function cleanupHaproxyFiles(container: string, files: Record<string, string>, record: Record<string, string> = {}): Promise<void> {
  const res = await engine.exec(container, cleanupArgv(Object.keys(files)), { user: 'root', stdin: filesPayload(record) });
  if (res.exitCode !== 0) throw new ExitError(`haproxy (${container}): cleaning up after the swap failed: ${(res.stderr || res.stdout).trim()}`);
}
