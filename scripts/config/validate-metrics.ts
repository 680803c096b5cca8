/** The `metrics:` section: the loopback port of the Prometheus endpoint. */
import type { EdgeModel, MetricsModel } from '../../stacks/model.js';
import { int, obj, type Problems } from './problems.js';

/** The metrics model, or `undefined` when the section is absent; its port must not be a stack port. */
export function validateMetrics(raw: unknown, ports: EdgeModel['ports'], out: Problems): MetricsModel | undefined {
  if (raw === undefined || raw === null) return undefined;
  const port = int(obj(raw).port, 0);
  const clash = Object.entries(ports).find(([, p]) => p === port)?.[0];
  if (clash) out.at(['metrics', 'port'], `port ${port} is already used by ports.${clash}`, 'each published port must be different');
  return { port };
}
