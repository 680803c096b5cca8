/**
 * Desired state from stacks/edge.compose.yaml + the model: every network, volume and container
 * with its Compose labels and a config hash. Pure: the compose text and image tags are passed in.
 */
import { createHash } from 'node:crypto';
import { parse } from 'yaml';
import { LIMITED_SERVICES, type LimitedService } from '../../stacks/container-limits.js';
import { COMPOSE_VERSION, LABEL } from '../../stacks/labels.js';
import { ACCESS_LOG, HAPROXY } from '../../stacks/layout.js';
import type { EdgeModel } from '../../stacks/model.js';
import { type AnyService, containerName, type OptionalService, type Service } from '../../stacks/services.js';
import type { ContainerSpec } from '../engine/spec.js';
import { type ComposeService, composeHardening, composeMounts, type Hardening } from './compose-service.js';

/** Image tags of the long-running services; `pebble` only when the embedded CA is part of the stack. */
export type StackImages = Record<Service, string> & { pebble?: string };

export interface StackOptions {
  /** With `pebble`, the embedded CA is part of the stack (the caller decides: ca pebble and ACME on). */
  images: StackImages;
  /** Absolute path of the compose file and the repo, for Compose's own labels. */
  composePath: string;
  workingDir: string;
  /** Extra labels on everything (the e2e tests' run id). */
  extraLabels?: Record<string, string>;
}

export interface DesiredStack {
  project: string;
  network: { name: string; labels: Record<string, string> };
  volumes: Array<{ key: string; name: string; labels: Record<string, string> }>;
  containers: Record<Service, ContainerSpec & { service: Service; hash: string }> & { [S in OptionalService]?: ContainerSpec & { service: S; hash: string } };
  /** Optional services to remove when found: the config no longer asks for them. */
  orphans: OptionalService[];
  /** Volumes, network and lockdown of the one-off renewer container (its name and labels are per run). */
  renewer: Pick<ContainerSpec, 'mounts' | 'network' | 'aliases'> & Hardening;
  /**
   * Volumes of this project that earlier versions made and this one no longer mounts, to remove
   * once no container uses them: `config`, shared by haproxy and sshd before each got its own.
   */
  legacyVolumes: string[];
}

/** Compose's `${VAR}` / `${VAR:-default}` interpolation (and `$$` for a literal `$`), enough for our file. */
export function interpolate(text: string, vars: Record<string, string>): string {
  return text.replace(/\$\$|\$\{([A-Z_][A-Z0-9_]*)(?::-([^}]*))?\}/g, (m, name?: string, dflt?: string) => (m === '$$' ? '$' : (vars[name!] ?? dflt ?? '')));
}

/**
 * What edge.yaml's operating options add to the haproxy container, which Compose cannot say
 * conditionally: the metrics port on the host's loopback only, the logs volume (read-only: it
 * only connects to the collector's socket).
 */
function haproxyExtras(model: EdgeModel, logsVolume: string): Pick<ContainerSpec, 'ports' | 'mounts'> {
  return {
    ports: model.metrics?.port ? [{ host: model.metrics.port, container: HAPROXY.metricsPort, hostIp: '127.0.0.1' }] : [],
    mounts: model.logs?.access ? [{ volume: logsVolume, target: ACCESS_LOG.dir, readOnly: true }] : [],
  };
}

/** A stable hash of a value (keys sorted), for config-hash labels. */
export function stableHash(value: unknown): string {
  const canon = (v: unknown): unknown =>
    Array.isArray(v)
      ? v.map(canon)
      : v && typeof v === 'object'
        ? Object.fromEntries(
            Object.keys(v)
              .sort()
              .map((k) => [k, canon((v as Record<string, unknown>)[k])]),
          )
        : v;
  return createHash('sha256')
    .update(JSON.stringify(canon(value)))
    .digest('hex');
}

/** Volume keys earlier versions of the compose file had; their contents are re-rendered by `up`. */
const LEGACY_VOLUME_KEYS = ['config'];

const isLimited = (service: string): service is LimitedService => (LIMITED_SERVICES as readonly string[]).includes(service);

/** A service's limits from edge.yaml, in place of the defaults the compose file writes out. */
function limitsOf(model: EdgeModel, service: LimitedService, fromCompose: Hardening): Hardening {
  const l = model.limits.containers[service];
  return { memory: l.memory, pidsLimit: l.pids, ulimits: { ...fromCompose.ulimits, nofile: { soft: l.nofile, hard: l.nofile } } };
}

/**
 * What edge.yaml adds to the haproxy service beyond the compose file: the published port of each
 * `tcp:` route (the same number inside the container, where its frontend binds) and the
 * external networks HAProxy joins. Both are container settings: changing them recreates it.
 */
function edgeAdditions(model: EdgeModel): { ports: ContainerSpec['ports']; extraNetworks?: string[] } {
  const networks = model.networks ?? [];
  return { ports: (model.tcp ?? []).map((t) => ({ host: t.port, container: t.port })), ...(networks.length ? { extraNetworks: [...networks] } : {}) };
}

