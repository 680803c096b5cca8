/**
 * One backend per terminated route: tunnel routes balance over their UNIX socket slots and
 * answer their 503 page while no slot is up; upstream routes forward to one address. Both check
 * access first and set the route's response headers.
 */
import { tunnelSocketPaths } from '../stacks/layout.js';
import type { RouteModel, TunnelRoute, UpstreamRoute } from '../stacks/model.js';
import { isWildcardHost } from '../stacks/model.js';
import { backendName, caFilePath, HTML_CONTENT_TYPE, slotServerName, tunnelPagePath, UPSTREAM_SERVER } from './names.js';
import { accessLines, responseHeaderLines, userlistSection } from './render-access.js';
import { slotServerOptions, upstreamServer } from './render-servers.js';
import type { Section } from './section.js';

/** The cookie that pins a browser to a slot: HttpOnly and Secure, stripped before the tunnel sees it. */
const STICKY_COOKIE = 'cookie TGSLOT insert indirect nocache httponly secure';

/** An HTTP check of the route's own service, with its Host (a wildcard route uses its upstream's name). */
function healthLines(route: RouteModel): string[] {
  if (!route.health) return [];
  const host = isWildcardHost(route.host) && route.kind === 'upstream' ? route.upstream.hostname : route.host;
  return ['    option httpchk', `    http-check send meth GET uri ${route.health.path} ver HTTP/1.1 hdr Host ${host}`, '    http-check expect status 200-399'];
}

function tunnelBackend(route: TunnelRoute): Section {
  const name = backendName(route.host);
  const page = tunnelPagePath(route.host);
  const lines = [
    `backend ${name} from http`,
    `    # tunnel of ${route.user}, ${route.replicas} ${route.replicas === 1 ? 'slot' : 'slots'}${route.protocol ? `, ${route.protocol}` : ''}`,
    '    balance roundrobin',
    ...(route.sticky ? [`    ${STICKY_COOKIE}`] : []),
    ...healthLines(route),
    ...accessLines(route),
    // No slot up: answer the page at once instead of queueing or trying dead sockets.
    `    http-request return status 503 ${HTML_CONTENT_TYPE} file ${page} if { nbsrv(${name}) lt 1 }`,
    // Between a tunnel dropping and the next check, a request fails to connect; HAProxy's own
    // 503 for it is replaced by the same page.
    `    http-error status 503 ${HTML_CONTENT_TYPE} file ${page}`,
    ...responseHeaderLines(route),
  ];
  tunnelSocketPaths(route).forEach((socket, i) => {
    lines.push(`    server ${slotServerName(i + 1)} unix@${socket} ${slotServerOptions(route, i + 1, true)}`);
  });
  return { lines, reads: [page, ...(route.ca ? [caFilePath(route.host, 'upstream')] : [])], route: true };
}

function upstreamBackend(route: UpstreamRoute): Section {
  const lines = [
    `backend ${backendName(route.host)} from http`,
    `    # upstream ${route.upstream.url}${route.tls === 'reencrypt' && route.verify === false ? ' (certificate NOT verified: verify: false)' : ''}`,
    ...healthLines(route),
    ...accessLines(route),
    ...responseHeaderLines(route),
    `    server ${UPSTREAM_SERVER} ${upstreamServer(route, route.upstream, { ...(route.maxconn ? { maxconn: route.maxconn } : {}), http: true })}`,
  ];
  return { lines, reads: route.ca ? [caFilePath(route.host, 'upstream')] : [], route: true };
}

/** The backends (and userlists) of terminated routes, in the given order (callers pass them sorted). */
export function renderHttpBackends(routes: RouteModel[]): Section[] {
  const sections: Section[] = [];
  for (const route of routes) {
    const users = userlistSection(route);
    if (users) sections.push({ lines: users, route: true });
    sections.push(route.kind === 'tunnel' ? tunnelBackend(route) : upstreamBackend(route));
  }
  return sections;
}
