/**
 * Upstream URLs (`http://grafana:3000`, `tcp://host:5432`, …): parsed by hand rather than by
 * WHATWG URL, whose rules for non-special schemes (h2c, tcp) accept almost anything as a host.
 * The host ends up inside haproxy.cfg, so only names and IP addresses pass: no quotes, `$`,
 * parentheses, commas or spaces that HAProxy would read as syntax. Pure.
 */
import { isIP, isIPv4, isIPv6 } from 'node:net';
import type { Upstream } from '../../stacks/model.js';
import type { Problem } from './rules.js';

type Scheme = Upstream['scheme'];

const DEFAULT_PORTS: Partial<Record<Scheme, number>> = { http: 80, https: 443 };

/** Container and DNS names: labels of letters, digits, `_` and inner `-`, at most 253 characters. */
const NAME_LABEL = /^[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?$/;

const LOOPBACK_HINT = 'inside the HAProxy container that is HAProxy itself: use host for a service on the Docker host, e.g. http://host:9000';

/** Why `host` cannot be an upstream's host, or nothing. */
function checkHostname(host: string, text: string): Problem | undefined {
  const shown = JSON.stringify(host.length > 60 ? `${host.slice(0, 60)}…` : host);
  const ip = isIP(host);
  if (ip === 0 && (host.length > 253 || !host.split('.').every((l) => NAME_LABEL.test(l)))) {
    return { problem: `upstream host ${shown} is not a host name or IP address`, hint: `letters, digits, "-", "_" and "." only (IPv6 in brackets), e.g. ${text.split('://')[0]}://grafana:3000` };
  }
  const lower = host.toLowerCase();
  const loopback =
    lower === 'localhost' || lower.endsWith('.localhost') || (isIPv4(host) && (host.startsWith('127.') || host === '0.0.0.0')) || (isIPv6(host) && /^(::1?|::ffff:(127\.|0\.0\.0\.0))/i.test(host));
  if (loopback) return { problem: `upstream host ${shown} is a loopback address`, hint: LOOPBACK_HINT };
  return undefined;
}

/** `<scheme>://host[:port]` with one of `schemes`; no credentials, path or query. */
export function checkUpstream(text: string, schemes: readonly Scheme[]): Upstream | Problem {
  const hint = `e.g. ${schemes[0]}://grafana:3000`;
  const m = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/(.*)$/s.exec(text);
  if (!m) return { problem: `"${text}" is not a URL`, hint };
  const scheme = m[1]!.toLowerCase();
  if (!(schemes as readonly string[]).includes(scheme)) return { problem: `upstream scheme "${scheme}" is not supported here`, hint: `use ${schemes.map((s) => `${s}://`).join(', ')}` };
  const rest = m[2]!;
  if (rest.includes('@')) return { problem: 'upstream URLs cannot carry credentials', hint: 'credentials in edge.yaml would end up in haproxy.cfg' };
  const parts = /^(\[[^\]]*\]|[^/:?#[\]]*)(?::(\d{1,5}))?\/?$/.exec(rest);
  if (!parts) {
    if (/^(\[[^\]]*\]|[^/:?#]*)(:\d+)?[/?#]./.test(rest)) return { problem: `upstream "${text}" has a path or query`, hint: 'requests keep their own path; give only scheme://host:port' };
    const host = rest.replace(/[:/?#].*$/s, '');
    return checkHostname(host, text) ?? { problem: `upstream "${text}" has no valid host:port`, hint };
  }
  const written = parts[1]!;
  const hostname = written.startsWith('[') ? written.slice(1, -1) : written;
  if (hostname === '') return { problem: `"${text}" has no host`, hint };
  if (written.startsWith('[') && !isIPv6(hostname)) return { problem: `upstream host "${written}" is not an IPv6 address`, hint };
  const problem = checkHostname(hostname, text);
  if (problem) return problem;
  const port = parts[2] === undefined ? DEFAULT_PORTS[scheme as Scheme] : Number(parts[2]);
  if (port === undefined) return { problem: `upstream "${text}" needs a port`, hint: `${scheme}:// has no default port, e.g. ${scheme}://${written}:5432` };
  if (port < 1 || port > 65535) return { problem: `upstream port ${port} is outside 1–65535` };
  const name = isIP(hostname) ? hostname.toLowerCase() : hostname.toLowerCase();
  const shown = isIPv6(name) ? `[${name}]` : name;
  return { scheme: scheme as Scheme, hostname: name, port, url: `${scheme}://${shown}${parts[2] === undefined ? '' : `:${port}`}` };
}
