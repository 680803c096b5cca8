/**
 * One service of stacks/edge.compose.yaml (already interpolated) as engine settings: mounts,
 * capabilities, security options, read-only root, tmpfs and resource limits. Pure; the compose
 * file stays the one place that says how each container is locked down.
 */
import { parseMemory } from '../../stacks/container-limits.js';
import type { ContainerSpec } from '../engine/spec.js';

/** The keys of a compose service this project uses. */
export interface ComposeService {
  image: string;
  command?: string[];
  user?: string;
  network_mode?: string;
  extra_hosts?: string[];
  restart?: string;
  stop_grace_period?: string;
  ports?: string[];
  sysctls?: Record<string, string>;
  volumes?: string[];
  networks?: string[] | Record<string, { aliases?: string[] } | null>;
  security_opt?: string[];
  cap_drop?: string[];
  cap_add?: string[];
  read_only?: boolean;
  tmpfs?: string[];
  mem_limit?: string;
  pids_limit?: number | string;
  ulimits?: Record<string, number | string | { soft: number | string; hard: number | string }>;
}

/** The lockdown and limit fields of a ContainerSpec. */
export type Hardening = Pick<ContainerSpec, 'capDrop' | 'capAdd' | 'securityOpt' | 'readOnly' | 'tmpfs' | 'memory' | 'pidsLimit' | 'ulimits'>;

/** `volume:/target[:ro]` entries as mounts of the project's volumes. */
export function composeMounts(svc: ComposeService, project: string): ContainerSpec['mounts'] {
  return (svc.volumes ?? []).map((m) => {
    const [key, target, mode] = m.split(':');
    return { volume: `${project}_${key}`, target: target!, readOnly: mode === 'ro' };
  });
}

function positive(value: unknown, what: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`stacks/edge.compose.yaml: ${what} must be a positive whole number, got ${JSON.stringify(value)}`);
  return n;
}

/** Capabilities, security options, read-only root, tmpfs and limits; absent keys stay absent. */
export function composeHardening(svc: ComposeService, service: string): Hardening {
  const out: Hardening = {};
  if (svc.cap_drop) out.capDrop = [...svc.cap_drop];
  if (svc.cap_add) out.capAdd = [...svc.cap_add];
  if (svc.security_opt) out.securityOpt = [...svc.security_opt];
  if (svc.read_only) out.readOnly = true;
  if (svc.tmpfs) {
    out.tmpfs = Object.fromEntries(
      svc.tmpfs.map((entry) => {
        const at = entry.indexOf(':');
        return at < 0 ? [entry, ''] : [entry.slice(0, at), entry.slice(at + 1)];
      }),
    );
  }
  if (svc.mem_limit !== undefined) {
    const bytes = parseMemory(String(svc.mem_limit));
    if (bytes === undefined) throw new Error(`stacks/edge.compose.yaml: ${service}.mem_limit "${svc.mem_limit}" is not like 512m or 1g`);
    out.memory = bytes;
  }
  if (svc.pids_limit !== undefined) out.pidsLimit = positive(svc.pids_limit, `${service}.pids_limit`);
  if (svc.ulimits) {
    out.ulimits = Object.fromEntries(
      Object.entries(svc.ulimits).map(([name, v]) => {
        const limit =
          typeof v === 'object'
            ? { soft: positive(v.soft, `${service}.ulimits.${name}.soft`), hard: positive(v.hard, `${service}.ulimits.${name}.hard`) }
            : { soft: positive(v, `${service}.ulimits.${name}`), hard: positive(v, `${service}.ulimits.${name}`) };
        return [name, limit];
      }),
    );
  }
  return out;
}
