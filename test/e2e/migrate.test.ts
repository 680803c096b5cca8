/**
 * A stack made by the previous layout (one `config` volume shared read-write by haproxy and sshd,
 * no lockdown) is migrated by a plain `up`: both containers recreated with their own config
 * volumes, the shared volume removed as a plan op with its cause, and the issued certificate, the
 * ACME account and the SSH host key kept.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { loadConfig } from '../../scripts/config/load-config.js';
import { converge } from '../../scripts/deploy/converge.js';
import { renderPlan } from '../../scripts/deploy/plan-text.js';
import { teardown } from '../../scripts/deploy/teardown.js';
import * as engine from '../../scripts/engine/index.js';
import { LABEL } from '../../stacks/labels.js';
import type { EdgeModel } from '../../stacks/model.js';
import { writeEdgeYaml } from '../../testkit/edge-yaml.js';
import { keyPair } from '../../testkit/keys.js';
import { freePort, get, localService, served } from '../../testkit/net.js';
import { type SshProcess, stop, tunnel } from '../../testkit/ssh.js';

const OLD_COMPOSE = readFileSync(new URL('./fixtures/edge.compose.shared-config.yaml', import.meta.url), 'utf8');
const HOST = 'site.migrate.test';
const log: string[] = [];
const say = (l: string) => log.push(l);
const alice = keyPair('migrate-alice');
const procs: SshProcess[] = [];
let project: string;
let model: EdgeModel;
let ports: { http: number; https: number; ssh: number };
let service: Awaited<ReturnType<typeof localService>>;

const name = (service: string) => `${project}-${service}-1`;
const sh = async (container: string, script: string) => (await engine.exec(container, ['sh', '-c', script], { user: 'root' })).stdout.trim();
/** The PEM's hash, read as HAProxy's user: it is 0600 HAProxy's, and root in the new container may not read it. */
const pemHash = async () => (await engine.exec(name('haproxy'), ['sha256sum', `/certs/${HOST}.pem`])).stdout.trim();
const volumes = async () => (await engine.listVolumes([`${LABEL.project}=${project}`])).map((v) => v.name).sort();

/** `up` as the previous version did it: the old compose file, the same pipeline. */
async function upWithOldLayout(): Promise<void> {
  const res = await converge(model, say, new Date(), { acme: true, compose: { text: OLD_COMPOSE, path: '/old/edge.compose.yaml' } });
  expect(res.issued?.results).toMatchObject([{ host: HOST, result: 'renewed', rotated: true }]);
}

beforeAll(async () => {
  process.env.TUNNELGATE_TEST_RUN = inject('runId');
  project = `tg-migrate-${inject('runId')}`.replace(/[^a-z0-9-]/g, '-');
  ports = { http: await freePort(), https: await freePort(), ssh: await freePort() };
  service = await localService('migrated');
  model = loadConfig({ config: writeEdgeYaml('migrate', { project, ports, users: { alice: [alice.pub] }, routes: [{ host: HOST, tunnel: 'alice' }] }) }).model;
  await upWithOldLayout();
});

afterAll(async () => {
  await Promise.all(procs.map(stop));
  service?.server.close();
  if (project) await teardown(project, { volumes: true, log: say });
});

describe('migrating a stack of the shared config volume', () => {
  it('starts from the old layout: one config volume, read-write in both containers, serving a tunnel', async () => {
    expect(await volumes()).toContain(`${project}_config`);
    const info = await engine.docker().getContainer(name('sshd')).inspect();
    expect(info.Mounts.find((m) => m.Destination === '/config')).toMatchObject({ Name: `${project}_config`, RW: true });
    expect(await sh(name('sshd'), 'ls /config')).toBe('haproxy\nsshd');
    // The tunnel's known_hosts file records the old sshd's host key (accept-new refuses a changed one later).
    const first = tunnel(ports.ssh, 'alice', alice.path, `/run/tunnels/alice/${HOST}.sock`, service.port);
    expect(await served(ports.https, HOST)).toBe('migrated');
    await stop(first);
  });

  it('up recreates both containers, then removes the shared volume; certificate and host key stay', async () => {
    const before = {
      serial: (await get(ports.https, HOST)).serial,
      pem: await pemHash(),
      hostKey: await sh(name('sshd'), 'cat /hostkeys/ssh_host_ed25519_key.pub'),
    };
    const res = await converge(model, say, new Date(), { acme: true });
    console.log(`migration plan:\n${renderPlan(res.ops)}`);
    expect(res.ops.map((o) => `${o.op} ${o.target}`)).toEqual([
      `create-volume ${project}_haproxy-config`,
      `create-volume ${project}_sshd-config`,
      'recreate sshd',
      'start sshd',
      'update-login sshd',
      'recreate haproxy',
      'start haproxy',
      'recreate pebble',
      'start pebble',
      `remove-volume ${project}_config`,
    ]);
    expect(res.ops.at(-1)?.cause).toBe('replaced by haproxy-config and sshd-config: haproxy and sshd no longer share a writable volume');
    expect(await volumes()).not.toContain(`${project}_config`);
    // Nothing re-issued, nothing replaced by a placeholder: the same PEM is served.
    expect(res.issued).toBeUndefined();
    expect(before.pem).toMatch(/^[0-9a-f]{64} /);
    expect(await pemHash()).toBe(before.pem);
    expect((await get(ports.https, HOST)).serial).toBe(before.serial);
    expect(await sh(name('sshd'), 'cat /hostkeys/ssh_host_ed25519_key.pub')).toBe(before.hostKey);
    expect((await converge(model, say, new Date(), { acme: true })).ops).toEqual([]);
  });

  it('after it, each container sees only its own files, and the old host key still verifies', async () => {
    expect(await sh(name('sshd'), 'ls -A /config; ls /certs 2>&1')).toBe(".applied\nsshd\nls: cannot access '/certs': No such file or directory");
    expect(await sh(name('haproxy'), 'ls -A /config')).toBe('.applied\nhaproxy');
    expect(await volumes()).toContain(`${project}_acme`);
    // Same known_hosts file as before the migration: a new host key would be refused.
    const again = tunnel(ports.ssh, 'alice', alice.path, `/run/tunnels/alice/${HOST}.sock`, service.port);
    procs.push(again);
    expect(await served(ports.https, HOST)).toBe('migrated');
    expect(again.stderr()).not.toMatch(/IDENTIFICATION HAS CHANGED/);
  });
});
