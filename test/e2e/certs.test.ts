/**
 * Certificates on a real engine against the embedded Pebble: real HTTP-01 through HAProxy's :80,
 * rotation into the running HAProxy under load, "not due" leaves everything alone, a dead CA
 * leaves the old certificate in service, and a wildcard through DNS-01 with a hook script.
 * The tests run in order and share one stack.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { connect } from 'node:tls';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { loadConfig } from '../../scripts/config/load-config.js';
import { renewCertificates } from '../../scripts/deploy/certificates.js';
import { converge } from '../../scripts/deploy/converge.js';
import { teardown } from '../../scripts/deploy/teardown.js';
import * as engine from '../../scripts/engine/index.js';
import { certPath } from '../../stacks/layout.js';
import type { EdgeModel } from '../../stacks/model.js';
import { writeEdgeYaml } from '../../testkit/edge-yaml.js';
import { keyPair } from '../../testkit/keys.js';
import { freePort, get, localService } from '../../testkit/net.js';
import { type SshProcess, stop, tunnel } from '../../testkit/ssh.js';
import { tmp } from '../../testkit/tmp.js';
import { waitFor } from '../../testkit/wait.js';

const log: string[] = [];
const say = (l: string) => log.push(l);
const A = 'site.certs.test';
const WILD = '*.wild.certs.test';
let project: string;
let ports: { http: number; https: number; ssh: number };
let model: EdgeModel;
const alice = keyPair('certs-alice');
const procs: SshProcess[] = [];
let service: Awaited<ReturnType<typeof localService>>;
const haproxy = () => `${project}-haproxy-1`;

/** Serials compared as numbers: Node pads hex to whole bytes, other readers do not. */
const norm = (serial: string) => serial.toLowerCase().replace(/^0+/, '');

/** The certificate the published HTTPS port presents for `servername`. */
function peer(servername: string): Promise<{ serial: string; issuer: string }> {
  return new Promise((resolve, reject) => {
    const s = connect({ host: '127.0.0.1', port: ports.https, servername, rejectUnauthorized: false }, () => {
      const c = s.getPeerCertificate();
      s.end();
      resolve({ serial: norm(c.serialNumber), issuer: Object.values(c.issuer).join(' ') });
    });
    s.on('error', reject);
  });
}

const startedAt = async () => (await engine.docker().getContainer(haproxy()).inspect()).State.StartedAt;
const pemHash = async (host: string) => (await engine.exec(haproxy(), ['sha256sum', certPath(host)])).stdout.split(' ')[0];

beforeAll(async () => {
  process.env.TUNNELGATE_TEST_RUN = inject('runId');
  project = `tg-certs-${inject('runId')}`.replace(/[^a-z0-9-]/g, '-');
  ports = { http: await freePort(), https: await freePort(), ssh: await freePort() };
  service = await localService('hello over tls');
  const file = writeEdgeYaml('certs-edge', { project, ports, users: { alice: [alice.pub] }, routes: [{ host: A, tunnel: 'alice' }] });
  model = loadConfig({ config: file }).model;
});

afterAll(async () => {
  await Promise.all(procs.map(stop));
  service?.server.close();
  if (project) await teardown(project, { volumes: true, log: say });
});

