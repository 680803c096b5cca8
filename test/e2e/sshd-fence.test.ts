/**
 * The security fence of the sshd container, tried with the real OpenSSH client against the real
 * image: what a tunnel user can do (bind sockets in their own directory, reconnect) and what they
 * cannot (anyone else's directory, TCP listen, -L/-W, a shell, passwords), and that removing a
 * user from the manifest kills their session at once without touching the others.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { type AddressInfo, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { $ } from 'zx';
import { ensureImage } from '../../scripts/deploy/images.js';
import { hostPublicKeyArgv, syncUsersArgv } from '../../sshd/image-paths.js';
import { renderSshdFiles } from '../../sshd/render.js';
import { DEFAULT_CONTAINER_LIMITS } from '../../stacks/container-limits.js';
import { SSHD } from '../../stacks/layout.js';
import type { EdgeModel } from '../../stacks/model.js';
import { waitFor } from '../../testkit/wait.js';
import { listening } from './support-sshd.js';

const run = $({ quiet: true, nothrow: true });
const USERS = ['alice', 'bob', 'carol'] as const;
type User = (typeof USERS)[number];

const dir = mkdtempSync(join(tmpdir(), 'tg-sshd-fence-'));
const name = `tg-test-sshd-fence-${process.pid}`;
const clients: ChildProcess[] = [];
let port = 0;
let web: Server;
let webPort = 0;

function model(users: readonly User[]): EdgeModel {
  return {
    project: 'fence',
    ports: { http: 80, https: 443, ssh: 2222 },
    acme: { ca: 'pebble', directoryUrl: 'https://pebble:14000/dir', renewBeforeDays: 30, challenge: 'http-01' },
    sshCA: [],
    users: users.map((u) => ({ name: u, keys: [{ line: readFileSync(join(dir, `${u}.pub`), 'utf8').trim() }] })),
    routes: users.map((u) => ({ kind: 'tunnel' as const, host: `${u}.localhost`, user: u, replicas: 1 })),
    shares: [],
    limits: { tunnelsPerUser: 32, maxStartups: { start: 20, rate: 30, full: 100 }, perSourceMaxStartups: 10, perSourcePenalties: true, containers: DEFAULT_CONTAINER_LIMITS },
  };
}

/** Renders the files for these users and copies them into the container's config dir. */
async function deploy(users: readonly User[]): Promise<void> {
  const root = join(dir, 'root');
  rmSync(root, { recursive: true, force: true });
  for (const [path, text] of Object.entries(renderSshdFiles(model(users)))) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text, { mode: 0o644 });
  }
  await run`docker exec ${name} rm -rf ${dirname(SSHD.config)}`;
  const cp = await run`docker cp ${`${root}/config/.`} ${`${name}:/config/`}`;
  expect(cp.exitCode, cp.stderr).toBe(0);
}

const sshOpts = () => [
  '-F',
  'none',
  '-p',
  String(port),
  '-o',
  `UserKnownHostsFile=${join(dir, 'known_hosts')}`,
  '-o',
  'StrictHostKeyChecking=yes',
  '-o',
  'IdentitiesOnly=yes',
  '-o',
  'BatchMode=yes',
  '-o',
  'ConnectTimeout=10',
];
const as = (user: User) => [...sshOpts(), '-i', join(dir, user), `${user}@127.0.0.1`];

/** One ssh run to completion (options, then the remote command if any): exit code and output. */
async function ssh(user: User, args: string[], command: string[] = []) {
  return run({ timeout: 15_000, input: '' })`ssh ${args} ${as(user)} ${command}`;
}

