/**
 * Desired vs. observed → the list of operations `up` runs, each with its cause. Pure: `up
 * --dry-run` prints exactly this (image builds, placeholder certificates and first issuance
 * included), and `apply` carries it out without further decisions.
 */
import { changedFiles, type HaproxyManifest, haproxyChange } from '../../haproxy/manifest.js';
import { certName, DEFAULT_CERT_NAME, MOUNTS } from '../../stacks/layout.js';
import type { AnyService, OptionalService, Service } from '../../stacks/services.js';
import type { ImageName } from './images.js';
import type { DesiredStack } from './stack.js';

/** What the certs volume holds, by certificate name (`certName(host)`). */
export interface ObservedCerts {
  /** Names with a PEM. */
  pem: string[];
  /** Names whose PEM the renewer issued (its metadata has a serial); the rest are placeholders. */
  issued: string[];
  /** notAfter (ISO) of each issued certificate, by name. */
  notAfter: Record<string, string>;
}

export interface ObservedStack {
  networks: string[];
  volumes: string[];
  containers: Partial<Record<AnyService, { name: string; running: boolean; hash?: string }>>;
  /** Hash of the config files each container was last given (absent: unknown). */
  filesHash: Partial<Record<Service, string>>;
  /** Hash of the login summaries sshd was last given (absent: none yet). */
  loginHash?: string;
  /** The certs volume (absent: it exists but could not be read). */
  certs?: ObservedCerts;
  /** The manifest of the haproxy files `up` last wrote (absent: none recorded). */
  haproxyManifest?: HaproxyManifest;
  /** Image tags present on the engine. */
  images: string[];
}

export interface DesiredState {
  stack: DesiredStack;
  /** Hash of each service's rendered config files. */
  filesHash: Record<Service, string>;
  /** Hash of the login summaries (they carry certificate dates, so they are rendered after observing). */
  loginHash: string;
  /** Hosts of tunnel routes: their certificate dates appear in the login summaries. */
  tunnelHosts: string[];
  /** Every host HAProxy loads a certificate for, the default certificate's name first. */
  certHosts: string[];
  /** What the desired haproxy files ask of a running HAProxy. */
  haproxyManifest: HaproxyManifest;
  /** Image tags the stack runs on, and the renewer's when issuance is on. */
  images: Partial<Record<ImageName, string>>;
  /** Image → the image it is built on (tunnelgate/base, whose tag is in `images` too). */
  imageBases?: Partial<Record<ImageName, ImageName>>;
  /** Obtain certificates for hosts that have none but a placeholder (`--no-acme` turns it off). */
  acme: boolean;
}

export type Op =
  /** `after`: the build of its base in the same plan, which must finish first. */
  | { op: 'build'; target: ImageName; tag: string; cause: string; after?: ImageName }
  | { op: 'create-network' | 'create-volume' | 'remove-volume'; target: string; cause: string }
  | { op: 'create' | 'recreate' | 'start'; target: AnyService; cause: string }
  | { op: 'write-files'; target: Service; cause: string }
  | { op: 'remove'; target: OptionalService; cause: string }
  | { op: 'placeholder-certs'; target: 'haproxy'; hosts: string[]; cause: string }
  /** These files (the ones that differ from the applied record) swapped in, then a checked reload. */
  | { op: 'reload'; target: 'haproxy'; files: string[]; cause: string }
  /** The files in `swap` (those that differ from the applied record) swapped in, checked, and the map/ACL files in `files` replaced through the runtime API: no reload. */
  | { op: 'update-routes'; target: 'haproxy'; files: string[]; swap: string[]; cause: string }
  | { op: 'update-users'; target: 'sshd'; cause: string }
  | { op: 'update-login'; target: 'sshd'; cause: string }
  | { op: 'issue-certs'; target: 'renewer'; hosts: string[]; cause: string };

/**
 * Creates or recreates a container whose settings differ, with `between` (files it needs before
 * its first start) in between; says whether the container is new, stopped or running.
 */
