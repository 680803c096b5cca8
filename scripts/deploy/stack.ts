/**
 * Desired state from stacks/edge.compose.yaml + the model: every network, volume and container
 * with its Compose labels and a config hash. Pure: the compose text and image tags are passed in.
 */
import { createHash } from 'node:crypto';
import { parse } from 'yaml';
import type { LimitedService } from '../../stacks/container-limits.js';
import { COMPOSE_VERSION, LABEL } from '../../stacks/labels.js';
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
  containers: Record<Service, ContainerSpec & { service: Service; hash: string }> & { pebble?: ContainerSpec & { service: 'pebble'; hash: string } };
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

/** Volume keys earlier versions of the compose file had; their contents are re-rendered by `up`. */
const LEGACY_VOLUME_KEYS = ['config'];

/** Compose's `${VAR}` / `${VAR:-default}` interpolation, enough for our file. */
export function interpolate(text: string, vars: Record<string, string>): string {
  return text.replace(/\$\{([A-Z_][A-Z0-9_]*)(?::-([^}]*))?\}/g, (_m, name: string, dflt?: string) => vars[name] ?? dflt ?? '');
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

/** A service's limits from edge.yaml, in place of the defaults the compose file writes out. */
function limitsOf(model: EdgeModel, service: LimitedService, fromCompose: Hardening): Hardening {
  const l = model.limits.containers[service];
  return { memory: l.memory, pidsLimit: l.pids, ulimits: { ...fromCompose.ulimits, nofile: { soft: l.nofile, hard: l.nofile } } };
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
  };
  const compose = parse(interpolate(composeText, vars)) as { services: Record<AnyService | 'renewer', ComposeService>; networks: Record<string, unknown>; volumes: Record<string, unknown> };
  const common = { [LABEL.project]: p, ...(opts.extraLabels ?? {}) };
  const [netKey] = Object.keys(compose.networks);
  const network = { name: `${p}_${netKey}`, labels: { ...common, [LABEL.network]: netKey!, [LABEL.version]: COMPOSE_VERSION } };
  // Compose's rule: never a config-hash on a volume (it would look changed on every edit).
  const volumes = Object.keys(compose.volumes).map((key) => ({ key, name: `${p}_${key}`, labels: { ...common, [LABEL.volume]: key, [LABEL.version]: COMPOSE_VERSION } }));

  const hardeningOf = (svc: ComposeService, service: LimitedService): Hardening => {
    const fromCompose = composeHardening(svc, service);
    return { ...fromCompose, ...limitsOf(model, service, fromCompose) };
  };
  const build = <S extends AnyService>(service: S) => {
    const svc = compose.services[service];
    const spec: ContainerSpec = {
      name: containerName(p, service),
      image: svc.image,
      labels: {},
      ports: (svc.ports ?? []).map((mapping) => {
        const [host, container] = mapping.split(':').map(Number);
        return { host: host!, container: container! };
      }),
      mounts: composeMounts(svc, p),
      network: network.name,
      aliases: [service],
      restart: svc.restart === 'unless-stopped' ? 'unless-stopped' : 'no',
      ...(svc.stop_grace_period ? { stopTimeout: parseInt(svc.stop_grace_period, 10) } : {}),
      ...(svc.sysctls ? { sysctls: Object.fromEntries(Object.entries(svc.sysctls).map(([k, v]) => [k, String(v)])) } : {}),
      ...hardeningOf(svc, service),
    };
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
  const containers = { haproxy: build('haproxy'), sshd: build('sshd') } as DesiredStack['containers'];
  if (opts.images.pebble) containers.pebble = build('pebble');
  const renewerNet = compose.services.renewer.networks;
  const renewer = {
    mounts: composeMounts(compose.services.renewer, p),
    network: network.name,
    aliases: (renewerNet && !Array.isArray(renewerNet) ? Object.values(renewerNet)[0]?.aliases : undefined) ?? ['renewer'],
    ...hardeningOf(compose.services.renewer, 'renewer'),
  };
  const legacyVolumes = LEGACY_VOLUME_KEYS.filter((key) => !(key in compose.volumes)).map((key) => `${p}_${key}`);
  return { project: p, network, volumes, containers, orphans: model.acme.ca === 'pebble' ? [] : ['pebble'], renewer, legacyVolumes };
}
