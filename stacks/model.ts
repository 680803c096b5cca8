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

/** sshd's connection limits (edge.yaml `limits:`). */
export interface LimitsModel {
  /** Concurrent authenticated SSH connections per user; one more is refused with a message. */
  tunnelsPerUser: number;
  /** sshd `MaxStartups start:rate:full`: unauthenticated connections, all sources together. */
  maxStartups: { start: number; rate: number; full: number };
  /** sshd `PerSourceMaxStartups`: unauthenticated connections from one address (IPv6: one /64). */
  perSourceMaxStartups: number;
  /** sshd `PerSourcePenalties`: addresses that keep failing to log in are refused for a while. */
  perSourcePenalties: boolean;
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

export interface EdgeModel {
  project: string;
  ports: { http: number; https: number; ssh: number };
  acme: AcmeModel;
  /** Public keys of SSH certificate authorities: a user certificate one of them signed logs in as its principal. */
  sshCA: string[];
  users: UserModel[];
  routes: RouteModel[];
  /** Sorted by name. */
  shares: ShareModel[];
  limits: LimitsModel;
}

/** `*.example.com`: a host that stands for every single label under its domain. */
export function isWildcardHost(host: string): boolean {
  return host.startsWith('*.');
}
