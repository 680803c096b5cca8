/** The bench's parsers and statistics: what it prints comes from these, so they are checked on real tool output. */
import { describe, expect, it } from 'vitest';
import { durationMs, parseCurlProbe, parseH2load, parseWrk, quantile } from '../../bench/lib/parse.js';
import { coldLine, ratios } from '../../bench/lib/report.js';
import { manyRoutes } from '../../bench/lib/timings.js';

// wrk 4.1.0 (Debian trixie), `wrk -t2 -c32 -d5s --latency -H 'Connection: close' …`, errors added as wrk prints them.
const WRK = `Running 5s test @ https://192.168.48.5:8443/hello
  2 threads and 32 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency    16.69ms   16.51ms 180.09ms   88.90%
    Req/Sec   500.55    120.00   700.00     70.00%
  Latency Distribution
     50%   11.58ms
     75%   20.10ms
     90%   34.84ms
     99%    1.02s 
  4977 requests in 5.00s, 1.02MB read
  Socket errors: connect 0, read 3, write 0, timeout 1
  Non-2xx or 3xx responses: 2
Requests/sec:    995.21
Transfer/sec:    209.12KB
`;

// h2load 1.64 (nghttp2-client), \`--h1 -c32 -D 6 --log-file=…\`; the log: start µs, status, duration µs.
const H2LOAD = `finished in 6.02s, 1523.00 req/s, 0B/s
requests: 9138 total, 9156 started, 9138 done, 9136 succeeded, 2 failed, 0 errored, 0 timeout
status codes: 9136 2xx, 0 3xx, 0 4xx, 0 5xx
traffic: 0B (0) total, 1.56MB (1638924) headers (space savings 0.00%), 53.65KB (54936) data
`;

describe('durationMs', () => {
  it('reads wrk units', () => {
    expect(durationMs('11.58ms')).toBe(11.58);
    expect(durationMs('180.09us')).toBeCloseTo(0.18009);
    expect(durationMs('1.02s')).toBe(1020);
    expect(durationMs('soon')).toBeNaN();
  });
});

describe('parseWrk', () => {
  it('takes req/s, p50, p99, requests and counts socket errors and non-2xx as errors', () => {
    const r = parseWrk(WRK);
    expect(r).toMatchObject({ rps: 995.21, p50: 11.58, p99: 1020, requests: 4977, errors: 6 });
    expect(r.errorText).toBe('Socket errors: connect 0, read 3, write 0, timeout 1; non-2xx/3xx 2');
  });

  it('reports no errors when wrk printed none', () => {
    const clean = WRK.replace(/ {2}Socket errors.*\n {2}Non-2xx.*\n/, '');
    expect(parseWrk(clean)).toMatchObject({ errors: 0, errorText: '' });
  });
});

describe('parseH2load', () => {
  it('takes req/s from the summary, percentiles from the log, failures as errors', () => {
    const log = Array.from({ length: 100 }, (_, i) => `17955250260${i}\t200\t${(i + 1) * 1000}`).join('\n');
    const r = parseH2load(H2LOAD, log);
    expect(r).toMatchObject({ rps: 1523, p50: 50, p99: 99, requests: 9136, errors: 2 });
    expect(r.errorText).toContain('failed 2');
  });
});

describe('parseCurlProbe', () => {
  it('keeps the whole time of answered requests and counts the rest as errors', () => {
    const r = parseCurlProbe('200 0.001 0.010 0.012\n200 0.001 0.020 0.030\n000 0.000 0.000 5.000\n');
    expect(r).toMatchObject({ n: 3, errors: 1, p50: 12, p99: 30, max: 30, tlsP99: 20 });
  });
});

describe('quantile', () => {
  it('is the nearest rank, NaN when empty', () => {
    expect(quantile([5, 1, 3, 2, 4], 0.5)).toBe(3);
    expect(quantile([5, 1, 3, 2, 4], 0.99)).toBe(5);
    expect(quantile([], 0.5)).toBeNaN();
  });
});

describe('ratios', () => {
  it('compares tunnelgate with the better peer: higher req/s, lower p99', () => {
    const s = (target: 'baseline' | 'caddy' | 'tunnelgate', rps: number, p99: number) => ({ workload: 'close' as const, target, rps, p99, errors: 0 });
    const [r] = ratios([s('baseline', 1000, 400), s('caddy', 1100, 35), s('tunnelgate', 1045, 38.5)]);
    expect(r).toMatchObject({ workload: 'close', betterRps: 'caddy', betterP99: 'caddy' });
    expect(r?.rpsRatio).toBeCloseTo(0.95);
    expect(r?.p99Ratio).toBeCloseTo(1.1);
  });
});

describe('manyRoutes', () => {
  it('alternates tunnel routes of the bench user and upstreams to the named container', () => {
    const routes = manyRoutes(4, 'bench-client-a');
    expect(routes).toEqual([
      { host: 't0.bench.localhost', tunnel: 'bench' },
      { host: 'u1.bench.localhost', upstream: 'http://bench-client-a:8081' },
      { host: 't2.bench.localhost', tunnel: 'bench' },
      { host: 'u3.bench.localhost', upstream: 'http://bench-client-a:8081' },
    ]);
  });
});

describe('bench: the cold up line', () => {
  const builds = ['built tunnelgate/base:d49aed7ca1de in 20.7s', 'built tunnelgate/renewer:362aae7570bf in 20.2s'];
  it('prints the wall time and every build', () => {
    expect(coldLine({ ms: 44235, removed: 5, builds, said: 'done in 43.3s' })).toBe(
      ['  44,235 ms wall from no images (5 removed first); it said: done in 43.3s', `    ${builds[0]}`, `    ${builds[1]}`].join('\n'),
    );
  });
  it('says NOT COLD when a build came from the build cache (a leftover image with the same layers)', () => {
    const line = coldLine({ ms: 32797, removed: 5, builds: ['built tunnelgate/base:d49aed7ca1de in 0.5s', builds[1] as string], said: 'done in 32.0s' });
    expect(line).toContain('NOT COLD: 1 build(s) came from the build cache');
  });
});
