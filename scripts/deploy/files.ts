/**
 * The config files each service gets in the `config` volume, and their hashes: what `up` compares
 * to decide on a reload or a user update instead of a container change. Pure.
 */
import type { HaproxyManifest } from '../../haproxy/manifest.js';
import { renderHaproxy } from '../../haproxy/render-cfg.js';
import { type LoginFile, renderLoginFiles, renderSshdFiles } from '../../sshd/render.js';
import { certName, DEFAULT_CERT_NAME, MOUNTS } from '../../stacks/layout.js';
import { type EdgeModel, terminatedRoutes } from '../../stacks/model.js';
import type { Service } from '../../stacks/services.js';
import type { ObservedCerts } from './plan.js';
import { stableHash } from './stack.js';

export interface ServiceFiles {
  files: Record<Service, Record<string, string>>;
  hash: Record<Service, string>;
  /** Hosts that need a PEM in the certs volume before HAProxy loads the config (the default first). */
  certHosts: string[];
  /** What the haproxy files ask of a running HAProxy: which changes to them need a reload. */
  haproxyManifest: HaproxyManifest;
}

/** The folder (in the config volume) where `up` records the hash of the files each service was last given. */
export const APPLIED_DIR = `${MOUNTS.config}/.applied`;

/** Where `up` records the manifest of the haproxy files it last wrote (see haproxy/manifest.ts). */
export const HAPROXY_MANIFEST_PATH = `${APPLIED_DIR}/haproxy.json`;

/** The name under APPLIED_DIR of the login summaries' hash (they are written apart from sshd's files). */
export const LOGIN_HASH_NAME = 'sshd-login';

/** Where `up` records the hash of the files a service was last given (or of the login summaries). */
export function filesHashPath(service: Service | typeof LOGIN_HASH_NAME): string {
  return `${APPLIED_DIR}/${service}.sha256`;
}

/** The login summaries sshd gets and their hash (over content and owner). */
export interface LoginFiles {
  files: LoginFile[];
  hash: string;
}

/**
 * The login summaries for a model, with the certificate dates `certs` records (a host whose
 * certificate was not issued yet shows as a placeholder). Pure.
 */
export function renderLoginState(model: EdgeModel, certs: ObservedCerts | undefined): LoginFiles {
  const dates: Record<string, Date> = {};
  for (const r of model.routes) {
    const notAfter = certs?.notAfter[certName(r.host)];
    if (notAfter && !Number.isNaN(Date.parse(notAfter))) dates[r.host] = new Date(notAfter);
  }
  const files = renderLoginFiles(model, dates);
  return { files, hash: stableHash(Object.fromEntries(files.map((f) => [f.path, `${f.uid}\n${f.content}`]))) };
}

/** Every service's files, their hashes and the certificates HAProxy will load. */
export function renderServiceFiles(model: EdgeModel): ServiceFiles {
  const haproxy = renderHaproxy(model);
  const files = { haproxy: haproxy.files, sshd: renderSshdFiles(model) };
  return {
    files,
    hash: { haproxy: stableHash(files.haproxy), sshd: stableHash(files.sshd) },
    // The default certificate answers unknown SNI names: first in the crt-list (haproxy/names.ts).
    certHosts: [DEFAULT_CERT_NAME, ...terminatedRoutes(model).map((r) => r.host)],
    haproxyManifest: haproxy.manifest,
  };
}
