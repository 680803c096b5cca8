/**
 * What a terminated route checks before its target sees a request (allowed addresses, a client
 * certificate, basic auth) and the headers it adds to every answer. Each refusal is an HTML page
 * that says why; the 401 carries `WWW-Authenticate`.
 */
import type { RouteModel } from '../stacks/model.js';
import { ACCESS_PAGES, allowListPath, HTML_CONTENT_TYPE, userlistName } from './names.js';

/**
 * A value inside double quotes in haproxy.cfg: `\` and `"` escaped, `$` too (HAProxy expands
 * environment variables in double quotes), `%` doubled where the value is a log-format string.
 */
function quoted(value: string, logFormat: boolean): string {
  const escaped = value.replace(/[\\"$]/g, (c) => `\\${c}`);
  return `"${logFormat ? escaped.replaceAll('%', '%%') : escaped}"`;
}

/** The `userlist` section of a route with basic auth (hashes only; validated, so unquoted is safe). */
export function userlistSection(route: RouteModel): string[] | undefined {
  if (!route.basicAuth?.length) return undefined;
  return [`userlist ${userlistName(route.host)}`, ...route.basicAuth.map((u) => `    user ${u.user} password ${u.hash}`)];
}

/**
 * Basic auth with a cache of credentials that passed: HAProxy runs crypt() on its event loop, so
 * without it a yescrypt hash (mkpasswd's default) caps a route at ~140 authenticated requests/s
 * and stalls every other connection of that thread meanwhile (measured: 143 -> 32,000 req/s with
 * the cache). The key is the SHA-256 of the whole Authorization header; only headers that
 * passed `http_auth` are marked good, and a reload (every user or password change) empties it.
 */
function basicAuthLines(route: RouteModel): string[] {
  const list = userlistName(route.host);
  return [
    '    stick-table type binary len 32 size 10k expire 5m store gpc0',
    '    http-request set-var(txn.auth) req.hdr(authorization),sha2(256) if { req.hdr(authorization) -m found }',
    '    http-request track-sc0 var(txn.auth) if { var(txn.auth) -m found }',
    `    http-request auth realm ${quoted(route.host, false)} unless { sc0_get_gpc0 gt 0 } || { http_auth(${list}) }`,
    '    http-request sc-inc-gpc0(0) unless { sc0_get_gpc0 gt 0 }',
    // The password never travels on to the tunnel or the upstream.
    '    http-request del-header Authorization',
  ];
}

/** The checks of a terminated route, cheapest first: address, client certificate, password. */
export function accessLines(route: RouteModel): string[] {
  const lines: string[] = [];
  if (route.allow?.length) {
    lines.push(`    http-request return status 403 ${HTML_CONTENT_TYPE} file ${ACCESS_PAGES.address} unless { src -f ${allowListPath(route.host)} }`);
  }
  if (route.clientCA) {
    // The handshake lets any certificate through (ca-ignore-err on the bind) so a refusal can
    // say why; this line is the check: a certificate was sent and verified against this route's CA.
    lines.push(`    http-request return status 403 ${HTML_CONTENT_TYPE} file ${ACCESS_PAGES.certificate} unless { ssl_c_used } { ssl_c_verify 0 }`);
  }
  if (route.basicAuth?.length) lines.push(...basicAuthLines(route));
  return lines;
}

/** Response headers on every answer of the route, HAProxy's own pages included (hence after-response). */
export function responseHeaderLines(route: RouteModel): string[] {
  const lines: string[] = [];
  if (route.hsts) lines.push(`    http-after-response set-header Strict-Transport-Security "max-age=${route.hsts}"`);
  for (const h of route.headers ?? []) lines.push(`    http-after-response set-header ${h.name} ${quoted(h.value, true)}`);
  return lines;
}
