/**
 * Server lines: where a route's traffic goes (a tunnel socket or an upstream address) and how it
 * is checked, encrypted and limited. Shared by the HTTP, passthrough and raw TCP backends.
 */
import { HOST_GATEWAY_NAME } from '../stacks/layout.js';
import { DOCKER_HOST_UPSTREAM, type RouteModel, type Upstream } from '../stacks/model.js';
import { caFilePath } from './names.js';

/**
 * Health checks of a tunnel slot. A Layer-4 check on a UNIX socket is one connect():
 * - a missing socket fails at once (ENOENT) and costs one syscall, so while DOWN probe every 200ms
 *   and come back UP on the first success (`rise 1`): a reconnected tunnel serves within ~0.3s
 *   (the ssh setup plus half an interval on average; 500ms gave a median of 514ms in the bench);
 *   even 1,000 offline slots cost only 5,000 failed connect() calls a second;
 * - while UP each check makes sshd open a channel to the user's machine, so probe every 2s;
 *   `fall 2` keeps one refused connect (full listen backlog under load) from emptying the pool;
 * - `observe layer4` marks a slot DOWN from real traffic as soon as its socket is gone, without
 *   waiting for the next check.
 * A Layer-4 check cannot see a dead local service behind a live tunnel (that is a 502); a route's
 * `health` path asks the service itself, at the price of real requests to it every 2s.
 */
export const SLOT_CHECK = 'check inter 2s fastinter 500ms downinter 200ms rise 1 fall 2 observe layer4 error-limit 2 on-error mark-down';

/** An upstream's `health` check: its own service, so a calmer pace than a tunnel's socket. */
const UPSTREAM_CHECK = 'check inter 5s fastinter 1s downinter 2s rise 1 fall 2';

const isIpLiteral = (hostname: string) => /^[\d.]+$/.test(hostname) || hostname.includes(':');

/** The name HAProxy connects to: `host` is the Docker host's extra_hosts entry. */
function targetName(upstream: Upstream): string {
  return upstream.hostname === DOCKER_HOST_UPSTREAM ? HOST_GATEWAY_NAME : upstream.hostname;
}

/** `host:port` as HAProxy parses a server address; IPv6 literals need the `ipv6@` prefix. */
function serverAddress(upstream: Upstream): string {
  const name = targetName(upstream);
  return name.includes(':') ? `ipv6@${name}:${upstream.port}` : `${name}:${upstream.port}`;
}

/**
 * How the address is found: names through Docker's DNS at run time (a container that starts
 * later, or moves, is followed without a reload; `none` last so HAProxy starts without it);
 * the Docker host through /etc/hosts only, which Docker's DNS does not serve.
 */
function resolution(upstream: Upstream): string[] {
  if (isIpLiteral(upstream.hostname)) return [];
  if (upstream.hostname === DOCKER_HOST_UPSTREAM) return ['init-addr last,libc,none'];
  return ['resolvers docker resolve-prefer ipv4 init-addr last,libc,none'];
}

/**
 * TLS to the target of a re-encrypting route, verified unless the route says `verify: false`:
 * against the route's `ca` or the system bundle, with the name the certificate must carry sent
 * as SNI (and checked by health checks too). IP addresses get no SNI (RFC 6066): only the chain
 * is verified for them.
 */
function tlsOptions(route: RouteModel, name: string | undefined, checked: boolean): string[] {
  if (route.tls !== 'reencrypt') return [];
  const sni = name ? [`sni str(${name})`, ...(checked ? [`check-sni ${name}`] : [])] : [];
  if (route.verify === false) return ['ssl verify none', ...sni];
  return [`ssl verify required ca-file ${route.ca ? caFilePath(route.host, 'upstream') : '@system-ca'}`, ...sni];
}

/** Per-server share of a route's `maxconn`, rounded up so the slots together allow at least it. */
function maxconnOption(maxconn: number | undefined, servers: number): string[] {
  return maxconn ? [`maxconn ${Math.ceil(maxconn / servers)}`] : [];
}

/** The one server of an upstream route (HTTP or passthrough) or of a tcp route. */
export function upstreamServer(route: RouteModel | undefined, upstream: Upstream, opts: { maxconn?: number; http: boolean }): string {
  const sniName = route && !isIpLiteral(upstream.hostname) ? targetName(upstream) : undefined;
  const parts = [serverAddress(upstream), ...(route && opts.http ? tlsOptions(route, sniName, Boolean(route.health)) : [])];
  if (upstream.scheme === 'h2c') parts.push('proto h2');
  parts.push(...resolution(upstream));
  if (route?.health) parts.push(UPSTREAM_CHECK, ...(upstream.scheme === 'h2c' ? ['check-proto h2'] : []));
  parts.push(...maxconnOption(opts.maxconn, 1));
  return parts.join(' ');
}

/** The options after `unix@<socket>` for slot `slot` of a tunnel route (HTTP or passthrough). */
export function slotServerOptions(route: RouteModel & { kind: 'tunnel' }, slot: number, http: boolean): string {
  const parts: string[] = [];
  if (http) parts.push(...tlsOptions(route, route.host, true));
  if (http && route.protocol === 'h2c') parts.push('proto h2');
  if (http && route.sticky) parts.push(`cookie s${slot}`);
  parts.push(SLOT_CHECK);
  if (http && route.protocol === 'h2c' && route.health) parts.push('check-proto h2');
  parts.push(...maxconnOption(route.maxconn, route.replicas));
  return parts.join(' ');
}
