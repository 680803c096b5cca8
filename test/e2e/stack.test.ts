import ssh2 from 'ssh2';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { $ } from 'zx';
import { backendName, HOSTS_MAP } from '../../haproxy/names.js';
import { loadConfig } from '../../scripts/config/load-config.js';
import { converge } from '../../scripts/deploy/converge.js';
import { APPLIED_DIR } from '../../scripts/deploy/files.js';
import { teardown } from '../../scripts/deploy/teardown.js';
import * as engine from '../../scripts/engine/index.js';
import { masterCli, reloadHaproxy, swapHaproxyFiles } from '../../scripts/live/haproxy-control.js';
import { replaceRuntimeFiles } from '../../scripts/live/haproxy-runtime.js';
import { LABEL } from '../../stacks/labels.js';
import { HAPROXY, MOUNTS } from '../../stacks/layout.js';
import type { EdgeModel } from '../../stacks/model.js';
import { writeEdgeYaml } from '../../testkit/edge-yaml.js';
import { keyPair } from '../../testkit/keys.js';
import { freePort, get, localService } from '../../testkit/net.js';
import { type SshProcess, ssh, stop, tunnel } from '../../testkit/ssh.js';
import { waitFor } from '../../testkit/wait.js';

const run = $({ quiet: true, nothrow: true });
const log: string[] = [];
const say = (l: string) => log.push(l);

let ports: { http: number; https: number; ssh: number };
let project: string;
const alice = keyPair('alice');
const bob = keyPair('bob');
const procs: SshProcess[] = [];
const A = 'alice.example.test';
const B = 'bob.example.test';
const sock = (user: string, host: string, slot = 1) => `/run/tunnels/${user}/${host}${slot === 1 ? '' : `.${slot}`}.sock`;

function model(withBob: boolean): { model: EdgeModel; file: string } {
  const file = writeEdgeYaml(withBob ? 'edge-bob' : 'edge', {
    project,
    ports,
    users: { alice: [alice.pub], ...(withBob ? { bob: [bob.pub] } : {}) },
    routes: [{ host: A, tunnel: 'alice', replicas: 2 }, ...(withBob ? [{ host: B, tunnel: 'bob' }] : [])],
    extra: { offlinePage: 'instructions' },
  });
  return { model: loadConfig({ config: file }).model, file };
}

const names = () => ({ haproxy: `${project}-haproxy-1`, sshd: `${project}-sshd-1` });
async function startedAt(): Promise<Record<string, string>> {
  const list = await engine.listContainers([`${LABEL.project}=${project}`]);
  return Object.fromEntries(list.map((c) => [c.name, c.startedAt]));
}

let bobTunnel: SshProcess | undefined;
let service1: Awaited<ReturnType<typeof localService>>;
let service2: Awaited<ReturnType<typeof localService>>;

beforeAll(async () => {
  process.env.TUNNELGATE_TEST_RUN = inject('runId');
  project = `tg-e2e-${inject('runId')}`.replace(/[^a-z0-9-]/g, '-');
  ports = { http: await freePort(), https: await freePort(), ssh: await freePort() };
  service1 = await localService('from-laptop-1');
  service2 = await localService('from-laptop-2');
  const res = await converge(model(false).model, say);
  expect(res.ops.map((o) => o.op)).toContain('create');
});

afterAll(async () => {
  await Promise.all(procs.map(stop));
  service1?.server.close();
  service2?.server.close();
  if (project) await teardown(project, { volumes: true, log: say });
});

describe('up on a fresh engine', () => {
  it('labels containers like Compose, restart unless-stopped', async () => {
    const list = await engine.listContainers([`${LABEL.project}=${project}`, `${LABEL.oneoff}=False`]);
    expect(list.map((c) => c.labels[LABEL.service]).sort()).toEqual(['haproxy', 'sshd']);
    const info = await engine.docker().getContainer(names().haproxy).inspect();
    expect(info.HostConfig.RestartPolicy?.Name).toBe('unless-stopped');
    expect(info.Config.User).toBe('haproxy');
  });

  it('answers an offline tunnel route with 503 and the ssh command that brings it online', async () => {
    const res = await get(ports.https, A);
    expect(res.status).toBe(503);
    expect(res.body).toContain(A);
    expect(res.body).toContain(`ssh -N -R ${sock('alice', A)}`);
  });

  it('answers an unknown host with 404, never with a tunnel', async () => {
    const res = await get(ports.https, 'nobody.example.test');
    expect(res.status).toBe(404);
    expect(res.body).not.toContain('from-laptop');
  });

  it('redirects plain HTTP to HTTPS', async () => {
    const res = await run`curl -s -o /dev/null -w ${'%{http_code} %{redirect_url}'} -H ${`Host: ${A}`} http://127.0.0.1:${ports.http}/x`;
    expect(res.stdout).toBe(`301 https://${A}:${ports.https}/x`);
  });
});

