/**
 * The nightly line, for real: Debian's `crontab` (package cron) edited by `npm run cron` as a
 * user of its own (created here, member of the docker group, removed at the end), with and
 * without other lines, never hanging; then the installed line's command run once the way cron
 * runs it (that user, `env -i` with only HOME, SHELL, LOGNAME) against a real stack with the
 * embedded Pebble, proving it renews, writes a timestamped header per run and keeps renew.log
 * bounded. Needs root (useradd, runuser).
 */
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'node:tls';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { $ } from 'zx';
import { loadConfig } from '../../scripts/config/load-config.js';
import { converge } from '../../scripts/deploy/converge.js';
import { teardown } from '../../scripts/deploy/teardown.js';
import { keyPair } from '../../testkit/keys.js';
import { freePort } from '../../testkit/net.js';
import { REPO } from './support-cli.js';

const run = $({ quiet: true, nothrow: true });
const say = () => {};
const HOST = 'site.cron.test';
/** Added after the first issuance with ACME off: on its placeholder, so the nightly run must renew it. */
const NEW = 'new.cron.test';
const user = `tgcron${inject('runId')
  .replace(/[^a-z0-9]/g, '')
  .slice(-8)}`;
const root = mkdtempSync(join(tmpdir(), 'tg-cron-'));
const home = join(root, 'home');
const state = join(home, 'state');
const file = join(home, 'edge.yaml');
const first = join(home, 'first.yaml');
const log = () => join(state, project, 'renew.log');
let project: string;
let ports: { http: number; https: number; ssh: number };
const alice = keyPair('cron-alice');

/** `npm run cron -- <args>` as the test user, bounded: the old `crontab -` on an empty list hung forever. */
async function cron(...args: string[]) {
  const res = await run({
    timeout: 60_000,
  })`runuser -u ${user} -- env HOME=${home} TUNNELGATE_STATE=${state} ${`PATH=${process.env.PATH}`} ${`${REPO}node_modules/.bin/tsx`} ${`${REPO}scripts/cron.ts`} ${args} --config ${file}`;
  if (res.signal) throw new Error(`npm run cron -- ${args.join(' ')} did not finish: killed by ${res.signal}\n${res.stdout}${res.stderr}`);
  return res;
}

/** The user's crontab as root reads it ('' for none). */
const crontab = async () => {
  const res = await run`crontab -u ${user} -l`;
  return res.exitCode === 0 ? res.stdout : /no crontab for/.test(res.stderr) ? '' : `crontab -l failed: ${res.stderr}`;
};
const setCrontab = async (text: string) => {
  expect((await run({ input: text })`crontab -u ${user} -`).exitCode).toBe(0);
};

/** The issuer HAProxy serves for `host`. */
function servedIssuer(host: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = connect({ host: '127.0.0.1', port: ports.https, servername: host, rejectUnauthorized: false }, () => {
      resolve(Object.values(s.getPeerCertificate().issuer).join(' '));
      s.end();
    });
    s.on('error', reject);
  });
}

beforeAll(async () => {
  process.env.TUNNELGATE_TEST_RUN = inject('runId');
  project = `tg-cron-${inject('runId')}`.replace(/[^a-z0-9-]/g, '-');
  ports = { http: await freePort(), https: await freePort(), ssh: await freePort() };
  chmodSync(root, 0o711);
  mkdirSync(state, { recursive: true });
  const edge = (hosts: string[]) =>
    `project: ${project}\nports: {http: ${ports.http}, https: ${ports.https}, ssh: ${ports.ssh}}\nacme: {ca: pebble}\nusers:\n  alice:\n    keys: ["${alice.pub}"]\nroutes:\n${hosts.map((h) => `  - {host: ${h}, tunnel: alice}\n`).join('')}`;
  writeFileSync(first, edge([HOST]));
  writeFileSync(file, edge([HOST, NEW]));
  const add = await run`useradd --no-create-home --home-dir ${home} --shell /bin/sh --groups docker --password ${'*'} ${user}`;
  expect(add.exitCode, add.stderr).toBe(0);
  await run`chown -R ${user} ${home}`;
  chownSync(home, Number((await run`id -u ${user}`).stdout.trim()), -1);
});

afterAll(async () => {
  await run`crontab -u ${user} -r`;
  await run`userdel ${user}`;
  if (project) await teardown(project, { volumes: true, log: say });
  rmSync(root, { recursive: true, force: true });
});

