/**
 * Operating a stack: the metrics endpoint (HAProxy's exporter and the project's Lua series) on
 * the host's loopback only; access logs as JSON lines through the ring and the logger container,
 * read by `npm run logs` (filtered, followed, rotated); and `status --watch` in a pipe, stopped by
 * Ctrl-C (SIGINT). One stack with the embedded Pebble, shared by the tests in order.
 */
import { appendFileSync, readFileSync } from 'node:fs';
import { Agent, request } from 'node:https';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { $ } from 'zx';
import { loadConfig } from '../../scripts/config/load-config.js';
import { sha512Crypt } from '../../scripts/config/sha512-crypt.js';
import { converge } from '../../scripts/deploy/converge.js';
import { teardown } from '../../scripts/deploy/teardown.js';
import * as engine from '../../scripts/engine/index.js';
import type { EdgeModel } from '../../stacks/model.js';
import { writeEdgeYaml } from '../../testkit/edge-yaml.js';
import { keyPair } from '../../testkit/keys.js';
import { freePort, get, localService } from '../../testkit/net.js';
import { type SshProcess, stop, tunnel } from '../../testkit/ssh.js';
import { waitFor } from '../../testkit/wait.js';
import { NODE_TSX, REPO, runCli, startCli } from './support-cli.js';
import { ACCESS_LOG_FIELDS as FIELDS, isJson, sample } from './support-ops.js';

const say = () => {};
const HOST = 'app.ops.test';
/** The metrics endpoint's HTTPS host, behind basic auth. */
const METRICS_HOST = 'metrics.ops.test';
const SCRAPER = { user: 'prom', password: 'scrape-secret' };
let project: string;
let file: string;
let model: EdgeModel;
let ports: { http: number; https: number; ssh: number };
let metricsPort: number;
const alice = keyPair('ops-alice');
const procs: SshProcess[] = [];
let service: Awaited<ReturnType<typeof localService>>;
const name = (service: string) => `${project}-${service}-1`;

/** GET on the metrics port (plain HTTP on the host's loopback). */
async function metrics(path: string): Promise<string> {
  const res = await fetch(`http://127.0.0.1:${metricsPort}${path}`);
  expect(res.status).toBe(200);
  return res.text();
}

/** `n` keep-alive HTTPS requests to HOST, `path(i)` each. */
async function burst(n: number, path: (i: number) => string): Promise<void> {
  const agent = new Agent({ keepAlive: true, maxSockets: 4 });
  const one = (p: string) =>
    new Promise<void>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port: ports.https, servername: HOST, headers: { host: HOST }, path: p, agent, rejectUnauthorized: false }, (res) => {
        res.resume();
        res.on('end', resolve);
      });
      req.on('error', reject);
      req.end();
    });
  for (let i = 0; i < n; i += 8) await Promise.all(Array.from({ length: Math.min(8, n - i) }, (_, k) => one(path(i + k))));
  agent.destroy();
}

const cliEnv = () => ({ TUNNELGATE_TEST_RUN: inject('runId') });
const logs = (...args: string[]) => runCli('logs', ['--config', file, ...args], cliEnv());

beforeAll(async () => {
  process.env.TUNNELGATE_TEST_RUN = inject('runId');
  project = `tg-ops-${inject('runId')}`.replace(/[^a-z0-9-]/g, '-');
  ports = { http: await freePort(), https: await freePort(), ssh: await freePort() };
  metricsPort = await freePort();
  file = writeEdgeYaml('ops-edge', { project, ports, users: { alice: [alice.pub] }, routes: [{ host: HOST, tunnel: 'alice', replicas: 2 }] });
  // writeEdgeYaml knows the core keys; the operating sections are appended as a user would.
  const hash = sha512Crypt(SCRAPER.password, 'opsmetrics');
  appendFileSync(file, `metrics:\n  port: ${metricsPort}\n  host: ${METRICS_HOST}\n  basicAuth: {${SCRAPER.user}: "${hash}"}\nlogs:\n  access: true\n  maxFileMB: 1\n  maxFiles: 2\n`);
  model = loadConfig({ config: file }).model;
  service = await localService('hello from the laptop');
  const res = await converge(model, say, new Date(), { acme: true });
  expect(res.ops.map((o) => `${o.op} ${o.target}`)).toContain('create logger');
  expect(res.issued?.results).toMatchObject([
    { host: HOST, result: 'renewed' },
    { host: METRICS_HOST, result: 'renewed' },
  ]);
});

