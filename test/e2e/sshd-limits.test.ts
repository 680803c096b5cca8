/**
 * sshd's limits (issue 8, item 4), from clients in containers on two separate Docker networks, so
 * each has its own source address (not loopback, where docker-proxy makes every client one):
 * PerSourceMaxStartups and PerSourcePenalties hit only the address that earned them, and
 * limits.tunnelsPerUser refuses one connection too many with a message the client shows and a
 * line in sshd's log that says why.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureImage } from '../../scripts/deploy/images.js';
import { hostPublicKeyArgv } from '../../sshd/image-paths.js';
import { waitFor } from '../../testkit/wait.js';
import { modelOf, run, sshdLogSince, standaloneSshd, testLabels, user } from './support-sshd.js';

const id = `${process.pid}-${Math.random().toString(36).slice(2, 6)}`;
const sshd = `tg-test-limits-${id}`;
const nets = { a: `tg-test-limits-a-${id}`, b: `tg-test-limits-b-${id}` };
const clients = { a: `tg-test-limits-ca-${id}`, b: `tg-test-limits-cb-${id}` };
type Side = keyof typeof clients;
const alice = user('alice');
const stranger = user('stranger'); // a key nobody authorized
const addr: Record<Side, string> = { a: '', b: '' };
const client: Record<Side, string> = { a: '', b: '' };

/** `ssh` inside a client container against sshd's address on that client's network (15 s bound). */
function sshFrom(side: Side, key: 'alice' | 'stranger', args: string[], command: string[] = []) {
  const base = ['-F', 'none', '-i', `/keys/${key}`, '-o', 'IdentitiesOnly=yes', '-o', 'BatchMode=yes', '-o', 'UserKnownHostsFile=/keys/known_hosts', '-o', 'ConnectTimeout=5'];
  return run({ timeout: 20_000 })`docker exec ${clients[side]} timeout 15 ssh ${base} ${args} ${`alice@${addr[side]}`} ${command}`;
}

/** The listener's title: "[listener] N of S-F startups". */
const startups = async () => (await run`docker exec ${sshd} ps -o args= -p 1`).stdout;
const aliceConnections = async () => Number((await run`docker exec ${sshd} pgrep -c -u alice -x sshd-session`).stdout.trim() || 0);

