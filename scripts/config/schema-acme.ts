/** The `acme:` section of edge.yaml's schema. */
import type { ObjectField } from './schema-types.js';

export const CA_NAMES = ['letsencrypt', 'letsencrypt-staging', 'pebble'] as const;

const CHALLENGES = ['http-01', 'dns-01'] as const;

export const ACME_SCHEMA: ObjectField = {
  type: 'object',
  description: 'How certificates are obtained.',
  properties: {
    ca: {
      type: 'string',
      description: 'letsencrypt | letsencrypt-staging | pebble (embedded test CA) | an https:// ACME directory URL.',
      default: 'letsencrypt',
      examples: [...CA_NAMES, 'https://acme.example.net/directory'],
    },
    email: {
      type: 'string',
      description: "Account contact; required for the Let's Encrypt CAs.",
    },
    renewBeforeDays: {
      type: 'integer',
      description: 'Renew when fewer days than this remain.',
      default: 30,
      minimum: 1,
      maximum: 365,
    },
    challenge: {
      type: 'string',
      description: 'How the CA checks that you control a name: http-01 (answered through HAProxy on the http port) or dns-01 (a TXT record published by dnsHook; required for wildcard hosts).',
      default: 'http-01',
      enum: CHALLENGES,
    },
    dnsHook: {
      type: 'string',
      description:
        "dns-01 only, then required: an executable (path relative to edge.yaml's directory) called `set <fqdn> <value>` and `clear <fqdn> <value>` to publish and remove the _acme-challenge TXT record.",
      examples: ['./dns-hook.sh'],
    },
  },
};
