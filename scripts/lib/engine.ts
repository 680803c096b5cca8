/**
 * The Docker engine adapter: the only module that imports dockerode. Each function performs one
 * operation and returns plain data; decisions live in the callers (plan, images, reconcile).
 */
import Docker from 'dockerode';
import { PassThrough } from 'node:stream';
import { extract, pack } from 'tar-stream';
import { EngineError } from './errors.js';

let client: Docker | undefined;

/** The shared client; honours DOCKER_HOST like the docker CLI does. */
export function docker(): Docker {
  client ??= new Docker();
  return client;
}

/** Fails with a clear EngineError when no engine answers. */
export async function ping(): Promise<void> {
  try {
    await docker().ping();
  } catch (err) {
    throw new EngineError('reach the Docker engine', 'engine', err, 'Is dockerd running? Try `docker info`.');
  }
}

/** Runs one engine call, turning its failure into an EngineError naming the operation and target. */
async function op<T>(operation: string, target: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof EngineError) throw err;
    throw new EngineError(operation, target, err);
  }
}

export async function imageExists(tag: string): Promise<boolean> {
  try {
    await docker().getImage(tag).inspect();
    return true;
  } catch {
    return false;
  }
}

export interface BuildRequest {
  tag: string;
  /** Folder with the Dockerfile. */
  context: string;
  /** Files of the context to send (relative paths); the rest of the folder is not part of the image. */
  files: string[];
  /** Dockerfile name inside the context. */
  dockerfile: string;
  labels: Record<string, string>;
  /** Called with each line of build output, so long builds show progress. */
  onProgress?: (line: string) => void;
}

/** Builds an image. A failed build still "finishes" in the Docker API: look for an `error` entry. */
export async function buildImage(req: BuildRequest): Promise<void> {
  const what = `build image ${req.tag}`;
  // The last lines of build output go into the error: they say which step failed and why.
  const tail: string[] = [];
  const stream = await op(what, req.tag, () =>
    docker().buildImage({ context: req.context, src: req.files }, { t: req.tag, dockerfile: req.dockerfile, labels: req.labels, rm: true, forcerm: true }),
  );
  const output: Array<{ stream?: string; error?: string; errorDetail?: { message?: string } }> = await op(what, req.tag, () =>
    new Promise((resolve, reject) => {
      docker().modem.followProgress(
        stream,
        (err: Error | null, res: unknown[]) => (err ? reject(err) : resolve(res as never)),
        (event: { stream?: string }) => {
          for (const line of (event.stream ?? '').split('\n')) {
            if (!line.trim()) continue;
            tail.push(line);
            if (tail.length > 15) tail.shift();
            req.onProgress?.(line);
          }
        },
      );
    }),
  );
  const failed = output.find((e) => e.error);
  if (failed) throw new EngineError(what, req.tag, new Error(`${failed.errorDetail?.message ?? failed.error}\n  last output:\n    ${tail.join('\n    ')}`));
}

// ---- observed state -------------------------------------------------------------------------

export interface ObservedContainer {
  id: string;
  name: string;
  image: string;
  state: string;
  running: boolean;
  startedAt: string;
  labels: Record<string, string>;
}

export interface ObservedResource {
  name: string;
  labels: Record<string, string>;
}

const filter = (labels: string[]) => JSON.stringify({ label: labels });