function containerOps(service: AnyService, desired: DesiredState, observed: ObservedStack, ops: Op[], between: () => void = () => {}): 'fresh' | 'stopped' | 'running' {
  const want = desired.stack.containers[service];
  const have = observed.containers[service];
  if (!want) return 'running';
  if (!have) {
    ops.push({ op: 'create', target: service, cause: service === 'pebble' ? 'acme.ca is pebble' : service === 'logger' ? 'logs.access is on' : 'no container' });
    between();
    ops.push({ op: 'start', target: service, cause: 'new container' });
    return 'fresh';
  }
  if (have.hash !== want.hash) {
    ops.push({ op: 'recreate', target: service, cause: have.hash ? 'container settings changed (image, ports, mounts, lockdown or limits)' : 'container has no config-hash label' });
    between();
    ops.push({ op: 'start', target: service, cause: 'new container' });
    return 'fresh';
  }
  return have.running ? 'running' : 'stopped';
}

/** Config files a service must get: a stopped container gets them written before its start. */
function filesOps(service: Service, state: 'fresh' | 'stopped' | 'running', desired: DesiredState, observed: ObservedStack, ops: Op[]): void {
  if (state === 'fresh') return; // created with its files
  const known = observed.filesHash[service];
  const changed = known !== desired.filesHash[service];
  const cause = known === undefined ? 'config files unknown' : 'config files changed';
  if (state === 'stopped') {
    if (changed) ops.push({ op: 'write-files', target: service, cause });
    // Starting with its current files, so a stack stopped half-way through an earlier `up` comes back whole.
    ops.push({ op: 'start', target: service, cause: 'container is stopped' });
  } else if (changed && service === 'sshd') ops.push({ op: 'update-users', target: 'sshd', cause: `${cause}: sshd_config, accounts or keys` });
  else if (changed) ops.push(haproxyOp(desired, observed, cause));
}

/**
 * A running HAProxy whose files changed: a reload, unless every backend and certificate the new
 * maps point at is already loaded (routes removed, allow lists edited): then the runtime API.
 */
function haproxyOp(desired: DesiredState, observed: ObservedStack, cause: string): Op {
  const change = haproxyChange(desired.haproxyManifest, observed.haproxyManifest);
  const changed = changedFiles(desired.haproxyManifest, observed.haproxyManifest);
  if (change.how === 'runtime') return { op: 'update-routes', target: 'haproxy', files: change.files, swap: changed, cause: change.why };
  return {
    op: 'reload',
    target: 'haproxy',
    files: changed,
    cause: `${cause}: ${change.how === 'reload' ? change.why : 'haproxy.cfg, pages or crt-list'}`,
  };
}

/** An optional service: created, started or recreated when the config asks for it, removed when it no longer does. */
function optionalOps(service: OptionalService, removeCause: string, desired: DesiredState, observed: ObservedStack, ops: Op[]): void {
  if (desired.stack.containers[service]) {
    if (containerOps(service, desired, observed, ops) === 'stopped') ops.push({ op: 'start', target: service, cause: 'container is stopped' });
  } else if (observed.containers[service] && desired.stack.orphans.includes(service)) ops.push({ op: 'remove', target: service, cause: removeCause });
}

/** Why the shared `config` volume of earlier versions goes (its files are rendered anew into each service's own). */
const LEGACY_VOLUME_CAUSE = 'replaced by haproxy-config and sshd-config: haproxy and sshd no longer share a writable volume';

/** Builds of the images `needed` that are missing, each base first (only when something missing is built on it). */
function buildOps(desired: DesiredState, observed: ObservedStack, needed: ImageName[], ops: Op[]): void {
  const tagOf = (name: ImageName) => desired.images[name];
  const missing = needed.filter((name) => {
    const tag = tagOf(name);
    return tag !== undefined && !observed.images.includes(tag);
  });
  const bases = new Set<ImageName>();
  for (const name of missing) {
    const base = desired.imageBases?.[name];
    const tag = base && tagOf(base);
    if (base && tag && !observed.images.includes(tag)) bases.add(base);
  }
  for (const base of bases) {
    const users = missing.filter((name) => desired.imageBases?.[name] === base);
    ops.push({ op: 'build', target: base, tag: tagOf(base) ?? '', cause: `the layer ${users.join(', ')} are built on is not built yet` });
  }
  for (const name of missing) {
    const base = desired.imageBases?.[name];
    ops.push({ op: 'build', target: name, tag: tagOf(name) ?? '', cause: 'image not built yet (first run or changed build context)', ...(base && bases.has(base) ? { after: base } : {}) });
  }
}

