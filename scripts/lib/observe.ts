/**
 * Snapshots the running stack once, by labels, into the plain ObservedStack that `plan` reads.
 */
import { exec, listContainers, listDir, listNetworks, listVolumes, type ObservedContainer } from './engine.js';
import { filesHashPath } from './files.js';
import { MOUNTS } from './layout.js';
import type { ObservedStack } from './plan.js';
import { LABEL, OPTIONAL_SERVICES, SERVICES, type AnyService, type Service } from './stack.js';

export interface Observed extends ObservedStack {
  raw: Partial<Record<AnyService, ObservedContainer>>;
}

export async function observe(project: string): Promise<Observed> {
  const byProject = `${LABEL.project}=${project}`;
  const [containers, networks, volumes] = await Promise.all([listContainers([byProject]), listNetworks([byProject]), listVolumes([byProject])]);
  const out: Observed = { networks: networks.map((n) => n.name), volumes: volumes.map((v) => v.name), containers: {}, filesHash: {}, raw: {} };
  for (const c of containers) {
    const service = c.labels[LABEL.service] as AnyService;
    // One-off containers (a renewer mid-run) are not part of the desired stack.
    if (c.labels[LABEL.oneoff] === 'True' || ![...SERVICES, ...OPTIONAL_SERVICES].includes(service)) continue;
    out.raw[service] = c;
    out.containers[service] = { name: c.name, running: c.running, hash: c.labels[LABEL.configHash] };
    if (c.running && service !== 'pebble') {
      const res = await exec(c.name, ['cat', filesHashPath(service)]);
      if (res.exitCode === 0) out.filesHash[service as Service] = res.stdout.trim();
    }
  }
  const haproxy = out.raw.haproxy;
  if (haproxy) {
    const names = await listDir(haproxy.name, MOUNTS.certs);
    out.certHosts = names.filter((n) => n.endsWith('.pem')).map((n) => n.slice(0, -'.pem'.length));
  }
  return out;
}
