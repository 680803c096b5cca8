/** The `tcp:` section: published ports forwarded to an upstream or to a user's tunnel socket. */
import { HAPROXY } from '../../stacks/layout.js';
import type { EdgeModel, TcpRoute } from '../../stacks/model.js';
import { int, obj, type Problems, str } from './problems.js';
import { suggest } from './rules.js';
import { checkUpstream } from './upstream-url.js';
import { allowList } from './validate-route-options.js';

/** Which port is already taken, and by what: the published ports, then HAProxy's own inside its container. */
function portOwner(port: number, ports: EdgeModel['ports'], seen: Map<number, number>): { what: string; hint: string } | undefined {
  const published = Object.entries(ports).find(([, p]) => p === port);
  if (published) return { what: `ports.${published[0]}`, hint: 'each published port must be different' };
  const first = seen.get(port);
  if (first !== undefined) return { what: `tcp[${first}]`, hint: 'each tcp route needs a port of its own' };
  // A tcp route listens on its own port number inside the container too.
  if (port === HAPROXY.httpPort || port === HAPROXY.httpsPort) {
    return {
      what: `HAProxy's own ${port === HAPROXY.httpPort ? 'HTTP' : 'HTTPS'} listener inside its container`,
      hint: `publish ${port === HAPROXY.httpPort ? 'HTTP on ports.http' : 'HTTPS on ports.https'}: ${port}, or pick another port`,
    };
  }
  return undefined;
}

function tcpRoute(value: unknown, i: number, ports: EdgeModel['ports'], userNames: string[], seen: Map<number, number>, out: Problems): TcpRoute | undefined {
  const r = obj(value);
  if (typeof r.port !== 'number') return undefined; // reported by the schema walk
  const port = int(r.port, 0);
  const owner = portOwner(port, ports, seen);
  if (owner) out.at(['tcp', i, 'port'], `port ${port} is already used by ${owner.what}`, owner.hint);
  else seen.set(port, i);
  if ((r.tunnel === undefined) === (r.upstream === undefined)) {
    out.at(
      ['tcp', i],
      r.tunnel === undefined ? 'has neither "tunnel" nor "upstream"' : 'has both "tunnel" and "upstream"',
      'a tcp route goes to exactly one of them: upstream: tcp://host:port or tunnel: <user>',
    );
    return undefined;
  }
  const options = {
    port,
    ...(r.maxconn !== undefined ? { maxconn: int(r.maxconn, 0) } : {}),
    ...((allow) => (allow ? { allow } : {}))(allowList(r.allow, ['tcp', i, 'allow'], out)),
  };
  const tunnel = str(r.tunnel);
  if (tunnel !== undefined) {
    if (!userNames.includes(tunnel)) {
      const close = suggest(tunnel, userNames);
      out.at(['tcp', i, 'tunnel'], `names no user "${tunnel}"`, close ? `did you mean "${close}"?` : 'define it under users:');
    }
    return { kind: 'tunnel', user: tunnel, ...options };
  }
  const text = str(r.upstream);
  if (text === undefined) return undefined;
  const upstream = checkUpstream(text, ['tcp']);
  if ('problem' in upstream) {
    out.at(['tcp', i, 'upstream'], upstream.problem, upstream.hint);
    return undefined;
  }
  return { kind: 'upstream', upstream, ...options };
}

/** The tcp routes from the raw list, sorted by port, reporting every problem into `out`. */
export function validateTcp(raw: unknown, ports: EdgeModel['ports'], userNames: string[], out: Problems): TcpRoute[] {
  const seen = new Map<number, number>();
  const routes = (Array.isArray(raw) ? raw : []).map((value, i) => tcpRoute(value, i, ports, userNames, seen, out));
  return routes.filter((r): r is TcpRoute => r !== undefined).sort((a, b) => a.port - b.port);
}
