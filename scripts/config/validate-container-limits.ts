/** `limits.containers`: memory, processes and open files per container, defaults for every key left out. */
import { DEFAULT_CONTAINER_LIMITS, LIMITED_SERVICES, parseMemory } from '../../stacks/container-limits.js';
import type { LimitsModel } from '../../stacks/model.js';
import { int, obj, type Problems, str } from './problems.js';
import { CONTAINER_LIMIT_BOUNDS } from './schema-container-limits.js';

const MiB = 1024 * 1024;

/** The container limits from `limits.containers`, reporting values out of bounds into `out`. */
export function validateContainerLimits(raw: unknown, out: Problems): LimitsModel['containers'] {
  const containers = obj(raw);
  const { min, max } = CONTAINER_LIMIT_BOUNDS.memoryMiB;
  const model = Object.fromEntries(
    LIMITED_SERVICES.map((service) => {
      const given = obj(containers[service]);
      const d = DEFAULT_CONTAINER_LIMITS[service];
      const text = str(given.memory);
      let memory = text === undefined ? undefined : parseMemory(text);
      if (memory !== undefined && (memory < min * MiB || memory > max * MiB)) {
        out.at(['limits', 'containers', service, 'memory'], `${text} is outside ${min}m–${max / 1024}g`, 'below it the service cannot start');
        memory = undefined;
      }
      return [service, { memory: memory ?? d.memory, pids: int(given.pids, d.pids), nofile: int(given.nofile, d.nofile) }];
    }),
  );
  return model as LimitsModel['containers'];
}
