/**
 * The config files each service gets in the `config` volume, and their hashes: what `up` compares
 * to decide on a reload or a user update instead of a container change. Pure.
 */
import { renderHaproxyFiles } from '../../haproxy/render-cfg.js';
import { renderSshdFiles } from '../../sshd/render.js';
import type { EdgeModel } from './model.js';
import type { Service } from './stack.js';
import { stableHash } from './stack.js';
import { MOUNTS } from './layout.js';

export interface ServiceFiles {
  files: Record<Service, Record<string, string>>;
  hash: Record<Service, string>;
  /** Hosts that need a PEM in the certs volume before HAProxy loads the config. */
  certHosts: string[];
}

/** Where `up` records the hash of the files a service was last given (inside the config volume). */
export function filesHashPath(service: Service): string {
  return `${MOUNTS.config}/.applied/${service}.sha256`;
}

export function renderServiceFiles(model: EdgeModel): ServiceFiles {
  const files = { haproxy: renderHaproxyFiles(model), sshd: renderSshdFiles(model) };
  return {
    files,
    hash: { haproxy: stableHash(files.haproxy), sshd: stableHash(files.sshd) },
    // `_default` is the certificate for unknown SNI names, first in the crt-list (haproxy/names.ts).
    certHosts: ['_default', ...model.routes.map((r) => r.host)],
  };
}
