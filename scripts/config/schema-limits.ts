/** The `limits:` section of edge.yaml's schema: how much one user, one address or one container may take. */
import { CONTAINER_LIMITS_SCHEMA } from './schema-container-limits.js';
import type { ObjectField } from './schema-types.js';

/** The defaults of `limits:`, also what the README explains. */
export const LIMIT_DEFAULTS = {
  tunnelsPerUser: 32,
  maxStartups: '20:30:100',
  perSourceMaxStartups: 10,
  perSourcePenalties: true,
} as const;

export const LIMITS_SCHEMA: ObjectField = {
  type: 'object',
  description: 'Connection limits of the SSH server and resources of each container (defaults suit a public, key-only tunnel server on a small VM).',
  properties: {
    tunnelsPerUser: {
      type: 'integer',
      description: 'Concurrent SSH connections one user may hold (each ssh -N -R/-L process is one); one more is refused with a message naming the limit.',
      default: LIMIT_DEFAULTS.tunnelsPerUser,
      minimum: 1,
      maximum: 1000,
    },
    maxStartups: {
      type: 'oneOf',
      description:
        'sshd MaxStartups "start:rate:full": unauthenticated connections of all sources together; from `start` on, new ones are dropped with rate% probability, rising to 100% at `full`. A number N means N:100:N.',
      oneOf: [
        { type: 'string', description: 'start:rate:full, e.g. 20:30:100.', pattern: '^[0-9]+:[0-9]+:[0-9]+$', examples: [LIMIT_DEFAULTS.maxStartups] },
        { type: 'integer', description: 'A hard cap on unauthenticated connections.', minimum: 1, maximum: 10000 },
      ],
    },
    perSourceMaxStartups: {
      type: 'integer',
      description: 'sshd PerSourceMaxStartups: unauthenticated connections from one IPv4 address or IPv6 /64 at a time.',
      default: LIMIT_DEFAULTS.perSourceMaxStartups,
      minimum: 1,
      maximum: 10000,
    },
    perSourcePenalties: {
      type: 'boolean',
      description:
        'sshd PerSourcePenalties: an address whose logins keep failing (4 failures within about 15 s) is refused for a while, growing to at most 5 minutes. The Docker network gateway (all local and proxied clients) is exempt.',
      default: LIMIT_DEFAULTS.perSourcePenalties,
    },
    containers: CONTAINER_LIMITS_SCHEMA,
  },
};
