/** The plan as text: what `up --dry-run` prints and what `up` logs as it goes. Pure. */
import { someOf } from '../../haproxy/manifest.js';
import type { Op } from './plan.js';

/** One op on one line: `reload            haproxy (config files changed: …)`. */
export function describeOp(o: Op): string {
  const list = o.op === 'placeholder-certs' || o.op === 'issue-certs' ? o.hosts : o.op === 'update-routes' ? o.files.map((f) => f.split('/').pop()) : undefined;
  const extra = o.op === 'build' ? ` ${o.tag}` : list ? ` [${someOf(list as string[])}]` : '';
  return `${o.op.padEnd(17)} ${o.target}${extra} (${o.cause})`;
}

/** The whole plan, one op per line. */
export function renderPlan(ops: Op[]): string {
  if (ops.length === 0) return 'nothing to do: the stack matches edge.yaml';
  return ops.map(describeOp).join('\n');
}
