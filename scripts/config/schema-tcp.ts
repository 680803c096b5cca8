/** The `tcp:` section of edge.yaml's schema: raw TCP routes on extra published ports. */
import { ALLOW_FIELD, MAXCONN_FIELD } from './schema-shared.js';
import type { ArrayField } from './schema-types.js';

export const TCP_SCHEMA: ArrayField = {
  type: 'array',
  description: "Raw TCP routes: each publishes a port and forwards its connections to an upstream or to a user's tunnel socket.",
  items: {
    type: 'object',
    description: 'One published port: exactly one of upstream or tunnel.',
    required: ['port'],
    properties: {
      port: { type: 'integer', description: 'The host port published (privileged ports are fine).', minimum: 1, maximum: 65535 },
      upstream: { type: 'string', description: 'tcp://host:port; `host` is the Docker host.', examples: ['tcp://gitea:22', 'tcp://host:5432'] },
      tunnel: { type: 'string', description: "A user's name: served by the socket /run/tunnels/<user>/tcp-<port>.sock of that user's `ssh -R`." },
      maxconn: MAXCONN_FIELD,
      allow: ALLOW_FIELD,
    },
  },
};
