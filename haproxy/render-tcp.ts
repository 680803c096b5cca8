/**
 * The raw TCP side: passthrough backends (TLS streams the :443 router hands over untouched by
 * SNI) and `tcp:` routes (a listener of their own on a published port). Neither sees HTTP, so
 * their only rules are the allowed addresses and a connection limit.
 */
import { tcpSocketPath, tunnelSocketPaths } from '../stacks/layout.js';
import type { RouteModel, TcpRoute } from '../stacks/model.js';
import { allowListPath, passthroughBackendName, slotServerName, tcpProxyName, UPSTREAM_SERVER } from './names.js';
import { SLOT_CHECK, slotServerOptions, upstreamServer } from './render-servers.js';
import type { Section } from './section.js';

/** The allow-list file of a tcp route (named like its proxy, so never like a route host's). */
export function tcpAllowListPath(port: number): string {
  return allowListPath(tcpProxyName(port));
}

/** A passthrough route's backend: its slots or its upstream, fed raw TLS by the :443 router. */
function passthroughBackend(route: RouteModel): Section {
  const lines = [`backend ${passthroughBackendName(route.host)} from tcp`];
  if (route.kind === 'tunnel') {
    lines.push(`    # passthrough to the tunnel of ${route.user}, ${route.replicas} ${route.replicas === 1 ? 'slot' : 'slots'}`, '    balance roundrobin');
  } else lines.push(`    # passthrough to ${route.upstream.url}`);
  // The client is known once the TLS hello has been read; refuse before connecting anywhere.
  if (route.allow?.length) lines.push(`    tcp-request content reject unless { src -f ${allowListPath(route.host)} }`);
  if (route.kind === 'tunnel') {
    tunnelSocketPaths(route).forEach((socket, i) => {
      lines.push(`    server ${slotServerName(i + 1)} unix@${socket} ${slotServerOptions(route, i + 1, false)}`);
    });
  } else lines.push(`    server ${UPSTREAM_SERVER} ${upstreamServer(route, route.upstream, { ...(route.maxconn ? { maxconn: route.maxconn } : {}), http: false })}`);
  return { lines, route: true };
}

/** The backends of passthrough routes, in the given order. */
export function renderPassthroughBackends(routes: RouteModel[]): Section[] {
  return routes.map(passthroughBackend);
}

/**
 * A tcp route: a listener on its port inside the container (published on the same host port),
 * its connection limit there (extra clients wait in the kernel's backlog), and its target.
 */
function tcpRouteSections(route: TcpRoute): Section[] {
  const name = tcpProxyName(route.port);
  const frontend = [`frontend ${name} from tcp`, `    bind :${route.port}`];
  if (route.maxconn) frontend.push(`    maxconn ${route.maxconn}`);
  if (route.allow?.length) frontend.push(`    tcp-request connection reject unless { src -f ${tcpAllowListPath(route.port)} }`);
  frontend.push(`    default_backend ${name}`);
  const backend = [`backend ${name} from tcp`];
  if (route.kind === 'tunnel') {
    const socket = tcpSocketPath(route.user, route.port);
    backend.push(`    # tunnel of ${route.user}`, `    server ${slotServerName(1)} unix@${socket} ${SLOT_CHECK}`);
  } else backend.push(`    # upstream ${route.upstream.url}`, `    server ${UPSTREAM_SERVER} ${upstreamServer(undefined, route.upstream, { http: false })}`);
  return [{ lines: frontend }, { lines: backend }];
}

/** The frontends and backends of all tcp routes (by port): listeners, so never left behind. */
export function renderTcpRoutes(routes: TcpRoute[]): Section[] {
  return [...routes].sort((a, b) => a.port - b.port).flatMap(tcpRouteSections);
}