afterAll(async () => {
  await Promise.all(procs.map(stop));
  service?.server.close();
  if (project) await teardown(project, { volumes: true, log: say });
});

describe('metrics', () => {
  it('are published on the host loopback only', async () => {
    const info = await engine.docker().getContainer(name('haproxy')).inspect();
    expect(info.HostConfig.PortBindings?.['9101/tcp']).toEqual([{ HostIp: '127.0.0.1', HostPort: String(metricsPort) }]);
  });

  it("answer with HAProxy's series for the route and its slots, and the project's series", async () => {
    const haproxy = await metrics('/metrics');
    expect(sample(haproxy, `haproxy_backend_http_requests_total{proxy="be_${HOST}"}`)).toBeGreaterThanOrEqual(0);
    expect(sample(haproxy, `haproxy_server_status{proxy="be_${HOST}",server="slot1",state="DOWN"}`)).toBe(1);
    expect(sample(haproxy, `haproxy_server_status{proxy="be_${HOST}",server="slot2",state="DOWN"}`)).toBe(1);
    const ours = await metrics('/metrics/tunnelgate');
    // Every line is a comment or `name{labels} integer`: Prometheus' text format.
    for (const line of ours.trim().split('\n')) expect(line).toMatch(/^(# (HELP|TYPE) tunnelgate_\w+ .+|tunnelgate_\w+(\{[^}]*\})? -?\d+)$/);
    expect(sample(ours, `tunnelgate_route_info{route="${HOST}",proxy="be_${HOST}",kind="tunnel",user="alice"}`)).toBe(1);
    expect(sample(ours, 'tunnelgate_user_tunnels_connected{user="alice"}')).toBe(0);
    expect(sample(ours, 'tunnelgate_user_tunnel_slots{user="alice"}')).toBe(2);
    expect(sample(ours, `tunnelgate_certificate_issued{route="${HOST}"}`)).toBe(1);
    expect(sample(ours, `tunnelgate_certificate_expiry_seconds{route="${HOST}"}`)).toBeGreaterThan(80 * 86_400);
    expect(sample(ours, `tunnelgate_certificate_last_renewal_success{route="${HOST}",result="renewed"}`)).toBe(1);
    const applied = (await engine.exec(name('haproxy'), ['cat', '/config/.applied/haproxy.sha256'])).stdout.trim();
    expect(sample(ours, `tunnelgate_config_info{project="${project}",hash="${applied}"}`)).toBe(1);
    expect(sample(ours, 'tunnelgate_config_loaded_timestamp_seconds')).toBeGreaterThan(Date.now() / 1000 - 600);
  });

  it('on their HTTPS host want the password (401 without it or with a wrong one), then answer both paths', async () => {
    const scrape = async (path: string, credentials?: string) => {
      const auth = credentials === undefined ? [] : ['-u', credentials];
      const res = await $({
        quiet: true,
      })`curl -sS --cacert /dev/null -k --resolve ${`${METRICS_HOST}:${ports.https}:127.0.0.1`} ${auth} -w ${'\n%{http_code}'} ${`https://${METRICS_HOST}:${ports.https}${path}`}`;
      const lines = res.stdout.trimEnd().split('\n');
      return { status: Number(lines.pop()), body: lines.join('\n') };
    };
    expect((await scrape('/metrics')).status).toBe(401);
    expect((await scrape('/metrics', `${SCRAPER.user}:wrong`)).status).toBe(401);
    const theirs = await scrape('/metrics', `${SCRAPER.user}:${SCRAPER.password}`);
    expect(theirs.status).toBe(200);
    expect(sample(theirs.body, `haproxy_backend_http_requests_total{proxy="be_${HOST}"}`)).toBeGreaterThanOrEqual(0);
    const ours = await scrape('/metrics/tunnelgate', `${SCRAPER.user}:${SCRAPER.password}`);
    expect(ours.status).toBe(200);
    expect(sample(ours.body, 'tunnelgate_user_tunnel_slots{user="alice"}')).toBe(2);
    expect(sample(ours.body, `tunnelgate_certificate_issued{route="${METRICS_HOST}"}`)).toBe(1);
  });

  it('have every series the shipped Grafana dashboard queries', async () => {
    const dashboard = readFileSync(new URL('../../docs/grafana-dashboard.json', import.meta.url), 'utf8');
    const wanted = new Set(dashboard.match(/\b(haproxy|tunnelgate)_[a-z_]+/g));
    const scraped = `${await metrics('/metrics')}${await metrics('/metrics/tunnelgate')}`;
    expect(wanted.size).toBeGreaterThan(10);
    expect([...wanted].filter((name) => !new RegExp(`^${name}[{ ]`, 'm').test(scraped))).toEqual([]);
  });

  it('follow a tunnel connecting: slot UP, tunnels connected per user', async () => {
    procs.push(tunnel(ports.ssh, 'alice', alice.path, `/run/tunnels/alice/${HOST}.sock`, service.port));
    await waitFor(
      () => metrics('/metrics/tunnelgate'),
      (t) => sample(t, 'tunnelgate_user_tunnels_connected{user="alice"}') === 1,
    );
    const haproxy = await metrics('/metrics?scope=server');
    expect(sample(haproxy, `haproxy_server_status{proxy="be_${HOST}",server="slot1",state="UP"}`)).toBe(1);
    expect((await get(ports.https, HOST)).body).toBe('hello from the laptop');
  });
});

describe('access logs', () => {
  it('write one JSON line per request with the documented fields, no query string, and keep stdout for errors', async () => {
    await burst(5, (i) => `/probe-${i}?token=secret-${i}`);
    await get(ports.https, 'nobody.ops.test');
    const res = await waitFor(
      () => logs('--json', '-n', '1000'),
      (r) => r.stdout.includes('/probe-4') && r.stdout.includes('nobody.ops.test'),
      20_000,
      500,
    );
    const entries = res.stdout
      .trim()
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    const probe = entries.find((e) => e.path === '/probe-3')!;
    expect(Object.keys(probe)).toEqual(FIELDS);
    expect(probe).toMatchObject({ host: HOST, method: 'GET', status: 200, backend: `be_${HOST}`, slot: 'slot1', frontend: 'https~', termination: '--' });
    expect(typeof probe.Ta).toBe('number');
    expect(probe.time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(entries.find((e) => e.host === 'nobody.ops.test')).toMatchObject({ status: 404, backend: 'unknown_host', slot: '<NOSRV>' });
    expect(res.stdout).not.toContain('secret-');
    const stdout = await engine.docker().getContainer(name('haproxy')).logs({ stdout: true, stderr: true });
    expect(stdout.toString()).not.toContain('/probe-3');
  });

  it('npm run logs -- --route H shows only that route, one readable line per request', async () => {
    const res = await logs('--route', HOST, '-n', '1000');
    expect(res.exitCode, res.stderr).toBe(0);
    expect(res.stdout).toMatch(new RegExp(`^\\S+Z \\S+ GET ${HOST.replaceAll('.', '\\.')}/probe-2 200 \\d+B \\d+ms be_${HOST.replaceAll('.', '\\.')}/slot1 --$`, 'm'));
    expect(res.stdout).not.toContain('nobody.ops.test');
    expect((await logs('--route', 'nobody.ops.test')).exitCode).toBe(2);
  });

  it('--follow prints new requests as they come and stops cleanly on Ctrl-C', async () => {
    const follow = startCli('logs', ['--config', file, '--follow', '-n', '0', '--route', HOST], cliEnv());
    try {
      await waitFor(
        async () => {
          await get(ports.https, HOST, '/followed');
          return follow.stdout();
        },
        (out) => out.includes(`${HOST}/followed 200`),
        20_000,
        500,
      );
    } finally {
      follow.interrupt();
    }
    const end = await follow.done;
    expect(end.exitCode, end.stderr).toBe(0);
    // The `tail -F` inside the logger ended with it.
    await waitFor(
      async () => (await engine.exec(name('logger'), ['sh', '-c', 'cat /proc/[0-9]*/cmdline | tr "\\0" " "'])).stdout,
      (ps) => !ps.includes('tail -c'),
      10_000,
      250,
    );
  });

  it('rotate at maxFileMB, keep maxFiles, and never cut a line', async () => {
    // About 1.5 KiB per line: long paths (HAProxy logs up to 1024 bytes of them).
    await burst(1200, (i) => `/rotate-${i}-${'x'.repeat(1000)}`);
    const files = async () => (await engine.exec(name('logger'), ['sh', '-c', 'cd /run/logs && stat -c "%n %s" access.log*'], { user: '990' })).stdout;
    const listing = await waitFor(files, (out) => out.includes('access.log.1'), 30_000, 1000);
    for (const [f, size] of listing
      .trim()
      .split('\n')
      .map((l) => l.split(' '))) {
      expect(f === 'access.log' || f === 'access.log.1' || f === 'access.log.2', f).toBe(true);
      expect(Number(size)).toBeLessThan(3 * 1024 * 1024);
    }
    const all = (await engine.exec(name('logger'), ['sh', '-c', 'cat /run/logs/access.log.* /run/logs/access.log'], { user: '990' })).stdout.trim().split('\n');
    const broken = all.filter((l) => l.startsWith('{') && !isJson(l));
    expect(broken).toEqual([]);
    // `npm run logs` reads the rotated files too: every request of the burst is still there.
    const kept = await logs('-n', '5000', '--route', HOST);
    for (const i of [0, 600, 1199]) expect(kept.stdout).toContain(`/rotate-${i}-`);
  });
});

describe('status --watch', () => {
  it('in a pipe prints a plain block per second with req/s, slot health, users and certificates; Ctrl-C ends it with 0', async () => {
    const watch = startCli('status', ['--config', file, '--watch'], cliEnv());
    let loading = true;
    const load = (async () => {
      while (loading) await get(ports.https, HOST).catch(() => undefined);
    })();
    try {
      const blocks = () => watch.stdout().split('\n--- ').length - 1;
      await waitFor(
        async () => watch.stdout(),
        (out) => out.startsWith('--- ') && blocks() >= 2 && /app\.ops\.test\s+tunnel alice\s+[1-9]\d*\.\d\s+0\.0\s+1\/2 slots up {2}slot1 UP, slot2 DOWN/.test(out),
        20_000,
        250,
      );
    } finally {
      loading = false;
      await load;
      watch.interrupt();
    }
    const end = await watch.done;
    expect(end.exitCode, end.stderr).toBe(0);
    expect(end.stderr).toBe('');
    expect(end.stdout).not.toContain('\x1b');
    const last = end.stdout.trim().split('\n--- ').at(-1)!;
    expect(last).toMatch(/^alice\s+1\/2 slots$/m);
    expect(last).toMatch(new RegExp(`^${HOST.replaceAll('.', '\\.')}\\s+\\d+\\s+renewed\\s+CN=Pebble`, 'm'));
  });

  it('on a terminal draws in the alternate screen, and Ctrl-C typed there restores the terminal and exits 0', async () => {
    // `script` gives the command a real pseudo-terminal; typing ^C into it makes the kernel send
    // SIGINT to the foreground process group, exactly as a user's Ctrl-C does. `exec`: script runs
    // the command with $SHELL -c, and without SHELL (as under CI) that is dash, which stays as the
    // parent and dies of that SIGINT itself (exit 130) whatever the command does.
    const command = ['exec', ...NODE_TSX, `${REPO}scripts/status.ts`, '--config', file, '--watch'].join(' ');
    const term = $({ cwd: REPO, env: { ...process.env, ...cliEnv() }, nothrow: true, quiet: true })`script -qfec ${command} /dev/null`;
    let out = '';
    term.stdout.on('data', (b: Buffer) => (out += b.toString()));
    await waitFor(
      async () => out,
      (o) => o.split('\x1b[H\x1b[2J').length > 2,
      20_000,
      250,
    );
    term.stdin.write('\x03');
    expect((await term).exitCode).toBe(0);
    expect(out).toContain('\x1b[?1049h\x1b[?25l');
    expect(out).toContain(`tunnelgate ${project} on unix:///var/run/docker.sock`);
    expect(out).toContain('(every 1s; Ctrl-C quits)');
    expect(out.trimEnd().endsWith('\x1b[?25h\x1b[?1049l')).toBe(true);
  });
});
