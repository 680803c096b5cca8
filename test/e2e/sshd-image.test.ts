/**
 * The sshd image as built from sshd/: the OpenSSH version we document, no baked-in host keys,
 * host keys generated once into a volume, and every golden sshd_config accepted by the real
 * `sshd -t`, so a golden file cannot enshrine a config sshd rejects.
 */
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { $ } from 'zx';
import { ensureImage } from '../../scripts/deploy/images.js';
import { hostKeyPath, SSHD_LIB_DIR } from '../../sshd/image-paths.js';
import { SSHD } from '../../stacks/layout.js';

const GOLDEN = fileURLToPath(new URL('../unit/fixtures/sshd/golden/', import.meta.url));
const run = $({ quiet: true, nothrow: true });
const labels = () => ['--label', 'org.tunnelgate.test=1', '--label', `org.tunnelgate.test-run=${inject('runId')}`];

let tag = '';
const containers: string[] = [];
const volume = `tg-test-sshd-hostkeys-${process.pid}`;

/** A container of the image that only sleeps, so single commands can be tried in it. */
async function sleeper(extra: string[] = []): Promise<string> {
  const res = await run`docker run -d ${labels()} ${extra} --entrypoint sleep ${tag} infinity`;
  expect(res.exitCode, res.stderr).toBe(0);
  const id = res.stdout.trim();
  containers.push(id);
  return id;
}

beforeAll(async () => {
  tag = (await ensureImage('sshd')).tag;
  expect((await run`docker volume create ${labels()} ${volume}`).exitCode).toBe(0);
});

afterAll(async () => {
  if (containers.length) await run`docker rm -f ${containers}`;
  await run`docker volume rm -f ${volume}`;
});

describe('sshd image', () => {
  it('runs OpenSSH 10.0 (server and client)', async () => {
    const c = await sleeper();
    const sshd = await run`docker exec ${c} /usr/sbin/sshd -V`;
    const ssh = await run`docker exec ${c} ssh -V`;
    // Both print their version on stderr.
    expect(sshd.stderr).toMatch(/^OpenSSH_10\.0/);
    expect(ssh.stderr).toMatch(/^OpenSSH_10\.0/);
  });

  it('carries no host keys of its own', async () => {
    const c = await sleeper();
    const res = await run`docker exec ${c} sh -c ${'ls /etc/ssh/ssh_host_* 2>/dev/null | wc -l'}`;
    expect(res.stdout.trim()).toBe('0');
  });

  it('generates host keys once, mode 0600, and keeps them for the next container', async () => {
    const fingerprints = async () => {
      const c = await sleeper(['-v', `${volume}:/hostkeys`]);
      expect((await run`docker exec ${c} ${SSHD_LIB_DIR}/hostkeys.sh`).exitCode).toBe(0);
      const modes = await run`docker exec ${c} stat -c ${'%a %U %n'} ${hostKeyPath('ed25519')} ${hostKeyPath('rsa')}`;
      for (const line of modes.stdout.trim().split('\n')) expect(line).toMatch(/^600 root /);
      return (await run`docker exec ${c} ssh-keygen -lf ${`${hostKeyPath('ed25519')}.pub`}`).stdout;
    };
    const first = await fingerprints();
    expect(first).toMatch(/ED25519/);
    expect(await fingerprints()).toBe(first);
  });

  const cases = readdirSync(GOLDEN).sort();
  it.each(cases)('accepts the golden sshd_config of "%s" (sshd -t)', async (name) => {
    const c = await sleeper();
    expect((await run`docker exec ${c} ${SSHD_LIB_DIR}/hostkeys.sh`).exitCode).toBe(0);
    expect((await run`docker exec ${c} mkdir -p /config/sshd`).exitCode).toBe(0);
    expect((await run`docker cp ${`${GOLDEN}${name}/sshd_config`} ${`${c}:${SSHD.config}`}`).exitCode).toBe(0);
    const res = await run`docker exec ${c} /usr/sbin/sshd -t -f ${SSHD.config}`;
    expect(res.stderr).toBe('');
    expect(res.exitCode).toBe(0);
  });
});
