/**
 * Private shares with the real OpenSSH client against a whole stack (issue 11, item 1): the owner
 * binds /run/shares/<name>/sock with -R, a user in `with` reaches it with -L, everyone and
 * everything else is refused, and removing a user from `with` (then `up`) ends their forward.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, localService } from '../../testkit/net.js';
import { type SshProcess, stop } from '../../testkit/ssh.js';
import { waitFor } from '../../testkit/wait.js';
import { exchange, exitWithin, listening, nowSec, run, type SshdStack, sshdLogSince, sshdStack, sshLive, sshOnce, status, user } from './support-sshd.js';

const alice = user('alice');
const bob = user('bob');
const carol = user('carol');
const keys = { alice, bob, carol };
type Who = keyof typeof keys;
const SHARE = '/run/shares/alice-vnc/sock';
const ROUTE = 'alice.shares.test';
const TUNNEL = `/run/tunnels/alice/${ROUTE}.sock`;

let stack: SshdStack;
let service: Awaited<ReturnType<typeof localService>>;
const procs: SshProcess[] = [];
const doc = (withUsers: string[]) => ({
  users: { alice: { keys: [alice.pub] }, bob: { keys: [bob.pub] }, carol: { keys: [carol.pub] } },
  routes: [{ host: ROUTE, tunnel: 'alice' }],
  shares: [{ name: 'alice-vnc', owner: 'alice', with: withUsers }],
});

/** A long-running ssh of `who` with `args`; registered for cleanup. */
function live(who: Who, args: string[]): SshProcess {
  const p = sshLive(stack.ports.ssh, who, keys[who].path, args);
  procs.push(p);
  return p;
}

/** `who` opens -L <free port>:<target>; returns the bytes a request through it got, and the ssh process. */
async function throughLocalForward(who: Who, target: string): Promise<{ data: string; proc: SshProcess }> {
  const port = await freePort();
  const proc = live(who, ['-L', `127.0.0.1:${port}:${target}`]);
  await waitFor(() => listening(port), Boolean, 15_000);
  return { data: await exchange(port), proc };
}

/** What ssh printed once it contains `text` (it writes asynchronously to the refused channel). */
const printed = (p: SshProcess, text: string) =>
  waitFor(
    async () => p.stderr(),
    (s) => s.includes(text),
    5000,
  );

beforeAll(async () => {
  stack = await sshdStack('shares');
  service = await localService('from-alice-vnc');
  await stack.up(doc(['bob']));
  // alice binds the share and serves her route: both are live sockets someone could try to reach.
  live('alice', ['-R', `${SHARE}:127.0.0.1:${service.port}`, '-R', `${TUNNEL}:127.0.0.1:${service.port}`]);
  await waitFor(
    () => run`docker exec ${stack.sshd} test -S ${SHARE}`,
    (r) => r.exitCode === 0,
    15_000,
  );
});

afterAll(async () => {
  await Promise.all(procs.map(stop));
  service?.server.close();
  await stack?.down();
});

