/** The `networks:` key of edge.yaml's schema: external Docker networks HAProxy joins. */
import type { ArrayField } from './schema-types.js';

export const NETWORKS_SCHEMA: ArrayField = {
  type: 'array',
  description: "Existing Docker networks HAProxy joins, so upstreams can name their containers (e.g. another Compose project's myapp_default). `up` fails if one does not exist.",
  items: { type: 'string', description: 'A Docker network name.', examples: ['myapp_default'] },
};
