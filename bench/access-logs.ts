/**
 * `npm run bench:logs`: what access logs cost. HTTPS requests HAProxy answers by itself (the
 * 404 page, so nothing but HAProxy and its logging is measured), from wrk in a container on the
 * stack's network, 8 s per run, each variant twice:
 *   none   errors only (the default without logs.access)
 *   ring   logs.access: every request as JSON into the ring, forwarded to the logger container
 *   stdout the same JSON lines to stdout, through Docker's log driver (the earlier way)
 * Prints req/s and how many of the requests' lines were delivered. Asserts nothing; its own
 * project (tg-bench-logs-*), removed at the end.
 */
import { randomBytes } from 'node:crypto';
import { appendFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { renderHaproxyFiles } from '../haproxy/render-cfg.js';
import { loadConfig } from '../scripts/config/load-config.js';
import { converge } from '../scripts/deploy/converge.js';
import { teardown } from '../scripts/deploy/teardown.js';
import * as engine from '../scripts/engine/index.js';
import { masterCli, reloadHaproxy, swapHaproxyFiles } from '../scripts/live/haproxy-control.js';
import { HAPROXY } from '../stacks/layout.js';
import { containerName } from '../stacks/services.js';
import { writeEdgeYaml } from '../testkit/edge-yaml.js';
import { keyPair } from '../testkit/keys.js';
import { freePort } from '../testkit/net.js';
import { type WrkResult, wrk, wrkImage } from './wrk-container.js';

const SECONDS = 8;
const project = `tg-bench-logs-${randomBytes(3).toString('hex')}`;
process.env.TUNNELGATE_TEST_RUN = project;
const labels = { 'org.tunnelgate.test-run': project };
const quiet = () => {};
const haproxy = containerName(project, 'haproxy');
const ports = { http: await freePort(), https: await freePort(), ssh: await freePort() };
const key = keyPair('bench-logs');
const plainFile = writeEdgeYaml('bench-logs', { project, ports, users: { bench: [key.pub] }, routes: [{ host: 'bench.localhost', tunnel: 'bench' }] });
const plain = loadConfig({ config: plainFile }).model;
const loggedFile = writeEdgeYaml('bench-logs-on', { project, ports, users: { bench: [key.pub] }, routes: [{ host: 'bench.localhost', tunnel: 'bench' }] });
appendFileSync(loggedFile, 'logs: {access: true, maxFileMB: 100, maxFiles: 2}\n');
const logged = loadConfig({ config: loggedFile }).model;

const droppedLogs = async () => Number(/^DroppedLogs: (\d+)/m.exec(await masterCli(haproxy, '@1 show info'))?.[1] ?? Number.NaN);
const accessLines = async () => Number((await engine.exec(containerName(project, 'logger'), ['sh', '-c', 'cat /run/logs/access.log* 2>/dev/null | wc -l'], { user: '990' })).stdout.trim());
const stdoutLines = async (since: number) => {
  const out = (await engine.docker().getContainer(haproxy).logs({ stdout: true, stderr: true, since })) as unknown as Buffer;
  return out
    .toString('latin1')
    .split('\n')
    .filter((l) => l.includes('"path": ')).length;
};
const report = (variant: string, r: WrkResult, delivered: string) =>
  console.log(`${variant.padEnd(7)} ${String(Math.round(r.perSecond)).padStart(6)} req/s  ${delivered}${r.problems ? `  (${r.problems})` : ''}`);

try {
  const image = await wrkImage();
  const network = `${project}_edge`;
  const url = 'https://haproxy:443/';
  const host = 'unknown.bench';
  console.log(`wrk -t2 -c32 -d${SECONDS}s ${url} (Host: ${host}, the 404 page) from a container on ${network}`);
  for (let round = 1; round <= 2; round++) {
    console.log(`round ${round}`);
    await converge(plain, quiet);
    report('none', await wrk(image, network, labels, url, host, SECONDS), 'lines: errors only');

    await converge(logged, quiet);
    const before = await accessLines();
    const ring = await wrk(image, network, labels, url, host, SECONDS);
    // The collector writes as it receives: give the last lines a moment to land.
    await new Promise((r) => setTimeout(r, 2000));
    report('ring', ring, `lines delivered ${(await accessLines()) - before} of ${ring.requests}, DroppedLogs ${await droppedLogs()}`);

    const files = renderHaproxyFiles(logged);
    const cfg = files[HAPROXY.cfg]!.replace(/\n {4}log stdout len 4096 format raw daemon err/, '').replace('log ring@access len 4096', 'log stdout len 4096');
    await swapHaproxyFiles(haproxy, { [HAPROXY.cfg]: cfg });
    await reloadHaproxy(haproxy, { [HAPROXY.cfg]: cfg });
    const since = Math.floor(Date.now() / 1000);
    const stdout = await wrk(image, network, labels, url, host, SECONDS);
    report('stdout', stdout, `lines delivered ${await stdoutLines(since)} of ${stdout.requests}, DroppedLogs ${await droppedLogs()}`);
  }
} finally {
  await teardown(project, { volumes: true, log: quiet });
}
console.log(`\n${new Date().toISOString()} on ${process.platform}/${process.arch}, ${cpus().length} cores; project ${project} removed`);