beforeAll(async () => {
  for (const n of Object.values(nets)) expect((await run`docker network create ${testLabels()} ${n}`).exitCode).toBe(0);
  const model = modelOf(`limits-${id}`, {
    users: { alice: { keys: [alice.pub] } },
    limits: { tunnelsPerUser: 2, perSourceMaxStartups: 3 },
  });
  await standaloneSshd(sshd, model, ['--network', nets.a]);
  expect((await run`docker network connect ${nets.b} ${sshd}`).exitCode).toBe(0);
  const key = (await run`docker exec ${sshd} ${hostPublicKeyArgv()}`).stdout.trim();
  const { tag } = await ensureImage('sshd');
  for (const side of ['a', 'b'] as const) {
    addr[side] = (await run`docker inspect -f ${`{{(index .NetworkSettings.Networks "${nets[side]}").IPAddress}}`} ${sshd}`).stdout.trim();
    const c = await run`docker run -d --name ${clients[side]} ${testLabels()} --network ${nets[side]} --entrypoint sleep ${tag} 300`;
    expect(c.exitCode, c.stderr).toBe(0);
    await run`docker exec ${clients[side]} mkdir -m 700 /keys`;
    for (const k of [alice, stranger]) await run`docker cp ${k.path} ${`${clients[side]}:/keys/${k.name}`}`;
    await run`docker exec ${clients[side]} sh -c ${`chmod 600 /keys/*; echo '${addr[side]} ${key}' > /keys/known_hosts`}`;
    client[side] = (await run`docker inspect -f ${`{{(index .NetworkSettings.Networks "${nets[side]}").IPAddress}}`} ${clients[side]}`).stdout.trim();
  }
  expect(client.a).not.toBe(client.b);
});

afterAll(async () => {
  await run`docker rm -f ${Object.values(clients)} ${sshd}`;
  for (const n of Object.values(nets)) await run`docker network rm ${n}`;
});

describe('per-source limits, from two networks', () => {
  it('PerSourceMaxStartups: one address holding 3 unauthenticated connections is refused a 4th; the other gets in', async () => {
    // Three idle TCP connections that never authenticate (bash's /dev/tcp), for up to 20 s.
    const hold = `exec 3<>/dev/tcp/${addr.a}/22 4<>/dev/tcp/${addr.a}/22 5<>/dev/tcp/${addr.a}/22; sleep 20`;
    expect((await run`docker exec -d ${clients.a} bash -c ${hold}`).exitCode).toBe(0);
    await waitFor(startups, (t) => t.includes('[listener] 3 of '), 10_000);
    const since = Math.floor(Date.now() / 1000) - 1;
    const a = await sshFrom('a', 'alice', [], []);
    expect(a.exitCode).toBe(255);
    expect(a.stderr).toMatch(/kex_exchange_identification|Connection (reset|closed)/);
    const b = await sshFrom('b', 'alice', [], []);
    expect(b.stdout).toContain('tunnelgate:');
    expect(await sshdLogSince(sshd, since)).toMatch(new RegExp(`drop connection #\\d+ from \\[${client.a.replace(/\./g, '\\.')}\\]:\\d+`));
    await run`docker exec ${clients.a} pkill -x sleep`;
    await waitFor(startups, (t) => t.includes('[listener] 0 of '), 10_000);
  });

  it('PerSourcePenalties: failed logins lock out their address only, even with the right key afterwards', async () => {
    const since = Math.floor(Date.now() / 1000) - 1;
    let refused = false;
    for (let i = 0; i < 8 && !refused; i++) {
      const res = await sshFrom('a', 'stranger', ['-N']);
      expect(res.exitCode).toBe(255);
      refused = !res.stderr.includes('Permission denied');
    }
    expect(refused, 'a penalty refuses the address after repeated failures').toBe(true);
    const right = await sshFrom('a', 'alice', [], []);
    expect(right.exitCode).toBe(255);
    expect(right.stdout).toBe('');
    const b = await sshFrom('b', 'alice', [], []);
    expect(b.stdout).toContain('tunnelgate:');
    const log = await sshdLogSince(sshd, since);
    expect(log).toMatch(new RegExp(`${client.a.replace(/\./g, '\\.')}/32: activating ipv4 penalty of \\d+ seconds for penalty: failed authentication`));
    expect(log).toMatch(new RegExp(`drop connection #\\d+ from \\[${client.a.replace(/\./g, '\\.')}\\]:\\d+ .*penalty: failed authentication`));
  });
});

describe('limits.tunnelsPerUser', () => {
  it('refuses the connection over the limit with a message the client shows, and says why in the log', async () => {
    for (let i = 0; i < 2; i++)
      expect((await run`docker exec -d ${clients.b} timeout 60 ssh -F none -i /keys/alice -o BatchMode=yes -o UserKnownHostsFile=/keys/known_hosts -N ${`alice@${addr.b}`}`).exitCode).toBe(0);
    await waitFor(aliceConnections, (n) => n === 2, 10_000);
    const since = Math.floor(Date.now() / 1000) - 1;
    const third = await sshFrom('b', 'alice', ['-N']);
    expect(third.exitCode).toBe(255);
    expect(third.stderr).toContain('tunnelgate: alice already has 2 connections open (limit 2). Close one, then retry.');
    const log = await sshdLogSince(sshd, since);
    expect(log).toContain(`conn-limit: refused alice from ${client.b}: 2 connections open, limits.tunnelsPerUser is 2`);
    expect(log).toContain('Access denied for user alice by PAM account configuration');
    await run`docker exec ${clients.b} pkill -x ssh`;
    await waitFor(aliceConnections, (n) => n === 0, 10_000);
  });
});
