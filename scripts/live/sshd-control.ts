/** The running sshd container: knowing when it serves logins. */
import { sshdListeningArgv } from '../../sshd/image-paths.js';
import { ExitError } from '../cli/errors.js';
import * as engine from '../engine/index.js';

/**
 * Waits until sshd listens inside `container` (after a start: host keys and accounts come first),
 * so that `up` returns only when a user's `ssh` can connect. Fails naming the container.
 */
export async function waitSshdReady(container: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    const res = await engine.exec(container, sshdListeningArgv()).catch((err: Error) => ({ exitCode: -1, stdout: '', stderr: err.message }));
    if (res.exitCode === 0) return;
    last = res.stderr.trim();
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new ExitError(`sshd (${container}) did not start listening within ${timeoutMs / 1000}s${last ? `: ${last}` : ''} (see \`docker logs ${container}\`)`);
}
