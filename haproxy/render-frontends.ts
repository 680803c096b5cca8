/**
 * The public listeners: :80 (redirects and ACME), the :443 SNI router (passthrough routes
 * straight to their backend, everything else to the terminating frontend over an internal
 * socket with PROXY v2, so the real client address survives the hop), and the terminating
 * frontend that routes by Host through the hosts map.
 */
import { HAPROXY } from '../stacks/layout.js';
import type { EdgeModel } from '../stacks/model.js';
import { isPrivateRoute, routeTls } from '../stacks/model.js';
import { ACCESS_PAGES, ACME_BACKEND, HOSTS_MAP, HTML_CONTENT_TYPE, PRIVATE_BACKENDS, SNI_MAP, TLS_INTERNAL_ADDRESS, TLS_TERMINATE_BACKEND, UNKNOWN_HOST_BACKEND } from './names.js';
import type { Section } from './section.js';

const ACME_PATH = '{ path_beg /.well-known/acme-challenge/ }';
const SET_HOST = 'http-request set-var(txn.host) req.hdr(host),field(1,:),lower';

/**
 * Looks `name` up in `map`: the name itself, then with its first label replaced by `*`, so a
 * wildcard matches exactly one label as its certificate does (not the domain itself, not
 * `a.b.example.com`, not `evil-example.com`), and an exact host always wins over a wildcard.
 * Two tree lookups whatever the number of routes.
 */
function lookup(rule: 'http-request' | 'tcp-request content', into: string, name: string, map: string, cond?: string): string[] {
  const found = `{ var(${into}) -m found }`;
  return [
    `    ${rule} set-var(${into}) ${name},map(${map})${cond ? ` if ${cond}` : ''}`,
    `    ${rule} set-var(${into}) ${name},regsub(^[^.]*,*),map(${map}) ${cond ? `if ${cond} !${found}` : `unless ${found}`}`,
  ];
}

export function httpFrontend(model: EdgeModel): Section {
  const port = model.ports.https === 443 ? '' : `:${model.ports.https}`;
  return {
    lines: [
      'frontend http from http',
      `    bind :${HAPROXY.httpPort}`,
      `    ${SET_HOST}`,
      '    http-request set-header X-Forwarded-Proto http',
      // An explicit prefix instead of `redirect scheme`: the public https port may differ from 443
      // (e.g. a local demo), and the Host header would otherwise carry the http port along.
      `    http-request redirect prefix https://%[var(txn.host)]${port} code 301 unless ${ACME_PATH}`,
      `    use_backend ${ACME_BACKEND} if ${ACME_PATH}`,
    ],
  };
}

/** Whether :443 needs the SNI router: only a passthrough route must be sent on before TLS ends. */
const needsTlsRouter = (model: EdgeModel) => model.routes.some((r) => routeTls(r) === 'passthrough');

/** Where the hand-off sends a connection back to :443 (see tlsRouterSections), PROXY v2 first. */
const LOOPBACK = '127.0.0.1';

/**
 * :443 reads the TLS ClientHello without decrypting (up to 5 s for it to arrive) and sends the
 * connection by SNI: a passthrough route's `pt_` backend, or (no SNI, unknown SNI, any
 * terminated host) the terminating frontend, with a PROXY v2 header carrying the client's address.
 * Without passthrough routes there is nothing to send on: the terminating frontend binds :443
 * itself, which saves every connection a second accept, a PROXY header and a copy of each byte
 * inside HAProxy (docs/performance.md has the runs before and after). Then the internal address
 * gets a plain TCP hand-off instead: a reload that takes the last passthrough route away leaves
 * the old worker's router passing on connections it had accepted, and the hand-off returns them
 * to :443 over loopback with their PROXY header (the e2e test counts every request across that
 * switch). Not a second TLS bind: that would load every certificate twice (0.1 s more per reload
 * and ~14 MiB at 1,000 routes).
 */
