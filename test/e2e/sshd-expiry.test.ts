/**
 * A key that expires while its session runs (issue 11, item 2): OpenSSH only refuses it at the
 * next login, so the image checks every minute (here every second) and ends exactly that
 * key's connections; another key's session of the same user stays.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hostPublicKeyArgv } from '../../sshd/image-paths.js';
import { type SshProcess, stop } from '../../testkit/ssh.js';
import { waitFor } from '../../testkit/wait.js';
import { exitWithin, modelOf, run, sshdLogSince, sshLive, sshOnce, standaloneSshd, user } from './support-sshd.js';

const name = `tg-test-expiry-${process.pid}`;
const stays = user('alice-stays');
const expiring = user('alice-expiring');
const sessions: SshProcess[] = [];
let port = 0;
let expiresAt = 0;

beforeAll(async () => {
  // Expires 8 s from now (whole seconds: what expiry-time can say), time enough to log in first.
  expiresAt = Math.ceil(Date.now() / 1000) + 8;
  const expires = new Date(expiresAt * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
  const model = modelOf('expiry', { users: { alice: { keys: [stays.pub, { key: expiring.pub, expires }] } } });
  await standaloneSshd(name, model, ['-p', '127.0.0.1::22', '-e', 'EXPIRY_CHECK_SECONDS=1']);
  port = Number((await run`docker port ${name} 22/tcp`).stdout.trim().split('\n')[0]!.split(':').pop());
  expect((await run`docker exec ${name} ${hostPublicKeyArgv()}`).exitCode).toBe(0);
});

afterAll(async () => {
  await Promise.all(sessions.map(stop));
  await run`docker rm -f ${name}`;
});

describe('an expiring key', () => {
  it('works until its time, then its session ends within seconds and it is refused; the other key stays', async () => {
    for (const key of [stays, expiring]) sessions.push(sshLive(port, 'alice', key.path, ['-R', `/run/tunnels/alice/${key.name}.sock:127.0.0.1:9`]));
    await waitFor(
      async () => Number((await run`docker exec ${name} pgrep -c -u alice -x sshd-session`).stdout.trim() || 0),
      (n) => n === 2,
      5000,
    );
    expect(Date.now() / 1000).toBeLessThan(expiresAt);
    const code = await exitWithin(sessions[1]!, (expiresAt + 10) * 1000 - Date.now());
    expect(code).not.toBe('running');
    const endedAt = Date.now() / 1000;
    console.log(`expiry: the session ended ${(endedAt - expiresAt).toFixed(1)} s after the key expired`);
    expect(endedAt).toBeGreaterThanOrEqual(expiresAt);
    expect(await sshdLogSince(name, 0)).toMatch(/end-sessions: ended connection \d+ of alice \(key SHA256:\S+ expired\)/);
    expect(sessions[0]!.child.exitCode).toBeNull();
    const again = await sshOnce(port, 'alice', expiring.path, ['-N']);
    expect(again.stderr).toContain('Permission denied (publickey).');
  });
});
