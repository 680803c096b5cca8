/**
 * What tunnelgate must do without dropping a request: reloads (a route added or removed, through
 * the same converge as `up`) and certificate rotations (a new PEM swapped in through the runtime
 * API, as the renewer's pass does) while wrk loads the tunnel route; and a tunnel's reconnect.
 */
import { createPlaceholderPem } from '../../certs/placeholder.js';
import * as engine from '../../scripts/engine/index.js';
import { rotateCertificate } from '../../scripts/live/cert-rotation.js';
import { certPath, HAPROXY_UID } from '../../stacks/layout.js';
import { containerName } from '../../stacks/services.js';
import { loadAverage, WORKLOAD_SHAPE, type Workload, wrk } from './load.js';
import { type LoadResult, median } from './parse.js';
import { q, sh } from './shell.js';
import { applyFile, type BenchStack, HOST, USER } from './stack.js';
import { type Topology, tunnelArgs } from './topology.js';

export interface UnderLoadRecord {
  what: 'reload' | 'rotation';
  workload: Workload;
  /** How many reloads or rotations happened during the run. */
  events: number;
  wrk: LoadResult;
  load: [number, number];
}

/** Runs wrk for `seconds` on the tunnel route while `event` runs `count` times, evenly spaced. */
async function duringLoad(topo: Topology, workload: Workload, seconds: number, count: number, event: (i: number) => Promise<void>): Promise<{ wrk: LoadResult; events: number }> {
  const shape = WORKLOAD_SHAPE[workload];
  const load = wrk(topo.clients[0], topo.urls.tunnelgate.replace(/\/hello$/, shape.path), shape.conns, seconds, shape.close);
  let events = 0;
  const gap = (seconds * 1000) / (count + 1);
  for (let i = 0; i < count; i++) {
    await new Promise((r) => setTimeout(r, gap));
    await event(i);
    events++;
  }
  return { wrk: await load, events };
}

/** `count` config reloads (a route added, then removed again) under each workload. */
export async function reloadsUnderLoad(stack: BenchStack, topo: Topology, seconds: number, count: number): Promise<UnderLoadRecord[]> {
  const extra = stack.withRoutes('bench-reload', [{ host: `reload.${HOST}`, tunnel: USER }]);
  const out: UnderLoadRecord[] = [];
  for (const workload of ['small', 'close'] as const) {
    const before = loadAverage();
    const res = await duringLoad(topo, workload, seconds, count, async (i) => {
      const { ops } = await applyFile(i % 2 === 0 ? extra : stack.file);
      if (ops === 0) throw new Error('a reload step planned nothing');
    });
    if (count % 2 === 1) await applyFile(stack.file);
    out.push({ what: 'reload', workload, ...res, load: [before, loadAverage()] });
  }
  return out;
}

/**
 * `count` certificate rotations of the tunnel route's host under each workload: a fresh PEM is
 * written where the renewer writes it and committed through the master CLI, the renewer's path.
 */
export async function rotationsUnderLoad(stack: BenchStack, topo: Topology, seconds: number, count: number): Promise<UnderLoadRecord[]> {
  const haproxy = containerName(stack.project, 'haproxy');
  const out: UnderLoadRecord[] = [];
  for (const workload of ['small', 'close'] as const) {
    const before = loadAverage();
    const res = await duringLoad(topo, workload, seconds, count, async () => {
      const pem = await createPlaceholderPem(HOST, new Date());
      await engine.putFiles(haproxy, [{ path: certPath(HOST), content: pem, mode: 0o600, uid: HAPROXY_UID, gid: HAPROXY_UID }]);
      await rotateCertificate(haproxy, HOST);
    });
    out.push({ what: 'rotation', workload, ...res, load: [before, loadAverage()] });
  }
  return out;
}

/**
 * Tunnel drop → reconnect → first 200, timed inside client A (bench/baseline/conf/reconnect.sh:
 * kill ssh, wait for the 503 page, start ssh, poll every 10 ms), so no docker exec is on the clock.
 */
export async function reconnects(topo: Topology, times: number): Promise<{ ms: number[]; median: number }> {
  const ms: number[] = [];
  const t = topo.tunnels.tunnelgate;
  for (let i = 0; i < times; i++) {
    const out = await sh(topo.clients[0], `/bench/reconnect.sh ${q(topo.urls.tunnelgate)} ${q(topo.resolve)} ${tunnelArgs(t)}`);
    ms.push(Number(out.trim()));
  }
  return { ms, median: median(ms) };
}
