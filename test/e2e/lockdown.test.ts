/**
 * The locked-down stack on a real engine: what Docker says about each container (capabilities,
 * no-new-privileges, read-only root, pids, memory, open files, mounts), what the processes inside
 * see, and that the stack still does its job under all of it: tunnels, live user changes,
 * reloads and a renewal whose one-off renewer is locked down too.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { loadConfig } from '../../scripts/config/load-config.js';
import { renewCertificates } from '../../scripts/deploy/certificates.js';
import { converge } from '../../scripts/deploy/converge.js';
import { teardown } from '../../scripts/deploy/teardown.js';
import * as engine from '../../scripts/engine/index.js';
import { masterCli } from '../../scripts/live/haproxy-control.js';
import { haproxyMaxconn } from '../../stacks/container-limits.js';
import { LABEL } from '../../stacks/labels.js';
import type { EdgeModel } from '../../stacks/model.js';
import { writeEdgeYaml } from '../../testkit/edge-yaml.js';
import { keyPair } from '../../testkit/keys.js';
import { freePort, get, localService, served } from '../../testkit/net.js';
import { type SshProcess, ssh, stop, tunnel } from '../../testkit/ssh.js';

const A = 'alice.lockdown.test';
const B = 'bob.lockdown.test';
const log: string[] = [];
const say = (l: string) => log.push(l);
const alice = keyPair('lock-alice');
const bob = keyPair('lock-bob');
const procs: SshProcess[] = [];
let project: string;
let ports: { http: number; https: number; ssh: number };
let service: Awaited<ReturnType<typeof localService>>;
const name = (s: string) => `${project}-${s}-1`;
const inspect = (s: string) => engine.docker().getContainer(name(s)).inspect();
const sh = async (container: string, script: string, user?: string) => engine.exec(container, ['sh', '-c', script], user ? { user } : {});
const sock = (user: string, host: string) => `/run/tunnels/${user}/${host}.sock`;

/** edge.yaml with alice (and bob), and limits that differ from the defaults. */
function model(withBob: boolean): EdgeModel {
  const file = writeEdgeYaml(withBob ? 'lockdown-bob' : 'lockdown', {
    project,
    ports,
    users: { alice: [alice.pub], ...(withBob ? { bob: [bob.pub] } : {}) },
    routes: [{ host: A, tunnel: 'alice' }, ...(withBob ? [{ host: B, tunnel: 'bob' }] : [])],
  });
  // writeEdgeYaml knows no limits: they are appended as a user would write them.
  writeFileSync(file, `${readFileSync(file, 'utf8')}limits:\n  containers:\n    haproxy: {nofile: 8192, memory: 384m}\n    sshd: {pids: 1000}\n`);
  return loadConfig({ config: file }).model;
}

beforeAll(async () => {
  process.env.TUNNELGATE_TEST_RUN = inject('runId');
  project = `tg-lock-${inject('runId')}`.replace(/[^a-z0-9-]/g, '-');
  ports = { http: await freePort(), https: await freePort(), ssh: await freePort() };
  service = await localService('locked-down');
  const res = await converge(model(false), say, new Date(), { acme: true });
  expect(res.issued?.results).toMatchObject([{ host: A, result: 'renewed', rotated: true }]);
});

afterAll(async () => {
  await Promise.all(procs.map(stop));
  service?.server.close();
  if (project) await teardown(project, { volumes: true, log: say });
});

