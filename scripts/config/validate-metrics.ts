/**
 * The `metrics:` section: the loopback port of the Prometheus endpoint, and the HTTPS host that
 * may serve it too. That host becomes an ordinary upstream route to HAProxy's own metrics
 * frontend (the stack's `haproxy` service), so it gets its certificate, its maps and its access
 * rules from the same code as every route; only its guard is stricter: never without basicAuth or
 * clientCA, because the series name every route, user and upstream of the edge.
 */
import { HAPROXY } from '../../stacks/layout.js';
import { type EdgeModel, isWildcardHost, type MetricsModel, type UpstreamRoute } from '../../stacks/model.js';
import { int, obj, type Problems, str } from './problems.js';
import { checkHost } from './rules.js';
import { routeOptions } from './validate-route-options.js';

export interface MetricsSection {
  metrics: MetricsModel;
  /** The route of `metrics.host`, to be served like the others. */
  route?: UpstreamRoute;
}

/** The metrics model (and its route), or `undefined` when the section is absent; `routeHosts` as written under routes:. */
export function validateMetrics(raw: unknown, ports: EdgeModel['ports'], routeHosts: unknown[], hsts: number, out: Problems): MetricsSection | undefined {
  if (raw === undefined || raw === null) return undefined;
  const r = obj(raw);
  const port = r.port === undefined ? undefined : int(r.port, 0);
  const clash = Object.entries(ports).find(([, p]) => p === port)?.[0];
  if (clash) out.at(['metrics', 'port'], `port ${port} is already used by ports.${clash}`, 'each published port must be different');
  const host = str(r.host);
  if (port === undefined && host === undefined)
    out.at(['metrics'], 'needs a port, a host or both', "port: 9101 serves it on the edge host's 127.0.0.1; host: serves it over HTTPS behind basicAuth or clientCA");
  if (host === undefined) {
    for (const key of ['clientCA', 'basicAuth', 'allow'])
      if (r[key] !== undefined) out.at(['metrics', key], `${key} guards metrics.host, which is not set`, 'add host: <name>, or remove it (the loopback port needs no guard)');
    return port === undefined ? undefined : { metrics: { port } };
  }
  const problem = checkHost(host);
  if (problem) out.at(['metrics', 'host'], problem.problem, problem.hint);
  if (!problem && isWildcardHost(host)) out.at(['metrics', 'host'], 'the metrics host cannot be a wildcard', 'name one host, e.g. metrics.example.com');
  const first = routeHosts.findIndex((h) => typeof h === 'string' && h.toLowerCase() === host.toLowerCase());
  if (first >= 0) out.at(['metrics', 'host'], `host "${host}" is already routes[${first}]`, 'give the metrics endpoint a host of its own');
  if (r.basicAuth === undefined && r.clientCA === undefined) {
    out.at(
      ['metrics', 'host'],
      'the metrics host needs basicAuth or clientCA',
      'the series name every route, user and upstream of the edge: keep them from the public (npm run hash-password makes a basicAuth hash)',
    );
  }
  // `haproxy` is the service's alias on the stack network: HAProxy reaches its own metrics frontend.
  const upstream = { scheme: 'http' as const, hostname: 'haproxy', port: HAPROXY.metricsPort, url: `http://haproxy:${HAPROXY.metricsPort}` };
  const options = routeOptions(r, ['metrics'], { tls: 'terminate', kind: 'upstream', replicas: 1, hsts }, out);
  return { metrics: { ...(port === undefined ? {} : { port }), host }, route: { kind: 'upstream', host, upstream, ...options } };
}