/** The desired stack: compose text interpolated with the model's values, as engine specs with labels. */
export function renderStack(composeText: string, model: EdgeModel, opts: StackOptions): DesiredStack {
  const p = model.project;
  const vars = {
    PROJECT: p,
    HTTP_PORT: String(model.ports.http),
    HTTPS_PORT: String(model.ports.https),
    SSH_PORT: String(model.ports.ssh),
    HAPROXY_IMAGE: opts.images.haproxy,
    SSHD_IMAGE: opts.images.sshd,
    PEBBLE_IMAGE: opts.images.pebble ?? '',
    ...(model.logs ? { ACCESS_LOG_MAX_BYTES: String(model.logs.maxFileMB * 1024 * 1024), ACCESS_LOG_FILES: String(model.logs.maxFiles) } : {}),
  };
  const compose = parse(interpolate(composeText, vars)) as { services: Record<AnyService | 'renewer', ComposeService>; networks: Record<string, unknown>; volumes: Record<string, unknown> };
  const common = { [LABEL.project]: p, ...(opts.extraLabels ?? {}) };
  const [netKey] = Object.keys(compose.networks);
  const network = { name: `${p}_${netKey}`, labels: { ...common, [LABEL.network]: netKey!, [LABEL.version]: COMPOSE_VERSION } };
  // Compose's rule: never a config-hash on a volume (it would look changed on every edit).
  // The logs volume only exists for stacks that keep access logs.
  const volumes = Object.keys(compose.volumes)
    .filter((key) => key !== 'logs' || model.logs?.access)
    .map((key) => ({ key, name: `${p}_${key}`, labels: { ...common, [LABEL.volume]: key, [LABEL.version]: COMPOSE_VERSION } }));

  const mounts = (svc: ComposeService) => composeMounts(svc, p);
  // The compose file's lockdown, with edge.yaml's limits for the services it limits.
  const hardeningOf = (svc: ComposeService, service: string): Hardening => {
    const fromCompose = composeHardening(svc, service);
    return isLimited(service) ? { ...fromCompose, ...limitsOf(model, service, fromCompose) } : fromCompose;
  };
  const build = <S extends AnyService>(service: S, extra: Pick<ContainerSpec, 'ports' | 'mounts'> = { ports: [], mounts: [] }) => {
    const svc = compose.services[service];
    const spec: ContainerSpec = {
      name: containerName(p, service),
      image: svc.image,
      labels: {},
      ports: [
        ...(svc.ports ?? []).map((mapping) => {
          const [host, container] = mapping.split(':').map(Number);
          return { host: host!, container: container! };
        }),
        ...extra.ports,
      ],
      mounts: [...mounts(svc), ...extra.mounts],
      ...(svc.command ? { cmd: svc.command } : {}),
      ...(svc.user ? { user: svc.user } : {}),
      network: svc.network_mode ?? network.name,
      aliases: svc.network_mode ? [] : [service],
      restart: svc.restart === 'unless-stopped' ? 'unless-stopped' : 'no',
      ...(svc.stop_grace_period ? { stopTimeout: parseInt(svc.stop_grace_period, 10) } : {}),
      ...(svc.sysctls ? { sysctls: Object.fromEntries(Object.entries(svc.sysctls).map(([k, v]) => [k, String(v)])) } : {}),
      ...(svc.extra_hosts ? { extraHosts: svc.extra_hosts } : {}),
      ...hardeningOf(svc, service),
    };
    if (service === 'haproxy') {
      const extra = edgeAdditions(model);
      spec.ports.push(...extra.ports);
      if (extra.extraNetworks) spec.extraNetworks = extra.extraNetworks;
    }
    const hash = stableHash(spec);
    spec.labels = {
      ...common,
      [LABEL.service]: service,
      [LABEL.number]: '1',
      [LABEL.oneoff]: 'False',
      [LABEL.configHash]: hash,
      [LABEL.workingDir]: opts.workingDir,
      [LABEL.configFiles]: opts.composePath,
      [LABEL.version]: COMPOSE_VERSION,
    };
    return { ...spec, service, hash };
  };
  const containers = { haproxy: build('haproxy', haproxyExtras(model, `${p}_logs`)), sshd: build('sshd') } as DesiredStack['containers'];
  if (opts.images.pebble) containers.pebble = build('pebble');
  if (model.logs?.access) containers.logger = build('logger');
  const renewerNet = compose.services.renewer.networks;
  const renewer = {
    mounts: mounts(compose.services.renewer),
    network: network.name,
    aliases: (renewerNet && !Array.isArray(renewerNet) ? Object.values(renewerNet)[0]?.aliases : undefined) ?? ['renewer'],
    ...hardeningOf(compose.services.renewer, 'renewer'),
  };
  const orphans: OptionalService[] = [...(model.acme.ca === 'pebble' ? [] : ['pebble' as const]), ...(model.logs?.access ? [] : ['logger' as const])];
  const legacyVolumes = LEGACY_VOLUME_KEYS.filter((key) => !(key in compose.volumes)).map((key) => `${p}_${key}`);
  return { project: p, network, volumes, containers, orphans, renewer, legacyVolumes };
}
