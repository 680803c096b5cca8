/**
 * Performance lines of haproxy.cfg's global and defaults sections, each justified by a
 * before/after row in docs/performance.md (measured with `npm run bench`). Kept apart from the
 * renderer so tuning and routing change independently.
 */

/** Lines for the `global` section (indented like the rest of it). */
export const GLOBAL_TUNING = [
  // One thread. HAProxy binds each connection to a thread; on the small machines an edge runs on,
  // its threads share the cores with the single-threaded sshd sessions it feeds, so whenever the
  // kernel parks one of them, every connection of that thread waits (accept, TLS handshake,
  // response), and threads also hand new connections to each other and contend in OpenSSL. On 2
  // cores, over 9 interleaved rounds, one thread gave a new-connection p99 of 36 ms (median)
  // against 86 ms with two, at equal or better throughput and ~10 % less CPU per request
  // (docs/performance.md). One thread still
  // does thousands of TLS handshakes and tens of thousands of requests per second, more than a
  // tunnel (one sshd process per user) can carry.
  '    nbthread 1',
];

/** Lines for the `defaults` section (indented like the rest of it). */
export const DEFAULTS_TUNING = [
  // Let the first request of a client connection take an idle connection to the same server.
  // HAProxy's default ("safe") never does, so a client that opens one connection per request
  // (a new visitor, an API client, a monitor) made HAProxy open a new connection to the tunnel
  // socket every time: a new SSH channel (sshd accept, a round trip to the user's ssh client, a
  // new connection to their service, and the teardown) in the two single-threaded ssh processes
  // on the path. Caddy reuses its connections the same way. Connections stay per server, so per
  // route: no request ever shares a connection with another route's. NTLM-style connection auth
  // is detected and kept private by HAProxy. If a reused connection dies before answering,
  // HAProxy closes the client connection without a response so the client may retry, as it does
  // for keep-alive requests by default.
  '    http-reuse always',
  // Send each buffer as it is ready instead of with MSG_MORE. HAProxy's default marks sends
  // "more follows" so the kernel may build fuller packets; through the container's veth it made
  // every 16 KiB TLS record of a large response cost ~3x the kernel time (1.8-2.0 ms of sendto
  // per MiB, against 0.6 ms without; Caddy, which never sets it, 1.0 ms), and bulk throughput
  // followed. Packets are as full as before but for the last one of each record.
  '    option http-no-delay',
];