describe('what the engine says about each container', () => {
  const MiB = 1024 * 1024;
  it.each([
    ['haproxy', null, 384 * MiB, 256, 8192],
    ['sshd', ['SETUID', 'SETGID', 'SYS_CHROOT', 'CHOWN', 'FOWNER', 'FSETID', 'KILL', 'DAC_OVERRIDE'], 512 * MiB, 1000, 16384],
    ['pebble', null, 256 * MiB, 128, 1024],
  ] as const)('%s: caps dropped, no-new-privileges, read-only root, pids, memory and nofile limited', async (svc, capAdd, memory, pids, nofile) => {
    const h = (await inspect(svc)).HostConfig;
    expect({
      CapDrop: h.CapDrop,
      CapAdd: h.CapAdd,
      SecurityOpt: h.SecurityOpt,
      ReadonlyRootfs: h.ReadonlyRootfs,
      PidsLimit: h.PidsLimit,
      Memory: h.Memory,
      MemorySwap: h.MemorySwap,
      Ulimits: h.Ulimits,
      Restart: h.RestartPolicy?.Name,
    }).toEqual({
      CapDrop: ['ALL'],
      CapAdd: capAdd ? [...capAdd] : null,
      SecurityOpt: ['no-new-privileges:true'],
      ReadonlyRootfs: true,
      PidsLimit: pids,
      Memory: memory,
      MemorySwap: memory,
      Ulimits: [{ Name: 'nofile', Soft: nofile, Hard: nofile }],
      Restart: 'unless-stopped',
    });
  });

  it('haproxy and sshd share only the tunnels volume, read-only for haproxy', async () => {
    const mounts = async (svc: string) => Object.fromEntries((await inspect(svc)).Mounts.map((m) => [m.Destination, `${m.Name}${m.RW ? '' : ':ro'}`]));
    expect(await mounts('haproxy')).toEqual({ '/config': `${project}_haproxy-config`, '/certs': `${project}_certs`, '/run/tunnels': `${project}_tunnels:ro` });
    expect(await mounts('sshd')).toEqual({ '/config': `${project}_sshd-config`, '/run/tunnels': `${project}_tunnels`, '/hostkeys': `${project}_hostkeys` });
  });
});

describe('inside the containers', () => {
  it('HAProxy runs with no capability at all, cannot gain any, and writes nowhere but its tmpfs', async () => {
    expect((await sh(name('haproxy'), 'grep -E "^(CapEff|CapBnd|NoNewPrivs)" /proc/1/status')).stdout).toBe('CapEff:\t0000000000000000\nCapBnd:\t0000000000000000\nNoNewPrivs:\t1\n');
    // Even root in the container: the root filesystem and the tunnels are read-only.
    const asRoot = await sh(name('haproxy'), 'touch /usr/x /etc/x /run/tunnels/x /run/haproxy/x 2>&1', 'root');
    expect(asRoot.stdout).toBe(
      [
        "touch: cannot touch '/usr/x': Read-only file system",
        "touch: cannot touch '/etc/x': Read-only file system",
        "touch: cannot touch '/run/tunnels/x': Read-only file system",
        // HAProxy's own tmpfs (its master socket) is closed even to root: no DAC_OVERRIDE.
        "touch: cannot touch '/run/haproxy/x': Permission denied",
        '',
      ].join('\n'),
    );
    expect((await sh(name('haproxy'), 'touch /run/haproxy/x && rm /run/haproxy/x && echo ok')).stdout).toBe('ok\n');
  });

  it("HAProxy's maxconn follows the nofile limit from edge.yaml", async () => {
    const info = await masterCli(name('haproxy'), '@1 show info');
    expect(info).toContain(`Maxconn: ${haproxyMaxconn({ memory: 0, pids: 0, nofile: 8192 })}\n`);
    const ulimit = Number(/Ulimit-n: (\d+)/.exec(info)?.[1]);
    expect(ulimit).toBeLessThanOrEqual(8192);
  });

  it('sshd holds only its listed capabilities; /etc is read-only but for the account files; /run is not world-writable', async () => {
    // CHOWN DAC_OVERRIDE FOWNER FSETID KILL SETGID SETUID SYS_CHROOT = bits 0 1 3 4 5 6 7 18.
    expect((await sh(name('sshd'), 'grep -E "^(CapEff|NoNewPrivs)" /proc/1/status')).stdout).toBe('CapEff:\t00000000000400fb\nNoNewPrivs:\t1\n');
    const res = await sh(name('sshd'), 'touch /etc/x /usr/x /tmp/x 2>&1; stat -c "%a %U" /run /run/tgetc/etc; readlink /etc/passwd; getent passwd alice | cut -d: -f1,7');
    expect(res.stdout).toBe(
      [
        "touch: cannot touch '/etc/x': Read-only file system",
        "touch: cannot touch '/usr/x': Read-only file system",
        "touch: cannot touch '/tmp/x': Read-only file system",
        '755 root',
        '755 root',
        '/run/tgetc/etc/passwd',
        'alice:/usr/local/lib/tunnelgate/login',
        '',
      ].join('\n'),
    );
  });

  it('a tunnel user still cannot bind a socket outside their own directory (not in /run either)', async () => {
    const out = ssh(ports.ssh, 'alice', alice.path, ['-N', '-o', 'ExitOnForwardFailure=yes', '-R', '/run/evil.sock:127.0.0.1:1']);
    expect(await out.exited).not.toBe(0);
    expect(out.stderr()).toMatch(/remote port forwarding failed/);
  });
});