export function tlsRouterSections(model: EdgeModel): Section[] {
  if (!needsTlsRouter(model)) {
    return [
      { lines: ['frontend tls_handoff from tcp', `    bind ${TLS_INTERNAL_ADDRESS} accept-proxy`, `    default_backend ${TLS_TERMINATE_BACKEND}`] },
      { lines: [`backend ${TLS_TERMINATE_BACKEND} from tcp`, `    server https ${LOOPBACK}:${HAPROXY.httpsPort} send-proxy-v2`] },
    ];
  }
  const hello = '{ req.ssl_hello_type 1 }';
  return [
    {
      lines: [
        'frontend tls_router from tcp',
        `    bind :${HAPROXY.httpsPort}`,
        '    tcp-request inspect-delay 5s',
        // Before `accept`, which ends the rules; the hello condition makes them wait for it.
        `    tcp-request content set-var(txn.sni) req.ssl_sni,lower if ${hello}`,
        ...lookup('tcp-request content', 'txn.passthrough', 'var(txn.sni)', SNI_MAP, hello),
        `    tcp-request content accept if ${hello}`,
        '    use_backend %[var(txn.passthrough)] if { var(txn.passthrough) -m found }',
        `    default_backend ${TLS_TERMINATE_BACKEND}`,
      ],
    },
    { lines: [`backend ${TLS_TERMINATE_BACKEND} from tcp`, `    server https ${TLS_INTERNAL_ADDRESS} send-proxy-v2`] },
  ];
}

/** Client-supplied forwarding headers are dropped, so the target only ever sees the edge's own. */
function forwardedHeaders(model: EdgeModel): string[] {
  return [
    '    http-request del-header X-Forwarded- -m beg',
    '    http-request del-header Forwarded',
    '    http-request del-header X-Real-IP',
    '    http-request set-header X-Real-IP %[src]',
    '    http-request set-header X-Forwarded-Proto https',
    '    http-request set-header X-Forwarded-Host %[req.hdr(host)]',
    // The public port (Docker maps it onto 443 inside the container).
    `    http-request set-header X-Forwarded-Port ${model.ports.https}`,
  ];
}

/**
 * For private routes (access rules), SNI and Host must name the same route, else 421: a client
 * could otherwise open TLS as a public host (no client certificate asked) and send the private
 * Host over it. Browsers retry a 421 on a new connection (RFC 9110 15.5.20).
 */
function misdirectedLines(): string[] {
  return [
    '    http-request set-var(txn.sni) ssl_fc_sni,lower',
    ...lookup('http-request', 'txn.sni_backend', 'var(txn.sni)', HOSTS_MAP),
    `    acl private_host var(txn.backend) -m str -f ${PRIVATE_BACKENDS}`,
    `    acl private_sni var(txn.sni_backend) -m str -f ${PRIVATE_BACKENDS}`,
    '    acl sni_is_host var(txn.sni),strcmp(txn.host) eq 0',
    `    http-request return status 421 ${HTML_CONTENT_TYPE} file ${ACCESS_PAGES.misdirected} if private_host !sni_is_host || private_sni !sni_is_host`,
  ];
}

export function httpsFrontend(model: EdgeModel): Section {
  const anyPrivate = model.routes.some(isPrivateRoute);
  const tls = `ssl crt-list ${HAPROXY.crtList} alpn h2,http/1.1 ca-ignore-err all crt-ignore-err all`;
  const lines = [
    'frontend https from http',
    // No strict-sni: an unknown name must still complete TLS (with the default certificate, the
    // crt-list's first line) so it can be told "unknown host" instead of a handshake failure.
    // ca-ignore-err/crt-ignore-err: a client certificate from the wrong CA still completes the
    // handshake, so the route's 403 page can say why (its backend checks ssl_c_verify).
    ...(needsTlsRouter(model)
      ? [`    bind ${TLS_INTERNAL_ADDRESS} accept-proxy ${tls}`]
      : [
          `    bind :${HAPROXY.httpsPort} ${tls}`,
          // Only the hand-off connects from loopback inside the container; it sends the
          // client's address first. Nobody outside can have a loopback source address.
          `    tcp-request connection expect-proxy layer4 if { src ${LOOPBACK} }`,
        ]),
    ...forwardedHeaders(model),
    `    ${SET_HOST}`,
    ...lookup('http-request', 'txn.backend', 'var(txn.host)', HOSTS_MAP),
    ...(anyPrivate ? misdirectedLines() : []),
    '    use_backend %[var(txn.backend)] if { var(txn.backend) -m found }',
    // Anything else gets the 404 page, never someone's tunnel.
    `    default_backend ${UNKNOWN_HOST_BACKEND}`,
  ];
  return { lines, reads: anyPrivate ? [ACCESS_PAGES.misdirected] : [] };
}
