/**
 * edge model -> haproxy.cfg, and every file the config volume needs next to it. Pure: no fs, no
 * env, no clock; the same model (in any order) renders byte-identical text.
 */
import { HAPROXY, RENEWER } from '../stacks/layout.js';
import type { EdgeModel } from '../stacks/model.js';
import { ACME_BACKEND, backendName, HTML_CONTENT_TYPE, tunnelPagePath, UNKNOWN_HOST_BACKEND, UNKNOWN_HOST_PAGE } from './names.js';
import { renderBackends } from './render-backends.js';
import { renderCrtList } from './render-crt-list.js';
import { renderTunnelPage, renderUnknownHostPage } from './render-pages.js';
import { hostCondition, routingOrder, sortedRoutes } from './routes.js';
import { DEFAULTS_TUNING, GLOBAL_TUNING } from './tuning.js';

/**
 * Below Docker's default `nofile` of 20000: HAProxy needs about two descriptors per connection
 * (client + server) plus listeners and checks, and refuses to start when it cannot raise its
 * limit (`maxconn 20000` fails with "Cannot raise FD limit to 40053", REFERENCE.md).
 */
const MAXCONN = 9000;

const globalSection = [
  'global',
  '    log stdout format raw daemon',
  '    master-worker',
  // Old workers keep serving their connections after a reload; WebSockets and idle SSH-backed
  // tunnels would pin them (and their memory) forever. 60s matches `timeout server`, so any
  // ordinary request still finishes on the old worker; long-lived streams are cut and reconnect.
  '    hard-stop-after 60s',
  // A worker still alive after this many later reloads is killed, bounding the pile-up when
  // reloads come faster than old connections drain.
  '    mworker-max-reloads 50',
  `    maxconn ${MAXCONN}`,
  ...GLOBAL_TUNING,
  // No `stats socket`: the master CLI (-S) reaches every worker as `@1 ...` at admin level, so a
  // second socket would only be one more thing to secure.
  // TLS 1.2+ with forward-secret AEAD suites only (Mozilla "intermediate" without the DHE suites,
  // which would need DH parameters); tickets off so session keys never outlive a worker.
  '    ssl-default-bind-ciphers ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305',
  '    ssl-default-bind-ciphersuites TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256',
  '    ssl-default-bind-options ssl-min-ver TLSv1.2 no-tls-tickets',
];

const defaultsSection = [
  'defaults',
  '    mode http',
  '    log global',
  '    option httplog',
  '    option dontlognull',
  // Log errors and abnormal requests only (5xx, timeouts, aborted, redispatched): a line per
  // request through Docker's log driver cost 4x in throughput (404 path on this 2-core VM,
  // wrk -c32: 9,100 req/s with every request logged, 38,500 with this).
  '    option dontlog-normal',
  '    option forwardfor',
  // Without it a reload closes idle keep-alive connections just as clients reuse them (read
  // errors under load); with it the old worker closes them on its next response (REFERENCE.md).
  '    option idle-close-on-response',
  // A vanished tunnel socket fails instantly (ENOENT): retry once more, on another replica if any.
  '    retries 2',
  '    option redispatch 1',
  '    timeout connect 5s',
  '    timeout client 30s',
  '    timeout server 60s',
  '    timeout http-request 10s',
  '    timeout http-keep-alive 10s',
  '    timeout queue 10s',
  '    timeout client-fin 10s',
  // WebSockets and other upgraded connections through a tunnel may idle for a long time.
  '    timeout tunnel 1h',
  ...DEFAULTS_TUNING,
];

// Docker's embedded DNS, present on user-defined networks: lets HAProxy find containers that
// start after it (the renewer) and follow upstream containers whose address changes.
const resolversSection = ['resolvers docker', '    nameserver dns1 127.0.0.11:53', '    hold valid 10s', '    hold nx 5s'];

const ACME_PATH = '{ path_beg /.well-known/acme-challenge/ }';
const SET_HOST = 'http-request set-var(txn.host) req.hdr(host),field(1,:),lower';

function httpFrontend(model: EdgeModel): string[] {
  const port = model.ports.https === 443 ? '' : `:${model.ports.https}`;
  return [
    'frontend http',
    `    bind :${HAPROXY.httpPort}`,
    `    ${SET_HOST}`,
    '    http-request set-header X-Forwarded-Proto http',
    // An explicit prefix instead of `redirect scheme`: the public https port may differ from 443
    // (e.g. a local demo), and the Host header would otherwise carry the http port along.
    `    http-request redirect prefix https://%[var(txn.host)]${port} code 301 unless ${ACME_PATH}`,
    `    use_backend ${ACME_BACKEND} if ${ACME_PATH}`,
  ];
}

function httpsFrontend(model: EdgeModel): string[] {
  const lines = [
    'frontend https',
    // No strict-sni: an unknown name must still complete TLS (with the default certificate, the
    // crt-list's first line) so it can be told "unknown host" instead of a handshake failure.
    `    bind :${HAPROXY.httpsPort} ssl crt-list ${HAPROXY.crtList} alpn h2,http/1.1`,
    `    ${SET_HOST}`,
    '    http-request set-header X-Forwarded-Proto https',
  ];
  for (const route of routingOrder(model)) lines.push(`    use_backend ${backendName(route.host)} if ${hostCondition(route.host)}`);
  // Anything else gets the 404 page, never someone's tunnel.
  lines.push(`    default_backend ${UNKNOWN_HOST_BACKEND}`);
  return lines;
}

function fixedBackends(): string[][] {
  return [
    [
      `backend ${ACME_BACKEND}`,
      // init-addr none: HAProxy starts (and stays up) while the short-lived renewer does not exist.
      `    server renewer ${RENEWER.hostname}:${RENEWER.port} resolvers docker resolve-prefer ipv4 init-addr none`,
    ],
    [`backend ${UNKNOWN_HOST_BACKEND}`, `    http-request return status 404 ${HTML_CONTENT_TYPE} file ${UNKNOWN_HOST_PAGE}`],
  ];
}

/** The complete haproxy.cfg for a model. */
export function renderHaproxyCfg(model: EdgeModel): string {
  const sections = [
    [`# Rendered by tunnelgate for project ${model.project}. Do not edit: \`npm run up\` rewrites it.`],
    globalSection,
    defaultsSection,
    resolversSection,
    httpFrontend(model),
    httpsFrontend(model),
    ...fixedBackends(),
    ...renderBackends(sortedRoutes(model)),
  ];
  return `${sections.map((s) => s.join('\n')).join('\n\n')}\n`;
}

/**
 * Every file of the config volume's haproxy part, keyed by absolute container path: the cfg,
 * the crt-list, the 404 page and one 503 page per tunnel route.
 */
export function renderHaproxyFiles(model: EdgeModel): Record<string, string> {
  const files: Record<string, string> = {
    [HAPROXY.cfg]: renderHaproxyCfg(model),
    [HAPROXY.crtList]: renderCrtList(model),
    [UNKNOWN_HOST_PAGE]: renderUnknownHostPage(),
  };
  for (const route of sortedRoutes(model)) {
    if (route.kind === 'tunnel') files[tunnelPagePath(route.host)] = renderTunnelPage(route, model.ports.ssh);
  }
  return Object.fromEntries(Object.entries(files).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
