/** Debian's OpenSSH client as a user runs it: one-shot commands and long-lived `ssh -N -R` tunnels. */
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { tmp } from './tmp.js';

export interface SshProcess {
  child: ChildProcess;
  /** Everything ssh printed so far (stderr and stdout). */
  stderr: () => string;
  exited: Promise<number | null>;
}

/** Runs `ssh … user@host` against `port`, with a known_hosts file of its own (accept-new). */
export function ssh(port: number, user: string, key: string, args: string[], knownHosts = join(tmp, 'known_hosts'), host = '127.0.0.1'): SshProcess {
  const child = spawn(
    'ssh',
    [
      ...['-F', 'none', '-p', String(port), '-i', key],
      ...['-o', 'IdentitiesOnly=yes', '-o', 'BatchMode=yes', '-o', 'StrictHostKeyChecking=accept-new'],
      ...['-o', `UserKnownHostsFile=${knownHosts}`, '-o', 'ConnectTimeout=10'],
      ...args,
      `${user}@${host}`,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  child.stderr?.on('data', (b: Buffer) => {
    out += b.toString();
  });
  child.stdout?.on('data', (b: Buffer) => {
    out += b.toString();
  });
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  return { child, stderr: () => out, exited };
}

/** `ssh -N -R <socket>:127.0.0.1:<localPort>`: a reverse tunnel onto a UNIX socket. */
export function tunnel(port: number, user: string, key: string, socket: string, localPort: number, host = '127.0.0.1'): SshProcess {
  const args = ['-N', '-o', 'ExitOnForwardFailure=yes', '-o', 'ServerAliveInterval=5', '-R', `${socket}:127.0.0.1:${localPort}`];
  return ssh(port, user, key, args, join(tmp, `known_hosts_${host}`), host);
}

/** Ends an ssh process (SIGTERM) and waits for it. */
export async function stop(p: SshProcess): Promise<void> {
  if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGTERM');
  await p.exited;
}

/** A tunnel that reconnects by itself, like a laptop running autossh. */
export interface PersistentTunnel {
  /** How many times ssh has been started. */
  starts: () => number;
  stop: () => Promise<void>;
}

/**
 * `tunnel()` restarted whenever ssh exits (after `retryMs`, as a real client backs off), until
 * stopped. Its known_hosts file is the same throughout: a changed host key makes every retry fail.
 */
export function persistentTunnel(port: number, user: string, key: string, socket: string, localPort: number, retryMs = 200): PersistentTunnel {
  let current: SshProcess | undefined;
  let stopped = false;
  let starts = 0;
  const loop = (async () => {
    while (!stopped) {
      current = tunnel(port, user, key, socket, localPort);
      starts++;
      await current.exited;
      if (!stopped) await new Promise((r) => setTimeout(r, retryMs));
    }
  })();
  return {
    starts: () => starts,
    stop: async () => {
      stopped = true;
      if (current) await stop(current);
      await loop;
    },
  };
}