describe('tunnels with the OpenSSH client', () => {
  it('serves the hostname through `ssh -N -R` onto the user socket', async () => {
    procs.push(tunnel(ports.ssh, 'alice', alice.path, sock('alice', A), service1.port));
    const res = await waitFor(
      () => get(ports.https, A),
      (r) => r.status === 200,
    );
    expect(res.body).toBe('from-laptop-1');
    // The socket belongs to alice, group tunnels (HAProxy's way in), and is not world-accessible.
    const stat = await engine.exec(names().sshd, ['stat', '-c', '%U %G %a', sock('alice', A)]);
    expect(stat.stdout.trim()).toBe('alice tunnels 660');
  });

  it('load-balances two replicas', async () => {
    procs.push(tunnel(ports.ssh, 'alice', alice.path, sock('alice', A, 2), service2.port));
    const seen = new Set<string>();
    await waitFor(
      async () => {
        for (let i = 0; i < 6; i++) seen.add((await get(ports.https, A)).body);
        return seen;
      },
      (s) => s.has('from-laptop-1') && s.has('from-laptop-2'),
    );
  });

  it('turns a dropped tunnel into the 503 page, and a reconnect serves again at once', async () => {
    await Promise.all(procs.splice(0).map(stop));
    const offline = await waitFor(
      () => get(ports.https, A),
      (r) => r.status === 503,
    );
    expect(offline.body).toContain('ssh -N -R');
    const started = Date.now();
    procs.push(tunnel(ports.ssh, 'alice', alice.path, sock('alice', A), service1.port));
    const back = await waitFor(
      () => get(ports.https, A),
      (r) => r.status === 200,
      10_000,
      50,
    );
    say(`reconnect: first 200 after ${Date.now() - started} ms`);
    expect(back.body).toBe('from-laptop-1');
  });

  it('serves a slot opened by the ssh2 library (a second, independent client)', async () => {
    const conn = new ssh2.Client();
    await new Promise<void>((resolve, reject) => {
      conn.on('ready', resolve).on('error', reject).connect({ host: '127.0.0.1', port: ports.ssh, username: 'alice', privateKey: alice.private, readyTimeout: 10_000 });
    });
    conn.on('unix connection', (_info, accept) => {
      const ch = accept();
      ch.once('data', () => ch.end('HTTP/1.1 200 OK\r\nContent-Length: 9\r\nConnection: close\r\n\r\nfrom-ssh2'));
    });
    await new Promise<void>((resolve, reject) => conn.openssh_forwardInStreamLocal(sock('alice', A, 2), (err) => (err ? reject(err) : resolve())));
    try {
      await waitFor(
        async () => (await get(ports.https, A)).body,
        (b) => b === 'from-ssh2',
      );
    } finally {
      conn.end();
    }
  });
});