/** Containers (running or not) carrying every label given as `key=value` or `key`. */
export async function listContainers(labels: string[]): Promise<ObservedContainer[]> {
  const list = await op('list containers', labels.join(','), () => docker().listContainers({ all: true, filters: filter(labels) }));
  return Promise.all(
    list.map(async (c) => {
      const info = await op('inspect container', c.Id.slice(0, 12), () => docker().getContainer(c.Id).inspect());
      return {
        id: c.Id,
        name: (c.Names[0] ?? '').replace(/^\//, ''),
        image: c.Image,
        state: c.State,
        running: info.State.Running,
        startedAt: info.State.StartedAt,
        labels: c.Labels ?? {},
      };
    }),
  );
}

export async function listNetworks(labels: string[]): Promise<ObservedResource[]> {
  const list = await op('list networks', labels.join(','), () => docker().listNetworks({ filters: filter(labels) }));
  return list.map((n) => ({ name: n.Name, labels: n.Labels ?? {} }));
}

export async function listVolumes(labels: string[]): Promise<ObservedResource[]> {
  const res = await op('list volumes', labels.join(','), () => docker().listVolumes({ filters: filter(labels) }));
  return (res.Volumes ?? []).map((v) => ({ name: v.Name, labels: v.Labels ?? {} }));
}

// ---- one operation each -----------------------------------------------------------------------

export async function createNetwork(name: string, labels: Record<string, string>): Promise<void> {
  await op('create network', name, () => docker().createNetwork({ Name: name, Driver: 'bridge', Labels: labels, CheckDuplicate: true }));
}

export async function createVolume(name: string, labels: Record<string, string>): Promise<void> {
  await op('create volume', name, () => docker().createVolume({ Name: name, Labels: labels }));
}

export async function removeNetwork(name: string): Promise<void> {
  await op('remove network', name, () => docker().getNetwork(name).remove());
}

export async function removeVolume(name: string): Promise<void> {
  await op('remove volume', name, () => docker().getVolume(name).remove());
}

export interface ContainerSpec {
  name: string;
  image: string;
  labels: Record<string, string>;
  cmd?: string[];
  env?: string[];
  user?: string;
  /** `host:container/proto` → published on hostIp (default all addresses). */
  ports: Array<{ host: number; container: number; hostIp?: string }>;
  mounts: Array<{ volume: string; target: string; readOnly?: boolean }>;
  network: string;
  aliases: string[];
  sysctls?: Record<string, string>;
  restart: 'unless-stopped' | 'no';
  /** Seconds between the stop signal and SIGKILL. */
  stopTimeout?: number;
  capAdd?: string[];
  capDrop?: string[];
}

/** Creates (does not start) a container from a spec. */
export async function createContainer(spec: ContainerSpec): Promise<string> {
  const exposed = Object.fromEntries(spec.ports.map((p) => [`${p.container}/tcp`, {}]));
  const bindings: Record<string, Array<{ HostPort: string; HostIp?: string }>> = {};
  for (const p of spec.ports) (bindings[`${p.container}/tcp`] ??= []).push({ HostPort: String(p.host), ...(p.hostIp ? { HostIp: p.hostIp } : {}) });
  const c = await op('create container', spec.name, () =>
    docker().createContainer({
      name: spec.name,
      Image: spec.image,
      Labels: spec.labels,
      ...(spec.cmd ? { Cmd: spec.cmd } : {}),
      ...(spec.env ? { Env: spec.env } : {}),
      ...(spec.user ? { User: spec.user } : {}),
      ...(spec.stopTimeout ? { StopTimeout: spec.stopTimeout } : {}),
      ExposedPorts: exposed,
      HostConfig: {
        PortBindings: bindings,
        Mounts: spec.mounts.map((m) => ({ Type: 'volume', Source: m.volume, Target: m.target, ReadOnly: m.readOnly ?? false })),
        NetworkMode: spec.network,
        RestartPolicy: { Name: spec.restart },
        ...(spec.sysctls ? { Sysctls: spec.sysctls } : {}),
        ...(spec.capAdd ? { CapAdd: spec.capAdd } : {}),
        ...(spec.capDrop ? { CapDrop: spec.capDrop } : {}),
      },
      NetworkingConfig: { EndpointsConfig: { [spec.network]: { Aliases: spec.aliases } } },
    }),
  );
  return c.id;
}

export async function startContainer(name: string): Promise<void> {
  await op('start container', name, () => docker().getContainer(name).start());
}

/** Stops with the image's STOPSIGNAL; without `seconds`, the container's own stop timeout applies. */
export async function stopContainer(name: string, seconds?: number): Promise<void> {
  await op('stop container', name, async () => {
    try {
      await docker().getContainer(name).stop(seconds === undefined ? {} : { t: seconds });
    } catch (err) {
      if ((err as { statusCode?: number }).statusCode !== 304) throw err; // 304: already stopped
    }
  });
}

export async function removeContainer(name: string): Promise<void> {
  await op('remove container', name, () => docker().getContainer(name).remove({ force: true, v: false }));
}

export async function signalContainer(name: string, signal: string): Promise<void> {
  await op(`send ${signal} to`, name, () => docker().getContainer(name).kill({ signal }));
}

export interface ExecResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** Runs argv in a running container and collects its output; a non-zero exit is returned, not thrown. */
export async function exec(name: string, argv: string[], opts: { user?: string; stdin?: string } = {}): Promise<ExecResult> {
  return op(`exec "${argv.join(' ').slice(0, 60)}" in`, name, async () => {
    const e = await docker().getContainer(name).exec({ Cmd: argv, AttachStdout: true, AttachStderr: true, AttachStdin: opts.stdin !== undefined, User: opts.user ?? '' });
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

export interface FileToWrite {
  /** Absolute path inside the container (may be inside a mounted volume). */
  path: string;
  content: string | Buffer;
  mode?: number;
  uid?: number;
  gid?: number;
}

/** Writes files into a container's filesystem (works on created-but-stopped containers and their volumes). */
export async function putFiles(name: string, files: FileToWrite[]): Promise<void> {
  await op('write files into', name, async () => {
    const tar = pack();
    for (const f of files) {
      tar.entry({ name: f.path.replace(/^\//, ''), mode: f.mode ?? 0o644, uid: f.uid ?? 0, gid: f.gid ?? 0 }, typeof f.content === 'string' ? Buffer.from(f.content) : f.content);
    }
    tar.finalize();
    const chunks: Buffer[] = [];
    for await (const c of tar) chunks.push(c as Buffer);
    await docker().getContainer(name).putArchive(Buffer.concat(chunks), { path: '/' });
  });
}

/** Removes every container, network and volume carrying `label` (a test run's, or a project's). */
export async function removeLabelled(label: string): Promise<{ containers: number; networks: number; volumes: number }> {
  const containers = await op('list containers', label, () => docker().listContainers({ all: true, filters: filter([label]) }));
  await Promise.all(containers.map((c) => removeContainer(c.Id)));
  const networks = await listNetworks([label]);
  for (const n of networks) await removeNetwork(n.name);
  const volumes = await listVolumes([label]);
  for (const v of volumes) await removeVolume(v.name);
  return { containers: containers.length, networks: networks.length, volumes: volumes.length };
}

/** Names of the entries directly in a folder of a container (running or stopped, volumes included). */
export async function listDir(name: string, path: string): Promise<string[]> {
  return op(`list ${path} in`, name, async () => {
    const archive = await docker().getContainer(name).getArchive({ path: `${path.replace(/\/$/, '')}/.` });
    const names: string[] = [];
    const ex = extract();
    ex.on('entry', (header, stream, next) => {
      const rel = header.name.replace(/^\.\/?/, '');
      if (rel && !rel.includes('/')) names.push(rel);
      stream.on('end', next);
      stream.resume();
    });
    await new Promise<void>((resolve, reject) => {
      ex.on('finish', resolve);
      ex.on('error', reject);
      (archive as NodeJS.ReadableStream).pipe(ex);
    });
    return names.sort();
  });
}

// ---- one-off containers -------------------------------------------------------------------------

export interface RunRequest extends ContainerSpec {
  /** Files written into the created container before it starts (e.g. a hook script, a CA). */
  files?: FileToWrite[];
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
 * Runs a short-lived container to completion: create → write files → start → wait → collect
 * its logs → remove (always, even on failure or timeout). A non-zero exit is returned, not thrown.
 */
export async function runContainer(req: RunRequest): Promise<ExecResult> {
  await createContainer(req);
  try {
    if (req.files?.length) await putFiles(req.name, req.files);
    await startContainer(req.name);
    const c = docker().getContainer(req.name);
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        c.kill().catch(() => undefined);
        reject(new EngineError('wait for', req.name, new Error(`still running after ${req.timeoutMs / 1000}s; killed`)));
      }, req.timeoutMs);
    });
    const waited = (await op('wait for', req.name, () => Promise.race([c.wait() as Promise<{ StatusCode: number }>, timedOut]).finally(() => clearTimeout(timer))));
    const logs = await op('read logs of', req.name, () => c.logs({ stdout: true, stderr: true, follow: false }) as unknown as Promise<Buffer>);
    return { exitCode: waited.StatusCode, ...demuxLogs(logs) };
  } finally {
    await removeContainer(req.name).catch(() => undefined);
  }
}
