/**
 * Snapshots the running stack once, by labels, into the plain ObservedStack that `plan` reads:
 * containers, networks, volumes, which config files each service was last given, what the certs
 * volume holds, and which images exist.
 */
import { randomBytes } from 'node:crypto';
import { parseCertMeta } from '../../certs/cert-meta.js';
import type { HaproxyManifest } from '../../haproxy/manifest.js';
import { LABEL } from '../../stacks/labels.js';
import { MOUNTS } from '../../stacks/layout.js';
import { type AnyService, OPTIONAL_SERVICES, SERVICES } from '../../stacks/services.js';
import * as engine from '../engine/index.js';
import { extraLabels } from './desired.js';
import { APPLIED_DIR, HAPROXY_MANIFEST_PATH, LOGIN_HASH_NAME } from './files.js';
import type { ObservedCerts, ObservedStack } from './plan.js';
import type { DesiredStack } from './stack.js';

/** The image every one of ours is built from: present wherever one of them was built. */
const BASE_IMAGE = 'debian:trixie-slim';

export interface Observed extends ObservedStack {
  raw: Partial<Record<AnyService, engine.ObservedContainer>>;
}

const isService = (s: string): s is AnyService => (SERVICES as readonly string[]).includes(s) || (OPTIONAL_SERVICES as readonly string[]).includes(s);

/**
 * What `up` recorded in a container's config volume (a fresh volume has none): the hashes by file
 * name without `.sha256`, and HAProxy's manifest.
 */
function appliedHashes(listing: engine.DirListing | undefined): { hashes: Record<string, string>; manifest?: HaproxyManifest } {
  const hashes: Record<string, string> = {};
  for (const [file, text] of Object.entries(listing?.contents ?? {})) {
    if (file.endsWith('.sha256')) hashes[file.slice(0, -'.sha256'.length)] = text.trim();
  }
  const manifest = parseManifest(listing?.contents[HAPROXY_MANIFEST_PATH.slice(APPLIED_DIR.length + 1)]);
  return { hashes, ...(manifest ? { manifest } : {}) };
}

/** A recorded manifest, or nothing when it is missing or unreadable (then HAProxy reloads). */
function parseManifest(text: string | undefined): HaproxyManifest | undefined {
  try {
    const value = JSON.parse(text ?? '') as HaproxyManifest;
    return typeof value.core === 'string' && value.sections && Array.isArray(value.certificates) && value.runtime ? value : undefined;
  } catch {
    return undefined;
  }
}

/** PEMs in a listing of the certs folder, which of them the renewer issued (metadata with a serial), and until when. */
function certsFrom(listing: engine.DirListing): ObservedCerts {
  const pem = listing.names.filter((n) => n.endsWith('.pem')).map((n) => n.slice(0, -'.pem'.length));
  const notAfter: Record<string, string> = {};
  for (const [file, text] of Object.entries(listing.contents)) {
    const meta = parseCertMeta(text);
    const name = file.slice(0, -'.json'.length);
    if (meta?.serial && meta.notAfter && pem.includes(name)) notAfter[name] = meta.notAfter;
  }
  return { pem, issued: Object.keys(notAfter), notAfter };
}

const CERTS_DIR: engine.DirWanted = { path: MOUNTS.certs, suffix: '.json' };
const APPLIED: engine.DirWanted = { path: APPLIED_DIR, suffix: '' };

/** The certs folder as a container that mounts it sees it (through the archive API). */
export async function certsIn(container: string): Promise<ObservedCerts> {
  return certsFrom(await engine.readDir(container, CERTS_DIR.path, (name) => name.endsWith(CERTS_DIR.suffix)));
}

/**
 * Folders of one of the stack's containers: in one exec while it runs, else one archive read
 * each (a stopped or just-created container). Folders that cannot be read are missing.
 */
async function readFolders(c: engine.ObservedContainer, dirs: engine.DirWanted[]): Promise<Record<string, engine.DirListing>> {
  if (c.running) {
    const live = await engine.readDirsRunning(c.name, dirs).catch(() => undefined);
    if (live) return live;
  }
  const listings = await Promise.all(dirs.map((d) => engine.readDir(c.name, d.path, (name) => name.endsWith(d.suffix)).catch(() => undefined)));
  return Object.fromEntries(dirs.flatMap((d, i) => (listings[i] ? [[d.path, listings[i]]] : [])));
}

