/**
 * Desired vs. observed → a list of operations, each with its cause. Pure: `up --dry-run` prints
 * exactly this, and `apply` carries it out without further decisions.
 */
import { certName } from './layout.js';
import type { AnyService, DesiredStack, OptionalService, Service } from './stack.js';

export interface ObservedStack {
  networks: string[];
  volumes: string[];
  containers: Partial<Record<AnyService, { name: string; running: boolean; hash?: string }>>;
  /** Hash of the config files each running container was last given (undefined: unknown). */
  filesHash: Partial<Record<Service, string>>;
  /** Certificate names (`certName(host)`) with a PEM in the certs volume (undefined when it could not be looked at). */
  certHosts?: string[];
}

export interface DesiredFiles {
  hash: Record<Service, string>;
  /** Hosts that need a certificate to exist before HAProxy (re)loads. */
  certHosts: string[];
}

export type Op =
  | { op: 'create-network' | 'create-volume'; target: string; cause: string }
  | { op: 'create' | 'recreate' | 'start'; target: AnyService; cause: string }
  | { op: 'remove'; target: OptionalService; cause: string }
  | { op: 'placeholder-certs'; target: 'haproxy'; hosts: string[]; cause: string }
  | { op: 'reload'; target: 'haproxy'; cause: string }
  | { op: 'update-users'; target: 'sshd'; cause: string };

export function plan(desired: DesiredStack, files: DesiredFiles, observed: ObservedStack): Op[] {
  const ops: Op[] = [];
  if (!observed.networks.includes(desired.network.name)) ops.push({ op: 'create-network', target: desired.network.name, cause: 'missing' });
  for (const v of desired.volumes) if (!observed.volumes.includes(v.name)) ops.push({ op: 'create-volume', target: v.name, cause: 'missing' });

  // Services whose container is (re)made get their files and certificates as part of that.
  for (const service of ['sshd', 'haproxy'] as const) {
    const want = desired.containers[service];
    const have = observed.containers[service];
    if (!have) {
      ops.push({ op: 'create', target: service, cause: 'no container' });
      continue;
    }
    if (have.hash !== want.hash) {
      ops.push({ op: 'recreate', target: service, cause: have.hash ? 'container settings changed (image, ports or mounts)' : 'container has no config-hash label' });
      continue;
    }
    if (!have.running) {
      // Starting re-provisions its files first (they can be written while it is stopped), so a
      // stack stopped half-way through an earlier `up` comes back whole and current.
      ops.push({ op: 'start', target: service, cause: 'container is stopped' });
      continue;
    }
    const known = observed.filesHash[service];
    if (known === files.hash[service]) continue;
    const cause = known === undefined ? 'config files unknown' : 'config files changed';
    if (service === 'sshd') {
      ops.push({ op: 'update-users', target: 'sshd', cause: `${cause}: sshd_config, accounts or keys` });
    } else {
      const missing = files.certHosts.filter((h) => !(observed.certHosts ?? []).includes(certName(h)));
      if (observed.certHosts && missing.length > 0) ops.push({ op: 'placeholder-certs', target: 'haproxy', hosts: missing, cause: 'hosts without a certificate' });
      ops.push({ op: 'reload', target: 'haproxy', cause: `${cause}: haproxy.cfg, pages or crt-list` });
    }
  }
  // After haproxy: Pebble points its DNS at the haproxy container when it starts.
  const pebble = desired.containers.pebble;
  const havePebble = observed.containers.pebble;
  if (pebble && !havePebble) ops.push({ op: 'create', target: 'pebble', cause: 'acme.ca is pebble' });
  else if (pebble && havePebble?.hash !== pebble.hash) ops.push({ op: 'recreate', target: 'pebble', cause: 'container settings changed (image)' });
  else if (pebble && havePebble && !havePebble.running) ops.push({ op: 'start', target: 'pebble', cause: 'container is stopped' });
  else if (!pebble && havePebble && desired.orphans.includes('pebble')) ops.push({ op: 'remove', target: 'pebble', cause: 'acme.ca is no longer pebble' });
  return ops;
}

/** The plan as `up --dry-run` prints it. */
export function renderPlan(ops: Op[]): string {
  if (ops.length === 0) return 'nothing to do: the stack matches edge.yaml';
  return ops
    .map((o) => {
      const extra = o.op === 'placeholder-certs' ? ` [${o.hosts.join(', ')}]` : '';
      return `${o.op.padEnd(17)} ${o.target}${extra} (${o.cause})`;
    })
    .join('\n');
}
