/**
 * Test helpers for the stack e2e tests: free loopback ports, key pairs, a local HTTP service,
 * HTTPS requests with SNI to the published port, and real `ssh -N -R` processes.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { request } from 'node:https';
import { createServer as createNetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ssh2 from 'ssh2';

export const tmp = mkdtempSync(join(tmpdir(), 'tunnelgate-e2e-'));

/** A port nobody listens on right now (the kernel picks it). */
export async function freePort(): Promise<number> {
  const srv = createNetServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as { port: number }).port;
  await new Promise((r) => srv.close(r));
  return port;
}

/** An ed25519 key pair written 0600 for `ssh -i`; returns the private key path and public line. */
export function keyPair(name: string): { path: string; pub: string; private: string } {
  const pair = ssh2.utils.generateKeyPairSync('ed25519', { comment: `${name}@e2e` });
  const path = join(tmp, `${name}_ed25519`);
  writeFileSync(path, pair.private, { mode: 0o600 });
  return { path, pub: pair.public.trim(), private: pair.private };
}

/** A "laptop" service: answers every request with `body`. */
export async function localService(body: string): Promise<{ port: number; server: Server }> {
  const server = createServer((_req, res) => res.end(body));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { port: (server.address() as { port: number }).port, server };
}

export interface Reply {
  status: number;
  body: string;
  serial?: string;
}

/** GET https://<host>/ through the published port on 127.0.0.1, with SNI and Host set to `host`. */
export function get(port: number, host: string, path = '/'): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, servername: host, path, headers: { host }, rejectUnauthorized: false, agent: false, timeout: 10_000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const cert = (res.socket as import('node:tls').TLSSocket).getPeerCertificate?.();
        resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), ...(cert?.serialNumber ? { serial: cert.serialNumber } : {}) });
      });
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end();
  });
}

/** Polls until `check` passes (or throws with the last reply after `timeoutMs`). */
export async function waitFor<T>(fn: () => Promise<T>, check: (v: T) => boolean, timeoutMs = 15_000, everyMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T | Error | undefined;
  while (Date.now() < deadline) {
    try {
      last = await fn();
      if (check(last)) return last;
    } catch (err) {
      last = err as Error;
    }
    await new Promise((r) => setTimeout(r, everyMs));
  }
  throw new Error(`condition not met within ${timeoutMs}ms; last: ${last instanceof Error ? last.message : JSON.stringify(last)?.slice(0, 300)}`);
}

export interface SshProcess {
  child: ChildProcess;
  stderr: () => string;
  exited: Promise<number | null>;
}

/** Runs Debian's OpenSSH client against the stack's published SSH port. */
export function ssh(port: number, user: string, key: string, args: string[], knownHosts = join(tmp, 'known_hosts'), host = '127.0.0.1'): SshProcess {
  const child = spawn(
    'ssh',
    [
      '-F', 'none',
      '-p', String(port),
      '-i', key,
      '-o', 'IdentitiesOnly=yes',
      '-o', 'BatchMode=yes',
      '-o', 'StrictHostKeyChecking=accept-new',
      '-o', `UserKnownHostsFile=${knownHosts}`,
      '-o', 'ConnectTimeout=10',
      ...args,
      `${user}@${host}`,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let err = '';
  child.stderr!.on('data', (b: Buffer) => (err += b.toString()));
  child.stdout!.on('data', (b: Buffer) => (err += b.toString()));
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  return { child, stderr: () => err, exited };
}

/** `ssh -N -R <socket>:localhost:<localPort>`: a reverse tunnel onto a UNIX socket. */
export function tunnel(port: number, user: string, key: string, socket: string, localPort: number, host = '127.0.0.1'): SshProcess {
  const args = ['-N', '-o', 'ExitOnForwardFailure=yes', '-o', 'ServerAliveInterval=5', '-R', `${socket}:127.0.0.1:${localPort}`];
  return ssh(port, user, key, args, join(tmp, `known_hosts_${host}`), host);
}

export async function stop(p: SshProcess): Promise<void> {
  if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGTERM');
  await p.exited;
}
