/**
 * `npm run bench:limits`: what HAProxy and sshd use (memory, processes, open files) idle, per
 * connection, and under a short bounded load, to size the `limits.containers` defaults. Prints,
 * asserts nothing. Its own project (`tg-bench-*`), removed at the end; traffic to loopback and the
 * stack's own network only; the load runs 8 s and stops.
 *
 *   memory = the container's cgroup usage minus page cache (what `docker stats` shows);
 *   files  = open descriptors of its busiest process (nofile is a per-process limit).
 */
import { randomBytes } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { createServer } from 'node:http';
import { request } from 'node:https';
import { connect, type TLSSocket } from 'node:tls';
import { $ } from 'zx';
import { loadConfig } from '../scripts/config/load-config.js';
import { converge } from '../scripts/deploy/converge.js';
import { teardown } from '../scripts/deploy/teardown.js';
import { containerAddress } from '../scripts/engine/index.js';
import { containerName } from '../stacks/services.js';
import { writeEdgeYaml } from '../testkit/edge-yaml.js';
import { keyPair } from '../testkit/keys.js';
import { freePort, localService, served } from '../testkit/net.js';
import { type SshProcess, stop, tunnel } from '../testkit/ssh.js';

const HOST = 'limits.localhost';
const SLOW = 'slow.localhost';
const TLS_CONNECTIONS = 2000;
const SSH_CONNECTIONS = 40;
const LOAD_SECONDS = 8;
const LOAD_CLIENTS = 64;
/** Requests held open at once by a slow service: active connections, with buffers, through one tunnel. */
const IN_FLIGHT = 1000;
const run = $({ quiet: true, nothrow: true });
const MiB = 1024 * 1024;

interface Usage {
  memory: number;
  pids: number;
  /** Open descriptors of the process that has the most. */
  files: number;
}

/** One reading of a container: cgroup memory without cache, processes, the busiest process's descriptors. */
async function usage(container: string): Promise<Usage> {
  const stats = JSON.parse((await run`docker stats --no-stream --no-trunc --format ${'{{json .}}'} ${container}`).stdout) as { MemUsage: string; PIDs: string };
  const [amount, unit] = /^([\d.]+)([KMG]i?B)/.exec(stats.MemUsage)!.slice(1) as [string, string];
  const memory = Number(amount) * ({ KiB: 1024, MiB, GiB: 1024 * MiB } as Record<string, number>)[unit]!;
  const pids = (await run`docker top ${container} -eo pid`).stdout.trim().split('\n').slice(1).map(Number);
  const files = Math.max(...pids.map((pid) => readdirSync(`/proc/${pid}/fd`).length));
  return { memory, pids: Number(stats.PIDs), files };
}

const fmt = (u: Usage) => `${(u.memory / MiB).toFixed(1)} MiB, ${u.pids} pids, ${u.files} files`;
const per = (a: Usage, b: Usage, n: number) =>
  `${((b.memory - a.memory) / n / 1024).toFixed(1)} KiB, ${((b.pids - a.pids) / n).toFixed(2)} pids, ${((b.files - a.files) / n).toFixed(2)} files per connection`;
const report = (what: string, value: string) => console.log(`${what.padEnd(44)} ${value}`);

/** Opens `n` TLS connections (handshake done, then idle) to address:443. */
async function idleTls(address: string, n: number): Promise<TLSSocket[]> {
  const open: TLSSocket[] = [];
  for (let i = 0; i < n; i += 100) {
    const batch = await Promise.all(
      Array.from(
        { length: Math.min(100, n - i) },
        () =>
          new Promise<TLSSocket>((resolve, reject) => {
            const s = connect({ host: address, port: 443, servername: HOST, rejectUnauthorized: false }, () => resolve(s));
            s.on('error', reject);
          }),
      ),
    );
    open.push(...batch);
  }
  return open;
}

