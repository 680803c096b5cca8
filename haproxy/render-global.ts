/**
 * The sections every haproxy.cfg starts with: global settings, the two named `defaults` (tcp
 * for the SNI router, passthrough and raw TCP routes; http for everything that speaks HTTP) and
 * Docker's DNS. Only `maxconn` depends on the model.
 */
import { haproxyMaxconn } from '../stacks/container-limits.js';
import type { EdgeModel } from '../stacks/model.js';
import { DEFAULTS_TUNING, GLOBAL_TUNING } from './tuning.js';

/**
 * The global section. `maxconn` follows the container's open-files limit (stacks/container-limits.ts):
 * HAProxy needs about two descriptors per connection (client + server) plus listeners and checks,
 * and refuses to start when it cannot raise its limit (`maxconn 20000` fails under nofile 20000
 * with "Cannot raise FD limit to 40053", REFERENCE.md). A terminated TLS client counts twice (the
 * :443 router, then the terminating frontend).
 */
export const globalSection = (model: EdgeModel): string[] => [
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
  `    maxconn ${haproxyMaxconn(model.limits.containers.haproxy)}`,
  ...GLOBAL_TUNING,
  // No `stats socket`: the master CLI (-S) reaches every worker as `@1 ...` at admin level, so a
  // second socket would only be one more thing to secure.
  // TLS 1.2+ with forward-secret AEAD suites only (Mozilla "intermediate" without the DHE suites,
  // which would need DH parameters); tickets off so session keys never outlive a worker.
  '    ssl-default-bind-ciphers ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305',
  '    ssl-default-bind-ciphersuites TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256',
  '    ssl-default-bind-options ssl-min-ver TLSv1.2 no-tls-tickets',
];

const TIMEOUTS = ['    timeout connect 5s', '    timeout client 30s', '    timeout server 60s', '    timeout client-fin 10s'];

/** Raw TCP proxies: the :443 SNI router, passthrough backends and `tcp:` routes (`from tcp`). */
export const tcpDefaultsSection = [
  'defaults tcp',
  '    mode tcp',
  '    log global',
  '    option tcplog',
  '    option dontlognull',
  // Errors only, as for HTTP: a line per connection through Docker's log driver is costly.
  '    option dontlog-normal',
  ...TIMEOUTS,
  // An established TCP session (a database, SSH to a git server, a passthrough TLS stream) may
  // idle far longer than a request: this governs it once both sides are connected.
  '    timeout tunnel 1h',
];

/** Everything that speaks HTTP (`from http`). */
export const httpDefaultsSection = [
  'defaults http',
  '    mode http',
  '    log global',
  '    option httplog',
  '    option dontlognull',
  // Log errors and abnormal requests only (5xx, timeouts, aborted, redispatched): a line per
  // request through Docker's log driver cost 4x in throughput (404 path on this 2-core VM,
  // wrk -c32: 9,100 req/s with every request logged, 38,500 with this).
  '    option dontlog-normal',
  // Both added when the request leaves for the target, after the frontend dropped whatever the
  // client sent under these names: X-Forwarded-For and RFC 7239 Forwarded (IPv6 quoted) carry
  // exactly the address HAProxy saw.
  '    option forwardfor',
  '    option forwarded proto host for',
  // A header name with `_` (or anything outside letters, digits, `-`) gets 403: CGI-style apps
  // read X_Forwarded_For and X-Forwarded-For as the same variable.
  '    option http-restrict-req-hdr-names reject',
  // Without it a reload closes idle keep-alive connections just as clients reuse them (read
  // errors under load); with it the old worker closes them on its next response (REFERENCE.md).
  '    option idle-close-on-response',
  // A vanished tunnel socket fails instantly (ENOENT): retry once more, on another replica if any.
  '    retries 2',
  '    option redispatch 1',
  ...TIMEOUTS,
  '    timeout http-request 10s',
  '    timeout http-keep-alive 10s',
  '    timeout queue 10s',
  // WebSockets and other upgraded connections through a tunnel may idle for a long time.
  '    timeout tunnel 1h',
  ...DEFAULTS_TUNING,
];

// Docker's embedded DNS, present on user-defined networks: lets HAProxy find containers that
// start after it (the renewer, upstreams of other Compose projects) and follow upstream
// containers whose address changes, without a reload.
export const resolversSection = ['resolvers docker', '    nameserver dns1 127.0.0.11:53', '    hold valid 10s', '    hold nx 5s'];
