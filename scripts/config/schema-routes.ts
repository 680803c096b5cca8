/** The `routes:` section of edge.yaml's schema. */
import { ALLOW_FIELD, BASIC_AUTH_FIELD, CLIENT_CA_FIELD, HSTS_FIELD, MAXCONN_FIELD } from './schema-shared.js';
import type { ArrayField } from './schema-types.js';

export const TLS_MODES = ['terminate', 'reencrypt', 'passthrough'] as const;

export const ROUTES_SCHEMA: ArrayField = {
  type: 'array',
  description: 'Hostnames served on HTTPS and where each one goes.',
  items: {
    type: 'object',
    description: 'One hostname: exactly one of tunnel or upstream.',
    required: ['host'],
    properties: {
      host: {
        type: 'string',
        description:
          'The DNS name served (lowercase), or a wildcard *.<domain> for every single label under domain (upstream routes; terminated ones need acme.challenge dns-01; an explicit host under it wins).',
        examples: ['app.example.com', '*.example.com'],
      },
      tunnel: { type: 'string', description: "A user's name: served by that user's reverse SSH tunnel(s)." },
      replicas: {
        type: 'integer',
        description: 'Tunnel slots, load-balanced: <host>.sock, <host>.2.sock ... <host>.N.sock.',
        default: 1,
        minimum: 1,
        maximum: 16,
      },
      upstream: {
        type: 'string',
        description: 'A static upstream: http://, https:// (re-encrypted, verified) or h2c:// (cleartext HTTP/2, gRPC) host:port. `host` is the Docker host; names of containers resolve at run time.',
        examples: ['http://grafana:3000', 'https://nas.lan:5001', 'h2c://grpc:50051', 'http://host:9000'],
      },
      tls: {
        type: 'string',
        description:
          'terminate: HAProxy holds the certificate (default). reencrypt: terminate, then TLS to the target, verified (every https:// upstream). passthrough: routed by SNI only, the target holds the certificate (no certificate issued, no HTTP features).',
        default: 'terminate',
        enum: TLS_MODES,
      },
      verify: {
        type: 'boolean',
        description: "reencrypt: verify the target's certificate against `ca` or the system CAs, with SNI set to the upstream's name. false is explicit, and `up` warns about it.",
        default: true,
      },
      ca: {
        type: 'string',
        description: "reencrypt: a PEM file of the CA (or the self-signed certificate) the target's certificate must chain to; relative to edge.yaml.",
        examples: ['./nas-ca.pem'],
      },
      clientCA: CLIENT_CA_FIELD,
      basicAuth: BASIC_AUTH_FIELD,
      allow: ALLOW_FIELD,
      maxconn: MAXCONN_FIELD,
      hsts: HSTS_FIELD,
      headers: {
        type: 'map',
        description: "Response headers set on every answer of this route (also HAProxy's own pages), e.g. X-Frame-Options: DENY.",
        keyDescription: 'A header name: letters, digits and "-".',
        values: { type: 'string', description: 'The header value (printable ASCII).' },
      },
      health: {
        type: 'object',
        description: "An HTTP health check through the tunnel or to the upstream instead of the connection check: GET <path> with the route's Host; 2xx and 3xx are healthy.",
        required: ['path'],
        properties: { path: { type: 'string', description: 'The path checked, e.g. /healthz.', examples: ['/healthz'] } },
      },
      sticky: { type: 'boolean', description: 'Tunnels with replicas: a cookie pins a browser to one slot.', default: false },
      protocol: {
        type: 'string',
        description: "Tunnels: what the user's service speaks behind the socket: http (HTTP/1.1) or h2c (cleartext HTTP/2, e.g. gRPC). Upstreams say it in their URL.",
        default: 'http',
        enum: ['http', 'h2c'],
      },
    },
  },
};
