/**
 * The validated edge model: what `validateConfig` returns and every renderer consumes.
 * Plain data, sorted (users by name, routes by host) so renderers produce byte-identical output.
 */

export type AcmeCa = 'letsencrypt' | 'letsencrypt-staging' | 'pebble' | 'custom';

export interface AcmeModel {
  /** The CA as written: one of the names, or `custom` when `ca` was a directory URL. */
  ca: AcmeCa;
  /** The ACME directory URL the renewer talks to (Pebble's is on the stack network). */
  directoryUrl: string;
  email?: string;
  renewBeforeDays: number;
}

export interface UserModel {
  name: string;
  /** OpenSSH public key lines, normalised to `type base64 [comment]`. */
  keys: string[];
}

export interface TunnelRoute {
  kind: 'tunnel';
  host: string;
  user: string;
  /** Number of socket slots: `<host>.sock`, `<host>.2.sock` … `<host>.N.sock`. */
  replicas: number;
}

export interface UpstreamRoute {
  kind: 'upstream';
  host: string;
  upstream: { scheme: 'http' | 'https'; hostname: string; port: number; url: string };
}

export type RouteModel = TunnelRoute | UpstreamRoute;

export interface EdgeModel {
  project: string;
  ports: { http: number; https: number; ssh: number };
  acme: AcmeModel;
  users: UserModel[];
  routes: RouteModel[];
}

/** Where tunnel sockets live, in both the sshd and the haproxy container (the `tunnels` volume). */
export const TUNNEL_ROOT = '/run/tunnels';

/** The socket paths of one tunnel route, slot 1 first. Contract: DESIGN.md "Socket path". */
export function tunnelSocketPaths(route: TunnelRoute): string[] {
  const dir = `${TUNNEL_ROOT}/${route.user}`;
  const paths = [`${dir}/${route.host}.sock`];
  for (let slot = 2; slot <= route.replicas; slot++) paths.push(`${dir}/${route.host}.${slot}.sock`);
  return paths;
}
