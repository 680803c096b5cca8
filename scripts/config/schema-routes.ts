/** The `routes:` section of edge.yaml's schema. */
import type { ArrayField } from './schema-types.js';

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
        description: 'The DNS name served (lowercase), or a wildcard *.<domain> for every single label under domain (upstream routes with acme.challenge dns-01 only; an explicit host under it wins).',
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
      upstream: { type: 'string', description: 'A static upstream: http://host:port or https://host:port.' },
    },
  },
};
