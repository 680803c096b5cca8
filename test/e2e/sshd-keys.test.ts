/**
 * How users log in, with the real OpenSSH client against a whole stack: expiring keys (issue 11,
 * item 2), certificates from sshCA (item 3), and revocation that ends exactly the sessions of the
 * removed key or CA when `up` runs (issue 8, item 1).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { get, localService } from '../../testkit/net.js';
import { type SshProcess, stop } from '../../testkit/ssh.js';
import { tmp } from '../../testkit/tmp.js';
import { waitFor } from '../../testkit/wait.js';
import { exitWithin, nowSec, run, type SshdStack, sshdLogSince, sshdStack, sshLive, sshOnce, user } from './support-sshd.js';

const alice = user('alice'); // key A: no expiry
const laptop = user('alice-laptop'); // key B: expires in 3 days
const old = user('alice-old'); // key E: expired
const bob = user('bob');
const certKey = user('cert'); // in nobody's authorized_keys: logs in by certificate only
const HOST = 'alice.keys.test';
const slot = (n: number) => `/run/tunnels/alice/${HOST}${n === 1 ? '' : `.${n}`}.sock`;
const soon = new Date(Date.now() + 3 * 86_400_000 + 3_600_000).toISOString().slice(0, 19).concat('Z');
const ca = join(tmp, 'team_ca');

let stack: SshdStack;
const procs: SshProcess[] = [];
const sessions: Record<'keyA' | 'keyB' | 'cert', SshProcess | undefined> = { keyA: undefined, keyB: undefined, cert: undefined };
const services: Array<Awaited<ReturnType<typeof localService>>> = [];

function doc(opts: { laptop: boolean; ca: boolean }) {
  return {
    ...(opts.ca ? { sshCA: [caPub] } : {}),
    users: {
      alice: { keys: [alice.pub, ...(opts.laptop ? [{ key: laptop.pub, expires: soon }] : []), { key: old.pub, expires: '2020-01-01' }] },
      bob: { keys: [bob.pub] },
    },
    routes: [{ host: HOST, tunnel: 'alice', replicas: 3 }],
  };
}
let caPub = '';

/** Signs `key`'s public half with the team CA: a certificate for `principals`, valid for `validity`. */
async function certify(key: { path: string }, id: string, principals: string, validity: string): Promise<string> {
  const res = await run`ssh-keygen -q -s ${ca} -I ${id} -n ${principals} -V ${validity} ${`${key.path}.pub`}`;
  expect(res.exitCode, res.stderr).toBe(0);
  return `${key.path}-cert.pub`;
}

function tunnelAs(who: { name: string; path: string }, slotNo: number, port: number, extra: string[] = []): SshProcess {
  const p = sshLive(stack.ports.ssh, 'alice', who.path, [...extra, '-R', `${slot(slotNo)}:127.0.0.1:${port}`]);
  procs.push(p);
  return p;
}

const socketUp = (n: number) =>
  waitFor(
    () => run`docker exec ${stack.sshd} test -S ${slot(n)}`,
    (r) => r.exitCode === 0,
    15_000,
  );

beforeAll(async () => {
  stack = await sshdStack('keys');
  expect((await run`ssh-keygen -q -t ed25519 -N ${''} -C team-ca -f ${ca}`).exitCode).toBe(0);
  caPub = (await run`cat ${`${ca}.pub`}`).stdout.trim();
  for (const u of [certKey]) writeFileSync(`${u.path}.pub`, `${u.pub}\n`);
  for (const body of ['from-key-a', 'from-key-b', 'from-cert']) services.push(await localService(body));
  await stack.up(doc({ laptop: true, ca: true }));
});

afterAll(async () => {
  await Promise.all(procs.map(stop));
  for (const s of services) s.server.close();
  await stack?.down();
});

