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
} as const;

export const SSHD = {
  config: `${MOUNTS.config}/sshd/sshd_config`,
  /** JSON manifest of accounts sshd/sync-users.sh creates. */
  accounts: `${MOUNTS.config}/sshd/accounts.json`,
  authorizedKeysDir: `${MOUNTS.config}/sshd/authorized_keys`,
  /** Port inside the container; `ports.ssh` is published onto it. */
  port: 22,
} as const;

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

/** The socket paths of one tunnel route, slot 1 first: `<host>.sock`, `<host>.2.sock`, … */
export function tunnelSocketPaths(route: TunnelRoute): string[] {
  const dir = `${MOUNTS.tunnels}/${route.user}`;
  const paths = [`${dir}/${route.host}.sock`];
  for (let slot = 2; slot <= route.replicas; slot++) paths.push(`${dir}/${route.host}.${slot}.sock`);
  return paths;
}
