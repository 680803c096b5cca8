/** The `metrics:` section of edge.yaml's schema. */
import { type ObjectField, portField } from './schema-types.js';

export const METRICS_SCHEMA: ObjectField = {
  type: 'object',
  description:
    "A Prometheus endpoint on the edge host's loopback (127.0.0.1 only): /metrics is HAProxy's own exporter (per route and tunnel slot), /metrics/tunnelgate the project's series (tunnels per user, certificate expiry, last renewal, config). Absent: no endpoint.",
  required: ['port'],
  properties: {
    port: portField('the metrics endpoint, on 127.0.0.1 only'),
  },
};
