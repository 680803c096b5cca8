/**
 * `--only stack-variants`: one global setting of tunnelgate's own HAProxy at a time, A/B on the
 * running bench stack, interleaved with Caddy, new TLS connection per request. Each variant is the
 * rendered haproxy.cfg with one line changed, put in place and reloaded through the master CLI;
 * the rendered file is put back at the end. What docs/performance.md says about threads, session
 * tickets and the key exchange comes from this section.
 */
import { parseReload } from '../../haproxy/runtime-api.js';
import { masterCli } from '../../scripts/live/haproxy-control.js';
import { HAPROXY } from '../../stacks/layout.js';
import { containerName } from '../../stacks/services.js';
import { loadAverage, urlFor, WORKLOAD_SHAPE, wrk } from './load.js';
import { type LoadResult, median } from './parse.js';
import { q, sh } from './shell.js';
import type { Topology } from './topology.js';

interface StackVariant {
  name: string;
  /** A sed expression applied to the rendered haproxy.cfg; empty: as rendered. */
  sed: string;
  why: string;
}

const VARIANTS: StackVariant[] = [
  { name: 'as rendered', sed: '', why: 'nbthread 1, post-quantum hybrid key exchange first, no TLS tickets' },
  { name: 'nbthread 2', sed: 's/^    nbthread 1$/    nbthread 2/', why: "HAProxy's default on this machine: a thread per core" },
  { name: 'TLS tickets', sed: 's/ no-tls-tickets//', why: 'stateless resumption instead of the session cache' },
  { name: 'classical X25519', sed: 's/^global$/global\\n    ssl-default-bind-curves X25519/', why: 'what Caddy 2.6 negotiates; measured only, never rendered' },
];

export interface StackVariantRecord {
  variant: string;
  why: string;
  runs: LoadResult[];
  load: number[];
}

/** Puts `sed` of the rendered config in place and reloads; throws unless the reload took. */
async function useVariant(haproxy: string, sed: string): Promise<void> {
  const cfg = HAPROXY.cfg;
  await sh(haproxy, `sed ${q(sed)} ${q(`${cfg}.rendered`)} > ${q(`${cfg}.variant`)} && cat ${q(`${cfg}.variant`)} > ${q(cfg)} && rm ${q(`${cfg}.variant`)}`);
  const answer = parseReload(await masterCli(haproxy, 'reload'));
  if (!answer.ok) throw new Error(`variant "${sed}": reload failed:\n${answer.log.join('\n')}`);
  // The old worker finishes its connections; give the new one the machine before measuring.
  await new Promise((r) => setTimeout(r, 2000));
}

/** Every variant and Caddy once per round, `seconds` of wrk each, from client A. */
export async function stackVariants(project: string, topo: Topology, rounds: number, seconds: number, onLine: (line: string) => void): Promise<StackVariantRecord[]> {
  const haproxy = containerName(project, 'haproxy');
  const shape = WORKLOAD_SHAPE.close;
  const records: StackVariantRecord[] = [...VARIANTS.map((v) => ({ variant: v.name, why: v.why, runs: [], load: [] })), { variant: 'Caddy', why: 'the reference', runs: [], load: [] }];
  await sh(haproxy, `cp ${q(HAPROXY.cfg)} ${q(`${HAPROXY.cfg}.rendered`)}`);
  try {
    for (let round = 1; round <= rounds; round++) {
      for (const record of records) {
        const variant = VARIANTS.find((v) => v.name === record.variant);
        if (variant) await useVariant(haproxy, variant.sed);
        const url = urlFor(variant ? topo.urls.tunnelgate : topo.urls.caddy, 'close');
        const result = await wrk(topo.clients[0], url, shape.conns, seconds, shape.close);
        record.runs.push(result);
        record.load.push(loadAverage());
        onLine(
          `  r${round} ${record.variant.padEnd(17)} ${Math.round(result.rps).toLocaleString('en-US').padStart(6)} req/s  p50 ${result.p50.toFixed(1).padStart(6)} ms  p99 ${result.p99.toFixed(1).padStart(7)} ms  load ${loadAverage().toFixed(2)}`,
        );
      }
    }
  } finally {
    await useVariant(haproxy, '');
    await sh(haproxy, `rm -f ${q(`${HAPROXY.cfg}.rendered`)}`);
  }
  return records;
}

/** Medians per variant, with its ratio to Caddy in the same run. */
export function stackVariantsTable(records: StackVariantRecord[]): string {
  const caddy = records.find((r) => r.variant === 'Caddy');
  const rps = (r: StackVariantRecord) => median(r.runs.map((x) => x.rps));
  const p99 = (r: StackVariantRecord) => median(r.runs.map((x) => x.p99));
  const lines = ['stack variants (new TLS connection per request, 32 conns, wrk from client A; medians):'];
  for (const r of records) {
    const vs = caddy && r !== caddy ? `  vs Caddy ${(rps(r) / rps(caddy)).toFixed(2)}x req/s, p99 ${(p99(r) / p99(caddy)).toFixed(2)}x` : '';
    lines.push(`  ${r.variant.padEnd(17)} ${Math.round(rps(r)).toLocaleString('en-US').padStart(6)} req/s  p99 ${p99(r).toFixed(1).padStart(7)} ms${vs}  (${r.why})`);
  }
  return lines.join('\n');
}
