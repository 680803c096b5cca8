/** `limits.containers` of edge.yaml's schema: memory, processes and open files per container. */
import { DEFAULT_CONTAINER_LIMITS, formatMemory, LIMITED_SERVICES, type LimitedService } from '../../stacks/container-limits.js';
import type { ObjectField } from './schema-types.js';

/** `512m`, `1g`: Compose's notation, mebibytes or gibibytes. */
const MEMORY_PATTERN = '^[1-9][0-9]*[mMgG]$';

/** Bounds a limit must stay within: below them a service cannot start (or HAProxy gets no connections). */
export const CONTAINER_LIMIT_BOUNDS = {
  memoryMiB: { min: 32, max: 65536 },
  pids: { min: 32, max: 65536 },
  nofile: { min: 1024, max: 1048576 },
} as const;

const WHAT: Record<LimitedService, string> = {
  haproxy: 'HAProxy; its global maxconn is 45 % of nofile (two descriptors per proxied connection, plus listeners and checks)',
  sshd: 'the SSH server: two processes per tunnel connection; nofile bounds the requests one tunnel carries at once',
  renewer: 'the short-lived ACME renewer (one Node process and the DNS hook)',
  pebble: 'the embedded test CA (acme.ca: pebble)',
};

function serviceLimits(service: LimitedService): ObjectField {
  const d = DEFAULT_CONTAINER_LIMITS[service];
  const b = CONTAINER_LIMIT_BOUNDS;
  return {
    type: 'object',
    description: `Limits of ${WHAT[service]}.`,
    properties: {
      memory: {
        type: 'string',
        description: `Memory limit, swap included, e.g. 512m or 1g (${b.memoryMiB.min}m to ${b.memoryMiB.max / 1024}g). Over it the kernel kills the container and Docker restarts it.`,
        default: formatMemory(d.memory),
        pattern: MEMORY_PATTERN,
      },
      pids: { type: 'integer', description: 'Most processes and threads at once.', default: d.pids, minimum: b.pids.min, maximum: b.pids.max },
      nofile: { type: 'integer', description: 'Open files per process (soft and hard limit).', default: d.nofile, minimum: b.nofile.min, maximum: b.nofile.max },
    },
  };
}

export const CONTAINER_LIMITS_SCHEMA: ObjectField = {
  type: 'object',
  description: 'Memory, processes and open files of each container; unset keys keep their defaults.',
  properties: Object.fromEntries(LIMITED_SERVICES.map((s) => [s, serviceLimits(s)])),
};