describe('converging again', () => {
  it('a second up with the same config changes nothing and touches no container', async () => {
    const before = await startedAt();
    const res = await converge(model(false).model, say);
    expect(res.ops).toEqual([]);
    expect(await startedAt()).toEqual(before);
  });

  it('reads folders of a running container in one exec as the archive API lists them', async () => {
    const { haproxy } = names();
    const live = await engine.readDirsRunning(haproxy, [
      { path: APPLIED_DIR, suffix: '.sha256' },
      { path: MOUNTS.certs, suffix: '' },
      { path: '/no/such/folder', suffix: '' },
    ]);
    expect(Object.keys(live).sort()).toEqual([APPLIED_DIR, MOUNTS.certs].sort());
    expect(live[APPLIED_DIR]).toEqual(await engine.readDir(haproxy, APPLIED_DIR, (n) => n.endsWith('.sha256')));
    expect(live[APPLIED_DIR]?.names).toContain('haproxy.json');
    expect(Object.keys(live[APPLIED_DIR]?.contents ?? {})).toEqual(['haproxy.sha256']);
    // HAProxy's own user reads its private keys, as the archive API (root) does.
    expect(live[MOUNTS.certs]).toEqual(await engine.readDir(haproxy, MOUNTS.certs, () => true));
    expect(live[MOUNTS.certs]?.contents[`${A}.pem`]).toContain('PRIVATE KEY');
  });

  it('replaces a hosts map of 1,000 more entries at run time (more than one CLI command holds)', async () => {
    const { haproxy } = names();
    const current = (await engine.exec(haproxy, ['cat', HOSTS_MAP])).stdout;
    const bulk = Array.from({ length: 1000 }, (_, i) => `r${i}.bulk.test ${backendName(A)}`);
    const replace = (text: string) => replaceRuntimeFiles(haproxy, [HOSTS_MAP], { [HOSTS_MAP]: text }, { [HOSTS_MAP]: 'map' });
    await replace(`${current}${bulk.join('\n')}\n`);
    try {
      const shown = await masterCli(haproxy, `@1 show map ${HOSTS_MAP}`);
      expect(shown.split('\n').filter((l) => l.includes('.bulk.test'))).toHaveLength(1000);
      // The last entry routes like the first: to alice's route (her two tunnels are up).
      expect((await get(ports.https, 'r999.bulk.test')).status).toBe(200);
    } finally {
      await replace(current);
    }
    expect((await get(ports.https, 'r999.bulk.test')).status).toBe(404);
  });

  it('status --json reports per-slot health and connected users', async () => {
    type Report = { routes: Array<{ host: string; slots: Array<{ connected: boolean }> }>; users: unknown[] };
    const status = async (): Promise<Report> => {
      const res = await run`node bin/tunnelgate.mjs status --config ${model(false).file} --json`;
      expect(res.exitCode, res.stderr).toBe(0);
      return JSON.parse(res.stdout);
    };
    // Slot 2's client (ssh2) has just gone: HAProxy's check marks it down within a few seconds.
    const slots = (r: Report) => r.routes.find((x) => x.host === A)!.slots.map((s) => s.connected);
    const report = await waitFor(status, (r) => slots(r)[1] === false, 20_000, 500);
    expect(slots(report)).toEqual([true, false]);
    expect(report.users[0]).toMatchObject({ name: 'alice', connected: [sock('alice', A)] });
  });

  it('adds a user and a route live: no container restarts, alice keeps serving', async () => {
    const before = await startedAt();
    let failures = 0;
    let requests = 0;
    let polling = true;
    const poller = (async () => {
      while (polling) {
        requests++;
        if ((await get(ports.https, A).catch(() => ({ status: 0 }))).status !== 200) failures++;
      }
    })();
    const res = await converge(model(true).model, say);
    polling = false;
    await poller;
    expect(res.ops.map((o) => o.op)).toEqual(['update-users', 'update-login', 'placeholder-certs', 'reload']);
    expect(await startedAt()).toEqual(before);
    expect({ requests: requests > 0, failures }).toEqual({ requests: true, failures: 0 });

    const bobService = await localService('from-bob');
    try {
      bobTunnel = tunnel(ports.ssh, 'bob', bob.path, sock('bob', B), bobService.port);
      procs.push(bobTunnel);
      expect(
        (
          await waitFor(
            () => get(ports.https, B),
            (r) => r.status === 200,
          )
        ).body,
      ).toBe('from-bob');
    } finally {
      bobService.server.close();
    }
  });

  it('removes a user live: their session ends at once and the key stops working; others stay', async () => {
    expect(bobTunnel, 'bob has a tunnel from the previous test').toBeDefined();
    await converge(model(false).model, say);
    const code = await Promise.race([bobTunnel!.exited, new Promise((r) => setTimeout(() => r('still running'), 10_000))]);
    expect(code).not.toBe('still running');
    const again = ssh(ports.ssh, 'bob', bob.path, ['-N']);
    expect(await again.exited).not.toBe(0);
    expect(again.stderr()).toMatch(/Permission denied/);
    expect((await get(ports.https, A)).status).toBe(200);
    expect((await get(ports.https, B)).status).toBe(404);
  });

  it('a config HAProxy rejects never reaches the running HAProxy', async () => {
    const before = (await engine.exec(names().haproxy, ['cat', HAPROXY.cfg])).stdout;
    await expect(swapHaproxyFiles(names().haproxy, { [HAPROXY.cfg]: 'global\n    no-such-keyword 1\n' })).rejects.toThrow(/rejected the new configuration[\s\S]*no-such-keyword/);
    expect((await engine.exec(names().haproxy, ['cat', HAPROXY.cfg])).stdout).toBe(before);
    expect((await get(ports.https, A)).status).toBe(200);
  });

  it('a config that passes `haproxy -c` but fails at reload is rolled back, and HAProxy keeps serving', async () => {
    const live = (await engine.exec(names().haproxy, ['cat', HAPROXY.cfg])).stdout;
    // `-c` binds nothing, so it passes; the reload then cannot bind a socket in a root-owned dir.
    const broken = `${live}\nfrontend cannot_bind\n    bind unix@/config/not-writable.sock\n`;
    const files = { [HAPROXY.cfg]: broken };
    await swapHaproxyFiles(names().haproxy, files);
    await expect(reloadHaproxy(names().haproxy, files)).rejects.toThrow(/reload failed; previous configuration restored[\s\S]*not-writable\.sock/);
    expect((await engine.exec(names().haproxy, ['cat', HAPROXY.cfg])).stdout).toBe(live);
    expect((await get(ports.https, A)).status).toBe(200);
    expect((await converge(model(false).model, say)).ops).toEqual([]);
  });

  it('a config swapped in unchecked and refused by the reload itself is rolled back with the errors HAProxy gave', async () => {
    // What `up` does for a reload: no `haproxy -c` first, the master's own parse is the check.
    const live = (await engine.exec(names().haproxy, ['cat', HAPROXY.cfg])).stdout;
    const files = { [HAPROXY.cfg]: `${live}\nglobal\n    no-such-keyword 1\n` };
    await swapHaproxyFiles(names().haproxy, files, { check: false });
    await expect(reloadHaproxy(names().haproxy, files)).rejects.toThrow(/reload failed; previous configuration restored[\s\S]*unknown keyword 'no-such-keyword'/);
    expect((await engine.exec(names().haproxy, ['cat', HAPROXY.cfg])).stdout).toBe(live);
    expect((await get(ports.https, A)).status).toBe(200);
    expect((await converge(model(false).model, say)).ops).toEqual([]);
  });

  it('starts a stopped HAProxy with its current files, and serves again', async () => {
    await engine.stopContainer(names().haproxy, 1);
    const res = await converge(model(false).model, say);
    expect(res.ops.map((o) => `${o.op} ${o.target}`)).toEqual(['start haproxy']);
    expect(
      (
        await waitFor(
          () => get(ports.https, A),
          (r) => r.status === 200,
        )
      ).body,
    ).toBe('from-laptop-1');
    expect((await converge(model(false).model, say)).ops).toEqual([]);
  });

  it('keeps the SSH host key across down and up (no host-key warning for users)', async () => {
    const key = async () => (await engine.exec(names().sshd, ['cat', '/hostkeys/ssh_host_ed25519_key.pub'])).stdout.split(' ').slice(0, 2).join(' ');
    const first = await key();
    await Promise.all(procs.splice(0).map(stop));
    await teardown(project, { volumes: false, log: say });
    await converge(model(false).model, say);
    expect(await key()).toBe(first);
    // The known_hosts file the tests have used since the start must still verify the server.
    const strict = ssh(ports.ssh, 'alice', alice.path, ['-N', '-o', 'StrictHostKeyChecking=yes', '-R', `${sock('alice', A)}:127.0.0.1:${service1.port}`]);
    procs.push(strict);
    expect(
      (
        await waitFor(
          () => get(ports.https, A),
          (r) => r.status === 200,
        )
      ).body,
    ).toBe('from-laptop-1');
  });
});
