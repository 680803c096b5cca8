/**
 * sshd graded clean (issue 8, item 6): Debian's `ssh-audit` (on the host: .ci/run installs it)
 * reports no [fail] and no [warn] but "unknown algorithm" for the post-quantum kex newer than it,
 * while Debian 12's OpenSSH 9.2 client and the ssh2 library still connect, over Ed25519 and
 * RSA-SHA2 host keys; an ECDSA host key is no longer offered.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import ssh2 from 'ssh2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hostPublicKeyArgv } from '../../sshd/image-paths.js';
import { tmp } from '../../testkit/tmp.js';
import { modelOf, run, sshOnce, standaloneSshd, user } from './support-sshd.js';

const name = `tg-test-audit-${process.pid}`;
const alice = user('alice');
let port = 0;

beforeAll(async () => {
  await standaloneSshd(name, modelOf('audit', { users: { alice: { keys: [alice.pub] } } }), ['-p', '127.0.0.1::22']);
  port = Number((await run`docker port ${name} 22/tcp`).stdout.trim().split('\n')[0]!.split(':').pop());
});

afterAll(async () => {
  await run`docker rm -f ${name}`;
});

/** Connects with ssh2 using `algorithms`; resolves with the negotiated handshake. */
function ssh2Connect(algorithms: ssh2.Algorithms = {}): Promise<ssh2.NegotiatedAlgorithms> {
  return new Promise((resolve, reject) => {
    const conn = new ssh2.Client();
    let negotiated: ssh2.NegotiatedAlgorithms | undefined;
    conn.on('handshake', (n) => {
      negotiated = n;
    });
    conn.on('ready', () => {
      conn.end();
      resolve(negotiated as ssh2.NegotiatedAlgorithms);
    });
    conn.on('error', reject);
    conn.connect({ host: '127.0.0.1', port, username: 'alice', privateKey: readFileSync(alice.path), algorithms, readyTimeout: 10_000 });
  });
}

describe('ssh-audit and clients', () => {
  it('ssh-audit: no [fail], and [warn] only for algorithms newer than ssh-audit', async () => {
    const version = await run`ssh-audit --help`;
    expect(version.exitCode, 'ssh-audit must be installed (apt-get install ssh-audit)').not.toBe(127);
    const audit = await run({ timeout: 60_000 })`ssh-audit -n -p ${port} 127.0.0.1`;
    const lines = audit.stdout.split('\n');
    expect(lines.some((l) => l.startsWith('(kex) curve25519-sha256 '))).toBe(true);
    const flagged = lines.filter((l) => /\[(fail|warn)\]/.test(l));
    console.log(`ssh-audit: ${flagged.length} [warn] line(s), all "unknown algorithm":\n${flagged.join('\n')}`);
    expect(flagged.filter((l) => !/-- \[warn\] unknown algorithm$/.test(l))).toEqual([]);
    expect(lines.filter((l) => l.startsWith('(key) ')).map((l) => l.split(/\s+/)[1])).toEqual(['ssh-ed25519', 'rsa-sha2-512', 'rsa-sha2-256']);
  });

  it("Debian 12's OpenSSH client logs in with its defaults, and with the RSA-SHA2 host key; not ECDSA", async () => {
    const version = await run`ssh -V`;
    console.log(`client: ${version.stderr.trim()}`);
    const plain = await sshOnce(port, 'alice', alice.path, ['-v']);
    expect(plain.stdout).toContain('tunnelgate:');
    const kex = /kex: algorithm: (\S+)/.exec(plain.stderr)?.[1];
    const hostKey = /kex: host key algorithm: (\S+)/.exec(plain.stderr)?.[1];
    console.log(`negotiated: kex ${kex}, host key ${hostKey}`);
    expect(hostKey).toBe('ssh-ed25519');
    // A known_hosts file of its own: the first one has learnt the Ed25519 key.
    const rsa = await sshOnce(port, 'alice', alice.path, ['-v', '-o', 'HostKeyAlgorithms=rsa-sha2-512'], [], join(tmp, 'known_hosts_audit_rsa'));
    expect(rsa.stdout).toContain('tunnelgate:');
    expect(rsa.stderr).toContain('kex: host key algorithm: rsa-sha2-512');
    const ecdsa = await sshOnce(port, 'alice', alice.path, ['-o', 'HostKeyAlgorithms=ecdsa-sha2-nistp256'], [], join(tmp, 'known_hosts_audit_ecdsa'));
    expect(ecdsa.exitCode).toBe(255);
    expect(ecdsa.stderr).toContain('no matching host key type found');
    expect((await run`docker exec ${name} ${hostPublicKeyArgv()}`).stdout).toMatch(/^ssh-ed25519 /);
  });

  it('the ssh2 library connects with its defaults, with AES-CTR + HMAC-SHA2-ETM, and over the RSA-SHA2 host key', async () => {
    const defaults = await ssh2Connect();
    console.log(`ssh2 negotiated: ${JSON.stringify(defaults)}`);
    expect(defaults.kex).toMatch(/^curve25519-sha256/);
    const ctr = await ssh2Connect({ cipher: ['aes256-ctr'], hmac: ['hmac-sha2-256-etm@openssh.com'], serverHostKey: ['rsa-sha2-256'] });
    expect(ctr).toMatchObject({ serverHostKey: 'rsa-sha2-256', cs: { cipher: 'aes256-ctr', mac: 'hmac-sha2-256-etm@openssh.com' } });
    await expect(ssh2Connect({ serverHostKey: ['ecdsa-sha2-nistp256'] })).rejects.toThrow(/host key/i);
  });
});
