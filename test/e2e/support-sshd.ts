/**
 * Helpers for the sshd e2e tests: a whole stack brought up from an edge.yaml written as a user
 * would (and changed by `up` again), the real OpenSSH client run to completion or kept running,
 * a local port's bytes, and sshd's log since a moment.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { dirname, join } from 'node:path';
import { inject } from 'vitest';
import { stringify } from 'yaml';
import { $ } from 'zx';
import { loadConfig } from '../../scripts/config/load-config.js';
import { converge } from '../../scripts/deploy/converge.js';
import { ensureImage } from '../../scripts/deploy/images.js';
import { teardown } from '../../scripts/deploy/teardown.js';
import { renderSshdFiles } from '../../sshd/render.js';
import type { EdgeModel } from '../../stacks/model.js';
import { containerName } from '../../stacks/services.js';
import { keyPair } from '../../testkit/keys.js';
import { freePort } from '../../testkit/net.js';
import { type SshProcess, ssh } from '../../testkit/ssh.js';
import { tmp } from '../../testkit/tmp.js';
import { waitFor } from '../../testkit/wait.js';

/** The docker CLI and friends, quiet and never throwing: tests assert on exit codes themselves. */
export const run = $({ quiet: true, nothrow: true });

/** edge.yaml as a mapping (users, routes, shares, sshCA, limits…); project, ports and acme are filled in. */
export type EdgeDoc = Record<string, unknown>;

export interface SshdStack {
  project: string;
  ports: { http: number; https: number; ssh: number };
  sshd: string;
  haproxy: string;
  /** The last edge.yaml written, and its model. */
  file: string;
  model: EdgeModel;
  /** Writes edge.yaml from `doc` and runs `up` (converge) on it; returns the ops' names. */
  up: (doc: EdgeDoc, opts?: { acme?: boolean }) => Promise<string[]>;
  down: () => Promise<void>;
  log: string[];
}

/** A stack for one test file, named after `name` and the test run; nothing is created until `up`. */
export async function sshdStack(name: string): Promise<SshdStack> {
  process.env.TUNNELGATE_TEST_RUN = inject('runId');
  const project = `tg-${name}-${inject('runId')}`.replace(/[^a-z0-9-]/g, '-');
  const ports = { http: await freePort(), https: await freePort(), ssh: await freePort() };
  const log: string[] = [];
  let n = 0;
  const stack: SshdStack = {
    project,
    ports,
    sshd: containerName(project, 'sshd'),
    haproxy: containerName(project, 'haproxy'),
    file: '',
    model: undefined as unknown as EdgeModel,
    log,
    async up(doc, opts = {}) {
      stack.file = join(tmp, `${name}-${++n}.yaml`);
      writeFileSync(stack.file, stringify({ project, ports, acme: { ca: 'pebble' }, ...doc }));
      stack.model = loadConfig({ config: stack.file }).model;
      const res = await converge(stack.model, (l) => log.push(l), new Date(), opts);
      return res.ops.map((o) => o.op);
    },
    async down() {
      await teardown(project, { volumes: true, log: (l) => log.push(l) });
    },
  };
  return stack;
}

/** A named user with a fresh ed25519 key pair. */
export function user(name: string) {
  return { name, ...keyPair(`${name}-${Math.random().toString(36).slice(2, 8)}`) };
}

/** Runs the real `ssh` to completion (stdin empty, 20 s bound): exit code, stdout, stderr. */
export function sshOnce(port: number, who: string, key: string, args: string[], command: string[] = [], known = join(tmp, 'known_hosts')) {
  return run({
    timeout: 20_000,
    input: '',
  })`ssh -F none -p ${port} -i ${key} -o IdentitiesOnly=yes -o BatchMode=yes -o StrictHostKeyChecking=accept-new -o UserKnownHostsFile=${known} -o ConnectTimeout=10 ${args} ${`${who}@127.0.0.1`} ${command}`;
}

