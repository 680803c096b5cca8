/**
 * The embedded test CA from the host's side: its listener CA (which the renewer must trust) and
 * pointing its DNS at the haproxy container before a pass (haproxy may have a new address).
 */
import * as engine from './engine.js';
import { ExitError } from './errors.js';

/** Where certs/pebble-entrypoint.sh writes the CA of Pebble's own HTTPS listener. */
export const PEBBLE_LISTENER_CA = '/run/pebble/ca.pem';

/**
 * Waits for Pebble to answer, points its DNS at haproxy and returns its listener CA (PEM).
 * Pebble's keys are new at each start, so this is read per run, never stored.
 */
export async function preparePebble(container: string, timeoutMs = 20_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    const res = await engine.exec(container, ['curl', '-fsS', '--cacert', PEBBLE_LISTENER_CA, 'https://pebble:14000/dir']).catch((err: Error) => ({ exitCode: -1, stdout: '', stderr: err.message }));
    if (res.exitCode === 0) break;
    last = (res.stderr || res.stdout).trim();
    await new Promise((r) => setTimeout(r, 200));
  }
  if (Date.now() >= deadline) throw new ExitError(`pebble (${container}) did not answer within ${timeoutMs / 1000}s: ${last}`);
  const point = await engine.exec(container, ['sh', '/usr/local/bin/pebble-entrypoint.sh', 'point-dns']);
  if (point.exitCode !== 0) throw new ExitError(`pebble (${container}): pointing its DNS at haproxy failed: ${point.stderr.trim()}`);
  const ca = await engine.exec(container, ['cat', PEBBLE_LISTENER_CA]);
  if (ca.exitCode !== 0) throw new ExitError(`pebble (${container}): cannot read ${PEBBLE_LISTENER_CA}: ${ca.stderr.trim()}`);
  return ca.stdout;
}
