/**
 * The crt-list of the :443 bind: the default certificate first, then one line per route host
 * with that host as its only SNI filter.
 */
import { certPath } from '../stacks/layout.js';
import type { EdgeModel } from '../stacks/model.js';
import { DEFAULT_CERT } from './names.js';
import { sortedRoutes } from './routes.js';

/**
 * Why a default first: the first certificate of a bind is what HAProxy presents when no SNI
 * filter matches, so an unknown name still completes TLS and gets the 404 page; and with zero
 * routes the list is never empty, which would stop HAProxy from starting. Explicit SNI filters
 * keep a host's certificate from being picked by the names inside another one. A wildcard's
 * filter is `*.example.com`: HAProxy looks for an exact SNI match before a wildcard one, so an
 * explicit host under the wildcard keeps its own certificate.
 */
export function renderCrtList(model: EdgeModel): string {
  const lines = [DEFAULT_CERT];
  for (const route of sortedRoutes(model)) lines.push(`${certPath(route.host)} ${route.host.toLowerCase()}`);
  return `${lines.join('\n')}\n`;
}