describe('ACME against the embedded Pebble', () => {
  it('up issues a real certificate through HTTP-01 and swaps out the placeholder without a restart', async () => {
    const started = Date.now();
    const res = await converge(model, say, new Date(), { acme: true });
    console.log(`up with first issuance: ${Date.now() - started} ms (renewer pass ${res.issued?.passMs} ms)`);
    expect(res.ops.map((o) => `${o.op} ${o.target}`)).toContain('create pebble');
    expect(res.issued?.results).toMatchObject([{ host: A, result: 'renewed', rotated: true, reason: 'placeholder certificate in service' }]);
    const served = await peer(A);
    expect(served.issuer).toContain('Pebble');
    expect(served.serial).toBe(norm(res.issued!.results[0]!.serial!));
    // The account key was made once, 0600; the PEM is HAProxy's, 0600.
    const stat = await engine.exec(haproxy(), ['stat', '-c', '%U %a', certPath(A)]);
    expect(stat.stdout.trim()).toBe('haproxy 600');
    // A second up has nothing to obtain: the valid certificate is not re-issued.
    const again = await converge(model, say, new Date(), { acme: true });
    expect(again.ops).toEqual([]);
    expect(again.issued).toBeUndefined();
    expect((await peer(A)).serial).toBe(served.serial);
  });

  it('a forced renewal under continuous HTTPS load drops no request and never restarts haproxy', async () => {
    procs.push(tunnel(ports.ssh, 'alice', alice.path, `/run/tunnels/alice/${A}.sock`, service.port));
    await waitFor(
      () => get(ports.https, A),
      (r) => r.status === 200,
    );
    const before = { serial: (await peer(A)).serial, started: await startedAt() };
    let done = false;
    const stats = { ok: 0, failed: 0, errors: [] as string[], serials: new Set<string>() };
    const client = async () => {
      const deadline = Date.now() + 120_000;
      while (!done && Date.now() < deadline) {
        try {
          const r = await get(ports.https, A);
          if (r.status === 200) stats.ok++;
          else {
            stats.failed++;
            stats.errors.push(`HTTP ${r.status}`);
          }
          if (r.serial) stats.serials.add(norm(r.serial));
        } catch (err) {
          stats.failed++;
          stats.errors.push((err as Error).message);
        }
      }
    };
    const clients = Promise.all([client(), client(), client(), client()]);
    // The load is on (requests answered with the old certificate) before the renewal starts …
    await waitFor(
      async () => stats.ok,
      (n) => n >= 20,
      30_000,
      20,
    );
    const res = await renewCertificates(model, { force: true, log: say });
    // … and stays on until requests are answered with the new one.
    const renewed = norm(res.results[0]?.serial ?? '');
    await waitFor(
      async () => stats.serials,
      (seen) => seen.has(renewed),
      30_000,
      20,
    );
    done = true;
    await clients;
    console.log(`forced renewal under load: ${stats.ok} ok, ${stats.failed} failed, serials seen ${stats.serials.size}, pass ${res.passMs} ms`);
    expect(res.ok).toBe(true);
    expect(res.results).toMatchObject([{ host: A, result: 'renewed', rotated: true }]);
    expect(stats.failed, stats.errors.slice(0, 5).join('; ')).toBe(0);
    expect(stats.ok).toBeGreaterThan(20);
    const after = await peer(A);
    expect(after.serial).not.toBe(before.serial);
    expect(stats.serials).toContain(before.serial);
    expect(stats.serials).toContain(after.serial);
    expect(await startedAt()).toBe(before.started);
  });

  it('a second renew with nothing due changes nothing', async () => {
    const before = { serial: (await peer(A)).serial, pem: await pemHash(A) };
    const res = await renewCertificates(model, { force: false, log: say });
    expect(res.ok).toBe(true);
    expect(res.results).toMatchObject([{ host: A, result: 'not-due' }]);
    expect(res.results[0]!.reason).toMatch(/days left/);
    expect((await peer(A)).serial).toBe(before.serial);
    expect(await pemHash(A)).toBe(before.pem);
  });

  it('issues a wildcard certificate through DNS-01 with a hook script', async () => {
    const hook = join(tmp, 'dns-hook.sh');
    // The hook runs inside the renewer and talks to challtestsrv's management API on the stack network.
    writeFileSync(
      hook,
      [
        '#!/bin/sh',
        'set -eu',
        'case "$1" in set) path=set-txt;; clear) path=clear-txt;; *) exit 2;; esac',
        'curl -fsS -X POST -d "{\\"host\\":\\"$2\\",\\"value\\":\\"$3\\"}" "http://pebble:8055/$path"',
        '',
      ].join('\n'),
      { mode: 0o755 },
    );
    const file = writeEdgeYaml('certs-wild', {
      project,
      ports,
      acme: { ca: 'pebble', challenge: 'dns-01', dnsHook: './dns-hook.sh' },
      users: { alice: [alice.pub] },
      routes: [
        { host: A, tunnel: 'alice' },
        { host: WILD, upstream: 'http://pebble:8055' },
      ],
    });
    const wild = loadConfig({ config: file }).model;
    expect(wild.acme).toMatchObject({ challenge: 'dns-01', dnsHook: hook });
    const res = await converge(wild, say, new Date(), { acme: true });
    expect(res.issued?.results).toMatchObject([{ host: WILD, result: 'renewed', rotated: true }]);
    const served = await peer('anything.wild.certs.test');
    expect(served.issuer).toContain('Pebble');
    expect(served.serial).toBe(norm(res.issued!.results[0]!.serial!));
  });

  it('refuses a second pass while one is running', async () => {
    const busy = `${project}-renewer-busy`;
    await engine.createContainer({
      name: busy,
      image: 'debian:trixie-slim',
      cmd: ['sleep', '120'],
      labels: { 'com.docker.compose.project': project, 'com.docker.compose.service': 'renewer', 'org.tunnelgate.test-run': inject('runId') },
      ports: [],
      mounts: [],
      network: 'bridge',
      aliases: [],
      restart: 'no',
    });
    await engine.startContainer(busy);
    try {
      await expect(renewCertificates(model, { force: true, log: say })).rejects.toThrow(`another renewal is running for project ${project} (container ${busy})`);
    } finally {
      await engine.removeContainer(busy);
    }
  });

  it('with the CA stopped, renew fails naming host and error, and the served certificate and PEM stay', async () => {
    const before = { serial: (await peer(A)).serial, pem: await pemHash(A) };
    await engine.stopContainer(`${project}-pebble-1`, 1);
    const res = await renewCertificates(model, { force: true, log: say });
    expect(res.ok).toBe(false);
    expect(res.results).toMatchObject([{ host: A, result: 'failed' }]);
    expect(res.results[0]!.error).toMatch(/pebble.*(unreachable|ENOTFOUND|ECONNREFUSED)/);
    expect((await peer(A)).serial).toBe(before.serial);
    expect(await pemHash(A)).toBe(before.pem);
    const meta = JSON.parse((await engine.exec(haproxy(), ['cat', `/certs/${A}.json`])).stdout);
    expect(meta).toMatchObject({ lastResult: 'failed' });
    expect(norm(meta.serial)).toBe(before.serial);
    expect(meta.lastError).toContain('pebble');
  });
});
