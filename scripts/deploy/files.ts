/**
 * The config files each service gets in the `config` volume, and their hashes: what `up` compares
 * to decide on a reload or a user update instead of a container change. Pure.
 */
import { renderHaproxyFiles } from '../../haproxy/render-cfg.js';
import { renderSshdFiles } from '../../sshd/render.js';
import { DEFAULT_CERT_NAME, MOUNTS } from '../../stacks/layout.js';
import type { EdgeModel } from '../../stacks/model.js';
import type { Service } from '../../stacks/services.js';
import { stableHash } from './stack.js';

export interface ServiceFiles {
  files: Record<Service, Record<string, string>>;
  hash: Record<Service, string>;
  /** Hosts that need a PEM in the certs volume before HAProxy loads the config (the default first). */
  certHosts: string[];
}

/** The folder (in the config volume) where `up` records the hash of the files each service was last given. */
export const APPLIED_DIR = `${MOUNTS.config}/.applied`;

/** Where `up` records the hash of the files a service was last given. */
export function filesHashPath(service: Service): string {
  return `${APPLIED_DIR}/${service}.sha256`;
}

/** Every service's files, their hashes and the certificates HAProxy will load. */
export function renderServiceFiles(model: EdgeModel): ServiceFiles {
  const files = { haproxy: renderHaproxyFiles(model), sshd: renderSshdFiles(model) };
  return {
    files,
    hash: { haproxy: stableHash(files.haproxy), sshd: stableHash(files.sshd) },
    // The default certificate answers unknown SNI names: first in the crt-list (haproxy/names.ts).
    certHosts: [DEFAULT_CERT_NAME, ...model.routes.map((r) => r.host)],
  };
}
