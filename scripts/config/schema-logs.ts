/** The `logs:` section of edge.yaml's schema. */
import type { ObjectField } from './schema-types.js';

export const LOGS_SCHEMA: ObjectField = {
  type: 'object',
  description: 'Request logs. Without access logs HAProxy logs errors and abnormal requests only (docker logs of its container).',
  properties: {
    access: {
      type: 'boolean',
      description: 'One JSON line per request (host, path, status, bytes, timings, client, route, tunnel slot) into the logs volume; `npm run logs` reads them.',
      default: false,
    },
    maxFileMB: {
      type: 'integer',
      description: 'Rotate the access log when it reaches this size (MiB).',
      default: 10,
      minimum: 1,
      maximum: 1024,
    },
    maxFiles: {
      type: 'integer',
      description: 'Rotated access log files kept besides the current one; older ones are deleted.',
      default: 5,
      minimum: 1,
      maximum: 100,
    },
  },
};