/** A long-lived `ssh -N -R path:localhost:<web>`; resolves once the socket exists or ssh exits. */
async function tunnel(user: User, path: string): Promise<{ proc: ChildProcess; up: boolean; stderr: () => string }> {
  const proc = spawn('ssh', ['-N', '-o', 'ExitOnForwardFailure=yes', '-R', `${path}:localhost:${webPort}`, ...as(user)], { stdio: ['ignore', 'ignore', 'pipe'] });
  clients.push(proc);
  let err = '';
  proc.stderr!.on('data', (d) => (err += d));
  const exited = new Promise<void>((r) => proc.once('exit', () => r()));
  for (let i = 0; i < 100; i++) {
    if (proc.exitCode !== null) break;
    // The socket exists once sshd accepted the forward (and, with a stale one, replaced it).
    const ok = await run`docker exec ${name} sh -c ${`test -S ${path} && [ "$(stat -c %U ${path})" = ${user} ]`}`;
    if (ok.exitCode === 0 && i > 0) return { proc, up: true, stderr: () => err };
    await Promise.race([exited, new Promise((r) => setTimeout(r, 100))]);
  }
  return { proc, up: false, stderr: () => err };
}

/** HTTP GET through a socket as `hp`, a user in group tunnels only: how HAProxy connects. */
async function getThrough(path: string) {
  const perl = 'use IO::Socket::UNIX; my $s = IO::Socket::UNIX->new(Type => SOCK_STREAM(), Peer => $ARGV[0]) or die "connect: $!\\n"; print $s "GET / HTTP/1.0\\r\\n\\r\\n"; print scalar <$s>;';
  return run`docker exec -u hp ${name} perl -e ${perl} ${path}`;
}

const exited = (p: ChildProcess) => (p.exitCode !== null || p.signalCode !== null ? Promise.resolve() : new Promise<void>((r) => p.once('exit', () => r())));

beforeAll(async () => {
  web = createServer((_req, res) => res.end('hello from the laptop\n'));
  await new Promise<void>((r) => web.listen(0, '127.0.0.1', r));
  webPort = (web.address() as AddressInfo).port;
  for (const u of USERS) expect((await run`ssh-keygen -q -t ed25519 -N ${''} -C ${u} -f ${join(dir, u)}`).exitCode).toBe(0);

  const { tag } = await ensureImage('sshd');
  const labels = ['--label', 'org.tunnelgate.test=1', '--label', `org.tunnelgate.test-run=${inject('runId')}`];
  const created = await run`docker create --name ${name} ${labels} -p 127.0.0.1::22 ${tag}`;
  expect(created.exitCode, created.stderr).toBe(0);
  await deploy(USERS);
  expect((await run`docker start ${name}`).exitCode).toBe(0);
  port = Number((await run`docker port ${name} 22/tcp`).stdout.trim().split('\n')[0]!.split(':').pop());
  await waitFor(
    async () => (await run`docker logs ${name}`).stderr,
    (log) => log.includes('Server listening'),
    10_000,
  );
  const key = (await run`docker exec ${name} ${hostPublicKeyArgv()}`).stdout.trim();
  writeFileSync(join(dir, 'known_hosts'), `[127.0.0.1]:${port} ${key}\n`);
  // Stands in for HAProxy: member of group tunnels, nothing else.
  expect((await run`docker exec ${name} useradd -M -N -g tunnels -s /bin/sh hp`).exitCode).toBe(0);
});

afterAll(async () => {
  for (const p of clients) if (p.exitCode === null && p.signalCode === null) p.kill('SIGKILL');
  await run`docker rm -f ${name}`;
  await new Promise((r) => web?.close(r));
  rmSync(dir, { recursive: true, force: true });
});

