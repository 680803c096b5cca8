/**
 * `down`: removes a project's containers and network; its volumes (certificates, host keys,
 * account key) only when asked, since they are the stack's only state.
 */
import { LABEL } from '../../stacks/labels.js';
import * as engine from '../engine/index.js';

export interface TeardownResult {
  containers: string[];
  networks: string[];
  volumes: string[];
}

/** Removes everything of `project` (found by its label), volumes only with `volumes: true`. */
export async function teardown(project: string, opts: { volumes: boolean; log: (line: string) => void }): Promise<TeardownResult> {
  const byProject = `${LABEL.project}=${project}`;
  const containers = await engine.listContainers([byProject]);
  // Stopped with each image's STOPSIGNAL (HAProxy: a soft stop that lets requests finish).
  await Promise.all(
    containers.map(async (c) => {
      opts.log(`stop and remove ${c.name}`);
      if (c.running) await engine.stopContainer(c.name);
      await engine.removeContainer(c.name);
    }),
  );
  const networks = await engine.listNetworks([byProject]);
  for (const n of networks) {
    opts.log(`remove network ${n.name}`);
    await engine.removeNetwork(n.name);
  }
  const volumes = opts.volumes ? await engine.listVolumes([byProject]) : [];
  for (const v of volumes) {
    opts.log(`remove volume ${v.name}`);
    await engine.removeVolume(v.name);
  }
  return { containers: containers.map((c) => c.name), networks: networks.map((n) => n.name), volumes: volumes.map((v) => v.name) };
}
