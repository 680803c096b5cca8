/**
 * Remote engines, the way a laptop drives a VPS: `DOCKER_HOST=ssh://…` through a real OpenSSH
 * server on this machine (testkit/remote-engine.ts: its own port, host key and user, which runs
 * `docker system dial-stdio`), so every API call, image build and exec crosses SSH; and
 * `tcp://` with TLS through a TLS endpoint with client certificates in front of the engine.
 * The commands run as a user runs them (`tsx scripts/…`), with a HOME of their own.
 */
import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect as netConnect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer, type Server } from 'node:tls';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { $ } from 'zx';
import { teardown } from '../../scripts/deploy/teardown.js';
import * as engine from '../../scripts/engine/index.js';
import { LABEL } from '../../stacks/labels.js';
import { writeEdgeYaml } from '../../testkit/edge-yaml.js';
import { keyPair } from '../../testkit/keys.js';
import { freePort, get, localService } from '../../testkit/net.js';
import { type RemoteEngine, startRemoteEngine } from '../../testkit/remote-engine.js';
import { type SshProcess, stop, tunnel } from '../../testkit/ssh.js';
import { waitFor } from '../../testkit/wait.js';
import { runCli } from './support-cli.js';

const say = () => {};
const execFileAsync = promisify(execFile);
const HOST = 'app.remote.test';
let remote: RemoteEngine;
let project: string;
let file: string;
let ports: { http: number; https: number; ssh: number };
let env: Record<string, string>;
const state = mkdtempSync(join(tmpdir(), 'tg-remote-state-'));
const alice = keyPair('remote-alice');
const procs: SshProcess[] = [];
let service: Awaited<ReturnType<typeof localService>>;

/** A container of this test run that only exists to run `cmd` in (no network, no ports). */
const scratch = (name: string, image: string, cmd: string[]) => ({
  name,
  image,
  cmd,
  labels: { [LABEL.testRun]: inject('runId') },
  ports: [],
  mounts: [],
  network: 'none',
  aliases: [],
  restart: 'no' as const,
});
const containers = async () => (await engine.listContainers([`${LABEL.project}=${project}`, `${LABEL.oneoff}=False`])).map((c) => `${c.labels[LABEL.service]} ${c.state}`).sort();
const sessions = () => (remote.log().match(new RegExp(`Accepted publickey for ${remote.user} `, 'g')) ?? []).length;

beforeAll(async () => {
  remote = await startRemoteEngine();
  project = `tg-remote-${inject('runId')}`.replace(/[^a-z0-9-]/g, '-');
  ports = { http: await freePort(), https: await freePort(), ssh: await freePort() };
  file = writeEdgeYaml('remote-edge', { project, ports, users: { alice: [alice.pub] }, routes: [{ host: HOST, tunnel: 'alice' }] });
  // No ssh-agent: the key comes from the IdentityFile of the client HOME's ~/.ssh/config.
  env = { DOCKER_HOST: remote.dockerHost, HOME: remote.home, SSH_AUTH_SOCK: '', TUNNELGATE_STATE: state, TUNNELGATE_TEST_RUN: inject('runId') };
  service = await localService('served through the remote engine');
});

afterAll(async () => {
  await Promise.all(procs.map(stop));
  service?.server.close();
  if (project) await teardown(project, { volumes: true, log: say });
  await remote?.stop();
  rmSync(state, { recursive: true, force: true });
});

