/** Commands in a running container (`docker exec`), output collected. */
import { PassThrough } from 'node:stream';
import { docker, engineCall } from './client.js';
import type { ExecResult } from './spec.js';

/** Runs argv in a running container; a non-zero exit is returned, not thrown. */
export async function exec(name: string, argv: string[], opts: { user?: string; stdin?: string } = {}): Promise<ExecResult> {
  return engineCall(`exec "${argv.join(' ').slice(0, 60)}" in`, name, async () => {
    const e = await docker()
      .getContainer(name)
      .exec({ Cmd: argv, AttachStdout: true, AttachStderr: true, AttachStdin: opts.stdin !== undefined, User: opts.user ?? '' });
    const stream = await e.start({ hijack: true, stdin: opts.stdin !== undefined });
    const out = new PassThrough();
    const err = new PassThrough();
    const chunks = { out: [] as Buffer[], err: [] as Buffer[] };
    out.on('data', (b: Buffer) => chunks.out.push(b));
    err.on('data', (b: Buffer) => chunks.err.push(b));
    docker().modem.demuxStream(stream, out, err);
    if (opts.stdin !== undefined) stream.end(opts.stdin);
    await new Promise<void>((resolve, reject) => {
      stream.on('end', resolve);
      stream.on('close', resolve);
      stream.on('error', reject);
    });
    const info = await e.inspect();
    return { exitCode: info.ExitCode ?? -1, stdout: Buffer.concat(chunks.out).toString('utf8'), stderr: Buffer.concat(chunks.err).toString('utf8') };
  });
}

/**
 * Runs argv in a running container and hands its stdout to `onData` as it comes (`docker exec`
 * without waiting for the end), for output that never ends by itself (`tail -F`). Its stdin is
 * kept open and closed when `signal` aborts, so the command can notice and stop; resolves with
 * the exit code once it has.
 */
export async function execStream(name: string, argv: string[], onData: (chunk: Buffer) => void, signal: AbortSignal, user = ''): Promise<number> {
  return engineCall(`exec "${argv.join(' ').slice(0, 60)}" in`, name, async () => {
    const e = await docker().getContainer(name).exec({ Cmd: argv, AttachStdout: true, AttachStderr: true, AttachStdin: true, User: user });
    const stream = await e.start({ hijack: true, stdin: true });
    const out = new PassThrough();
    const err = new PassThrough();
    const stderr: Buffer[] = [];
    out.on('data', onData);
    err.on('data', (b: Buffer) => stderr.push(b));
    docker().modem.demuxStream(stream, out, err);
    const stop = () => stream.end();
    if (signal.aborted) stop();
    else signal.addEventListener('abort', stop, { once: true });
    await new Promise<void>((resolve, reject) => {
      stream.on('end', resolve);
      stream.on('close', resolve);
      stream.on('error', reject);
    });
    signal.removeEventListener('abort', stop);
    const code = (await e.inspect()).ExitCode ?? -1;
    if (code !== 0 && !signal.aborted && stderr.length) throw new Error(Buffer.concat(stderr).toString('utf8').trim());
    return code;
  });
}
