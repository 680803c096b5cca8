/**
 * The load generators, run inside a client container on the stack network. Every run is bounded
 * (at most 15 s) and stops by itself; output is parsed by bench/lib/parse.ts.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { type LoadResult, type ProbeResult, parseCurlProbe, parseH2load, parseWrk } from './parse.js';
import { q, sh } from './shell.js';

export const WORKLOADS = ['small', 'big', 'close'] as const;
export type Workload = (typeof WORKLOADS)[number];

/** Path, connections and headers of each workload (as in the performance issue). */
export const WORKLOAD_SHAPE: Record<Workload, { path: string; conns: number; close: boolean; label: string }> = {
  small: { path: '/hello', conns: 32, close: false, label: 'small body, keep-alive, 32 conns' },
  big: { path: '/1m.bin', conns: 4, close: false, label: '1 MiB body, keep-alive, 4 conns' },
  close: { path: '/hello', conns: 32, close: true, label: 'new TLS connection per request, 32 conns' },
};

const MAX_SECONDS = 15;
const bounded = (s: number) => Math.max(1, Math.min(MAX_SECONDS, Math.round(s)));

/** A target's /hello URL turned into the workload's path. */
export const urlFor = (helloUrl: string, w: Workload) => helloUrl.replace(/\/hello$/, WORKLOAD_SHAPE[w].path);

/** The 1-minute load average of this machine (the bench prints it with every figure). */
export function loadAverage(): number {
  return Number(readFileSync('/proc/loadavg', 'utf8').split(' ')[0]);
}

/** Idle and total CPU time of this machine so far, from /proc/stat (idle + iowait, all fields). */
function cpuTimes(): { idle: number; total: number } {
  const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0]?.trim().split(/\s+/).slice(1).map(Number) ?? [];
  return { idle: (fields[3] ?? 0) + (fields[4] ?? 0), total: fields.reduce((a, b) => a + b, 0) };
}

/**
 * Waits for a settled machine, for figures that stand for a fresh one (a cold `up` right after
 * the bench's own load would pay for the teardown and the load still draining): at least 90 % of
 * CPU time idle over 2 s, for at most 60 s. Returns the wait and the last idle share (0–1).
 */
export async function settle(): Promise<{ waitedMs: number; idle: number }> {
  const started = performance.now();
  let idle = 0;
  while (performance.now() - started < 60_000) {
    const a = cpuTimes();
    await new Promise((r) => setTimeout(r, 2000));
    const b = cpuTimes();
    idle = (b.idle - a.idle) / Math.max(1, b.total - a.total);
    if (idle >= 0.9) break;
  }
  return { waitedMs: performance.now() - started, idle };
}

/** wrk from `client` against `url`: `conns` connections for `seconds`, keep-alive unless `close`. */
export async function wrk(client: string, url: string, conns: number, seconds: number, close: boolean): Promise<LoadResult> {
  const header = close ? `-H 'Connection: close'` : '';
  const out = await sh(client, `timeout ${MAX_SECONDS + 5} wrk -t2 -c${conns} -d${bounded(seconds)}s --timeout 5s --latency ${header} ${q(url)} 2>&1`);
  return parseWrk(out);
}

/** h2load (HTTP/1.1) from `client`: per-request times from its log file. */
export async function h2load(client: string, url: string, conns: number, seconds: number, close: boolean): Promise<LoadResult> {
  const log = `/tmp/h2load-${randomBytes(4).toString('hex')}.log`;
  const header = close ? `-H 'Connection: close'` : '';
  const threads = conns >= 2 ? 2 : 1;
  const out = await sh(client, `timeout ${MAX_SECONDS + 5} h2load --h1 -t${threads} -c${conns} -D ${bounded(seconds)} ${header} --log-file=${log} ${q(url)} 2>&1`);
  const lines = await sh(client, `cat ${log}; rm -f ${log}`);
  return parseH2load(out, lines);
}

/**
 * Sequential curl requests from `client`, each on a new TCP and TLS connection (no session
 * resumption), for at most `seconds` or `count` requests: the whole time a new visitor waits.
 */
export async function curlProbe(client: string, url: string, resolve: string, count: number, seconds: number): Promise<ProbeResult> {
  const w = `%{http_code} %{time_connect} %{time_appconnect} %{time_total}\\n`;
  const one = `curl -sk -o /dev/null --no-sessionid --max-time 5 --resolve ${q(resolve)} -H 'Connection: close' -w '${w}' ${q(url)}`;
  const out = await sh(client, `end=$(( $(date +%s) + ${bounded(seconds)} )); for i in $(seq ${count}); do [ $(date +%s) -ge $end ] && break; ${one} || true; done`);
  return parseCurlProbe(out);
}

/** Starts wrk in the background for `seconds` (output discarded): load while a probe measures. */
export async function backgroundWrk(client: string, url: string, conns: number, seconds: number, close: boolean): Promise<void> {
  const header = close ? `-H 'Connection: close'` : '';
  await sh(client, `(timeout ${MAX_SECONDS + 5} wrk -t2 -c${conns} -d${bounded(seconds)}s ${header} ${q(url)} >/dev/null 2>&1 &)`);
}
