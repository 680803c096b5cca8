/** Containers: list (observed state), create, start, stop, remove, signal. One operation each. */
import { EngineError } from '../cli/errors.js';
import { docker, engineCall, labelFilter } from './client.js';
import type { ContainerSpec, ObservedContainer } from './spec.js';

/** Containers (running or not) carrying every label given as `key=value` or `key`. */
export async function listContainers(labels: string[]): Promise<ObservedContainer[]> {
  const list = await engineCall('list containers', labels.join(','), () => docker().listContainers({ all: true, filters: labelFilter(labels) }));
  return Promise.all(
    list.map(async (c) => {
      const info = await engineCall('inspect container', c.Id.slice(0, 12), () => docker().getContainer(c.Id).inspect());
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

/** The HostConfig fields of a spec's capabilities, security options, read-only root and limits. */
function lockdown(spec: ContainerSpec): Record<string, unknown> {
  return {
    ...(spec.capDrop ? { CapDrop: spec.capDrop } : {}),
    ...(spec.capAdd ? { CapAdd: spec.capAdd } : {}),
    ...(spec.securityOpt ? { SecurityOpt: spec.securityOpt } : {}),
    ...(spec.readOnly ? { ReadonlyRootfs: true } : {}),
    ...(spec.tmpfs ? { Tmpfs: spec.tmpfs } : {}),
    // MemorySwap equal to Memory: the limit holds for memory and swap together.
    ...(spec.memory ? { Memory: spec.memory, MemorySwap: spec.memory } : {}),
    ...(spec.pidsLimit ? { PidsLimit: spec.pidsLimit } : {}),
    ...(spec.ulimits ? { Ulimits: Object.entries(spec.ulimits).map(([Name, l]) => ({ Name, Soft: l.soft, Hard: l.hard })) } : {}),
  };
}

/** Creates (does not start) a container from a spec; returns its id. */
export async function createContainer(spec: ContainerSpec): Promise<string> {
  const exposed = Object.fromEntries(spec.ports.map((p) => [`${p.container}/tcp`, {}]));
  const bindings: Record<string, Array<{ HostPort: string; HostIp?: string }>> = {};
  for (const p of spec.ports) {
    bindings[`${p.container}/tcp`] ??= [];
    bindings[`${p.container}/tcp`]?.push({ HostPort: String(p.host), ...(p.hostIp ? { HostIp: p.hostIp } : {}) });
  }
  const c = await engineCall('create container', spec.name, () =>
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
        ...(spec.extraHosts?.length ? { ExtraHosts: spec.extraHosts } : {}),
        ...lockdown(spec),
      },
      NetworkingConfig: { EndpointsConfig: { [spec.network]: { Aliases: spec.aliases } } },
    }),
  );
  // The engine API of Docker 20.10 (1.41) takes one network at create; the others are joined
  // before the first start, so the container starts with all of them.
  for (const network of spec.extraNetworks ?? []) {
    await engineCall(`connect network ${network} to`, spec.name, () => docker().getNetwork(network).connect({ Container: c.id }));
  }
  return c.id;
}

export async function startContainer(name: string): Promise<void> {
  await engineCall('start container', name, () => docker().getContainer(name).start());
}

/** Stops with the image's STOPSIGNAL; without `seconds`, the container's own stop timeout applies. */
export async function stopContainer(name: string, seconds?: number): Promise<void> {
  await engineCall('stop container', name, async () => {
    try {
      await docker()
        .getContainer(name)
        .stop(seconds === undefined ? {} : { t: seconds });
    } catch (err) {
      if ((err as { statusCode?: number }).statusCode !== 304) throw err; // 304: already stopped
    }
  });
}

/** Removes a container (running or not); its volumes stay. */
export async function removeContainer(name: string): Promise<void> {
  await engineCall('remove container', name, () => docker().getContainer(name).remove({ force: true, v: false }));
}

export async function signalContainer(name: string, signal: string): Promise<void> {
  await engineCall(`send ${signal} to`, name, () => docker().getContainer(name).kill({ signal }));
}

/** A running container's IPv4 address on one of its networks (the first one when not named). */
export async function containerAddress(name: string, network?: string): Promise<string> {
  const info = await engineCall('inspect container', name, () => docker().getContainer(name).inspect());
  const nets = info.NetworkSettings.Networks ?? {};
  const address = (network ? nets[network] : Object.values(nets)[0])?.IPAddress;
  if (!address) throw new EngineError('find the address of', name, new Error(`not attached to ${network ?? 'any network'}`));
  return address;
}

/** One reading of a running container's memory (bytes, page cache excluded as `docker stats` does) and CPU time used so far. */
export async function containerUsage(name: string): Promise<{ memoryBytes: number; cpuSeconds: number }> {
  const s = await engineCall('read stats of', name, () => docker().getContainer(name).stats({ stream: false }));
  const cache = (s.memory_stats.stats as Record<string, number> | undefined)?.inactive_file ?? (s.memory_stats.stats as Record<string, number> | undefined)?.total_inactive_file ?? 0;
  return { memoryBytes: (s.memory_stats.usage ?? 0) - cache, cpuSeconds: s.cpu_stats.cpu_usage.total_usage / 1e9 };
}
