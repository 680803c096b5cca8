/**
 * The files HAProxy reads as lookup tables and can replace at run time without a reload: the
 * hosts map (Host and TLS name -> backend), the SNI map of passthrough routes, the list of
 * private backends, and each route's allowed addresses. One entry per line, no comments, so a
 * file's lines are exactly what the runtime API is sent.
 */
import type { EdgeModel, RouteModel } from '../stacks/model.js';
import { isPrivateRoute, routeTls } from '../stacks/model.js';
import { allowListPath, HOSTS_MAP, PRIVATE_BACKENDS, routeBackendName, SNI_MAP } from './names.js';
import { tcpAllowListPath } from './render-tcp.js';
import { sortedRoutes } from './routes.js';

/** What a map or list file holds: its lines, and whether HAProxy loads it as a map or an ACL. */
export interface RuntimeFile {
  kind: 'map' | 'acl';
  lines: string[];
}

const text = (lines: string[]) => lines.map((l) => `${l}\n`).join('');

/** Every runtime-replaceable file of a model, keyed by container path. */
export function runtimeFiles(model: EdgeModel): Record<string, RuntimeFile> {
  const routes = sortedRoutes(model);
  const passthrough = (r: RouteModel) => routeTls(r) === 'passthrough';
  const entry = (r: RouteModel) => `${r.host.toLowerCase()} ${routeBackendName(r)}`;
  const files: Record<string, RuntimeFile> = {
    [HOSTS_MAP]: { kind: 'map', lines: routes.filter((r) => !passthrough(r)).map(entry) },
    [SNI_MAP]: { kind: 'map', lines: routes.filter(passthrough).map(entry) },
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
