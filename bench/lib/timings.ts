/**
 * Wall times a user feels: a no-op `npm run up` as a whole process (npm, node start-up, plan,
 * nothing applied), and applying a config with 1,000 routes, then one more, inside the same
 * converge as `up`. The routes point only at the stack's own containers: tunnel routes of the
 * bench user (sockets in the stack's volume) and upstream routes to client A's nginx by its alias.
 */

import { $ } from 'zx';
import { REPO_ROOT } from '../../scripts/config/repo.js';
import { median } from './parse.js';
import { applyFile, type BenchStack, HOST, USER } from './stack.js';
import { statusOf, type Topology } from './topology.js';

export interface NoopRecord {
  command: string;
  ms: number[];
  median: number;
  /** What the last run printed last (it should say "nothing to do"). */
  said: string;
}

/** Runs `npm run up -- --config FILE [extra]` `times` times; wall time of each whole process. */
export async function noopUp(stack: BenchStack, extra: string[], times: number): Promise<NoopRecord> {
  const ms: number[] = [];
  let said = '';
  for (let i = 0; i < times; i++) {
    const t = performance.now();
    // The child inherits TUNNELGATE_TEST_RUN, so it computes the same labels and hashes.
    const res = await $({ cwd: REPO_ROOT, quiet: true, nothrow: true })`npm run --silent up -- --config ${stack.file} ${extra}`;
    ms.push(performance.now() - t);
    said = res.stdout.split('\n').find((l) => l.startsWith('nothing to do') || l.startsWith('done in')) ?? `exit ${res.exitCode}: ${res.stderr.trim().slice(-200)}`;
  }
  return { command: extra.length ? `npm run up -- ${extra.join(' ')}` : 'npm run up', ms, median: median(ms), said };
}

/** `count` routes: every other one a tunnel route of the bench user, the rest upstreams to client A. */
export function manyRoutes(count: number, upstreamAlias: string): Array<Record<string, string>> {
  return Array.from({ length: count }, (_, i): Record<string, string> => (i % 2 === 0 ? { host: `t${i}.${HOST}`, tunnel: USER } : { host: `u${i}.${HOST}`, upstream: `http://${upstreamAlias}:8081` }));
}

export interface RoutesRecord {
  routes: number;
  applyMs: number;
  ops: number;
  oneMoreMs: number;
  oneMoreOps: number;
  /** Status of one upstream route among them (200 when routing works at that size). */
  sample: number;
  removeMs: number;
}

/** Applies 1 → `count` routes, then one more, checks one of them answers, and goes back to 1. */
export async function routesApply(stack: BenchStack, topo: Topology, count: number): Promise<RoutesRecord> {
  const routes = manyRoutes(count, 'bench-client-a');
  const big = stack.withRoutes(`bench-${count}`, routes);
  const bigger = stack.withRoutes(`bench-${count + 1}`, [...routes, { host: `extra.${HOST}`, tunnel: USER }]);
  const a = await applyFile(big);
  const b = await applyFile(bigger);
  const sampleHost = `u1.${HOST}`;
  const sample = await statusOf(topo.clients[0], `https://${sampleHost}:443/hello`, topo.resolve.replace(HOST, sampleHost));
  const c = await applyFile(stack.file);
  return { routes: count, applyMs: a.ms, ops: a.ops, oneMoreMs: b.ms, oneMoreOps: b.ops, sample, removeMs: c.ms };
}
