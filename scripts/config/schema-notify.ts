/** The `notify:` section of edge.yaml's schema. */
import type { ObjectField } from './schema-types.js';

export const NOTIFY_SCHEMA: ObjectField = {
  type: 'object',
  description: '`npm run renew` sends a JSON report here when a certificate failed to renew or has fewer than daysLeft days left. At least one of command and webhook.',
  properties: {
    command: {
      type: 'string',
      description: "An executable (path relative to edge.yaml's directory) run on the machine that runs renew, with the JSON report on its standard input.",
      examples: ['./on-renew-failure.sh'],
    },
    webhook: {
      type: 'string',
      description: 'An https:// URL the JSON report is POSTed to (http:// only to a loopback address, e.g. a local relay).',
      examples: ['https://hooks.example.com/tunnelgate'],
    },
    daysLeft: {
      type: 'integer',
      description: 'Report certificates with fewer days left than this, even when nothing failed.',
      default: 14,
      minimum: 1,
      maximum: 90,
    },
  },
};
