/** The `routes:` section: hosts, and the tunnel or upstream each one goes to. */
import { type AcmeChallenge, isWildcardHost, type RouteModel } from '../../stacks/model.js';
import { int, obj, type Problems, str } from './problems.js';
import { checkHost, checkUpstream, suggest } from './rules.js';

interface RouteContext {
  userNames: string[];
  challenge: AcmeChallenge;
  /** Hosts seen so far (lower-cased) and the index of their first route. */
  hosts: Map<string, number>;
  out: Problems;
}

/** The host of route `i`: a DNS name or a wildcard (dns-01 only), not seen before. */
function checkRouteHost(host: string, i: number, ctx: RouteContext): { wildcard: boolean } {
  const { out } = ctx;
  const hostProblem = checkHost(host);
  if (hostProblem) out.at(['routes', i, 'host'], hostProblem.problem, hostProblem.hint);
  const wildcard = !hostProblem && isWildcardHost(host);
  if (wildcard && ctx.challenge !== 'dns-01') {
    out.at(['routes', i, 'host'], `wildcard host "${host}" needs the dns-01 challenge`, 'HTTP-01 cannot validate wildcards: set acme.challenge: dns-01 and acme.dnsHook');
  }
  const first = ctx.hosts.get(host.toLowerCase());
  if (first !== undefined) out.at(['routes', i, 'host'], `duplicate host "${host}" (first at routes[${first}])`, 'each host may have one route');
  else ctx.hosts.set(host.toLowerCase(), i);
  return { wildcard };
}

/** One route, or `undefined` when it cannot be built (its problems are reported). */
function validateRoute(value: unknown, i: number, ctx: RouteContext): RouteModel | undefined {
  const { out, userNames } = ctx;
  const r = obj(value);
  const host = str(r.host);
  if (host === undefined) return undefined; // reported by the schema walk
  const { wildcard } = checkRouteHost(host, i, ctx);
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
    return { kind: 'tunnel', host, user: tunnel, replicas: int(r.replicas, 1) };
  }
  const upstream = str(r.upstream);
  if (upstream === undefined) return undefined; // not a string: reported by the schema walk
  if (r.replicas !== undefined) out.at(['routes', i, 'replicas'], 'replicas only applies to tunnel routes');
  const parsed = checkUpstream(upstream);
  if ('problem' in parsed) {
    out.at(['routes', i, 'upstream'], parsed.problem, parsed.hint);
    return undefined;
  }
  return { kind: 'upstream', host, upstream: parsed };
}

/** The routes from the raw list (in file order), reporting every problem into `out`. */
export function validateRoutes(raw: unknown, userNames: string[], challenge: AcmeChallenge, out: Problems): RouteModel[] {
  const ctx: RouteContext = { userNames, challenge, hosts: new Map(), out };
  const routes: RouteModel[] = [];
  for (const [i, value] of (Array.isArray(raw) ? raw : []).entries()) {
    const route = validateRoute(value, i, ctx);
    if (route) routes.push(route);
  }
  return routes;
}
