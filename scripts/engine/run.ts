/** One-off containers run to completion (the renewer): create, start, wait, collect, remove. */
import { EngineError } from '../cli/errors.js';
import { docker, engineCall } from './client.js';
import { createContainer, removeContainer, startContainer } from './containers.js';
import type { ContainerSpec, ExecResult } from './spec.js';

export interface RunRequest extends ContainerSpec {
  /** Killed after this long; the run then fails. */
  timeoutMs: number;
}

/** Splits Docker's multiplexed log stream (8-byte frame headers; 1 = stdout, 2 = stderr). */
function demuxLogs(buf: Buffer): { stdout: string; stderr: string } {
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  let i = 0;
  while (i + 8 <= buf.length) {
    const size = buf.readUInt32BE(i + 4);
    (buf[i] === 2 ? err : out).push(buf.subarray(i + 8, i + 8 + size));
    i += 8 + size;
  }
  return { stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') };
}

/**
 * Runs a short-lived container to completion: create → start → wait → collect
 * its logs → remove (always, even on failure or timeout). A non-zero exit is returned, not thrown.
 */
export async function runContainer(req: RunRequest): Promise<ExecResult> {
  await createContainer(req);
  try {
    await startContainer(req.name);
    const c = docker().getContainer(req.name);
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        c.kill().catch(() => undefined);
        reject(new EngineError('wait for', req.name, new Error(`still running after ${req.timeoutMs / 1000}s; killed`)));
      }, req.timeoutMs);
    });
    const waited = await engineCall('wait for', req.name, () => Promise.race([c.wait() as Promise<{ StatusCode: number }>, timedOut]).finally(() => clearTimeout(timer)));
    const logs = await engineCall('read logs of', req.name, () => c.logs({ stdout: true, stderr: true, follow: false }) as unknown as Promise<Buffer>);
    return { exitCode: waited.StatusCode, ...demuxLogs(logs) };
  } finally {
    await removeContainer(req.name).catch(() => undefined);
  }
}
