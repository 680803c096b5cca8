/**
 * `npm run bench`: measures a whole stack on this machine and prints the figures. Nothing here
 * asserts a time; it reports what it saw. Loopback only. Uses its own project (`tg-bench-*`) and
 * removes it, volumes included, at the end.
 *
 *   up (warm: images cached, no stack), up (no-op), ssh -R start -> first 200, reconnect -> 200,
 *   and with `wrk` on PATH (apt-get install wrk): keep-alive req/s direct vs. through the tunnel.
 */
import { randomBytes } from 'node:crypto';
import { $ } from 'zx';
import { loadConfig } from '../scripts/config/load-config.js';
import { converge } from '../scripts/deploy/converge.js';
import { ensureImage } from '../scripts/deploy/images.js';
import { teardown } from '../scripts/deploy/teardown.js';
import { containerAddress } from '../scripts/engine/index.js';
import { containerName } from '../stacks/services.js';
import { writeEdgeYaml } from '../testkit/edge-yaml.js';
import { keyPair } from '../testkit/keys.js';
import { freePort, get, localService } from '../testkit/net.js';
import { stop, tunnel } from '../testkit/ssh.js';
import { waitFor } from '../testkit/wait.js';

const HOST = 'bench.localhost';
const quiet = () => {};
const ms = (since: number) => Date.now() - since;
const report = (what: string, value: string) => console.log(`${what.padEnd(46)} ${value}`);

async function wrk(url: string, host: string, seconds: number): Promise<string> {
  const res = await $({ quiet: true, nothrow: true })`wrk -t2 -c32 -d${seconds}s -H ${`Host: ${host}`} ${url}`;
  if (res.exitCode !== 0) return `wrk failed: ${res.stderr.trim()}`;
  const rps = /Requests\/sec:\s+([\d.]+)/.exec(res.stdout)?.[1];
  const errors = /Non-2xx or 3xx responses: (\d+)|Socket errors: (.*)/.exec(res.stdout)?.[0];
  return `${Math.round(Number(rps))} req/s${errors ? ` (${errors})` : ''}`;
}

const project = `tg-bench-${randomBytes(3).toString('hex')}`;
process.env.TUNNELGATE_TEST_RUN = project;
const ports = { http: await freePort(), https: await freePort(), ssh: await freePort() };
const key = keyPair('bench');
const file = writeEdgeYaml('bench', { project, ports, users: { bench: [key.pub] }, routes: [{ host: HOST, tunnel: 'bench' }] });
const { model } = loadConfig({ config: file });
const service = await localService('x'.repeat(64));
let ssh: ReturnType<typeof tunnel> | undefined;

try {
  for (const name of ['haproxy', 'sshd'] as const) {
    const t = Date.now();
    const { built } = await ensureImage(name);
    report(`image ${name}`, built ? `built in ${ms(t)} ms` : 'cached');
  }
  let t = Date.now();
  await converge(model, quiet);
  report('up, warm (images cached, no stack)', `${ms(t)} ms`);
  t = Date.now();
  const again = await converge(model, quiet);
  report('up, no-op', `${ms(t)} ms (${again.ops.length} ops)`);

  const sock = `/run/tunnels/bench/${HOST}.sock`;
  t = Date.now();
  ssh = tunnel(ports.ssh, 'bench', key.path, sock, service.port);
  await waitFor(
    () => get(ports.https, HOST),
    (r) => r.status === 200,
    20_000,
    20,
  );
  report('ssh -R started -> first HTTPS 200', `${ms(t)} ms`);

  await stop(ssh);
  await waitFor(
    () => get(ports.https, HOST),
    (r) => r.status === 503,
    20_000,
    20,
  );
  t = Date.now();
  ssh = tunnel(ports.ssh, 'bench', key.path, sock, service.port);
  await waitFor(
    () => get(ports.https, HOST),
    (r) => r.status === 200,
    20_000,
    20,
  );
  report('reconnect after a drop -> first 200', `${ms(t)} ms`);

  if ((await $({ quiet: true, nothrow: true })`which wrk`).exitCode === 0) {
    report('wrk -c32 10s: local service direct (HTTP)', await wrk(`http://127.0.0.1:${service.port}/`, HOST, 10));
    // Loopback to a published port goes through Docker's userland proxy (docker-proxy), both
    // for HTTPS and for the ssh client; traffic from other machines is NATed by iptables instead.
    report('  HTTPS -> tunnel, via published ports', await wrk(`https://127.0.0.1:${ports.https}/`, HOST, 10));
    // The same path without docker-proxy: HTTPS and the ssh client reach the containers'
    // addresses on the stack network.
    await stop(ssh);
    ssh = tunnel(22, 'bench', key.path, sock, service.port, await containerAddress(containerName(project, 'sshd')));
    const haproxyIp = await containerAddress(containerName(project, 'haproxy'));
    await waitFor(
      () => get(ports.https, HOST),
      (r) => r.status === 200,
      20_000,
      20,
    );
    report('  HTTPS -> tunnel, via the stack network', await wrk(`https://${haproxyIp}:443/`, HOST, 10));
    report('  HTTPS -> 404 page (HAProxy alone), stack network', await wrk(`https://${haproxyIp}:443/`, 'unknown.localhost', 10));
  } else {
    report('throughput', 'skipped: install wrk (apt-get install wrk)');
  }
} finally {
  if (ssh) await stop(ssh);
  service.server.close();
  await teardown(project, { volumes: true, log: quiet });
}
console.log(`\n${new Date().toISOString()} on ${process.platform}/${process.arch}, node ${process.version}; project ${project} removed`);