describe('npm run cron with the real crontab', () => {
  it('installs the one line into an empty crontab, shows it, and a re-install changes nothing', async () => {
    expect(await crontab()).toBe('');
    const install = await cron('install');
    expect(install.exitCode, install.stderr).toBe(0);
    const lines = (await crontab()).trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      new RegExp(
        `^\\d{1,2} [1-5] \\* \\* \\* cd ${REPO.replace(/\/$/, '')} && PATH=\\S+ npm_config_update_notifier=false TUNNELGATE_STATE=${state} npm run --silent renew -- --log-file ${log()} --config ${file} >> ${log()} 2>&1 # tunnelgate renew ${project}$`,
      ),
    );
    expect((await cron('show')).stdout).toBe(`installed:\n${lines[0]}\n`);
    const again = await cron('install');
    expect(again.stdout).toContain('already installed, unchanged');
    expect(await crontab()).toBe(`${lines[0]}\n`);
  });

  it('removes it when it is the only line, without hanging, leaving no crontab', async () => {
    const res = await cron('remove');
    expect(res.exitCode, res.stderr).toBe(0);
    expect(res.stdout).toContain(`removed the nightly renewal of project ${project}`);
    expect(await crontab()).toBe('');
    expect((await cron('remove')).stdout).toContain('crontab unchanged');
  });

  it('leaves other lines exactly as they were, on install and on remove', async () => {
    const others = '# m h dom mon dow command\nMAILTO=ops@example.com\n17 * * * * /usr/local/bin/backup --quiet\n';
    await setCrontab(others);
    expect((await cron('install')).exitCode).toBe(0);
    const installed = await crontab();
    expect(installed.startsWith(others)).toBe(true);
    expect(installed.slice(others.length)).toMatch(new RegExp(`^.* # tunnelgate renew ${project}\\n$`));
    expect((await cron('remove')).exitCode).toBe(0);
    expect(await crontab()).toBe(others);
  });
});

describe('the installed line, run as cron runs it', () => {
  let command = '';

  beforeAll(async () => {
    const res = await converge(loadConfig({ config: first }).model, say, new Date(), { acme: true });
    expect(res.issued?.results).toMatchObject([{ host: HOST, result: 'renewed' }]);
    expect((await converge(loadConfig({ config: file }).model, say, new Date(), { acme: false })).ops.map((o) => o.op)).toEqual(['update-login', 'placeholder-certs', 'reload']);
    await run`crontab -u ${user} -r`;
    expect((await cron('install')).exitCode).toBe(0);
    const line = (await crontab()).trimEnd();
    // What cron hands to /bin/sh: the line after its five time fields, with `\%` back to `%`.
    command = line.split(' ').slice(5).join(' ').replaceAll('\\%', '%');
  });

  /** One nightly run: that user, cron's minimal environment, /bin/sh. */
  const nightly = () => run({ timeout: 90_000 })`runuser -u ${user} -- env -i HOME=${home} SHELL=/bin/sh LOGNAME=${user} /bin/sh -c ${command}`;

  it('renews, and starts the log with a timestamped header', async () => {
    expect(await servedIssuer(NEW)).toContain('placeholder');
    const res = await nightly();
    expect(res.exitCode, `${res.stderr}\n${existsSync(log()) ? readFileSync(log(), 'utf8') : ''}`).toBe(0);
    const text = readFileSync(log(), 'utf8');
    expect(text).toMatch(/^==== \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z npm run renew \(pid \d+\) ====\n/);
    expect(text).toMatch(/^renewed {2}new\.cron\.test {2}placeholder certificate in service; serial \w+, valid until/m);
    expect(text).toMatch(/^not due {2}site\.cron\.test {2}\d+ days left/m);
    expect(text).not.toContain('npm notice');
    expect(await servedIssuer(NEW)).toContain('Pebble');
  });

  it('keeps the log bounded: past 1 MiB it moves to renew.log.1 and the next run starts a fresh file', async () => {
    writeFileSync(log(), `${'an old night\n'.repeat(90_000)}`);
    const old = statSync(log()).size;
    expect(old).toBeGreaterThan(1024 * 1024);
    expect((await nightly()).exitCode).toBe(0);
    expect(statSync(`${log()}.1`).size).toBe(old);
    const text = readFileSync(log(), 'utf8');
    expect(text.startsWith('==== ')).toBe(true);
    expect(text).not.toContain('an old night');
    expect(text.length).toBeLessThan(10_000);
  });
});
