/**
 * The side-by-side comparison: every workload against every target, interleaved over rounds (so
 * a busy moment of the machine hits all targets alike), then medians; and the new-connection
 * probe: a second tool (h2load) and sequential curl from a second client address while wrk keeps
 * the target busy from the first.
 */
import { backgroundWrk, curlProbe, h2load, loadAverage, urlFor, WORKLOAD_SHAPE, WORKLOADS, type Workload, wrk } from './load.js';
import { type LoadResult, median, type ProbeResult } from './parse.js';
import { TARGETS, type Target, type Topology } from './topology.js';

/** One run as printed: which round, the load average before and after. */
export interface RunRecord extends LoadResult {
  round: number;
  workload: Workload;
  target: Target;
  load: [number, number];
}

/** Medians over the rounds of one workload and target. */
export interface Summary {
  workload: Workload;
  target: Target;
  rps: number;
  p99: number;
  errors: number;
}

/** Runs `rounds` rounds of every workload against every target; `onRun` sees each run as it ends. */
export async function compareAll(topo: Topology, rounds: number, seconds: number, onRun: (r: RunRecord) => void): Promise<RunRecord[]> {
  const runs: RunRecord[] = [];
  const [client] = topo.clients;
  for (let round = 1; round <= rounds; round++) {
    for (const workload of WORKLOADS) {
      const shape = WORKLOAD_SHAPE[workload];
      for (const target of TARGETS) {
        const before = loadAverage();
        const res = await wrk(client, urlFor(topo.urls[target], workload), shape.conns, seconds, shape.close);
        const run = { ...res, round, workload, target, load: [before, loadAverage()] as [number, number] };
        runs.push(run);
        onRun(run);
      }
    }
  }
  return runs;
}

/** Medians per workload and target (errors summed). */
export function summarize(runs: RunRecord[]): Summary[] {
  const out: Summary[] = [];
  for (const workload of WORKLOADS) {
    for (const target of TARGETS) {
      const mine = runs.filter((r) => r.workload === workload && r.target === target);
      if (!mine.length) continue;
      out.push({ workload, target, rps: median(mine.map((r) => r.rps)), p99: median(mine.map((r) => r.p99)), errors: mine.reduce((s, r) => s + r.errors, 0) });
    }
  }
  return out;
}

/** The new-connection probe against one proxy target. */
export interface ProbeRecord {
  target: Exclude<Target, 'direct'>;
  h2load: LoadResult;
  curl: ProbeResult;
  load: [number, number];
}

/**
 * While wrk (client A) keeps 28 connections busy opening a new TLS connection per request,
 * client B measures with h2load (4 connections, a new one per request) and then with
 * sequential curl requests (each a new TCP + TLS connection, no session resumption).
 */
export async function probe(topo: Topology, seconds: number): Promise<ProbeRecord[]> {
  const [a, b] = topo.clients;
  const out: ProbeRecord[] = [];
  for (const target of ['baseline', 'caddy', 'tunnelgate'] as const) {
    const before = loadAverage();
    const url = topo.urls[target];
    const window = Math.min(15, 2 * seconds + 3);
    const started = Date.now();
    await backgroundWrk(a, url, 28, window, true);
    await new Promise((r) => setTimeout(r, 1000));
    const h = await h2load(b, url, 4, seconds, true);
    const c = await curlProbe(b, url, topo.resolve, 200, seconds);
    out.push({ target, h2load: h, curl: c, load: [before, loadAverage()] });
    // Let the background wrk end before the next target.
    await new Promise((r) => setTimeout(r, Math.max(0, started + window * 1000 + 1000 - Date.now())));
  }
  return out;
}