/**
 * The certs volume read through a container that mounts it and never starts (the archive API
 * mounts volumes of created containers): for a stack whose haproxy container is gone but whose
 * volumes were kept. Needs any local image; `undefined` when there is none at all.
 */
async function certsInVolume(project: string, volume: string, images: string[]): Promise<ObservedCerts | undefined> {
  let image: string | undefined;
  for (const candidate of [...images, BASE_IMAGE]) {
    if (await engine.imageExists(candidate)) {
      image = candidate;
      break;
    }
  }
  if (!image) return undefined;
  const name = `${project}-probe-${randomBytes(4).toString('hex')}`;
  await engine.createContainer({
    name,
    image,
    labels: { [LABEL.project]: project, [LABEL.oneoff]: 'True', ...extraLabels() },
    ports: [],
    mounts: [{ volume, target: MOUNTS.certs, readOnly: true }],
    network: 'none',
    aliases: [],
    restart: 'no',
  });
  try {
    return await certsIn(name);
  } finally {
    await engine.removeContainer(name);
  }
}

/** The certs volume when HAProxy is gone: through a probe when only the volume is left, else empty. */
async function certsWithoutHaproxy(desired: DesiredStack, out: Observed): Promise<ObservedCerts | undefined> {
  const volume = desired.volumes.find((v) => v.key === 'certs')?.name;
  if (volume && out.volumes.includes(volume)) return certsInVolume(desired.project, volume, out.images);
  return { pem: [], issued: [], notAfter: {} };
}

/** One snapshot of `desired.project` on the engine; `imageTags` are the images the plan may need. */
export async function observe(desired: DesiredStack, imageTags: string[]): Promise<Observed> {
  const byProject = `${LABEL.project}=${desired.project}`;
  const [containers, networks, volumes, present] = await Promise.all([
    engine.listContainers([byProject]),
    engine.listNetworks([byProject]),
    engine.listVolumes([byProject]),
    Promise.all(imageTags.map(async (t) => ((await engine.imageExists(t)) ? t : undefined))),
  ]);
  const out: Observed = {
    networks: networks.map((n) => n.name),
    volumes: volumes.map((v) => v.name),
    containers: {},
    filesHash: {},
    images: present.filter((t): t is string => t !== undefined),
    raw: {},
  };
  for (const c of containers) {
    const service = c.labels[LABEL.service] ?? '';
    // One-off containers (a renewer mid-run, a probe) are not part of the desired stack.
    if (c.labels[LABEL.oneoff] === 'True' || !isService(service)) continue;
    out.raw[service] = c;
    out.containers[service] = { name: c.name, running: c.running, ...(c.labels[LABEL.configHash] ? { hash: c.labels[LABEL.configHash] } : {}) };
  }
  // HAProxy's record and the certs volume in one read, sshd's record beside it.
  const haproxy = out.raw.haproxy;
  const [haproxyDirs, sshdDirs, certsElsewhere] = await Promise.all([
    haproxy ? readFolders(haproxy, [APPLIED, CERTS_DIR]) : undefined,
    out.raw.sshd ? readFolders(out.raw.sshd, [APPLIED]) : undefined,
    haproxy ? undefined : certsWithoutHaproxy(desired, out),
  ]);
  const applied = { haproxy: appliedHashes(haproxyDirs?.[APPLIED.path]), sshd: appliedHashes(sshdDirs?.[APPLIED.path]) };
  for (const service of SERVICES) {
    const hash = applied[service].hashes[service];
    if (hash) out.filesHash[service] = hash;
  }
  if (applied.haproxy.manifest) out.haproxyManifest = applied.haproxy.manifest;
  if (applied.sshd.hashes[LOGIN_HASH_NAME]) out.loginHash = applied.sshd.hashes[LOGIN_HASH_NAME];
  // A certs folder HAProxy could not list is an error, as before: planning on "no certificates"
  // would put placeholders over issued ones.
  const certsListing = haproxyDirs?.[CERTS_DIR.path];
  const certs = haproxy ? (certsListing ? certsFrom(certsListing) : await certsIn(haproxy.name)) : certsElsewhere;
  if (certs) out.certs = certs;
  return out;
}
