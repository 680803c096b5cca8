/**
 * The model's routes in the one order every HAProxy file uses. The model arrives sorted, but the
 * renderers sort again so their output never depends on how a caller built the model.
 */
import type { EdgeModel, RouteModel } from '../stacks/model.js';
import { isWildcardHost } from '../stacks/model.js';

/** Plain code-unit order, so output never depends on the machine's locale. */
function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Routes sorted by host (lower-cased, as HAProxy matches them). */
export function sortedRoutes(model: EdgeModel): RouteModel[] {
  return [...model.routes].sort((a, b) => compare(a.host.toLowerCase(), b.host.toLowerCase()));
}

/**
 * The order of the `use_backend` rules, where the first match wins: every exact host first (so
 * an explicit host under a wildcard keeps its own route), then wildcards from the longest domain
 * to the shortest (`*.dev.example.com` before `*.example.com`), ties by host.
 */
export function routingOrder(model: EdgeModel): RouteModel[] {
  const exact = sortedRoutes(model).filter((r) => !isWildcardHost(r.host));
  const wild = sortedRoutes(model).filter((r) => isWildcardHost(r.host));
  return [...exact, ...wild.sort((a, b) => b.host.length - a.host.length || compare(a.host, b.host))];
}

/**
 * The condition that sends a request to a route, on the lower-cased Host without port. A wildcard
 * matches exactly one label before its domain, as its certificate does (RFC 6125): not the domain
 * itself, not `evil-example.com` (the dot is part of the match), not `a.b.example.com` (which the
 * certificate would not cover either, so it gets the 404 page like any unknown host).
 */
export function hostCondition(host: string): string {
  const name = host.toLowerCase();
  if (!isWildcardHost(name)) return `{ var(txn.host) -m str ${name} }`;
  // Validated names hold only [a-z0-9.-]: escaping the dots is all the regex needs.
  return `{ var(txn.host) -m reg ^[^.]+\\.${name.slice(2).replaceAll('.', '\\.')}$ }`;
}