describe('expiring keys', () => {
  it('refuses an expired key and accepts a valid one (which expires in 3 days)', async () => {
    const since = nowSec();
    const expired = await sshOnce(stack.ports.ssh, 'alice', old.path, ['-N']);
    expect(expired.exitCode).toBe(255);
    expect(expired.stderr).toContain('Permission denied (publickey).');
    expect(await sshdLogSince(stack.sshd, since)).toMatch(/Failed publickey for alice from .* ssh2: ED25519 SHA256:/);
    sessions.keyB = tunnelAs(laptop, 2, services[1]!.port);
    await socketUp(2);
  });

  it('`up` warns about both, and `status` shows the days left', async () => {
    const up = await run({ timeout: 90_000 })`node bin/tunnelgate.mjs up --config ${stack.file} --no-acme`;
    expect(up.exitCode, up.stderr).toBe(0);
    expect(up.stderr).toMatch(/warning: alice's key alice-laptop-\w+@e2e \(SHA256:\S+\) expires at \S+ \S+ UTC, in 3 day\(s\)/);
    expect(up.stderr).toMatch(/warning: alice's key alice-old-\w+@e2e \(SHA256:\S+\) expired at 2020-01-01 00:00 UTC: it no longer logs in/);
    const st = await run({ timeout: 60_000 })`node bin/tunnelgate.mjs status --config ${stack.file}`;
    expect(st.stdout).toMatch(/key alice-laptop-\w+@e2e {2}expires \S+ \S+ UTC \(3 day\(s\) left\)/);
    expect(st.stdout).toMatch(/key alice-old-\w+@e2e {2}expires 2020-01-01 00:00 UTC \(EXPIRED\)/);
  });
});

describe('SSH certificates from sshCA', () => {
  it('a certificate with principal alice logs in as alice (and serves her route), not as bob', async () => {
    const cert = await certify(certKey, 'alice-tablet', 'alice', '-5m:+1h');
    const since = nowSec();
    const asBob = await sshOnce(stack.ports.ssh, 'bob', certKey.path, ['-N', '-o', `CertificateFile=${cert}`]);
    expect(asBob.exitCode).toBe(255);
    expect(asBob.stderr).toContain('Permission denied (publickey).');
    sessions.cert = tunnelAs(certKey, 3, services[2]!.port, ['-o', `CertificateFile=${cert}`]);
    await socketUp(3);
    const log = await sshdLogSince(stack.sshd, since);
    expect(log).toMatch(/Accepted publickey for alice from .* ssh2: ED25519-CERT SHA256:\S+ ID alice-tablet/);
    expect(log).not.toMatch(/Accepted publickey for bob/);
    // The same fence as for keys: no socket outside alice's own directory.
    const outside = await sshOnce(stack.ports.ssh, 'alice', certKey.path, ['-N', '-o', `CertificateFile=${cert}`, '-o', 'ExitOnForwardFailure=yes', '-R', '/run/tunnels/bob/x.sock:127.0.0.1:1']);
    expect(outside.stderr).toContain('remote port forwarding failed for listen path /run/tunnels/bob/x.sock');
  });

  it('refuses an expired certificate', async () => {
    const expiredKey = user('expired-cert');
    writeFileSync(`${expiredKey.path}.pub`, `${expiredKey.pub}\n`);
    const cert = await certify(expiredKey, 'yesterday', 'alice', '-2h:-1h');
    const since = nowSec();
    const res = await sshOnce(stack.ports.ssh, 'alice', expiredKey.path, ['-N', '-o', `CertificateFile=${cert}`]);
    expect(res.exitCode).toBe(255);
    expect(res.stderr).toContain('Permission denied (publickey).');
    expect(await sshdLogSince(stack.sshd, since)).toContain('Certificate invalid: expired');
  });
});

describe('revocation is immediate and per key', () => {
  it('removing a key ends its sessions within 5 s at `up`; the sessions of her other key stay', async () => {
    sessions.keyA = tunnelAs(alice, 1, services[0]!.port);
    await socketUp(1);
    const seen = new Set<string>();
    await waitFor(
      async () => seen.add((await get(stack.ports.https, HOST)).body),
      (s) => s.has('from-key-a') && s.has('from-key-b'),
      20_000,
    );
    const { keyA, keyB, cert } = sessions;
    const started = Date.now();
    await stack.up(doc({ laptop: false, ca: true }));
    expect(await exitWithin(keyB!, Math.max(0, 5000 - (Date.now() - started)))).not.toBe('running');
    console.log(`revocation: the removed key's session ended ${Date.now() - started} ms after up started`);
    expect(stack.log.join('\n')).toMatch(/end-sessions: ended connection \d+ of alice \(key SHA256:\S+ removed or expired\)/);
    expect(keyA!.child.exitCode).toBeNull();
    expect(cert!.child.exitCode, 'the certificate session').toBeNull();
    for (let i = 0; i < 6; i++) expect((await get(stack.ports.https, HOST)).body).not.toBe('from-key-b');
    const again = await sshOnce(stack.ports.ssh, 'alice', laptop.path, ['-N']);
    expect(again.stderr).toContain('Permission denied (publickey).');
  });

  it('removing the CA ends the certificate sessions; key sessions stay', async () => {
    await stack.up(doc({ laptop: false, ca: false }));
    expect(await exitWithin(sessions.cert!, 5000)).not.toBe('running');
    expect(stack.log.join('\n')).toMatch(/end-sessions: ended connection \d+ of alice \(certificate authority SHA256:\S+ no longer trusted\)/);
    expect(sessions.keyA!.child.exitCode).toBeNull();
  });
});
