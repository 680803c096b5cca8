/**
 * A real remote Docker engine on this machine, reached the way a laptop reaches a VPS: Debian's
 * OpenSSH server (`/usr/sbin/sshd`, package openssh-server) on its own loopback port with its own
 * host key, and a user of its own, member of the `docker` group, whose key logs in and runs the
 * docker CLI's `docker system dial-stdio` against the local engine. Plus the client side: a HOME
 * with the key, known_hosts and an ~/.ssh/config alias, for the product's `DOCKER_HOST=ssh://…`.
 * Needs root (useradd). `stop()` ends sshd and removes the user.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { $ } from 'zx';
import { freePort } from './net.js';
import { waitFor } from './wait.js';

const run = $({ quiet: true, nothrow: true });

export interface RemoteEngine {
  /** `ssh://<user>@<alias>`: the alias resolves through the client HOME's ~/.ssh/config. */
  dockerHost: string;
  /** A HOME for the client: ~/.ssh/{id_ed25519, known_hosts, config}. */
  home: string;
  user: string;
  port: number;
  /** sshd's output (LogLevel VERBOSE): logins and refused keys. */
  log: () => string;
  stop: () => Promise<void>;
}

async function must(what: string, p: Promise<{ exitCode: number | null; stderr: string }>): Promise<void> {
  const res = await p;
  if (res.exitCode !== 0) throw new Error(`${what} failed: ${res.stderr.trim()}`);
}

/** Starts sshd on a free loopback port for a new user that may use the local engine. */
export async function startRemoteEngine(): Promise<RemoteEngine> {
  const id = randomBytes(3).toString('hex');
  const user = `tgremote${id}`;
  // Its own folder, searchable by the new user (the kit's tmp is 0700, root's).
  const dir = mkdtempSync(join(tmpdir(), 'tunnelgate-remote-'));
  chmodSync(dir, 0o711);
  const serverHome = join(dir, 'server-home');
  const home = join(dir, 'client-home');
  mkdirSync(join(home, '.ssh'), { recursive: true, mode: 0o700 });
  mkdirSync(join(serverHome, '.ssh'), { recursive: true, mode: 0o700 });
  await must('ssh-keygen (host key)', run`ssh-keygen -q -t ed25519 -N ${''} -f ${join(dir, 'host_ed25519')}`);
  await must('ssh-keygen (user key)', run`ssh-keygen -q -t ed25519 -N ${''} -C ${`${user}@client`} -f ${join(home, '.ssh', 'id_ed25519')}`);
  writeFileSync(join(serverHome, '.ssh', 'authorized_keys'), readFileSync(join(home, '.ssh', 'id_ed25519.pub')), { mode: 0o600 });
  // `*`, not useradd's locked `!`: with UsePAM no, sshd refuses locked accounts even for keys.
  await must('useradd', run`useradd --no-create-home --home-dir ${serverHome} --shell /bin/sh --groups docker --password ${'*'} ${user}`);
  await must('chown', run`chown -R ${user} ${serverHome}`);
  chmodSync(serverHome, 0o700);
  const port = await freePort();
  const config = join(dir, 'sshd_config');
  writeFileSync(
    config,
    [
      `Port ${port}`,
      'ListenAddress 127.0.0.1',
      `HostKey ${join(dir, 'host_ed25519')}`,
      'PidFile none',
      'UsePAM no',
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      'PermitRootLogin no',
      `AllowUsers ${user}`,
      'AuthorizedKeysFile .ssh/authorized_keys',
      'AllowTcpForwarding no',
      'X11Forwarding no',
      'PrintMotd no',
      'LogLevel VERBOSE',
      '',
    ].join('\n'),
  );
  mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
  const sshd: ChildProcess = spawn('/usr/sbin/sshd', ['-D', '-e', '-f', config], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  sshd.stdout?.on('data', (b: Buffer) => (out += b.toString()));
  sshd.stderr?.on('data', (b: Buffer) => (out += b.toString()));
  const exited = new Promise<void>((r) => sshd.on('exit', () => r()));
  const stop = async () => {
    if (sshd.exitCode === null && sshd.signalCode === null) sshd.kill('SIGTERM');
    await exited;
    // Sessions end with their clients; `userdel` refuses while one still runs, so wait for it.
    await waitFor(
      () => run`userdel ${user}`,
      (r) => r.exitCode === 0 || /does not exist/.test(r.stderr),
      20_000,
      250,
    );
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitFor(
      () =>
        new Promise<boolean>((resolve) => {
          const s = connect(port, '127.0.0.1', () => {
            s.end();
            resolve(true);
          }).on('error', () => resolve(false));
        }),
      (ok) => ok,
      10_000,
    );
  } catch (err) {
    await stop();
    throw new Error(`sshd did not listen on ${port}: ${(err as Error).message}\n${out}`);
  }
  const alias = `remote-${id}`;
  const hostKey = readFileSync(join(dir, 'host_ed25519.pub'), 'utf8').split(' ').slice(0, 2).join(' ');
  writeFileSync(join(home, '.ssh', 'known_hosts'), `[127.0.0.1]:${port} ${hostKey}\n`, { mode: 0o600 });
  // The alias sits in an included file, as many people keep theirs (Include config.d/*).
  mkdirSync(join(home, '.ssh', 'config.d'), { mode: 0o700 });
  writeFileSync(join(home, '.ssh', 'config'), 'Include config.d/*\n', { mode: 0o600 });
  writeFileSync(join(home, '.ssh', 'config.d', 'edge'), `Host ${alias}\n    HostName 127.0.0.1\n    Port ${port}\n    IdentityFile ~/.ssh/id_ed25519\n`, { mode: 0o600 });
  return { dockerHost: `ssh://${user}@${alias}`, home, user, port, log: () => out, stop };
}
