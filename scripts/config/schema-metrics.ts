/** The `metrics:` section of edge.yaml's schema. */
import { ALLOW_FIELD, BASIC_AUTH_FIELD, CLIENT_CA_FIELD } from './schema-shared.js';
import { type ObjectField, portField } from './schema-types.js';

export const METRICS_SCHEMA: ObjectField = {
  type: 'object',
  description:
    "A Prometheus endpoint: /metrics is HAProxy's own exporter (per route and tunnel slot), /metrics/tunnelgate the project's series (tunnels per user, certificate expiry, last renewal, config). On the edge host's loopback (`port`), on an HTTPS host behind basic auth or client certificates (`host`), or both. Absent: no endpoint.",
  properties: {
    port: portField('the metrics endpoint, on 127.0.0.1 only'),
    host: {
      type: 'string',
      description: 'Also serve the endpoint at https://<host>/metrics, with a certificate like any route; needs basicAuth or clientCA (allow narrows it further).',
      examples: ['metrics.example.com'],
    },
    clientCA: CLIENT_CA_FIELD,
    basicAuth: BASIC_AUTH_FIELD,
    allow: ALLOW_FIELD,
  },
};