describe('DOCKER_HOST=ssh://user@alias', () => {
  it('builds an image on the remote engine: the build context goes over the SSH connection', async () => {
    const tag = `tunnelgate-test/remote-build:${inject('runId')}`;
    const dir = mkdtempSync(join(tmpdir(), 'tg-remote-build-'));
    writeFileSync(join(dir, 'Dockerfile'), `FROM debian:trixie-slim\nCOPY marker /marker\n`);
    writeFileSync(join(dir, 'marker'), inject('runId'));
    const before = sessions();
    const code = `import('./scripts/engine/index.ts').then((e) => e.buildImage({ tag: ${JSON.stringify(tag)}, context: ${JSON.stringify(dir)}, files: ['Dockerfile', 'marker'], dockerfile: 'Dockerfile', labels: {} }))`;
    try {
      await execFileAsync('node_modules/.bin/tsx', ['-e', code], { env: { ...process.env, ...env }, timeout: 90_000 });
      await waitFor(
        async () => sessions(),
        (n) => n > before,
        5_000,
      );
      const marker = await engine.runContainer({ ...scratch(`${project}-marker`, tag, ['cat', '/marker']), timeoutMs: 30_000 });
      expect(marker.stdout).toBe(inject('runId'));
    } finally {
      await engine
        .docker()
        .getImage(tag)
        .remove()
        .catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('up runs the whole stack there, first certificate included, and says which engine', async () => {
    const res = await runCli('up', ['--config', file], env);
    expect(res.exitCode, res.stderr).toBe(0);
    expect(res.stdout).toContain(`engine:  ${remote.dockerHost}`);
    expect(res.stdout).toMatch(/certificate renewed {2}app\.remote\.test/);
    expect(await containers()).toEqual(['haproxy running', 'pebble running', 'sshd running']);
    expect(readFileSync(join(state, project, 'engine'), 'utf8').trim()).toBe(remote.dockerHost);
  });

  it('up again through it has nothing to do (it used to end mid-plan with exit 13: the ssh transport waited on a ninth channel)', async () => {
    const res = await runCli('up', ['--config', file], env);
    expect(res.exitCode, `${res.stderr}\n${res.stdout}`).toBe(0);
    expect(res.stdout).toContain(`nothing to do: the stack matches ${file}`);
  });

  it('a route added through it reloads HAProxy there, and removing it goes through the runtime API (files and maps cross SSH on the stdin of an exec)', async () => {
    const more = writeEdgeYaml('remote-edge-more', {
      project,
      ports,
      users: { alice: [alice.pub] },
      routes: [
        { host: HOST, tunnel: 'alice' },
        { host: `more.${HOST}`, tunnel: 'alice' },
      ],
    });
    const added = await runCli('up', ['--config', more, '--no-acme'], env);
    expect(added.exitCode, `${added.stderr}\n${added.stdout}`).toBe(0);
    expect(added.stdout).toMatch(/^reload +haproxy/m);
    // The new route is live: its offline page, not the unknown-host 404.
    expect((await get(ports.https, `more.${HOST}`)).status).toBe(503);
    const removed = await runCli('up', ['--config', file], env);
    expect(removed.exitCode, `${removed.stderr}\n${removed.stdout}`).toBe(0);
    expect(removed.stdout).toMatch(/^update-routes +haproxy/m);
    expect((await get(ports.https, `more.${HOST}`)).status).toBe(404);
  });

  it('status reads the stack through it and says the state folder belongs to this engine', async () => {
    const res = await runCli('status', ['--config', file], env);
    expect(res.exitCode, res.stderr).toBe(0);
    expect(res.stdout).toContain(`engine   ${remote.dockerHost}  (.state/${project}/ belongs to this engine)`);
    expect(res.stdout).toContain(`https://${HOST}  tunnel alice  0/1 slots up`);
    expect(res.stdout).toMatch(/app\.remote\.test {2}CN=Pebble Intermediate CA \w+ {2}until \d{4}-\d\d-\d\d \(\d+ day\(s\) left\)/);
    const local = await runCli('status', ['--config', file], { TUNNELGATE_STATE: state });
    expect(local.stdout).toContain(`(.state/${project}/ was made by \`up\` on ${remote.dockerHost}, not this engine)`);
  });

  it('connect instructions name the remote host (resolved from the ssh alias), and they work', async () => {
    const res = await runCli('status', ['--config', file, '--user', 'alice'], env);
    expect(res.exitCode, res.stderr).toBe(0);
    expect(res.stdout).toContain(`Tunnels for alice on 127.0.0.1 (project ${project})`);
    expect(res.stdout).toContain(`alice@127.0.0.1`);
    expect(res.stdout).toMatch(new RegExp(`^\\[127\\.0\\.0\\.1\\]:${ports.ssh} ssh-ed25519 AAAA`, 'm'));
    const override = await runCli('status', ['--config', file, '--user', 'alice', '--server-host', 'edge.example.com'], env);
    expect(override.stdout).toContain('Tunnels for alice on edge.example.com');
    procs.push(tunnel(ports.ssh, 'alice', alice.path, `/run/tunnels/alice/${HOST}.sock`, service.port));
    const served = await waitFor(
      () => get(ports.https, HOST),
      (r) => r.status === 200,
    );
    expect(served.body).toBe('served through the remote engine');
  });

  it('a docker context works the same: DOCKER_CONTEXT or `docker context use`, without DOCKER_HOST', async () => {
    // The real docker CLI writes the context, in a DOCKER_CONFIG of the test's own.
    const config = mkdtempSync(join(tmpdir(), 'tg-docker-config-'));
    try {
      await $({ env: { ...process.env, DOCKER_CONFIG: config }, quiet: true })`docker context create tg-remote --docker ${`host=${remote.dockerHost}`}`;
      const { DOCKER_HOST: _, ...noHost } = env;
      const byName = await runCli('up', ['--config', file, '--dry-run'], { ...noHost, DOCKER_CONFIG: config, DOCKER_CONTEXT: 'tg-remote' });
      expect(byName.exitCode, `${byName.stderr}\n${byName.stdout}`).toBe(0);
      expect(byName.stdout).toContain(`engine:  ${remote.dockerHost} (docker context "tg-remote")`);
      expect(byName.stdout).toContain('plan:\nnothing to do');
      await $({ env: { ...process.env, DOCKER_CONFIG: config }, quiet: true })`docker context use tg-remote`;
      const current = await runCli('status', ['--config', file], { ...noHost, DOCKER_CONFIG: config });
      expect(current.exitCode, current.stderr).toBe(0);
      expect(current.stdout).toContain(`engine   ${remote.dockerHost}  (.state/${project}/ belongs to this engine)`);
      const missing = await runCli('status', ['--config', file], { ...noHost, DOCKER_CONFIG: config, DOCKER_CONTEXT: 'nope' });
      expect([missing.exitCode, missing.stderr]).toEqual([2, expect.stringContaining('docker context "nope" (DOCKER_CONTEXT) does not exist')]);
    } finally {
      rmSync(config, { recursive: true, force: true });
    }
  });

  it('renew runs its pass there', async () => {
    const res = await runCli('renew', ['--config', file], env);
    expect(res.exitCode, res.stderr).toBe(0);
    expect(res.stdout).toMatch(/^not due {2}app\.remote\.test {2}\d+ days left/m);
  });

  it('refuses an engine whose host key is unknown or changed, saying how to check it', async () => {
    const home = mkdtempSync(join(tmpdir(), 'tg-remote-home-'));
    try {
      cpSync(remote.home, home, { recursive: true });
      writeFileSync(join(home, '.ssh', 'known_hosts'), '');
      const unknown = await runCli('status', ['--config', file], { ...env, HOME: home });
      expect(unknown.exitCode).toBe(1);
      expect(unknown.stderr).toContain(`no host key for [127.0.0.1]:${remote.port}`);
      expect(unknown.stderr).toContain(`hint: run \`ssh -p ${remote.port} ${remote.user}@127.0.0.1 true\` once`);
      const other = alice.pub.split(' ').slice(0, 2).join(' ');
      writeFileSync(join(home, '.ssh', 'known_hosts'), `[127.0.0.1]:${remote.port} ${other}\n`);
      const changed = await runCli('status', ['--config', file], { ...env, HOME: home });
      expect(changed.exitCode).toBe(1);
      expect(changed.stderr).toContain('is not the one known_hosts has (it changed, or someone is in between)');
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });

  it('down removes the stack there', async () => {
    await Promise.all(procs.splice(0).map(stop));
    const res = await runCli('down', ['--config', file], env);
    expect(res.exitCode, res.stderr).toBe(0);
    expect(await containers()).toEqual([]);
  });
});

describe('DOCKER_HOST=tcp://… with DOCKER_TLS_VERIFY and DOCKER_CERT_PATH', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tg-remote-tls-'));
  let server: Server;
  let port: number;
  const openssl = (...args: string[]) => $({ cwd: dir, quiet: true })`openssl ${args}`;

  /** A CA, a server certificate for 127.0.0.1 and a client certificate, as `dockerd --tlsverify` setups have. */
  async function makeCertificates(): Promise<void> {
    await openssl('req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '2', '-subj', '/CN=test engine CA', '-keyout', 'ca-key.pem', '-out', 'ca.pem');
    for (const [name, ext] of [
      ['server', 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n'],
      ['client', 'extendedKeyUsage=clientAuth\n'],
    ] as const) {
      writeFileSync(join(dir, `${name}.ext`), ext);
      await openssl('req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-subj', `/CN=${name}`, '-keyout', `${name}-key.pem`, '-out', `${name}.csr`);
      await openssl('x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.pem', '-CAkey', 'ca-key.pem', '-CAcreateserial', '-days', '2', '-extfile', `${name}.ext`, '-out', `${name}.pem`);
    }
    mkdirSync(join(dir, 'client'));
    cpSync(join(dir, 'ca.pem'), join(dir, 'client', 'ca.pem'));
    cpSync(join(dir, 'client.pem'), join(dir, 'client', 'cert.pem'));
    cpSync(join(dir, 'client-key.pem'), join(dir, 'client', 'key.pem'));
  }

  beforeAll(async () => {
    await makeCertificates();
    const read = (f: string) => readFileSync(join(dir, f));
    // dockerd's own --tlsverify listener, in front of the local socket: client certificates
    // from the CA only, then every byte to the engine.
    // Half-open both ways, as dockerd's own listener is: an exec's stdin ends with the client's
    // close_notify while its output still comes back.
    server = createServer({ key: read('server-key.pem'), cert: read('server.pem'), ca: read('ca.pem'), requestCert: true, rejectUnauthorized: true, allowHalfOpen: true }, (tls) => {
      const up = netConnect({ path: '/var/run/docker.sock', allowHalfOpen: true });
      tls.pipe(up).pipe(tls);
      const end = () => {
        tls.destroy();
        up.destroy();
      };
      tls.on('error', end);
      up.on('error', end);
    });
    port = await freePort();
    await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
  });

  afterAll(async () => {
    await new Promise((r) => server?.close(r));
    rmSync(dir, { recursive: true, force: true });
  });

  it('status and up --dry-run talk to the engine over verified TLS', async () => {
    const tlsEnv = { DOCKER_HOST: `tcp://127.0.0.1:${port}`, DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: join(dir, 'client'), TUNNELGATE_STATE: state };
    const status = await runCli('status', ['--config', file], tlsEnv);
    expect(status.exitCode, status.stderr).toBe(0);
    expect(status.stdout).toContain(`engine   tcp://127.0.0.1:${port}`);
    const dry = await runCli('up', ['--config', file, '--dry-run'], tlsEnv);
    expect(dry.exitCode, dry.stderr).toBe(0);
    expect(dry.stdout).toContain(`engine:  tcp://127.0.0.1:${port} (TLS verified with ${join(dir, 'client')})`);
    expect(dry.stdout).toContain('create            haproxy (no container)');
  });

  it('an exec takes its stdin over TLS, as a reload sends HAProxy its new files', async () => {
    const name = `${project}-stdin`;
    await engine.createContainer(scratch(name, 'debian:trixie-slim', ['sleep', '60']));
    try {
      await engine.startContainer(name);
      const tlsEnv = { DOCKER_HOST: `tcp://127.0.0.1:${port}`, DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: join(dir, 'client') };
      // 600 KB: a 1,000-route haproxy.cfg is 540 KB.
      const code = `import('./scripts/engine/index.ts').then(async (e) => { const r = await e.exec(${JSON.stringify(name)}, ['sh', '-c', 'wc -c; echo done'], { stdin: 'x'.repeat(600000) }); console.log(JSON.stringify(r)); })`;
      const { stdout } = await execFileAsync('node_modules/.bin/tsx', ['-e', code], { env: { ...process.env, ...tlsEnv }, timeout: 60_000 });
      expect(JSON.parse(stdout)).toEqual({ exitCode: 0, stdout: '600000\ndone\n', stderr: '' });
    } finally {
      await engine.removeContainer(name);
    }
  });

  it('fails clearly without the certificates, or with a client certificate the engine does not trust', async () => {
    const missing = await runCli('status', ['--config', file], { DOCKER_HOST: `tcp://127.0.0.1:${port}`, DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: join(dir, 'nowhere') });
    expect(missing.exitCode).toBe(2);
    expect(missing.stderr).toContain(`${join(dir, 'nowhere', 'ca.pem')} does not exist (hint: DOCKER_CERT_PATH names the folder with ca.pem, cert.pem and key.pem)`);
    const stranger = join(dir, 'stranger');
    mkdirSync(stranger);
    await openssl(
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-days',
      '2',
      '-subj',
      '/CN=stranger',
      '-keyout',
      join(stranger, 'key.pem'),
      '-out',
      join(stranger, 'cert.pem'),
    );
    cpSync(join(dir, 'ca.pem'), join(stranger, 'ca.pem'));
    const refused = await runCli('status', ['--config', file], { DOCKER_HOST: `tcp://127.0.0.1:${port}`, DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: stranger });
    expect(refused.exitCode).toBe(1);
    expect(refused.stderr).toContain(`error: reach the Docker engine (tcp://127.0.0.1:${port}) failed`);
  });
});
