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

/** `limits:` of edge.yaml. */
export interface LimitsModel {
  /** Memory, processes and open files of each container (defaults in stacks/container-limits.ts). */
  containers: Record<LimitedService, ContainerLimits>;
}

export interface EdgeModel {
  project: string;
  ports: { http: number; https: number; ssh: number };
  acme: AcmeModel;
  users: UserModel[];
  routes: RouteModel[];
  limits: LimitsModel;
}

/** `*.example.com`: a host that stands for every single label under its domain. */
export function isWildcardHost(host: string): boolean {
  return host.startsWith('*.');
}
