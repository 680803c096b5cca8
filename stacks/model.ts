/**
 * The validated edge model: what `validateConfig` returns and every renderer consumes. Plain
 * data, sorted (users by name, routes by host) so renderers produce byte-identical output.
 * Part of the contract in stacks/: it imports nothing, and every part of the project may use it.
 */

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

export interface UserModel {
  name: string;
  /** OpenSSH public key lines, normalised to `type base64 [comment]`. */
  keys: string[];
}

export interface TunnelRoute {
  kind: 'tunnel';
  /** Never a wildcard: a tunnel's socket is named after one host. */
  host: string;
  user: string;
  /** Number of socket slots: `<host>.sock`, `<host>.2.sock` … `<host>.N.sock`. */
  replicas: number;
}

export interface Upstream {
  scheme: 'http' | 'https';
  hostname: string;
  port: number;
  url: string;
}

export interface UpstreamRoute {
  kind: 'upstream';
  /** A DNS name, or `*.<domain>` (one leading label, DNS-01 only): any single label under domain. */
  host: string;
  upstream: Upstream;
}

export type RouteModel = TunnelRoute | UpstreamRoute;

/** `metrics:`: a Prometheus endpoint published on the edge host's loopback only. */
export interface MetricsModel {
  /** Host port, published on 127.0.0.1. */
  port: number;
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
  users: UserModel[];
  routes: RouteModel[];
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