describe('private shares (real OpenSSH client)', () => {
  it("lets bob, who is in `with`, reach alice's share with -L", async () => {
    const { data } = await throughLocalForward('bob', SHARE);
    expect(data).toContain('from-alice-vnc');
    const st = await run`docker exec ${stack.sshd} stat -c ${'%U %G %a'} ${SHARE} /run/shares/alice-vnc`;
    expect(st.stdout.trim().split('\n')).toEqual(['alice tgs-alice-vnc 660', 'alice tgs-alice-vnc 2710']);
  });

  it('refuses carol, who is not in `with`', async () => {
    const since = nowSec();
    const { data, proc } = await throughLocalForward('carol', SHARE);
    expect(data).toBe('');
    await printed(proc, 'open failed');
    expect(await sshdLogSince(stack.sshd, since)).toContain(`refused streamlocal port forward: originator 127.0.0.1`);
  });

  it("refuses bob's -L to a tunnel socket (alice's live route)", async () => {
    const since = nowSec();
    const { data } = await throughLocalForward('bob', TUNNEL);
    expect(data).toBe('');
    expect(await sshdLogSince(stack.sshd, since)).toContain(`Received request to connect to path ${TUNNEL}, but the request was denied.`);
  });

  it("refuses bob's TCP forwards: -L port:host:port, -W, -D, and -R port (share users may -L, never listen)", async () => {
    const tcp = await throughLocalForward('bob', '127.0.0.1:22');
    expect(tcp.data).toBe('');
    await printed(tcp.proc, 'administratively prohibited');
    const stdio = await sshOnce(stack.ports.ssh, 'bob', bob.path, ['-W', '127.0.0.1:22']);
    expect(stdio.exitCode).toBe(255);
    expect(stdio.stderr).toContain('administratively prohibited');
    const socks = await freePort();
    live('bob', ['-D', `127.0.0.1:${socks}`]);
    await waitFor(() => listening(socks), Boolean, 15_000);
    const since = nowSec();
    const curl = await run`curl -s -m 5 --socks5-hostname 127.0.0.1:${socks} http://127.0.0.1:22/`;
    expect(curl.stdout).toBe('');
    expect(curl.exitCode).not.toBe(0);
    expect(await sshdLogSince(stack.sshd, since)).toMatch(/to connect to host 127\.0\.0\.1 port 22, but the request was denied/);
    const listen = await sshOnce(stack.ports.ssh, 'bob', bob.path, ['-N', '-o', 'ExitOnForwardFailure=yes', '-R', `9000:127.0.0.1:${service.port}`]);
    expect(listen.exitCode).toBe(255);
    expect(listen.stderr).toContain('remote port forwarding failed for listen port 9000');
  });

  it("refuses a socket in the share's directory to anyone but the owner", async () => {
    for (const [who, path] of [
      ['bob', SHARE],
      ['bob', '/run/shares/alice-vnc/other'],
      ['carol', SHARE],
      ['carol', '/run/shares/mine'],
    ] as const) {
      const res = await sshOnce(stack.ports.ssh, who, keys[who].path, ['-N', '-o', 'ExitOnForwardFailure=yes', '-R', `${path}:127.0.0.1:${service.port}`]);
      expect(res.exitCode, `${who} ${path}`).toBe(255);
      expect(res.stderr).toContain(`remote port forwarding failed for listen path ${path}`);
    }
  });

  it('status --user prints the exact -L for bob and the -R for alice, also as ~/.ssh/config lines', async () => {
    const forBob = await status(stack, ['--user', 'bob', '--server-host', 'edge.example.test']);
    expect(forBob.exitCode, forBob.stderr).toBe(0);
    const lines = forBob.stdout.split('\n');
    expect(lines).toContain(`ssh -N -L 15900:${SHARE} -p ${stack.ports.ssh} -i ~/.ssh/id_ed25519 -o ExitOnForwardFailure=yes bob@edge.example.test`);
    expect(lines).toContain(`    LocalForward 15900 ${SHARE}`);
    expect(lines).toContain('  alice-vnc of alice: connected');
    const forAlice = await status(stack, ['--user', 'alice', '--server-host', 'edge.example.test']);
    expect(forAlice.stdout.split('\n')).toContain(`ssh -N -R ${SHARE}:localhost:8081 -p ${stack.ports.ssh} -i ~/.ssh/id_ed25519 -o ExitOnForwardFailure=yes alice@edge.example.test`);
    expect(forAlice.stdout).toContain('  alice-vnc for bob: connected');
  });

  it("removing bob from `with` ends his forward at `up`; carol, added, gets in; alice's tunnels stay", async () => {
    const before = await throughLocalForward('bob', SHARE);
    expect(before.data).toContain('from-alice-vnc');
    const ops = await stack.up(doc(['carol']));
    expect(ops).toContain('update-users');
    expect(await exitWithin(before.proc, 5000)).not.toBe('running');
    await printed(before.proc, 'closed by remote host');
    expect(stack.log.join('\n')).toMatch(/end-sessions: ended connection \d+ of bob \(no longer in share group \d+\)/);
    expect((await throughLocalForward('bob', SHARE)).data).toBe('');
    expect((await throughLocalForward('carol', SHARE)).data).toContain('from-alice-vnc');
    expect(procs[0]?.child.exitCode, "alice's connection").toBeNull();
  });
});
