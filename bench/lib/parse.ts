/** Pure parsers of the load generators' output (wrk, h2load, curl -w) and the statistics the bench prints. */

/** One load run: throughput, tail and every kind of failure the tool reports. */
export interface LoadResult {
  rps: number;
  /** Milliseconds. */
  p50: number;
  p99: number;
  requests: number;
  /** Connect, read, write and timeout errors plus non-2xx/3xx responses (wrk) or failed/errored/timed-out requests (h2load). */
  errors: number;
  /** What the errors were, as the tool said it. */
  errorText: string;
}

const UNIT_MS: Record<string, number> = { us: 0.001, ms: 1, s: 1000, m: 60_000 };

/** `7.87ms` → 7.87; `180.09us` → 0.18009. */
export function durationMs(text: string): number {
  const m = /^([\d.]+)(us|ms|s|m)$/.exec(text.trim());
  if (!m) return Number.NaN;
  return Number(m[1]) * (UNIT_MS[m[2] as string] ?? Number.NaN);
}

/** `wrk --latency` output → LoadResult. */
export function parseWrk(out: string): LoadResult {
  const num = (re: RegExp) => Number(re.exec(out)?.[1] ?? Number.NaN);
  const pct = (p: string) => durationMs(new RegExp(`^\\s+${p}%\\s+(\\S+)`, 'm').exec(out)?.[1] ?? '');
  const socket = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out);
  const non2xx = num(/Non-2xx or 3xx responses: (\d+)/) || 0;
  const errors = (socket ? socket.slice(1).reduce((s, n) => s + Number(n), 0) : 0) + non2xx;
  const text = [socket?.[0], non2xx ? `non-2xx/3xx ${non2xx}` : ''].filter(Boolean).join('; ');
  return { rps: num(/Requests\/sec:\s+([\d.]+)/), p50: pct('50'), p99: pct('99'), requests: num(/(\d+) requests in/), errors, errorText: text };
}

/** The value at quantile q (0..1) of numbers, by nearest rank; NaN when empty. */
export function quantile(values: number[], q: number): number {
  if (!values.length) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] as number;
}

export const median = (values: number[]) => quantile(values, 0.5);

/**
 * `h2load` output plus its `--log-file` (one line per request: start µs, status, duration µs) →
 * LoadResult; the percentiles come from the log, since h2load itself prints only mean and sd.
 */
export function parseH2load(out: string, log: string): LoadResult {
  const durations = log
    .split('\n')
    .map((l) => l.split('\t'))
    .filter((f) => f.length >= 3)
    .map((f) => Number(f[2]) / 1000);
  const req = /requests: (\d+) total, (\d+) started, (\d+) done, (\d+) succeeded, (\d+) failed, (\d+) errored, (\d+) timeout/.exec(out);
  const non2xx = /status codes: \d+ 2xx, \d+ 3xx, (\d+) 4xx, (\d+) 5xx/.exec(out);
  const failed = req ? Number(req[5]) + Number(req[6]) + Number(req[7]) : Number.NaN;
  const bad = non2xx ? Number(non2xx[1]) + Number(non2xx[2]) : 0;
  return {
    rps: Number(/finished in [\d.]+\w+, ([\d.]+) req\/s/.exec(out)?.[1] ?? Number.NaN),
    p50: quantile(durations, 0.5),
    p99: quantile(durations, 0.99),
    requests: req ? Number(req[4]) : Number.NaN,
    errors: failed + bad,
    errorText: req && failed + bad ? `failed ${req[5]}, errored ${req[6]}, timeout ${req[7]}, 4xx/5xx ${bad}` : '',
  };
}

/** Times of a sequential curl probe: lines of `connect appconnect total` seconds (and the status). */
export interface ProbeResult {
  n: number;
  /** Milliseconds, whole request on a new connection: TCP + TLS + request + response. */
  p50: number;
  p99: number;
  max: number;
  /** TLS handshake done (appconnect) p99, ms. */
  tlsP99: number;
  errors: number;
}

/** Lines of `curl -w '%{http_code} %{time_connect} %{time_appconnect} %{time_total}\n'`. */
export function parseCurlProbe(out: string): ProbeResult {
  const rows = out
    .trim()
    .split('\n')
    .map((l) => l.trim().split(/\s+/))
    .filter((f) => f.length === 4);
  const ok = rows.filter((f) => f[0] === '200');
  const total = ok.map((f) => Number(f[3]) * 1000);
  return {
    n: rows.length,
    p50: quantile(total, 0.5),
    p99: quantile(total, 0.99),
    max: Math.max(...total),
    tlsP99: quantile(
      ok.map((f) => Number(f[2]) * 1000),
      0.99,
    ),
    errors: rows.length - ok.length,
  };
}
