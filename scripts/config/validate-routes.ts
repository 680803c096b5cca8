/** The `routes:` section: hosts, the tunnel or upstream each one goes to, and how TLS is handled. */
import { MAX_SOCKET_PATH, tunnelSocketPaths } from '../../stacks/layout.js';
import { type AcmeChallenge, isWildcardHost, type RouteModel, type TlsMode, type TunnelRoute, type Upstream } from '../../stacks/model.js';
import { type ConfigPath, int, obj, type Problems, str } from './problems.js';
import { checkHost, suggest } from './rules.js';
import { TLS_MODES } from './schema-routes.js';
import { checkUpstream } from './upstream-url.js';
import { routeOptions } from './validate-route-options.js';

interface RouteContext {
  userNames: string[];
  challenge: AcmeChallenge;
  /** The HSTS max-age of routes that do not set their own. */
  hsts: number;
  /** Hosts seen so far (lower-cased) and the index of their first route. */
  hosts: Map<string, number>;
  out: Problems;
}

/** The host of route `i`: a DNS name or a wildcard (dns-01 when terminated), not seen before. */
function checkRouteHost(host: string, i: number, tls: TlsMode, ctx: RouteContext): { wildcard: boolean } {
  const { out } = ctx;
  const hostProblem = checkHost(host);
  if (hostProblem) out.at(['routes', i, 'host'], hostProblem.problem, hostProblem.hint);
  const wildcard = !hostProblem && isWildcardHost(host);
  // A passthrough route has no certificate of ours, so no challenge to pass.
  if (wildcard && ctx.challenge !== 'dns-01' && tls !== 'passthrough') {
    out.at(['routes', i, 'host'], `wildcard host "${host}" needs the dns-01 challenge`, 'HTTP-01 cannot validate wildcards: set acme.challenge: dns-01 and acme.dnsHook');
  }
  const first = ctx.hosts.get(host.toLowerCase());
  if (first !== undefined) out.at(['routes', i, 'host'], `duplicate host "${host}" (first at routes[${first}])`, 'each host may have one route');
  else ctx.hosts.set(host.toLowerCase(), i);
  return { wildcard };
}

/** The TLS mode an upstream's scheme allows with the one asked for (`undefined`: reported). */
function upstreamTls(upstream: Upstream, asked: TlsMode | undefined, path: ConfigPath, out: Problems): TlsMode | undefined {
  const { scheme } = upstream;
  if (asked === 'passthrough') {
    if (scheme === 'https' || scheme === 'tcp') return 'passthrough';
    out.at(path, `tls: passthrough forwards TLS untouched, but ${scheme}:// is not TLS`, 'the upstream must terminate TLS itself: https://host:port (or tcp://host:port)');
    return undefined;
  }
  if (scheme === 'tcp') {
    out.at(path, 'tcp:// upstreams are raw TCP', 'put them under tcp: with a port of their own, or use tls: passthrough for a TLS service');
    return undefined;
  }
  if (scheme === 'https') return 'reencrypt';
  if (asked === 'reencrypt') {
    out.at(path, `tls: reencrypt needs an https:// upstream, not ${scheme}://`, 'write the upstream as https://host:port');
    return undefined;
  }
  return 'terminate';
}

/** The longest socket path of a tunnel route must fit a UNIX socket address. */
function checkSocketPaths(route: TunnelRoute, i: number, out: Problems): void {
  const longest = tunnelSocketPaths(route).at(-1)!;
  const bytes = Buffer.byteLength(longest);
  if (bytes > MAX_SOCKET_PATH) {
    out.at(['routes', i, 'host'], `the tunnel socket ${longest} is ${bytes} bytes, over the ${MAX_SOCKET_PATH} a UNIX socket path can hold`, 'use a shorter host or user name (or fewer replicas)');
  }
}

function tunnelTarget(host: string, tunnel: string, wildcard: boolean, r: Record<string, unknown>, i: number, ctx: RouteContext): TunnelRoute {
  const { out, userNames } = ctx;
  // A tunnel serves one name through one socket named after it; many names behind one
  // wildcard belong to an upstream (e.g. the operator's own ingress) that tells them apart.
  if (wildcard) {
    const hint = `a tunnel serves one name: list each host (e.g. app.${host.slice(2)}), or route the wildcard to an upstream`;
    out.at(['routes', i, 'host'], `wildcard host "${host}" cannot be served by a tunnel`, hint);
  }
  if (!userNames.includes(tunnel)) {
    const close = suggest(tunnel, userNames);
    out.at(['routes', i, 'tunnel'], `names no user "${tunnel}"`, close ? `did you mean "${close}"?` : userNames.length ? `users: ${userNames.join(', ')}` : 'define it under users:');
  }
  const route: TunnelRoute = { kind: 'tunnel', host, user: tunnel, replicas: int(r.replicas, 1) };
  if (!wildcard) checkSocketPaths(route, i, out);
  return route;
}

/** One route, or `undefined` when it cannot be built (its problems are reported). */
function validateRoute(value: unknown, i: number, ctx: RouteContext): RouteModel | undefined {
  const { out } = ctx;
  const r = obj(value);
  const host = str(r.host);
  if (host === undefined) return undefined; // reported by the schema walk
  const asked = (TLS_MODES as readonly string[]).includes(str(r.tls) ?? '') ? (r.tls as TlsMode) : undefined;
  const { wildcard } = checkRouteHost(host, i, asked ?? 'terminate', ctx);
  if (r.tunnel !== undefined && r.upstream !== undefined) {
    out.at(['routes', i], 'has both "tunnel" and "upstream"', 'a route goes to exactly one of them');
    return undefined;
  }
  if (r.tunnel === undefined && r.upstream === undefined) {
    out.at(['routes', i], 'has neither "tunnel" nor "upstream"', 'add tunnel: <user> or upstream: http://host:port');
    return undefined;
  }
  const tunnel = str(r.tunnel);
  if (tunnel !== undefined) {
    const route = tunnelTarget(host, tunnel, wildcard, r, i, ctx);
    return { ...route, ...routeOptions(r, ['routes', i], { tls: asked ?? 'terminate', kind: 'tunnel', replicas: route.replicas, hsts: ctx.hsts }, out) };
  }
  const text = str(r.upstream);
  if (text === undefined) return undefined; // not a string: reported by the schema walk
  if (r.replicas !== undefined) out.at(['routes', i, 'replicas'], 'replicas only applies to tunnel routes');
  const upstream = checkUpstream(text, ['http', 'https', 'h2c', 'tcp']);
  if ('problem' in upstream) {
    out.at(['routes', i, 'upstream'], upstream.problem, upstream.hint);
    return undefined;
  }
  const tls = upstreamTls(upstream, asked, ['routes', i, r.tls === undefined ? 'upstream' : 'tls'], out);
  if (!tls) return undefined;
  return { kind: 'upstream', host, upstream, ...routeOptions(r, ['routes', i], { tls, kind: 'upstream', replicas: 1, hsts: ctx.hsts }, out) };
}

/** The routes from the raw list (in file order), reporting every problem into `out`. */
export function validateRoutes(raw: unknown, userNames: string[], acme: { challenge: AcmeChallenge; hsts: number }, out: Problems): RouteModel[] {
  const ctx: RouteContext = { userNames, challenge: acme.challenge, hsts: acme.hsts, hosts: new Map(), out };
  const routes: RouteModel[] = [];
  for (const [i, value] of (Array.isArray(raw) ? raw : []).entries()) {
    const route = validateRoute(value, i, ctx);
    if (route) routes.push(route);
  }
  return routes;
}
