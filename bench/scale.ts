/**
 * `npm run bench:scale`: how the stack grows, for docs/scaling.md. Asserts nothing; prints.
 *   routes 10 / 100 / 1,000 (tunnel routes of one user): `up` from nothing, a no-op `up`, adding
 *     one route (a reload), HAProxy's and sshd's memory, `status` (which reads each certificate),
 *     and a scrape of both metrics paths;
 *   users 10 / 100 (a tunnel route each): `up`, and adding one user live in sshd;
 *   tunnels 10 / 100 (that many users, one real `ssh -N -R` each, as limits.tunnelsPerUser
 *     expects people, not one account, to hold the tunnels): time until HAProxy sees every slot
 *     up, memory, and sshd's and HAProxy's CPU over 10 idle seconds (health checks only).
 * Its own project (tg-bench-scale-*), loopback and its own network only, removed at the end.
 */
import { randomBytes } from 'node:crypto';
import { appendFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { loadConfig } from '../scripts/config/load-config.js';
import { converge } from '../scripts/deploy/converge.js';
import { teardown } from '../scripts/deploy/teardown.js';
import * as engine from '../scripts/engine/index.js';
import { readStackStatus } from '../scripts/live/stack-status.js';
import type { EdgeModel } from '../stacks/model.js';
import { containerName } from '../stacks/services.js';
import { writeEdgeYaml } from '../testkit/edge-yaml.js';
import { keyPair } from '../testkit/keys.js';
import { freePort, localService } from '../testkit/net.js';
import { type SshProcess, stop, tunnel } from '../testkit/ssh.js';
import { waitFor } from '../testkit/wait.js';

const project = `tg-bench-scale-${randomBytes(3).toString('hex')}`;
process.env.TUNNELGATE_TEST_RUN = project;
const quiet = () => {};
// `npm run bench:scale -- routes|users|tunnels` runs only those parts.
const only = ['routes', 'users', 'tunnels'].filter((p) => process.argv.includes(p));
const part = (name: string, sizes: number[]) => (only.length === 0 || only.includes(name) ? sizes : []);
const ROUTES = part('routes', [10, 100, 1000]);
const USERS = part('users', [10, 100]);
const TUNNELS = part('tunnels', [10, 100]);
const key = keyPair('bench-scale');
const ports = { http: await freePort(), https: await freePort(), ssh: await freePort() };
const metricsPort = await freePort();
const host = (i: number) => `r${i}.scale.test`;
const mib = (b: number) => `${(b / 1024 / 1024).toFixed(1)} MiB`;
const since = (t: number) => `${((Date.now() - t) / 1000).toFixed(1)} s`;
const report = (what: string, value: string) => console.log(`  ${what.padEnd(44)} ${value}`);

function model(routes: number): EdgeModel {
  const file = writeEdgeYaml(`scale-${routes}`, { project, ports, users: { bench: [key.pub] }, routes: Array.from({ length: routes }, (_, i) => ({ host: host(i), tunnel: 'bench' })) });
  appendFileSync(file, `metrics: {port: ${metricsPort}}\n`);
  return loadConfig({ config: file }).model;
}

const usage = (service: 'haproxy' | 'sshd') => engine.containerUsage(containerName(project, service));

async function scrape(path: string): Promise<string> {
  const t = Date.now();
  const body = await (await fetch(`http://127.0.0.1:${metricsPort}${path}`)).text();
  return `${Date.now() - t} ms, ${(body.length / 1024).toFixed(0)} KiB, ${body.split('\n').filter((l) => l && !l.startsWith('#')).length} samples`;
}

async function routes(n: number): Promise<void> {
  console.log(`routes: ${n}`);
  let t = Date.now();
  await converge(model(n), quiet);
  report('up from nothing (no ACME)', since(t));
  t = Date.now();
  const again = await converge(model(n), quiet);
  report('up again (no-op)', `${since(t)} (${again.ops.length} ops)`);
  t = Date.now();
  await converge(model(n + 1), quiet);
  report('one route more (placeholder + reload)', since(t));
  report('haproxy memory', mib((await usage('haproxy')).memoryBytes));
  report('sshd memory', mib((await usage('sshd')).memoryBytes));
  t = Date.now();
  await readStackStatus(model(n + 1));
  report('status (reads every certificate)', since(t));
  report('scrape /metrics', await scrape('/metrics'));
  report('scrape /metrics/tunnelgate', await scrape('/metrics/tunnelgate'));
  await teardown(project, { volumes: true, log: quiet });
}

/** `user0`, `user1`… with one key each and one tunnel route each (`user<i>.scale.test`). */
function usersModel(name: string, keys: string[], p = ports, metrics = false): EdgeModel {
  const names = keys.map((_, i) => `user${i}`);
  const file = writeEdgeYaml(name, {
    project,
    ports: p,
    users: Object.fromEntries(names.map((u, i) => [u, [keys[i]!]])),
    routes: names.map((u) => ({ host: `${u}.scale.test`, tunnel: u })),
  });
  if (metrics) appendFileSync(file, `metrics: {port: ${metricsPort}}\n`);
  return loadConfig({ config: file }).model;
}

/** `n` users with a tunnel route each: `up`, and one user more applied live in sshd. */
async function users(n: number): Promise<void> {
  console.log(`users: ${n}`);
  const keys = Array.from({ length: n + 1 }, (_, i) => keyPair(`bench-user${i}`).pub);
  const withUsers = (count: number) => usersModel(`scale-users-${count}`, keys.slice(0, count));
  let t = Date.now();
  await converge(withUsers(n), quiet);
  report('up from nothing (no ACME)', since(t));
  t = Date.now();
  const res = await converge(withUsers(n + 1), quiet);
  report('one user more (update-users, reload)', `${since(t)} (${res.ops.map((o) => o.op).join(', ')})`);
  report('sshd memory', mib((await usage('sshd')).memoryBytes));
  await teardown(project, { volumes: true, log: quiet });
}

async function tunnels(n: number): Promise<void> {
  console.log(`tunnels: ${n}`);
  // A new ssh port for each new stack: its new host key must not meet the last one's in known_hosts.
  const p = { ...ports, ssh: await freePort() };
  const keys = Array.from({ length: n }, (_, k) => keyPair(`bench-user${k}`));
  await converge(
    usersModel(
      `scale-tunnels-${n}`,
      keys.map((kp) => kp.pub),
      p,
      true,
    ),
    quiet,
  );
  const service = await localService('ok');
  const procs: SshProcess[] = [];
  try {
    const t = Date.now();
    const open = (k: number) => tunnel(p.ssh, `user${k}`, keys[k]!.path, `/run/tunnels/user${k}/user${k}.scale.test.sock`, service.port);
    // In batches, as users come and go; a client sshd drops (MaxStartups) is started again, as
    // autossh or a systemd unit would.
    for (let i = 0; i < n; i += 8) {
      for (let k = i; k < Math.min(n, i + 8); k++) procs[k] = open(k);
      await new Promise((r) => setTimeout(r, 200));
    }
    let restarts = 0;
    const connected = async () => {
      procs.forEach((p, k) => {
        if (p.child.exitCode !== null) {
          procs[k] = open(k);
          restarts++;
        }
      });
      const text = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics/tunnelgate`)).text();
      return [...text.matchAll(/^tunnelgate_user_tunnels_connected\{user="[^"]+"\} (\d+)$/gm)].reduce((sum, m) => sum + Number(m[1]), 0);
    };
    await waitFor(connected, (up) => up === n, 180_000, 1000);
    report(`ssh -N -R x${n} -> every slot up`, `${since(t)} (${restarts} clients started again)`);
    const [h0, s0] = [await usage('haproxy'), await usage('sshd')];
    await new Promise((r) => setTimeout(r, 10_000));
    const [h1, s1] = [await usage('haproxy'), await usage('sshd')];
    report('sshd memory / CPU over 10 idle s', `${mib(s1.memoryBytes)} / ${((s1.cpuSeconds - s0.cpuSeconds) * 10).toFixed(1)} % of a core`);
    report('haproxy memory / CPU over 10 idle s', `${mib(h1.memoryBytes)} / ${((h1.cpuSeconds - h0.cpuSeconds) * 10).toFixed(1)} % of a core`);
  } finally {
    await Promise.all(procs.map(stop));
    service.server.close();
    await teardown(project, { volumes: true, log: quiet });
  }
}

try {
  for (const n of ROUTES) await routes(n);
  for (const n of USERS) await users(n);
  for (const n of TUNNELS) await tunnels(n);
} finally {
  await teardown(project, { volumes: true, log: quiet });
}
console.log(`\n${new Date().toISOString()} on ${process.platform}/${process.arch}, ${cpus().length} cores; project ${project} removed`);
