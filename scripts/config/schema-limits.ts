/** The `limits:` section of edge.yaml's schema. */
import { CONTAINER_LIMITS_SCHEMA } from './schema-container-limits.js';
import type { ObjectField } from './schema-types.js';

export const LIMITS_SCHEMA: ObjectField = {
  type: 'object',
  description: 'Resource limits.',
  properties: {
    containers: CONTAINER_LIMITS_SCHEMA,
  },
};