/** The plan: builds, network and volumes, sshd, haproxy (with placeholders), pebble, logger, the old shared volume, issuance. */
export function plan(desired: DesiredState, observed: ObservedStack): Op[] {
  const ops: Op[] = [];
  const certs = observed.certs;
  const missing = certs ? desired.certHosts.filter((h) => !certs.pem.includes(certName(h))) : desired.certHosts;
  const routeHosts = desired.certHosts.filter((h) => h !== DEFAULT_CERT_NAME);
  const toIssue = desired.acme ? routeHosts.filter((h) => missing.includes(h) || !certs?.issued.includes(certName(h))) : [];

  buildOps(desired, observed, ['haproxy', 'sshd', ...(desired.stack.containers.pebble ? (['pebble'] as const) : []), ...(toIssue.length ? (['renewer'] as const) : [])], ops);
  if (!observed.networks.includes(desired.stack.network.name)) ops.push({ op: 'create-network', target: desired.stack.network.name, cause: 'missing' });
  for (const v of desired.stack.volumes) if (!observed.volumes.includes(v.name)) ops.push({ op: 'create-volume', target: v.name, cause: 'missing' });

  filesOps('sshd', containerOps('sshd', desired, observed, ops), desired, observed, ops);
  // The summaries were read from the config volume sshd mounts now; one it is about to get (the
  // migration from the shared volume) has none of them yet.
  const configVolume = desired.stack.containers.sshd.mounts.find((m) => m.target === MOUNTS.config)?.volume;
  const newVolume = configVolume !== undefined && !observed.volumes.includes(configVolume);
  if (desired.loginHash !== observed.loginHash || (newVolume && observed.loginHash)) {
    const cause = !observed.loginHash ? 'no login summaries yet' : newVolume ? 'new config volume' : 'login summaries changed (routes, shares, keys or certificate dates)';
    ops.push({ op: 'update-login', target: 'sshd', cause });
  }

  // HAProxy refuses to start (or reload) with a crt-list naming a missing file: placeholders first.
  const placeholders = () => {
    if (missing.length)
      ops.push({ op: 'placeholder-certs', target: 'haproxy', hosts: missing, cause: certs ? 'no certificate yet' : 'certs volume unreadable (no local image to mount it with): every host' });
  };
  const haproxy = containerOps('haproxy', desired, observed, ops, placeholders);
  if (haproxy !== 'fresh') {
    placeholders();
    filesOps('haproxy', haproxy, desired, observed, ops);
  }

  // After haproxy: Pebble points its DNS at the haproxy container when it starts, and the
  // logger's socket is where haproxy's log ring connects (it retries until it is there).
  optionalOps('pebble', 'acme.ca is no longer pebble', desired, observed, ops);
  optionalOps('logger', 'logs.access is off', desired, observed, ops);

  // Last of the container changes: by now no container of the stack mounts them any more.
  for (const volume of desired.stack.legacyVolumes) {
    if (observed.volumes.includes(volume)) ops.push({ op: 'remove-volume', target: volume, cause: LEGACY_VOLUME_CAUSE });
  }

  if (toIssue.length) ops.push({ op: 'issue-certs', target: 'renewer', hosts: toIssue, cause: 'hosts without an issued certificate (placeholder in service)' });
  if (toIssue.some((h) => desired.tunnelHosts.includes(h))) ops.push({ op: 'update-login', target: 'sshd', cause: 'certificate dates after this issuance' });
  return ops;
}