describe('sshd fence (real OpenSSH client)', () => {
  it('ssh -R creates a socket owned by the user, group tunnels, mode 0660, that group tunnels can use', async () => {
    const t = await tunnel('alice', '/run/tunnels/alice/alice.localhost.sock');
    expect(t.up, t.stderr()).toBe(true);
    const st = await run`docker exec ${name} stat -c ${'%U %G %a %F'} /run/tunnels/alice/alice.localhost.sock`;
    expect(st.stdout.trim()).toBe('alice tunnels 660 socket');
    const got = await getThrough('/run/tunnels/alice/alice.localhost.sock');
    expect(got.stdout).toMatch(/^HTTP\/1\.[01] 200/);
  });

  it("refuses sockets in another user's directory, the socket root and world-writable dirs", async () => {
    for (const path of ['/run/tunnels/bob/evil.sock', '/run/tunnels/evil.sock', '/tmp/evil.sock', '/var/tmp/evil.sock', '/dev/shm/evil.sock']) {
      const res = await ssh('alice', ['-N', '-o', 'ExitOnForwardFailure=yes', '-R', `${path}:localhost:${webPort}`]);
      expect(res.exitCode, path).toBe(255);
      expect(res.stderr).toContain(`remote port forwarding failed for listen path ${path}`);
    }
  });

  it('refuses a TCP listen (-R port), on any address', async () => {
    for (const spec of ['0.0.0.0:9000', '9000']) {
      const res = await ssh('alice', ['-N', '-o', 'ExitOnForwardFailure=yes', '-R', `${spec}:localhost:${webPort}`]);
      expect(res.exitCode).toBe(255);
      expect(res.stderr).toContain('remote port forwarding failed for listen port 9000');
    }
  });

  it('refuses local TCP forwarding (-L)', async () => {
    const err = await localForward('127.0.0.1:22');
    expect(err).toContain('administratively prohibited');
  });

  it('refuses local socket forwarding (-L to a UNIX socket, even its own)', async () => {
    // Target a live socket (alice's own tunnel to the web server): were the forward allowed, the
    // request below would get an HTTP answer through it.
    const t = await tunnel('alice', '/run/tunnels/alice/lf.sock');
    expect(t.up, t.stderr()).toBe(true);
    const since = Math.floor(Date.now() / 1000) - 1;
    const err = await localForward('/run/tunnels/alice/lf.sock');
    // OpenSSH answers a refused direct-streamlocal channel with a generic "open failed"; its log
    // says why.
    expect(err).toContain('open failed');
    // Docker's log driver writes asynchronously: wait for the line rather than read once.
    const logs = async () => {
      const res = await run`docker logs --since ${String(since)} ${name}`;
      return res.stdout + res.stderr;
    };
    expect(await waitFor(logs, (text) => text.includes('refused streamlocal port forward'), 10_000)).toContain('refused streamlocal port forward');
    t.proc.kill('SIGTERM');
    await exited(t.proc);
  });

  /** Opens `ssh -N -L <free port>:<target>`, uses the forward, returns ssh's stderr; no byte may come back. */
  async function localForward(target: string): Promise<string> {
    const local = await new Promise<number>((r) => {
      const s = createServer().listen(0, '127.0.0.1', () => {
        const p = (s.address() as AddressInfo).port;
        s.close(() => r(p));
      });
    });
    const proc = spawn('ssh', ['-N', '-L', `127.0.0.1:${local}:${target}`, ...as('alice')], { stdio: ['ignore', 'ignore', 'pipe'] });
    clients.push(proc);
    let err = '';
    proc.stderr!.on('data', (d) => (err += d));
    // Wait until the client listens locally, then use the forward: the server must refuse the channel.
    await waitFor(() => listening(local), Boolean, 10_000);
    const data = await new Promise<string>((resolve) => {
      const sock = connect(local, '127.0.0.1', () => sock.write('GET / HTTP/1.0\r\n\r\n'));
      let buf = '';
      sock.on('data', (d) => (buf += d));
      sock.on('close', () => resolve(buf));
      sock.on('error', () => resolve(buf));
    });
    proc.kill('SIGTERM');
    await exited(proc);
    expect(data).toBe('');
    return err;
  }

  it('refuses stdio forwarding (-W)', async () => {
    const res = await ssh('alice', ['-W', '127.0.0.1:22']);
    expect(res.exitCode).toBe(255);
    expect(res.stderr).toContain('administratively prohibited');
  });

  it('gives no shell and no command: one line, then exit', async () => {
    // A shell, a command, a shell with a PTY asked for (refused: PermitTTY no), the sftp subsystem.
    for (const [args, command] of [
      [[], []],
      [[], ['id']],
      [['-t'], ['sh']],
      [['-s'], ['sftp']],
    ] as const) {
      const res = await ssh('alice', [...args], [...command]);
      expect(res.exitCode, command.join(' ')).not.toBe(0);
      if (args[0] === '-s') {
        expect(res.stderr).toContain('subsystem request failed');
        continue;
      }
      expect(res.stdout.trim().split('\n')).toHaveLength(1);
      expect(res.stdout).toMatch(/^tunnelgate: this is a tunnel-only account.*ssh -N -R \/run\/tunnels\//);
    }
  });

  it('offers public keys only: no password, no keyboard-interactive, no root', async () => {
    for (const method of ['password', 'keyboard-interactive']) {
      const res = await run({ timeout: 15_000, input: '' })`ssh ${sshOpts()} -o PubkeyAuthentication=no -o PreferredAuthentications=${method} alice@127.0.0.1 true`;
      expect(res.exitCode).toBe(255);
      expect(res.stderr).toContain('Permission denied (publickey).');
    }
    const root = await run({ timeout: 15_000, input: '' })`ssh ${sshOpts()} -i ${join(dir, 'alice')} root@127.0.0.1 true`;
    expect(root.stderr).toContain('Permission denied (publickey).');
  });

  it('lets a reconnect reuse the socket path left by a dead client (StreamLocalBindUnlink)', async () => {
    const path = '/run/tunnels/carol/carol.localhost.sock';
    const first = await tunnel('carol', path);
    expect(first.up, first.stderr()).toBe(true);
    first.proc.kill('SIGKILL');
    await exited(first.proc);
    // sshd leaves the socket file behind when the connection dies.
    expect((await run`docker exec ${name} test -S ${path}`).exitCode).toBe(0);
    const second = await tunnel('carol', path);
    expect(second.up, second.stderr()).toBe(true);
    expect((await getThrough(path)).stdout).toMatch(/^HTTP\/1\.[01] 200/);
  });

  it("removing a user kills their session at once; other users' tunnels stay", async () => {
    const bob = await tunnel('bob', '/run/tunnels/bob/bob.localhost.sock');
    const alice = await tunnel('alice', '/run/tunnels/alice/other.sock');
    expect(bob.up && alice.up).toBe(true);
    await deploy(['alice', 'carol']);
    const sync = await run`docker exec ${name} ${syncUsersArgv()}`;
    expect(sync.exitCode, sync.stderr).toBe(0);
    expect(sync.stderr).toMatch(/removed bob/);
    // "At once": the client has already been dropped by the time sync-users returns (allow 1 s).
    await Promise.race([exited(bob.proc), new Promise((_r, reject) => setTimeout(() => reject(new Error('bob still connected')), 1000))]);
    expect(bob.stderr()).toContain('closed by remote host');
    expect(alice.proc.exitCode).toBeNull();
    expect((await getThrough('/run/tunnels/alice/other.sock')).stdout).toMatch(/^HTTP\/1\.[01] 200/);
    expect((await run`docker exec ${name} getent passwd bob`).exitCode).not.toBe(0);
    expect((await run`docker exec ${name} test -e /run/tunnels/bob`).exitCode).not.toBe(0);
    const again = await ssh('bob', ['-N', '-o', 'ExitOnForwardFailure=yes', '-R', `/run/tunnels/bob/x.sock:localhost:${webPort}`]);
    expect(again.stderr).toContain('Permission denied (publickey).');
    // Idempotent: a second run changes nothing and succeeds.
    const second = await run`docker exec ${name} ${syncUsersArgv()}`;
    expect([second.exitCode, second.stderr]).toEqual([0, '']);
  });
});
