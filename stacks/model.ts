/**
 * The validated edge model: what `validateConfig` returns and every renderer consumes. Plain
 * data, sorted (users by name, routes by host) so renderers produce byte-identical output.
 * Part of the contract in stacks/: it imports only stacks/, and every part of the project may use it.
 */
import type { ContainerLimits, LimitedService } from './container-limits.js';

type AcmeCa = 'letsencrypt' | 'letsencrypt-staging' | 'pebble' | 'custom';

/** How the CA checks control of a name: HTTP-01 through HAProxy's :80, or a DNS TXT record. */
export type AcmeChallenge = 'http-01' | 'dns-01';

export interface AcmeModel {
  /** The CA as written: one of the names, or `custom` when `ca` was a directory URL. */
  ca: AcmeCa;
  /** The ACME directory URL the renewer talks to (Pebble's is on the stack network). */
  directoryUrl: string;
  email?: string;
  renewBeforeDays: number;
  /** `http-01` unless edge.yaml says `dns-01` (required for wildcard hosts). */
  challenge: AcmeChallenge;
  /**
   * dns-01 only: the hook called `set|clear <fqdn> <value>`. `validateConfig` returns it as
   * written; `loadConfig` resolves it against edge.yaml's directory, so a loaded model holds an
   * absolute path to an existing executable.
   */
  dnsHook?: string;
}

/** One public key of a user. */
export interface UserKey {
  /** The OpenSSH public key line, normalised to `type base64 [comment]`. */
  line: string;
  /** When the key stops working, UTC, `YYYY-MM-DDTHH:MM:SSZ` (edge.yaml `expires:`); absent: never. */
  expires?: string;
}

export interface UserModel {
  name: string;
  /** In file order. Empty only when `sshCA` is set: the user then logs in with certificates only. */
  keys: UserKey[];
}

/**
 * A private share: a UNIX socket `/run/shares/<name>/sock` that only `owner` may bind (`ssh -R`)
 * and only the users in `with` may connect to (`ssh -L`). Nothing of it is public.
 */
export interface ShareModel {
  name: string;
  owner: string;
  /** Sorted, never empty, never the owner. */
  with: string[];
}

/** edge.yaml `limits:`: sshd's connection limits and each container's resources. */
export interface LimitsModel {
  /** Concurrent authenticated SSH connections per user; one more is refused with a message. */
  tunnelsPerUser: number;
  /** sshd `MaxStartups start:rate:full`: unauthenticated connections, all sources together. */
  maxStartups: { start: number; rate: number; full: number };
  /** sshd `PerSourceMaxStartups`: unauthenticated connections from one address (IPv6: one /64). */
  perSourceMaxStartups: number;
  /** sshd `PerSourcePenalties`: addresses that keep failing to log in are refused for a while. */
  perSourcePenalties: boolean;
  /** Memory, processes and open files of each container (defaults in stacks/container-limits.ts). */
  containers: Record<LimitedService, ContainerLimits>;
}

/**
 * How a route's TLS is handled at :443: `terminate` (HAProxy holds the certificate and speaks
 * plain HTTP to the target), `reencrypt` (terminates, then TLS again to the target, verified by
 * default), `passthrough` (routed by SNI only; the target holds the certificate).
 */
export type TlsMode = 'terminate' | 'reencrypt' | 'passthrough';

/** A PEM file edge.yaml points at (`ca`, `clientCA`): `validateConfig` fills `file`, `loadConfig` reads `pem`. */
export interface PemFile {
  file: string;
  pem: string;
}

/** One basic-auth account: a crypt(3) hash, never a password. */
export interface BasicAuthUser {
  user: string;
  hash: string;
}

/**
 * What a route may ask for besides its target. Absent fields mean "off" (validateConfig sets
 * what edge.yaml defaults, e.g. `hsts`), so literals in tests stay short.
 */
export interface RouteOptions {
  /** Absent: `terminate`. `reencrypt` is set for every `https://` upstream. */
  tls?: TlsMode;
  /** reencrypt only: verify the target's certificate (absent: true) against `ca` or the system CAs. */
  verify?: boolean;
  ca?: PemFile;
  /** mTLS: only clients with a certificate from this CA get through. */
  clientCA?: PemFile;
  basicAuth?: BasicAuthUser[];
  /** Source addresses or CIDRs allowed; absent: everyone. */
  allow?: string[];
  /** At most this many concurrent connections to the target; the rest wait (`timeout queue`). */
  maxconn?: number;
  /** Strict-Transport-Security max-age in seconds; absent or 0: no header. */
  hsts?: number;
  /** Response headers set on every answer of the route (name order). */
  headers?: Array<{ name: string; value: string }>;
  /** An HTTP health check instead of the Layer-4 one. */
  health?: { path: string };
  /** A cookie pins a browser to one slot (tunnels with replicas). */
  sticky?: boolean;
}

