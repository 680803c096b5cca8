/**
 * Where the new-connection tail comes from (`--only tail`): variants of the hand-configured
 * HAProxy, each on its own port in the peers container (same process, same socket, same sshd),
 * measured interleaved with wrk from client A and h2load from client B, with what each request
 * costs behind the proxy: new connections to the service (= SSH channels opened) and CPU time
 * of the two single-threaded ssh processes on the path.
 */
import { h2load, loadAverage, urlFor, WORKLOAD_SHAPE, type Workload, wrk } from './load.js';
import { type LoadResult, median } from './parse.js';
import { sh } from './shell.js';
import type { Topology } from './topology.js';

/** A variant: extra lines for its backend and its bind line. */
interface Variant {
  name: string;
  port: number;
  backend: string[];
  bind: string;
  why: string;
}

const VARIANTS: Variant[] = [
  { name: 'as written', port: 8443, backend: [], bind: '', why: 'the hand-configured HAProxy' },
  { name: 'http-reuse always', port: 8444, backend: ['http-reuse always'], bind: '', why: 'first requests may take an idle server connection' },
  { name: 'one accept thread', port: 8445, backend: [], bind: 'thread 1', why: 'accept and handshake on one thread only' },
  { name: 'backlog 64', port: 8446, backend: [], bind: 'backlog 64', why: 'a shorter listen queue than the default' },
  { name: 'classical X25519', port: 8447, backend: [], bind: 'curves X25519', why: "no hybrid post-quantum key share (OpenSSL 3.5's default), like Caddy 2.6: what that costs" },
  { name: 'http-no-delay', port: 8448, backend: ['option http-no-delay'], bind: '', why: 'no MSG_MORE on sends' },
  { name: 'Caddy', port: 9443, backend: [], bind: '', why: 'the reference: Caddy in front of the same socket' },
];

/** The frontends and backends appended to the peers' haproxy.cfg for the variants. */
function variantConfig(): string {
  return VARIANTS.filter((v) => v.port !== 8443 && v.port !== 9443)
    .flatMap((v) => [
      '',
      `frontend fe_${v.port}`,
      `    bind :${v.port} ssl crt /etc/bench-tls/haproxy.pem alpn h2,http/1.1 ${v.bind}`.trimEnd(),
      `    default_backend be_${v.port}`,
      '',
      `backend be_${v.port}`,
      ...v.backend.map((l) => `    ${l}`),
      '    server alice unix@/run/tunnels/alice.sock',
    ])
    .join('\n');
}

export interface VariantRecord {
  variant: string;
  workload: Workload;
  why: string;
  wrk: LoadResult[];
  h2load: LoadResult[];
  /** Connections opened to the service (each one an SSH channel) per 1,000 requests. */
  channelsPer1000: number[];
  /** CPU ms of sshd-session + the ssh client per 1,000 requests. */
  sshCpuPer1000: number[];
  /** CPU ms of the proxy (all HAProxy processes of the peers, or Caddy) per 1,000 requests. */
  proxyCpuPer1000: number[];
  load: number[];
}

// user + system CPU ms of every process whose command line matches (procps in the bench image).
const cpuMs = async (container: string, pattern: string) =>
  Number(await sh(container, `t=0; for p in $(pgrep -f ${JSON.stringify(pattern)}); do x=$(awk '{print $14+$15}' /proc/$p/stat 2>/dev/null); t=$((t + \${x:-0})); done; echo $((t * 10))`));
const accepts = async (client: string) => Number(/^\s*(\d+)\s+\d+\s+\d+/m.exec(await sh(client, 'curl -s http://127.0.0.1:8082/status'))?.[1] ?? Number.NaN);

/** Adds the variants to the peers' HAProxy (a checked reload), then measures them over `rounds`, per workload. */
export async function tailExperiments(topo: Topology, rounds: number, seconds: number, onLine: (line: string) => void, workloads: Workload[] = ['close', 'big']): Promise<VariantRecord[]> {
  await sh(
    topo.peers,
    `cat >> /bench/haproxy.cfg <<'EOF'\n${variantConfig()}\nEOF\nhaproxy -c -q -f /bench/haproxy.cfg && echo reload | socat stdio unix-connect:/run/haproxy/master.sock | grep -q Success=1`,
  );
  const peersIp = new URL(topo.urls.baseline).hostname;
  const [a, b] = topo.clients;
  const sshd = () => cpuMs(topo.peers, 'sshd-session: alice');
  const ssh = () => cpuMs(a, 'ssh -N -i /home/alice/.ssh/id_ed25519');
  const records = workloads.flatMap((workload) =>
    VARIANTS.map((v) => ({ variant: v.name, workload, why: v.why, wrk: [], h2load: [], channelsPer1000: [], sshCpuPer1000: [], proxyCpuPer1000: [], load: [] }) as VariantRecord),
  );
  for (let round = 1; round <= rounds; round++) {
    for (const workload of workloads) {
      const shape = WORKLOAD_SHAPE[workload];
      for (const v of VARIANTS) {
        const rec = records.find((r) => r.variant === v.name && r.workload === workload) as VariantRecord;
        const url = urlFor(`https://${peersIp}:${v.port}/hello`, workload);
        const proxy = () => cpuMs(topo.peers, v.port === 9443 ? '^caddy' : '^haproxy');
        const [c0, s0, k0, p0] = await Promise.all([accepts(a), sshd(), ssh(), proxy()]);
        const w = await wrk(a, url, shape.conns, seconds, shape.close);
        const [c1, s1, k1, p1] = await Promise.all([accepts(a), sshd(), ssh(), proxy()]);
        const h = await h2load(b, url, shape.conns, seconds, shape.close);
        const per1000 = (x: number) => (x * 1000) / w.requests;
        rec.wrk.push(w);
        rec.h2load.push(h);
        rec.channelsPer1000.push(per1000(c1 - c0));
        rec.sshCpuPer1000.push(per1000(s1 - s0 + k1 - k0));
        rec.proxyCpuPer1000.push(per1000(p1 - p0));
        rec.load.push(loadAverage());
        onLine(
          `  r${round} ${workload.padEnd(5)} ${v.name.padEnd(18)} wrk ${Math.round(w.rps)} req/s p99 ${w.p99.toFixed(1)} ms | h2load ${Math.round(h.rps)} req/s p99 ${h.p99.toFixed(1)} ms | per 1000 req: ${Math.round(per1000(c1 - c0))} channels, ssh CPU ${Math.round(per1000(s1 - s0 + k1 - k0))} ms, proxy CPU ${Math.round(per1000(p1 - p0))} ms | load ${loadAverage().toFixed(2)}`,
        );
      }
    }
  }
  return records;
}

/** Medians of each variant, one line each. */
export function experimentsTable(records: VariantRecord[]): string {
  const m = (xs: number[]) => median(xs).toFixed(1);
  const lines = ['experiments (variants of the hand-configured HAProxy in the peers container, and Caddy; medians):'];
  for (const r of records) {
    lines.push(
      `  ${r.workload.padEnd(5)} ${r.variant.padEnd(18)} wrk ${m(r.wrk.map((x) => x.rps))} req/s p99 ${m(r.wrk.map((x) => x.p99))} ms | h2load ${m(r.h2load.map((x) => x.rps))} req/s p99 ${m(r.h2load.map((x) => x.p99))} ms | per 1000 req: channels ${m(r.channelsPer1000)}, ssh CPU ${m(r.sshCpuPer1000)} ms, proxy CPU ${m(r.proxyCpuPer1000)} ms  (${r.why})`,
    );
  }
  return lines.join('\n');
}
