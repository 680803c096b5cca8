/**
 * The embedded test CA from the host's side: its listener CA (which the renewer must trust) and
 * pointing its DNS at the haproxy container before a pass (haproxy may have a new address).
 */
import { PEBBLE } from '../../stacks/layout.js';
import { ExitError } from '../cli/errors.js';
import * as engine from '../engine/index.js';

/**
 * Waits for Pebble to answer, points its DNS at haproxy and returns its listener CA (PEM).
 * Pebble's keys are new at each start, so this is read per run, never stored.
 */
export async function preparePebble(container: string, timeoutMs = 20_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  let answered = false;
  while (!answered && Date.now() < deadline) {
    const res = await engine.exec(container, ['curl', '-fsS', '--cacert', PEBBLE.listenerCa, PEBBLE.directoryUrl]).catch((err: Error) => ({ exitCode: -1, stdout: '', stderr: err.message }));
    answered = res.exitCode === 0;
    if (!answered) {
      last = (res.stderr || res.stdout).trim();
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  if (!answered) throw new ExitError(`pebble (${container}) did not answer within ${timeoutMs / 1000}s: ${last}`);
  const point = await engine.exec(container, ['sh', '/usr/local/bin/pebble-entrypoint.sh', 'point-dns']);
  if (point.exitCode !== 0) throw new ExitError(`pebble (${container}): pointing its DNS at haproxy failed: ${point.stderr.trim()}`);
  const ca = await engine.exec(container, ['cat', PEBBLE.listenerCa]);
  if (ca.exitCode !== 0) throw new ExitError(`pebble (${container}): cannot read ${PEBBLE.listenerCa}: ${ca.stderr.trim()}`);
  return ca.stdout;
}