export interface TunnelRoute extends RouteOptions {
  kind: 'tunnel';
  /** Never a wildcard: a tunnel's socket is named after one host. */
  host: string;
  user: string;
  /** Number of socket slots: `<host>.sock`, `<host>.2.sock` … `<host>.N.sock`. */
  replicas: number;
  /** What the user's service speaks behind the socket: absent HTTP/1.1, or cleartext HTTP/2. */
  protocol?: 'h2c';
}

export interface Upstream {
  /** `tcp` only in `tcp:` routes and passthrough; `h2c` is cleartext HTTP/2 (gRPC). */
  scheme: 'http' | 'https' | 'h2c' | 'tcp';
  /** As written: a name, an IP address, or `host` (the Docker host, see DOCKER_HOST_UPSTREAM). */
  hostname: string;
  port: number;
  url: string;
}

export interface UpstreamRoute extends RouteOptions {
  kind: 'upstream';
  /** A DNS name, or `*.<domain>` (one leading label, DNS-01 only): any single label under domain. */
  host: string;
  upstream: Upstream;
}

export type RouteModel = TunnelRoute | UpstreamRoute;

/** A raw TCP route: a published port forwarded to an upstream or to a user's tunnel socket. */
interface TcpOptions {
  port: number;
  maxconn?: number;
  allow?: string[];
}
interface TcpTunnelRoute extends TcpOptions {
  kind: 'tunnel';
  user: string;
}
interface TcpUpstreamRoute extends TcpOptions {
  kind: 'upstream';
  upstream: Upstream;
}
export type TcpRoute = TcpTunnelRoute | TcpUpstreamRoute;

/** What a tunnel route's 503 page shows: the owner and the ssh command, or nothing about them. */
export type OfflinePage = 'instructions' | 'plain';
/** `metrics:`: a Prometheus endpoint published on the edge host's loopback only. */
export interface MetricsModel {
  /** Host port, published on 127.0.0.1; absent: served on `host` only. */
  port?: number;
  /** Also served at https://<host>/metrics by an upstream route in `routes` (behind basicAuth or clientCA). */
  host?: string;
}

/** `logs:`: one JSON line per request, kept in the `logs` volume, rotated by size. */
export interface LogsModel {
  access: boolean;
  /** A file is rotated once it reaches this size. */
  maxFileMB: number;
  /** Rotated files kept besides the current one. */
  maxFiles: number;
}

/** `notify:`: who hears about it when `renew` finds a certificate in trouble. */
export interface NotifyModel {
  /**
   * An executable run on the machine that runs `renew`, the JSON report on its stdin.
   * `validateConfig` returns it as written; `loadConfig` resolves it against edge.yaml's directory.
   */
  command?: string;
  /** An https:// URL (http:// on loopback only) the JSON report is POSTed to. */
  webhook?: string;
  /** Report a certificate with fewer days left than this, even when nothing failed. */
  daysLeft: number;
}

export interface EdgeModel {
  project: string;
  ports: { http: number; https: number; ssh: number };
  acme: AcmeModel;
  /** Public keys of SSH certificate authorities: a user certificate one of them signed logs in as its principal. */
  sshCA: string[];
  users: UserModel[];
  routes: RouteModel[];
  /** Raw TCP routes, by port. Absent: none. */
  tcp?: TcpRoute[];
  /** External Docker networks HAProxy joins (upstreams there are found by container name). */
  networks?: string[];
  /** Absent: `plain` (no user names or SSH ports shown to the public). */
  offlinePage?: OfflinePage;
  /** Sorted by name. */
  shares: ShareModel[];
  limits: LimitsModel;
  /** Absent: no metrics endpoint. */
  metrics?: MetricsModel;
  /** Absent: errors only, through HAProxy's stdout (`docker logs`). */
  logs?: LogsModel;
  /** Absent: `renew` reports on its output and exit code only. */
  notify?: NotifyModel;
}

/** `*.example.com`: a host that stands for every single label under its domain. */
export function isWildcardHost(host: string): boolean {
  return host.startsWith('*.');
}

/** The hostname that means "the Docker host" in an upstream URL (`http://host:9000`). */
export const DOCKER_HOST_UPSTREAM = 'host';

/** A route's TLS mode with the default filled in. */
export function routeTls(route: RouteModel): TlsMode {
  return route.tls ?? 'terminate';
}

/** Routes HAProxy terminates (and so holds a certificate for): all but passthrough. */
export function terminatedRoutes(model: EdgeModel): RouteModel[] {
  return model.routes.filter((r) => routeTls(r) !== 'passthrough');
}

/** A terminated route with access rules: reachable only when SNI and Host name the same route. */
export function isPrivateRoute(route: RouteModel): boolean {
  return routeTls(route) !== 'passthrough' && Boolean(route.clientCA || route.basicAuth?.length || route.allow?.length);
}
