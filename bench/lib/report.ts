/** The bench's printout: pure text from the records (the same records go to --json). */
import type { ColdRecord } from './cold.js';
import type { ProbeRecord, RunRecord, Summary } from './compare.js';
import { WORKLOAD_SHAPE, WORKLOADS } from './load.js';
import type { LoadResult } from './parse.js';
import type { NoopRecord, RoutesRecord } from './timings.js';
import type { Target } from './topology.js';
import type { UnderLoadRecord } from './under-load.js';

const f0 = (n: number) => (Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : '-');
const f1 = (n: number) => (Number.isFinite(n) ? n.toFixed(1) : '-');
const load = (l: [number, number]) => `load ${l[0].toFixed(2)}→${l[1].toFixed(2)}`;

/** One line per load run, as it ends. */
export function runLine(r: RunRecord): string {
  const err = r.errors ? `  errors ${r.errors} (${r.errorText})` : '';
  return `  r${r.round} ${r.workload.padEnd(5)} ${r.target.padEnd(10)} ${f0(r.rps).padStart(7)} req/s  p50 ${f1(r.p50).padStart(6)} ms  p99 ${f1(r.p99).padStart(6)} ms  ${load(r.load)}${err}`;
}

/** tunnelgate against the better of baseline and Caddy: throughput (higher is better) and p99 (lower is better). */
export interface Ratio {
  workload: string;
  rpsRatio: number;
  p99Ratio: number;
  betterRps: 'baseline' | 'caddy';
  betterP99: 'baseline' | 'caddy';
}

export function ratios(summary: Summary[]): Ratio[] {
  return WORKLOADS.flatMap((w) => {
    const by = (t: Target) => summary.find((s) => s.workload === w && s.target === t);
    const [b, c, tg] = [by('baseline'), by('caddy'), by('tunnelgate')];
    if (!b || !c || !tg) return [];
    const betterRps = b.rps >= c.rps ? 'baseline' : 'caddy';
    const betterP99 = b.p99 <= c.p99 ? 'baseline' : 'caddy';
    return [{ workload: w, rpsRatio: tg.rps / Math.max(b.rps, c.rps), p99Ratio: tg.p99 / Math.min(b.p99, c.p99), betterRps, betterP99 }];
  });
}

/** The medians table with the ratios against the better peer. */
export function summaryTable(summary: Summary[], rounds: number): string {
  const cell = (w: string, t: Target) => {
    const s = summary.find((x) => x.workload === w && x.target === t);
    return s ? `${f0(s.rps)} req/s, p99 ${f1(s.p99)} ms${s.errors ? `, ${s.errors} errors` : ''}` : '-';
  };
  const lines = [`medians of ${rounds} round(s) (wrk from client A):`];
  lines.push(`  ${'workload'.padEnd(42)} ${'direct'.padEnd(28)} ${'baseline'.padEnd(28)} ${'Caddy'.padEnd(28)} ${'tunnelgate'.padEnd(28)} vs better peer`);
  for (const w of WORKLOADS) {
    const r = ratios(summary).find((x) => x.workload === w);
    const vs = r ? `${r.rpsRatio.toFixed(2)}x req/s, p99 ${r.p99Ratio.toFixed(2)}x` : '-';
    lines.push(`  ${WORKLOAD_SHAPE[w].label.padEnd(42)} ${cell(w, 'direct').padEnd(28)} ${cell(w, 'baseline').padEnd(28)} ${cell(w, 'caddy').padEnd(28)} ${cell(w, 'tunnelgate').padEnd(28)} ${vs}`);
  }
  return lines.join('\n');
}

const tool = (r: LoadResult) => `${f0(r.rps)} req/s, p50 ${f1(r.p50)} ms, p99 ${f1(r.p99)} ms${r.errors ? `, ${r.errors} errors` : ''}`;

/** The new-connection probe, one line per target. */
export function probeTable(probes: ProbeRecord[]): string {
  const lines = ['new-connection probe from client B while wrk -c28 (new connection per request) loads the same target from client A:'];
  for (const p of probes) {
    const c = p.curl;
    lines.push(
      `  ${p.target.padEnd(10)} h2load -c4: ${tool(p.h2load).padEnd(44)} curl x${c.n}: whole request p50 ${f1(c.p50)} ms, p99 ${f1(c.p99)} ms, max ${f1(c.max)} ms (TLS done p99 ${f1(c.tlsP99)} ms)${c.errors ? `, ${c.errors} errors` : ''}  ${load(p.load)}`,
    );
  }
  return lines.join('\n');
}

export function underLoadTable(records: UnderLoadRecord[]): string {
  const lines = ['tunnelgate under load (wrk from client A on the tunnel route):'];
  for (const r of records) {
    const e = r.wrk.errors ? `${r.wrk.errors} failed (${r.wrk.errorText})` : '0 failed';
    lines.push(`  ${`${r.events} ${r.what}s`.padEnd(12)} ${WORKLOAD_SHAPE[r.workload].label.padEnd(42)} ${f0(r.wrk.requests).padStart(7)} requests, ${e}  ${load(r.load)}`);
  }
  return lines.join('\n');
}

export function timingsTable(reconnect: number[] | undefined, noops: NoopRecord[], routes: RoutesRecord | undefined): string {
  const lines: string[] = [];
  if (reconnect)
    lines.push(
      `  tunnel reconnect → first 200           median ${f0(reconnect.length ? [...reconnect].sort((a, b) => a - b)[Math.floor(reconnect.length / 2)]! : Number.NaN)} ms (${reconnect.join(', ')} ms)`,
    );
  for (const n of noops) lines.push(`  no-op \`${n.command}\`${' '.repeat(Math.max(1, 22 - n.command.length))} median ${f0(n.median)} ms wall (${n.ms.map(f0).join(', ')} ms); it said: ${n.said}`);
  if (routes) {
    lines.push(`  apply ${routes.routes} routes (from 1)               ${f0(routes.applyMs)} ms (${routes.ops} ops); one more route: ${f0(routes.oneMoreMs)} ms (${routes.oneMoreOps} ops)`);
    lines.push(`  one upstream route among them answers  ${routes.sample}; back to 1 route: ${f0(routes.removeMs)} ms`);
  }
  return lines.join('\n');
}

/** The cold `up`: its wall time and each image's build, or why it was not measured. */
export function coldLine(cold: ColdRecord): string {
  if (cold.ms === undefined) return `  ${cold.said}`;
  // The classic builder takes any local image with the same parent and instruction as cache,
  // whatever its name: a build of a second or two came from such a leftover, not from Debian.
  const cached = cold.builds.filter((b) => Number(/ in ([\d.]+)s$/.exec(b)?.[1] ?? Number.NaN) < 2);
  const warning = cached.length ? [`    NOT COLD: ${cached.length} build(s) came from the build cache (another image with the same layers; see \`docker images -a\`)`] : [];
  return [`  ${f0(cold.ms)} ms wall from no images (${cold.removed} removed first); it said: ${cold.said}`, ...cold.builds.map((b) => `    ${b}`), ...warning].join('\n');
}
