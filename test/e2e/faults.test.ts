/**
 * Faults, survived and reported, under continuous HTTPS load through a tunnel:
 *   (a) kill -9 of haproxy, sshd and pebble (the host PID of each container): each serves again
 *       within 10 s (Docker's restart policy), the tunnel comes back through a reconnecting
 *       client, and no certificate or key is lost;
 *   (d) the renewer killed in the middle of an issuance: no partial PEM, the next renew completes;
 *   (c) a full certs volume: `renew --force` fails loudly, the old certificate stays in service,
 *       and no truncated PEM is left.
 * Recovery times and failed requests are printed as a table (README "Security"); only the
 * issue's bounds are asserted. The dockerd restart (b) is test/e2e-dockerd/restart.test.ts.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { $ } from 'zx';
import { renewCertificates } from '../../scripts/deploy/certificates.js';
import * as engine from '../../scripts/engine/index.js';
import { COMPOSE_VERSION, LABEL } from '../../stacks/labels.js';
import { PEBBLE } from '../../stacks/layout.js';
import { get } from '../../testkit/net.js';
import { tmp } from '../../testkit/tmp.js';
import { waitFor } from '../../testkit/wait.js';
import { countOutage, type FaultRow, faultTable, type LoadedStack, upUnderLoad } from './support-faults.js';

const HOST = 'site.faults.test';
const run = $({ quiet: true, nothrow: true });
const say = () => {};
let stack: LoadedStack;
let holder: string | undefined;
const rows: FaultRow[] = [];

const name = (s: string) => `${stack.project}-${s}-1`;
const state = async (s: string) => (await engine.docker().getContainer(name(s)).inspect()).State;
const exec = async (s: string, argv: string[], user?: string) => engine.exec(name(s), argv, user ? { user } : {});
const status = async () => (await get(stack.ports.https, HOST).catch(() => ({ status: 0 }))).status;

/** Hashes of every PEM and key the stack must never lose, read inside the containers. */
async function secrets(): Promise<Record<string, string>> {
  const pems = (await exec('haproxy', ['sh', '-c', 'sha256sum /certs/*.pem'])).stdout.trim();
  const hostKeys = (await exec('sshd', ['sh', '-c', 'sha256sum /hostkeys/*'])).stdout.trim();
  return { pems, hostKeys };
}

/** Every file in the certs volume: PEMs that are whole (certificate and key), and no leftovers. */
async function certFiles(): Promise<{ names: string[]; wholePems: boolean }> {
  const names = (await exec('haproxy', ['ls', '-A', '/certs'])).stdout.trim().split('\n').sort();
  const check = await exec('haproxy', ['sh', '-c', 'for f in /certs/*.pem; do grep -q "END CERTIFICATE" "$f" && grep -q "END PRIVATE KEY" "$f" || echo "partial $f"; done']);
  return { names, wholePems: check.exitCode === 0 && check.stdout === '' };
}

/** kill -9 from the host. A pid of 0 or 1 (a container that is not running) would hit this process group or init: refused. */
function kill9(pid: number, what: string): void {
  if (!Number.isInteger(pid) || pid <= 1) throw new Error(`${what} has no running process (pid ${pid})`);
  process.kill(pid, 'SIGKILL');
}

/** kill -9, from the host, of a container's main process; waits until it serves again. */
async function killAndRecover(service: 'haproxy' | 'sshd' | 'pebble', serving: () => Promise<boolean>): Promise<void> {
  const before = await state(service);
  const t0 = Date.now();
  kill9(before.Pid, service);
  // Serving again: restarted by Docker (a new start time), and doing its job for a request made now.
  const back = await waitFor(
    async () => (await state(service)).StartedAt !== before.StartedAt && (await serving()),
    (ok) => ok,
    10_000,
    50,
  ).then(() => Date.now());
  const counted = await countOutage(stack.load, t0, back);
  rows.push({ fault: `kill -9 ${service}`, recovered: `${((back - t0) / 1000).toFixed(1)} s`, ...counted });
}

beforeAll(async () => {
  // The certs volume is a 256 KiB tmpfs, made before `up` (which then uses it), so (c) can fill it.
  // Docker unmounts a tmpfs volume when no container uses it: a holder keeps it mounted while
  // haproxy is killed and restarted, as a disk would be.
  stack = await upUnderLoad('faults', HOST, 'still here', async (project) => {
    const certs = `${project}_certs`;
    const labels = { [LABEL.project]: project, [LABEL.volume]: 'certs', [LABEL.version]: COMPOSE_VERSION, [LABEL.testRun]: inject('runId') };
    const labelArgs = Object.entries(labels).flatMap(([k, v]) => ['--label', `${k}=${v}`]);
    expect((await run`docker volume create --driver local --opt type=tmpfs --opt device=tmpfs --opt o=size=256k,mode=0755 ${labelArgs} ${certs}`).exitCode).toBe(0);
    const hold = await run`docker run -d --label ${`${LABEL.testRun}=${inject('runId')}`} --network none -v ${`${certs}:/certs:ro`} debian:trixie-slim sleep infinity`;
    expect(hold.exitCode, hold.stderr).toBe(0);
    holder = hold.stdout.trim();
  });
});

