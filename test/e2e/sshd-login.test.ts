/**
 * `ssh alice@edge` without -N (issue 11, item 4): prints alice's routes with the URL, each slot's
 * state, the certificate's days left, her shares and the exact commands, then closes (no shell,
 * no PTY, nothing run); nothing of bob's. The same text as `status --user alice`. Real stack with
 * the embedded CA, so the certificate is a real one and its date comes from `up`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localService } from '../../testkit/net.js';
import { type SshProcess, stop } from '../../testkit/ssh.js';
import { waitFor } from '../../testkit/wait.js';
import { run, type SshdStack, sshdStack, sshLive, sshOnce, status, user } from './support-sshd.js';

const alice = user('alice');
const bob = user('bob');
const A = 'alice.login.test';
const B = 'bob.login.test';
let stack: SshdStack;
let ops: string[] = [];
let service: Awaited<ReturnType<typeof localService>>;
const procs: SshProcess[] = [];
const login = (who: typeof alice, command: string[] = []) => sshOnce(stack.ports.ssh, who.name, who.path, [], command);

beforeAll(async () => {
  stack = await sshdStack('login');
  service = await localService('from-alice');
  ops = await stack.up(
    {
      users: { alice: { keys: [alice.pub] }, bob: { keys: [bob.pub] } },
      routes: [
        { host: A, tunnel: 'alice', replicas: 2 },
        { host: B, tunnel: 'bob' },
      ],
      shares: [{ name: 'alice-vnc', owner: 'alice', with: ['bob'] }],
    },
    { acme: true },
  );
  procs.push(sshLive(stack.ports.ssh, 'alice', alice.path, ['-R', `/run/tunnels/alice/${A}.sock:127.0.0.1:${service.port}`]));
  await waitFor(
    () => run`docker exec ${stack.sshd} test -S /run/tunnels/alice/${A}.sock`,
    (r) => r.exitCode === 0,
    15_000,
  );
}, 120_000);

afterAll(async () => {
  await Promise.all(procs.map(stop));
  service?.server.close();
  await stack?.down();
});

describe('the login summary (real OpenSSH client, no -N)', () => {
  it('was written by up after the certificates were issued', () => {
    expect(ops.slice(-2)).toEqual(['issue-certs', 'update-login']);
  });

  it("shows alice's routes, slots, certificate days, shares and commands, then closes with 0", async () => {
    const res = await login(alice);
    expect(res.exitCode, res.stderr).toBe(0);
    const lines = res.stdout.split('\n');
    expect(lines[0]).toBe(`tunnelgate: alice on ${A} (project ${stack.project})`);
    expect(res.stdout).toMatch(new RegExp(`  https://${A.replace(/\./g, '\\.')}:${stack.ports.https}/  certificate: valid until \\d{4}-\\d\\d-\\d\\d \\(\\d+ days left\\)`));
    expect(lines).toContain('    slot 1: connected');
    expect(lines).toContain('    slot 2: offline');
    expect(lines).toContain(`      ssh -N -R /run/tunnels/alice/${A}.2.sock:localhost:8080 -p ${stack.ports.ssh} -o ExitOnForwardFailure=yes alice@${A}`);
    expect(lines).toContain('  alice-vnc for bob: offline');
    expect(lines).toContain(`      ssh -N -R /run/shares/alice-vnc/sock:localhost:8081 -p ${stack.ports.ssh} -o ExitOnForwardFailure=yes alice@${A}`);
  });

  it('gives no PTY even when forced (-tt): the client gives up, nothing ran', async () => {
    const res = await sshOnce(stack.ports.ssh, 'alice', alice.path, ['-tt'], ['sh -i']);
    expect(res.stderr).toContain('PTY allocation request failed');
    expect(res.exitCode).toBe(255);
    expect(res.stdout).toBe('');
  });

  it("reveals nothing of bob's routes, sockets or addresses to alice, nor alice's route to bob", async () => {
    const forAlice = (await login(alice)).stdout;
    expect(forAlice).not.toContain(B);
    expect(forAlice).not.toContain('/run/tunnels/bob');
    const forBob = await login(bob);
    expect(forBob.stdout).toContain(`tunnelgate: bob on ${B}`);
    expect(forBob.stdout).toContain('  alice-vnc of alice: offline');
    expect(forBob.stdout).not.toContain(A);
    expect(forBob.stdout).not.toContain('/run/tunnels/alice');
  });

  it('runs no command: exit 1, a line on stderr, and the command has no effect', async () => {
    const res = await login(alice, ['touch /run/tunnels/alice/pwned; echo ran']);
    expect(res.exitCode).toBe(1);
    expect(res.stderr).toContain('tunnelgate: commands are not available on this server.');
    expect(res.stdout).not.toContain('ran');
    expect((await run`docker exec ${stack.sshd} test -e /run/tunnels/alice/pwned`).exitCode).not.toBe(0);
  });

  it('keeps each summary readable by its user alone', async () => {
    const st = await run`docker exec ${stack.sshd} stat -c ${'%a %U %n'} /config/sshd/login/alice /config/sshd/login/bob`;
    expect(st.stdout.trim().split('\n')).toEqual(['400 alice /config/sshd/login/alice', '400 bob /config/sshd/login/bob']);
  });

  it('is the same text status --user prints first', async () => {
    const [res, shown] = await Promise.all([login(alice), status(stack, ['--user', 'alice'])]);
    expect(shown.exitCode, shown.stderr).toBe(0);
    expect(shown.stdout.startsWith(res.stdout)).toBe(true);
  });
});