/** A long-running `ssh -N …`; `ready` resolves once `check` passes or ssh exits (then false). */
export function sshLive(port: number, who: string, key: string, args: string[]): SshProcess {
  return ssh(port, who, key, ['-N', '-o', 'ExitOnForwardFailure=yes', '-o', 'ServerAliveInterval=5', ...args]);
}

/** Waits for an ssh process to exit, at most `ms`; the exit code, or 'running'. */
export async function exitWithin(p: SshProcess, ms: number): Promise<number | null | 'running'> {
  return Promise.race([p.exited, new Promise<'running'>((r) => setTimeout(() => r('running'), ms))]);
}

/** Sends `request` to 127.0.0.1:`port` and returns every byte until the peer closes (or 5 s). */
export function exchange(port: number, request = 'GET / HTTP/1.0\r\n\r\n'): Promise<string> {
  return new Promise((resolve) => {
    let buf = '';
    const sock = connect(port, '127.0.0.1', () => sock.write(request));
    const done = () => resolve(buf);
    sock.setTimeout(5000, () => sock.destroy());
    sock.on('data', (d) => {
      buf += d;
    });
    sock.on('close', done);
    sock.on('error', done);
  });
}

/** sshd's log (stdout and stderr of the container) since `since` (seconds since the epoch). */
export async function sshdLogSince(container: string, since: number): Promise<string> {
  const res = await run`docker logs --since ${String(since)} ${container}`;
  return res.stdout + res.stderr;
}

/** Seconds since the epoch, one second early, for `docker logs --since`. */
export const nowSec = () => Math.floor(Date.now() / 1000) - 1;

/** Whether something accepts connections on 127.0.0.1:`port`. */
export function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect(port, '127.0.0.1');
    s.on('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.on('error', () => resolve(false));
  });
}

/** `npm run status` with `args` against the stack's edge.yaml. */
export function status(stack: SshdStack, args: string[]) {
  return run({ timeout: 60_000 })`node bin/tunnelgate.mjs status --config ${stack.file} ${args}`;
}

/** A plain child process (for the supervisor loop): started detached from the test's stdio. */
export function spawnQuiet(cmd: string, args: string[]) {
  return spawn(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'] });
}

/** Labels every test resource carries, so the global teardown removes leftovers. */
export const testLabels = () => ['--label', 'org.tunnelgate.test=1', '--label', `org.tunnelgate.test-run=${inject('runId')}`];

/** The model of an edge.yaml mapping (written and loaded as a user's file would be). */
export function modelOf(name: string, doc: EdgeDoc): EdgeModel {
  const file = join(tmp, `${name}.yaml`);
  writeFileSync(file, stringify({ project: name, acme: { ca: 'pebble' }, ...doc }));
  return loadConfig({ config: file }).model;
}

/**
 * One sshd container of the image, alone (no HAProxy), its config rendered from `model` and
 * copied in before the start; `createArgs` go to `docker create` (networks, published ports).
 */
export async function standaloneSshd(name: string, model: EdgeModel, createArgs: string[]): Promise<void> {
  const root = join(tmp, `${name}-root`);
  rmSync(root, { recursive: true, force: true });
  for (const [path, text] of Object.entries(renderSshdFiles(model))) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text, { mode: 0o644 });
  }
  const { tag } = await ensureImage('sshd');
  const created = await run`docker create --name ${name} ${testLabels()} ${createArgs} ${tag}`;
  if (created.exitCode !== 0) throw new Error(`docker create ${name}: ${created.stderr}`);
  const cp = await run`docker cp ${`${root}/config/.`} ${`${name}:/config/`}`;
  if (cp.exitCode !== 0) throw new Error(`docker cp into ${name}: ${cp.stderr}`);
  const started = await run`docker start ${name}`;
  if (started.exitCode !== 0) throw new Error(`docker start ${name}: ${started.stderr}`);
  await waitFor(
    () => sshdLogSince(name, 0),
    (l) => l.includes('Server listening'),
    15_000,
  );
}