describe('the locked-down stack still does its job', () => {
  it('serves a tunnel', async () => {
    procs.push(tunnel(ports.ssh, 'alice', alice.path, sock('alice', A), service.port));
    expect(await served(ports.https, A)).toBe('locked-down');
  });

  it('adds a user and a route live (accounts in the read-only sshd, a checked reload of haproxy), then removes them', async () => {
    const started = async () => Object.fromEntries((await engine.listContainers([`${LABEL.project}=${project}`])).map((c) => [c.name, c.startedAt]));
    const before = await started();
    const add = await converge(model(true), say, new Date(), { acme: false });
    expect(add.ops.map((o) => o.op)).toEqual(['update-users', 'update-login', 'placeholder-certs', 'reload']);
    const bobTunnel = tunnel(ports.ssh, 'bob', bob.path, sock('bob', B), service.port);
    procs.push(bobTunnel);
    expect(await served(ports.https, B)).toBe('locked-down');
    await converge(model(false), say, new Date(), { acme: false });
    const ended = await Promise.race([bobTunnel.exited, new Promise((r) => setTimeout(() => r('still running'), 10_000))]);
    expect(ended).not.toBe('still running');
    expect((await get(ports.https, B)).status).toBe(404);
    expect(await started()).toEqual(before);
    expect((await get(ports.https, A)).status).toBe(200);
  });

  it('renews through a renewer that is locked down too, and rotates the certificate into HAProxy', async () => {
    const before = (await get(ports.https, A)).serial;
    let seen: Awaited<ReturnType<typeof inspect>> | undefined;
    let renewing = true;
    const watcher = (async () => {
      while (renewing && !seen) {
        const [c] = await engine.listContainers([`${LABEL.project}=${project}`, `${LABEL.service}=renewer`]);
        if (c)
          seen = await engine
            .docker()
            .getContainer(c.id)
            .inspect()
            .catch(() => undefined);
        await new Promise((r) => setTimeout(r, 50));
      }
    })();
    const res = await renewCertificates(model(false), { force: true, log: say });
    renewing = false;
    await watcher;
    expect(res.results).toMatchObject([{ host: A, result: 'renewed', rotated: true }]);
    expect((await get(ports.https, A)).serial).not.toBe(before);
    expect(seen, 'the renewer container was seen while it ran').toBeDefined();
    const h = seen!.HostConfig;
    expect({ CapDrop: h.CapDrop, CapAdd: h.CapAdd, SecurityOpt: h.SecurityOpt, ReadonlyRootfs: h.ReadonlyRootfs, PidsLimit: h.PidsLimit, Memory: h.Memory }).toEqual({
      CapDrop: ['ALL'],
      CapAdd: ['CHOWN', 'DAC_READ_SEARCH'],
      SecurityOpt: ['no-new-privileges:true'],
      ReadonlyRootfs: true,
      PidsLimit: 64,
      Memory: 256 * 1024 * 1024,
    });
    expect(seen!.Mounts.map((m) => m.Destination).sort()).toEqual(['/acme', '/certs']);
  });
});
