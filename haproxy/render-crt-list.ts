/**
 * The crt-list of the terminating frontend: the default certificate first, then one line per
 * terminated route host with that host as its only SNI filter (passthrough hosts have no
 * certificate of ours). An mTLS route's line asks for a client certificate from its CA.
 */
import { certPath } from '../stacks/layout.js';
import type { EdgeModel } from '../stacks/model.js';
import { routeTls } from '../stacks/model.js';
import { caFilePath, DEFAULT_CERT } from './names.js';
import { sortedRoutes } from './routes.js';

/**
 * Why a default first: the first certificate of a bind is what HAProxy presents when no SNI
 * filter matches, so an unknown name still completes TLS and gets the 404 page; and with zero
 * routes the list is never empty, which would stop HAProxy from starting. Explicit SNI filters
 * keep a host's certificate from being picked by the names inside another one. A wildcard's
 * filter is `*.example.com`: HAProxy looks for an exact SNI match before a wildcard one, so an
 * explicit host under the wildcard keeps its own certificate (and its own client-CA options).
 * `verify optional`: a browser without a certificate still completes the handshake and gets a
 * page saying one is needed; the route's backend refuses anything not verified.
 */
export function renderCrtList(model: EdgeModel): string {
  const lines = [DEFAULT_CERT];
  for (const route of sortedRoutes(model)) {
    if (routeTls(route) === 'passthrough') continue;
    const options = route.clientCA ? ` [verify optional ca-file ${caFilePath(route.host, 'clients')}]` : '';
    lines.push(`${certPath(route.host)}${options} ${route.host.toLowerCase()}`);
  }
  return `${lines.join('\n')}\n`;
}
