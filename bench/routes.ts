/**
 * `npm run bench:routes`: does routing scale with the number of routes? The 404 path (a Host no
 * route claims, answered by HAProxy itself) with 1 route and with 1,000, measured by wrk in a
 * container on the stack network (no docker-proxy in the way), 10 s per run, three runs each,
 * alternating between two stacks (one per size, so neither has the other's backends loaded).
 * Prints what it saw and asserts nothing. Own projects (`tg-bench-routes-*`), removed at the
 * end with their volumes.
 */
import { randomBytes } from 'node:crypto';
import { $ } from 'zx';
import { loadConfig } from '../scripts/config/load-config.js';
import { converge } from '../scripts/deploy/converge.js';
import { ensureImage } from '../scripts/deploy/images.js';
import { teardown } from '../scripts/deploy/teardown.js';
import { ensureClientImage } from '../testkit/client-image.js';
import { writeEdgeYaml } from '../testkit/edge-yaml.js';
import { freePort, get } from '../testkit/net.js';
import { waitFor } from '../testkit/wait.js';

const SECONDS = 10;
const RUNS = 3;
const runId = randomBytes(3).toString('hex');
const SIZES = [1, 1000] as const;
const projectOf = (n: number) => `tg-bench-routes-${runId}-${n}`;
process.env.TUNNELGATE_TEST_RUN = `tg-bench-routes-${runId}`;
const quiet = () => {};
const run = $({ quiet: true, nothrow: true });

/**
 * `n` upstream routes, never called (the 404 path never reaches them). Their target is the Docker
 * host, found in /etc/hosts: `haproxy -c` and every start resolve each upstream name through libc,
 * and a name Docker's DNS cannot answer costs ~0.5 s each here (no upstream DNS), 1,000 of them minutes.
 */
async function modelWith(n: number) {
  const routes = Array.from({ length: n }, (_, i) => ({ host: `r${i}.bench.test`, upstream: 'http://host:9' }));
  const ports = { http: await freePort(), https: await freePort(), ssh: await freePort() };
  return loadConfig({ config: writeEdgeYaml(`routes-${n}`, { project: projectOf(n), ports, users: {}, routes }) }).model;
}

/** One wrk run from a container on the stack network: req/s and the line that shows the answers were 404s. */
async function wrk(image: string, n: number): Promise<{ rps: number; note: string }> {
  const res =
    await run`docker run --rm --label ${`org.tunnelgate.test-run=tg-bench-routes-${runId}`} --network ${`${projectOf(n)}_edge`} ${image} wrk -t2 -c32 -d${SECONDS}s -H ${'Host: nobody.bench.test'} https://haproxy:443/`;
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(res.stdout)?.[1] ?? 0);
  return { rps, note: /Non-2xx or 3xx responses: \d+/.exec(res.stdout)?.[0] ?? res.stderr.trim().slice(0, 200) };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

try {
  await Promise.all([ensureImage('haproxy'), ensureImage('sshd')]);
  const image = await ensureClientImage();
  for (const n of SIZES) {
    const started = Date.now();
    const model = await modelWith(n);
    await converge(model, quiet);
    await waitFor(
      () => get(model.ports.https, 'nobody.bench.test'),
      (r) => r.status === 404,
      60_000,
    );
    console.log(`up with ${n} routes (placeholder certificates included): ${Date.now() - started} ms`);
  }
  const results: Record<number, number[]> = { 1: [], 1000: [] };
  for (let i = 0; i < RUNS; i++) {
    for (const n of SIZES) {
      const { rps, note } = await wrk(image, n);
      results[n]!.push(rps);
      console.log(`run ${i + 1}, ${String(n).padStart(4)} routes: ${Math.round(rps)} req/s on the 404 path (${note})`);
    }
  }
  const [one, many] = [median(results[1]!), median(results[1000]!)];
  console.log(`median: 1 route ${Math.round(one)} req/s, 1000 routes ${Math.round(many)} req/s: ${((100 * many) / one).toFixed(1)} %`);
} finally {
  for (const n of SIZES) await teardown(projectOf(n), { volumes: true, log: quiet });
}
