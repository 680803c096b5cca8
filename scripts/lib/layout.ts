/**
 * Where things live inside the containers: the contract between the renderers (which write paths
 * into haproxy.cfg and sshd_config), the Dockerfiles, and the engine (which mounts the volumes).
 */

/** Named volumes and their mount points. `tunnels` and `config` are shared by haproxy and sshd. */
export const MOUNTS = {
  tunnels: '/run/tunnels',
  config: '/config',
  certs: '/certs',
  hostkeys: '/hostkeys',
  acme: '/acme',
} as const;

export type VolumeKey = keyof typeof MOUNTS;

/** The group through which HAProxy reaches tunnel sockets; same gid in both images. */
export const TUNNELS_GID = 2000;
export const TUNNELS_GROUP = 'tunnels';

export const HAPROXY = {
  cfg: `${MOUNTS.config}/haproxy/haproxy.cfg`,
  /** Per-host 503 pages and other response bodies, rendered with the cfg. */
  pagesDir: `${MOUNTS.config}/haproxy/pages`,
  crtList: `${MOUNTS.config}/haproxy/crt-list.txt`,
  masterSocket: '/run/haproxy/master.sock',
  /** Port inside the container; the host ports in edge.yaml are published onto these. */
  httpPort: 80,
  httpsPort: 443,
} as const;

export const SSHD = {
  config: `${MOUNTS.config}/sshd/sshd_config`,
  /** JSON manifest of accounts the entrypoint creates (see sshd/entrypoint.sh). */
  accounts: `${MOUNTS.config}/sshd/accounts.json`,
  authorizedKeysDir: `${MOUNTS.config}/sshd/authorized_keys`,
  /** Port inside the container; `ports.ssh` is published onto it. */
  port: 22,
} as const;

/** The renewer answers HTTP-01 here; HAProxy routes /.well-known/acme-challenge/ to it by name. */
export const RENEWER = { hostname: 'renewer', port: 8888 } as const;

/**
 * File name (without extension) of a host's certificate: the host itself, or `_wildcard.<domain>`
 * for `*.<domain>` (a `*` in file names would only invite shell-globbing accidents).
 */
export function certName(host: string): string {
  return host.startsWith('*.') ? `_wildcard.${host.slice(2)}` : host;
}

/** A certificate's PEM (fullchain + key) for a host, as HAProxy loads it. */
export function certPath(host: string): string {
  return `${MOUNTS.certs}/${certName(host)}.pem`;
}

/** The certificate's metadata beside its PEM (issuer, serial, notAfter, last attempt and error). */
export function certMetaPath(host: string): string {
  return `${MOUNTS.certs}/${certName(host)}.json`;
}

/**
 * uid/gid of the `haproxy` user in the haproxy image (fixed in haproxy/Dockerfile, as in the
 * official image): certificate PEMs hold private keys and are written 0600 owned by it.
 */
export const HAPROXY_UID = 990;