/** GET https://HOST/ on address:443 (a new TLS connection); its status, 0 on error. */
function fetchOnce(address: string): Promise<number> {
  return new Promise((resolve) => {
    const req = request({ host: address, port: 443, servername: HOST, headers: { host: HOST }, rejectUnauthorized: false, agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', () => resolve(0));
    req.end();
  });
}

/** IN_FLIGHT requests at once to a service that answers only when all have arrived (10 s at most). */
async function inFlight(address: string, containers: string[]): Promise<{ ok: number; usage: Record<string, Usage> }> {
  let waiting: Array<() => void> = [];
  const slow = createServer((_req, res) => {
    waiting.push(() => res.end('slow'));
  });
  await new Promise<void>((r) => slow.listen(0, '127.0.0.1', r));
  const port = (slow.address() as { port: number }).port;
  const extra = tunnel(ports.ssh, 'bench', key.path, `/run/tunnels/bench/${SLOW}.sock`, port);
  try {
    await served(ports.https, SLOW, 20_000).catch(() => undefined);
    const release = () => {
      for (const answer of waiting.splice(0)) answer();
    };
    release();
    const all = Promise.all(Array.from({ length: IN_FLIGHT }, () => fetchOnce(address)));
    const deadline = Date.now() + 10_000;
    while (waiting.length < IN_FLIGHT && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    const held: Record<string, Usage> = {};
    for (const c of containers) held[c] = await usage(c);
    release();
    const timer = setInterval(release, 50);
    const codes = await all;
    clearInterval(timer);
    return { ok: codes.filter((c) => c === 200).length, usage: held };
  } finally {
    waiting = [];
    await stop(extra);
    slow.close();
  }
}

/** LOAD_CLIENTS keep-alive clients requesting through the tunnel for LOAD_SECONDS; peak usage sampled. */
async function load(address: string, containers: string[]): Promise<{ requests: number; failed: number; peak: Record<string, Usage> }> {
  const until = Date.now() + LOAD_SECONDS * 1000;
  let requests = 0;
  let failed = 0;
  const peak: Record<string, Usage> = {};
  const one = () =>
    new Promise<void>((resolve) => {
      const req = request({ host: address, port: 443, servername: HOST, headers: { host: HOST }, rejectUnauthorized: false }, (res) => {
        res.resume();
        res.on('end', () => {
          if (res.statusCode !== 200) failed++;
          resolve();
        });
      });
      req.on('error', () => {
        failed++;
        resolve();
      });
      req.end();
    });
  const client = async () => {
    while (Date.now() < until) {
      requests++;
      await one();
    }
  };
  const sampler = async () => {
    while (Date.now() < until) {
      for (const c of containers) {
        const u = await usage(c);
        const p = peak[c] ?? u;
        peak[c] = { memory: Math.max(p.memory, u.memory), pids: Math.max(p.pids, u.pids), files: Math.max(p.files, u.files) };
      }
    }
  };
  await Promise.all([...Array.from({ length: LOAD_CLIENTS }, client), sampler()]);
  return { requests, failed, peak };
}

const project = `tg-bench-${randomBytes(3).toString('hex')}`;
process.env.TUNNELGATE_TEST_RUN = project;
const ports = { http: await freePort(), https: await freePort(), ssh: await freePort() };
const key = keyPair('limits');
const file = writeEdgeYaml('limits', {
  project,
  ports,
  users: { bench: [key.pub] },
  routes: [
    { host: HOST, tunnel: 'bench' },
    { host: SLOW, tunnel: 'bench' },
  ],
});
const { model } = loadConfig({ config: file });
const service = await localService('x'.repeat(512));
const haproxy = containerName(project, 'haproxy');
const sshd = containerName(project, 'sshd');
const tunnels: SshProcess[] = [];
let sockets: TLSSocket[] = [];

try {
  await converge(model, () => {});
  tunnels.push(tunnel(ports.ssh, 'bench', key.path, `/run/tunnels/bench/${HOST}.sock`, service.port));
  await served(ports.https, HOST, 20_000);
  const address = await containerAddress(haproxy);
  const idle = { haproxy: await usage(haproxy), sshd: await usage(sshd) };
  report('haproxy idle (1 tunnel)', fmt(idle.haproxy));
  report('sshd idle (1 tunnel)', fmt(idle.sshd));

  sockets = await idleTls(address, TLS_CONNECTIONS);
  const withTls = await usage(haproxy);
  report(`haproxy with ${TLS_CONNECTIONS} idle TLS connections`, `${fmt(withTls)}: ${per(idle.haproxy, withTls, TLS_CONNECTIONS)}`);
  for (const s of sockets) s.destroy();
  sockets = [];

  for (let i = 0; i < SSH_CONNECTIONS; i++) tunnels.push(tunnel(ports.ssh, 'bench', key.path, `/run/tunnels/bench/extra-${i}.sock`, service.port));
  let withSsh = await usage(sshd);
  for (let tries = 0; withSsh.pids < idle.sshd.pids + 2 * SSH_CONNECTIONS && tries < 100; tries++) withSsh = await usage(sshd);
  report(`sshd with ${SSH_CONNECTIONS} more tunnel connections`, `${fmt(withSsh)}: ${per(idle.sshd, withSsh, SSH_CONNECTIONS)}`);
  await Promise.all(tunnels.splice(1).map(stop));

  const held = await inFlight(address, [haproxy, sshd]);
  report(`${IN_FLIGHT} requests in flight at once`, `${held.ok} answered 200`);
  report('  haproxy', `${fmt(held.usage[haproxy]!)}: ${per(idle.haproxy, held.usage[haproxy]!, IN_FLIGHT)}`);
  report('  sshd', fmt(held.usage[sshd]!));

  const res = await load(address, [haproxy, sshd]);
  report(`${LOAD_CLIENTS} clients x ${LOAD_SECONDS}s through the tunnel`, `${res.requests} requests, ${res.failed} failed`);
  report('  haproxy peak', fmt(res.peak[haproxy]!));
  report('  sshd peak', fmt(res.peak[sshd]!));
} finally {
  for (const s of sockets) s.destroy();
  await Promise.all(tunnels.map(stop));
  service.server.close();
  await teardown(project, { volumes: true, log: () => {} });
}
