/**
 * The files HAProxy reads as lookup tables and can replace at run time without a reload: the
 * hosts map (Host and TLS name -> backend), the SNI map of passthrough routes, the list of
 * private backends, and each route's allowed addresses. One entry per line, no comments, so a
 * file's lines are exactly what the runtime API is sent.
 */
import type { EdgeModel, RouteModel } from '../stacks/model.js';
import { isPrivateRoute, isWildcardHost, routeTls } from '../stacks/model.js';
import { allowListPath, HOSTS_MAP, PRIVATE_BACKENDS, routeBackendName, SNI_MAP, TLS_TERMINATE_BACKEND, UNKNOWN_HOST_BACKEND } from './names.js';
import { tcpAllowListPath } from './render-tcp.js';
import { sortedRoutes } from './routes.js';

/** What a map or list file holds: its lines, and whether HAProxy loads it as a map or an ACL. */
export interface RuntimeFile {
  kind: 'map' | 'acl';
  lines: string[];
}

const text = (lines: string[]) => lines.map((l) => `${l}\n`).join('');

/** Map lines in host order (plain code-unit order, as the routes are sorted). */
const byHost = (lines: string[]) => [...lines].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));

/**
 * An exact host wins over a wildcard, also across the two maps: a terminated host under a
 * passthrough wildcard gets an SNI entry sending it to the terminating side (else the wildcard
 * would take its TLS), and a passthrough host under a terminated wildcard gets a hosts-map entry
 * answering 404 (else a request naming it over another TLS session would reach the wildcard's target).
 */
function shadowed(routes: RouteModel[], isThis: (r: RouteModel) => boolean, target: string): string[] {
  const wildcards = new Set(routes.filter((r) => !isThis(r) && isWildcardHost(r.host)).map((r) => r.host.toLowerCase()));
  return routes.filter((r) => isThis(r) && !isWildcardHost(r.host) && wildcards.has(r.host.toLowerCase().replace(/^[^.]*/, '*'))).map((r) => `${r.host.toLowerCase()} ${target}`);
}

/** Every runtime-replaceable file of a model, keyed by container path. */
export function runtimeFiles(model: EdgeModel): Record<string, RuntimeFile> {
  const routes = sortedRoutes(model);
  const passthrough = (r: RouteModel) => routeTls(r) === 'passthrough';
  const entry = (r: RouteModel) => `${r.host.toLowerCase()} ${routeBackendName(r)}`;
  const files: Record<string, RuntimeFile> = {
    [HOSTS_MAP]: { kind: 'map', lines: byHost([...routes.filter((r) => !passthrough(r)).map(entry), ...shadowed(routes, passthrough, UNKNOWN_HOST_BACKEND)]) },
    [SNI_MAP]: { kind: 'map', lines: byHost([...routes.filter(passthrough).map(entry), ...shadowed(routes, (r) => !passthrough(r), TLS_TERMINATE_BACKEND)]) },
    [PRIVATE_BACKENDS]: { kind: 'acl', lines: routes.filter(isPrivateRoute).map(routeBackendName) },
  };
  for (const r of routes) if (r.allow?.length) files[allowListPath(r.host)] = { kind: 'acl', lines: r.allow };
  for (const t of model.tcp ?? []) if (t.allow?.length) files[tcpAllowListPath(t.port)] = { kind: 'acl', lines: t.allow };
  return files;
}

/** The same files as text, for the config volume. */
export function renderRuntimeFiles(model: EdgeModel): Record<string, string> {
  return Object.fromEntries(Object.entries(runtimeFiles(model)).map(([path, f]) => [path, text(f.lines)]));
}