afterAll(async () => {
  if (holder) await run`docker rm -f ${holder}`;
  await stack?.close();
  if (rows.length) console.log(`\n${faultTable(rows)}\nload: ${stack.load.samples.length} requests in all, 4 clients, a new TLS connection each`);
});

describe('(a) kill -9 of each long-running container', () => {
  let before: Record<string, string>;
  let serial: string | undefined;

  beforeAll(async () => {
    before = await secrets();
    serial = (await get(stack.ports.https, HOST)).serial;
  });

  it('haproxy: restarted by Docker, serving HTTPS again within 10 s', async () => {
    await killAndRecover('haproxy', async () => (await status()) === 200);
  });

  it('sshd: restarted, and the reconnecting client has the tunnel serving again within 10 s', async () => {
    const starts = stack.tunnelStarts();
    await killAndRecover('sshd', async () => stack.tunnelStarts() > starts && (await status()) === 200);
  });

  it('pebble: restarted, its ACME directory answering again within 10 s', async () => {
    await killAndRecover(
      'pebble',
      async () => (await exec('pebble', ['curl', '-fsS', '-o', '/dev/null', '--cacert', PEBBLE.listenerCa, PEBBLE.directoryUrl]).catch(() => ({ exitCode: 1 }))).exitCode === 0,
    );
  });

  it('lost no certificate and no key: the same PEMs, host keys and served certificate', async () => {
    expect(await secrets()).toEqual(before);
    expect((await get(stack.ports.https, HOST)).serial).toBe(serial);
    expect((await certFiles()).wholePems).toBe(true);
  });
});

describe('(d) the renewer killed in the middle of an issuance', () => {
  it('leaves no partial PEM, the old certificate in service, and the next renew completes', async () => {
    // Mid-issuance, deterministically: the same stack renewed through DNS-01 with a hook that
    // sleeps, so once Pebble has opened the order the renewer is inside the hook (nothing written
    // yet) for as long as the test needs; then it is killed.
    const hook = join(tmp, 'slow-dns-hook.sh');
    writeFileSync(hook, '#!/bin/sh\nsleep 300\n', { mode: 0o755 });
    const slow = { ...stack.model, acme: { ...stack.model.acme, challenge: 'dns-01' as const, dnsHook: hook } };
    const before = await secrets();
    const serial = (await get(stack.ports.https, HOST)).serial;
    const since = Math.floor(Date.now() / 1000) - 1;
    const pass = renewCertificates(slow, { force: true, log: say }).then(
      () => 'finished',
      (err: Error) => err.message,
    );
    await waitFor(
      async () => (await run`docker logs --since ${String(since)} ${name('pebble')}`).stdout,
      (out) => /Added order/.test(out),
      30_000,
      50,
    );
    const renewer = (await engine.listContainers([`${LABEL.project}=${stack.project}`, `${LABEL.service}=renewer`])).find((c) => c.running);
    expect(renewer, 'the renewer is still running (in the DNS hook)').toBeDefined();
    const t0 = Date.now();
    kill9((await engine.docker().getContainer(renewer!.id).inspect()).State.Pid, 'renewer');
    expect(await pass).toMatch(/renewer exited 137 without a usable report/);
    expect(await certFiles()).toEqual({ names: ['_default.pem', `${HOST}.json`, `${HOST}.pem`], wholePems: true });
    expect(await secrets()).toEqual(before);
    expect((await get(stack.ports.https, HOST)).serial).toBe(serial);
    const next = await renewCertificates(stack.model, { force: true, log: say });
    expect(next.results).toMatchObject([{ host: HOST, result: 'renewed', rotated: true }]);
    expect((await get(stack.ports.https, HOST)).serial).not.toBe(serial);
    rows.push({ fault: 'kill -9 renewer mid-issuance', recovered: 'next renew', ...stack.load.count(t0, Date.now()) });
  });
});

describe('(c) the certs volume full', () => {
  it('renew --force fails loudly, the old certificate stays served, no truncated PEM is left', async () => {
    const serial = (await get(stack.ports.https, HOST)).serial;
    const pems = (await secrets()).pems;
    const fill = await exec('haproxy', ['sh', '-c', 'dd if=/dev/zero of=/certs/.fill bs=4k 2>&1'], 'root');
    expect(fill.stdout).toMatch(/No space left on device/);
    const t0 = Date.now();
    const res = await run`node bin/tunnelgate.mjs renew --config ${stack.file} --force`;
    rows.push({ fault: 'certs volume full, renew --force', recovered: 'old cert kept', ...stack.load.count(t0, Date.now()) });
    expect(res.exitCode).toBe(1);
    expect(`${res.stdout}${res.stderr}`).toMatch(new RegExp(`failed\\s+${HOST.replace(/\./g, '\\.')}\\s+.*writing its PEM failed: ENOSPC: no space left on device`));
    expect((await get(stack.ports.https, HOST)).serial).toBe(serial);
    expect((await secrets()).pems).toBe(pems);
    const files = await certFiles();
    expect(files.wholePems).toBe(true);
    expect(files.names.filter((n) => n.includes('.tmp-'))).toEqual([]);
    // With room again, the next pass renews.
    await exec('haproxy', ['rm', '-f', '/certs/.fill'], 'root');
    const again = await renewCertificates(stack.model, { force: true, log: say });
    expect(again.results).toMatchObject([{ host: HOST, result: 'renewed', rotated: true }]);
  });
});
