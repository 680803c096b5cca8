/**
 * Where things live inside the containers: the contract between the renderers (which write paths
 * into haproxy.cfg and sshd_config), the Dockerfiles and shell scripts, and the host side (which
 * mounts the volumes and writes files into them). Part of the contract in stacks/: it imports
 * only the model's types. The volumes themselves are declared in stacks/edge.compose.yaml.
 */
import type { TunnelRoute } from './model.js';

/**
 * Mount points of the named volumes. `tunnels` is the one volume haproxy (read-only) and sshd
 * share; `config` is where each of them mounts its own config volume (haproxy-config,
 * sshd-config), so paths below are the same in both and neither sees the other's files.
 */
export const MOUNTS = {
  tunnels: '/run/tunnels',
  config: '/config',
  certs: '/certs',
  hostkeys: '/hostkeys',
  acme: '/acme',
} as const;

/** The group through which HAProxy reaches tunnel sockets; same name and gid in both images. */
export const TUNNELS_GROUP = 'tunnels';
export const TUNNELS_GID = 2000;

/**
 * uid/gid of the `haproxy` user in the haproxy image (fixed in haproxy/Dockerfile): certificate
 * PEMs hold private keys and are written 0600 owned by it.
 */
export const HAPROXY_UID = 990;

export const HAPROXY = {
  cfg: `${MOUNTS.config}/haproxy/haproxy.cfg`,
  /** Per-host 503 pages and other response bodies, rendered with the cfg. */
  pagesDir: `${MOUNTS.config}/haproxy/pages`,
  crtList: `${MOUNTS.config}/haproxy/crt-list.txt`,
  masterSocket: '/run/haproxy/master.sock',
  /** Ports inside the container; the host ports in edge.yaml are published onto these. */
  httpPort: 80,
  httpsPort: 443,
  /** The metrics frontend (edge.yaml `metrics`), published on the host's 127.0.0.1 only. */
  metricsPort: 9101,
  /** The Lua service that serves the project's own series (haproxy/render-metrics.ts). */
  metricsLua: `${MOUNTS.config}/haproxy/metrics.lua`,
} as const;

/**
 * Access logs (edge.yaml `logs.access`): the `logs` volume, mounted read-only into haproxy (it
 * only connects to the collector's socket) and read-write into the logger, which writes the files.
 */
export const ACCESS_LOG = {
  dir: '/run/logs',
  socket: '/run/logs/collector.sock',
  file: '/run/logs/access.log',
} as const;

export const SSHD = {
  config: `${MOUNTS.config}/sshd/sshd_config`,
  /** JSON manifest of accounts sshd/sync-users.sh creates. */
  accounts: `${MOUNTS.config}/sshd/accounts.json`,
  authorizedKeysDir: `${MOUNTS.config}/sshd/authorized_keys`,
  /** The sshCA public keys, one per line (sshd's TrustedUserCAKeys); only when edge.yaml lists any. */
  userCaKeys: `${MOUNTS.config}/sshd/user_ca.pub`,
  /** Per user, the certificate principal that logs in as them (AuthorizedPrincipalsFile). */
  principalsDir: `${MOUNTS.config}/sshd/principals`,
  /** Per user, what `ssh <user>@edge` prints (owned by that user, 0400), written by `up`. */
  loginDir: `${MOUNTS.config}/sshd/login`,
  /** Port inside the container; `ports.ssh` is published onto it. */
  port: 22,
} as const;

/**
 * Private shares: sockets inside the sshd container only, in no volume, so HAProxy (and the
 * internet) can never reach them.
 */
export const SHARES_ROOT = '/run/shares';

/** The socket of a share: bound by its owner (`ssh -R`), reached by its users (`ssh -L`). */
export function shareSocketPath(name: string): string {
  return `${SHARES_ROOT}/${name}/sock`;
}

/** The renewer answers HTTP-01 here; HAProxy routes /.well-known/acme-challenge/ to it by name. */
export const RENEWER = { hostname: 'renewer', port: 8888 } as const;

/** The embedded test CA on the stack network (certs/pebble-entrypoint.sh). */
export const PEBBLE = {
  directoryUrl: 'https://pebble:14000/dir',
  /** The CA of Pebble's own HTTPS listener, which the renewer must trust; new at every start. */
  listenerCa: '/run/pebble/ca.pem',
} as const;

/** The certificate name for names no route claims (unknown SNI); `_` starts no DNS label. */
export const DEFAULT_CERT_NAME = '_default';

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

/** The longest path a UNIX socket can have: `sun_path` is 108 bytes, the final NUL included. */
export const MAX_SOCKET_PATH = 107;

/** The socket of a `tcp:` route served by `user`'s tunnel: `/run/tunnels/<user>/tcp-<port>.sock`. */
export function tcpSocketPath(user: string, port: number): string {
  return `${MOUNTS.tunnels}/${user}/tcp-${port}.sock`;
}

/**
 * The name HAProxy's container resolves to the Docker host: an `extra_hosts` entry set to
 * Docker's `host-gateway` (Docker 20.10+). Upstreams written `host` are rendered with it.
 */
export const HOST_GATEWAY_NAME = 'host.docker.internal';

/** The socket paths of one tunnel route, slot 1 first: `<host>.sock`, `<host>.2.sock`, … */
export function tunnelSocketPaths(route: TunnelRoute): string[] {
  const dir = `${MOUNTS.tunnels}/${route.user}`;
  const paths = [`${dir}/${route.host}.sock`];
  for (let slot = 2; slot <= route.replicas; slot++) paths.push(`${dir}/${route.host}.${slot}.sock`);
  return paths;
}
