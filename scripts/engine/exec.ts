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
