/**
 * One backend per route: tunnel routes balance over their UNIX socket slots and answer their own
 * 503 page while no slot is up; upstream routes forward to one LAN address.
 */

import { tunnelSocketPaths } from '../stacks/layout.js';
import type { RouteModel, TunnelRoute, UpstreamRoute } from '../stacks/model.js';
import { backendName, HTML_CONTENT_TYPE, slotServerName, tunnelPagePath, UPSTREAM_SERVER } from './names.js';

/**
 * Health checks of a tunnel slot. A Layer-4 check on a UNIX socket is one connect():
 * - a missing socket fails at once (ENOENT) and costs nothing, so while DOWN probe every 500ms
 *   and come back UP on the first success (`rise 1`): a reconnected tunnel serves within ~0.5s;
 * - while UP each check makes sshd open a channel to the user's machine, so probe every 2s;
 *   `fall 2` keeps one refused connect (full listen backlog under load) from emptying the pool;
 * - `observe layer4` marks a slot DOWN from real traffic as soon as its socket is gone, without
 *   waiting for the next check.
 * A Layer-4 check cannot see a dead local service behind a live tunnel (that is a 502); only an
 * HTTP check through the tunnel could, at the price of real requests to the user's service.
 */
const SLOT_CHECK = 'check inter 2s fastinter 500ms downinter 500ms rise 1 fall 2 observe layer4 error-limit 2 on-error mark-down';

function tunnelBackend(route: TunnelRoute): string[] {
  const name = backendName(route.host);
  const page = tunnelPagePath(route.host);
  const lines = [
    `backend ${name}`,
    `    # tunnel of ${route.user}, ${route.replicas} ${route.replicas === 1 ? 'slot' : 'slots'}`,
    '    balance roundrobin',
    // No slot up: answer the page at once instead of queueing or trying dead sockets.
    `    http-request return status 503 ${HTML_CONTENT_TYPE} file ${page} if { nbsrv(${name}) lt 1 }`,
    // Between a tunnel dropping and the next check, a request fails to connect; HAProxy's own
    // 503 for it is replaced by the same page.
    `    http-error status 503 ${HTML_CONTENT_TYPE} file ${page}`,
  ];
  tunnelSocketPaths(route).forEach((socket, i) => {
    lines.push(`    server ${slotServerName(i + 1)} unix@${socket} ${SLOT_CHECK}`);
  });
  return lines;
}

/** `host:port` as HAProxy parses a server address; IPv6 literals need the `ipv6@` prefix. */
function serverAddress(hostname: string, port: number): string {
  const bare = hostname.replace(/^\[(.*)\]$/, '$1');
  return bare.includes(':') ? `ipv6@${bare}:${port}` : `${bare}:${port}`;
}

const isIpLiteral = (hostname: string) => /^[\d.]+$/.test(hostname) || hostname.includes(':');

function upstreamBackend(route: UpstreamRoute): string[] {
  const { scheme, hostname, port, url } = route.upstream;
  const options = [serverAddress(hostname, port)];
  if (scheme === 'https') {
    // verify none: LAN services (NAS, routers, appliances) mostly present self-signed
    // certificates; the hop is inside the operator's network, and TLS still encrypts it.
    options.push('ssl verify none');
    // SNI only for names: an IP address in SNI is not allowed (RFC 6066).
    if (!isIpLiteral(hostname)) options.push(`sni str(${hostname})`);
  }
  // Names are resolved at startup if possible but never block it (`none` last), and followed at
  // run time through Docker's DNS, so a LAN/container name that appears later still works.
  if (!isIpLiteral(hostname)) options.push('resolvers docker resolve-prefer ipv4 init-addr last,libc,none');
  return [`backend ${backendName(route.host)}`, `    # upstream ${url}`, `    server ${UPSTREAM_SERVER} ${options.join(' ')}`];
}

/** The backends of all routes, in the given order (callers pass them sorted). */
export function renderBackends(routes: RouteModel[]): string[][] {
  return routes.map((route) => (route.kind === 'tunnel' ? tunnelBackend(route) : upstreamBackend(route)));
}
