/**
 * What each op of a plan waits for while `apply` runs the plan's builds beside the other ops.
 * Pure: decided from the plan alone. Ops that only add (a network, a volume, a new container) and
 * ops on a container the plan itself creates wait for the image they run on: the container's,
 * the renewer's for issuance. Any other op touches what already runs and waits for every build,
 * so a build that fails leaves the running stack as it was.
 */
import type { ImageName } from './images.js';
import type { Op } from './plan.js';
import type { DesiredStack } from './stack.js';

/** `all`: every build of the plan; an image name: that build; undefined: none. */
export type BuildWait = 'all' | ImageName | undefined;

const ADDS_ONLY: ReadonlySet<Op['op']> = new Set(['create-network', 'create-volume', 'create']);

/** One entry per op of `ops`, in order (undefined for the builds themselves). */
export function buildWaits(ops: Op[], stack: DesiredStack): BuildWait[] {
  const builtTag = new Map<string, ImageName>();
  for (const o of ops) if (o.op === 'build') builtTag.set(o.tag, o.target);
  if (!builtTag.size) return ops.map(() => undefined);
  const created = new Set<string>();
  return ops.map((o): BuildWait => {
    if (o.op === 'build') return undefined;
    // Issuance rotates certificates in HAProxy: it touches what HAProxy's container runs.
    const touches = o.op === 'issue-certs' ? 'haproxy' : o.target;
    let wait: BuildWait;
    if (!ADDS_ONLY.has(o.op) && !created.has(touches)) wait = 'all';
    else if (o.op === 'issue-certs') wait = [...builtTag.values()].includes('renewer') ? 'renewer' : undefined;
    else if (o.op === 'create') wait = builtTag.get(stack.containers[o.target]?.image ?? '');
    if (o.op === 'create') created.add(o.target);
    return wait;
  });
}
