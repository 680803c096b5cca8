/**
 * Helpers for the haproxy image e2e test, through the docker CLI: containers labelled for the
 * test run, files copied in with `docker cp`, HTTPS requests with a chosen SNI and Host.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { get } from 'node:http';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { TLSSocket } from 'node:tls';
import { inject } from 'vitest';
import { $ } from 'zx';
import { createPlaceholderPem } from '../../certs/placeholder.js';
import { DEFAULT_CERT } from '../../haproxy/names.js';
import { certPath } from '../../stacks/layout.js';
import type { EdgeModel } from '../../stacks/model.js';

/** The docker CLI, quiet and never throwing: tests assert on exit codes themselves. */
export const run = $({ quiet: true, nothrow: true });

/** Labels every test resource carries, so the global teardown can remove leftovers. */
export const testLabels = () => ['--label', 'org.tunnelgate.test=1', '--label', `org.tunnelgate.test-run=${inject('runId')}`];

/** A placeholder PEM for the default certificate and for every route host, keyed by container path. */
export async function certFiles(model: EdgeModel): Promise<Record<string, string>> {
  const now = new Date();
  const files: Record<string, string> = { [DEFAULT_CERT]: await createPlaceholderPem('default.invalid', now) };
  for (const route of model.routes) files[certPath(route.host)] = await createPlaceholderPem(route.host, now);
  return files;
}

/** Copies files (absolute container paths) into a created or running container, world-readable. */
export async function copyInto(container: string, files: Record<string, string>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'tg-haproxy-'));
  try {
    for (const [path, content] of Object.entries(files)) {
      await mkdir(join(dir, dirname(path)), { recursive: true, mode: 0o755 });
      await writeFile(join(dir, path), content, { mode: 0o644 });
    }
    const res = await run`docker cp ${`${dir}/.`} ${`${container}:/`}`;
    if (res.exitCode !== 0) throw new Error(`docker cp into ${container}: ${res.stderr}`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** `docker create` with the test labels; returns the container id. */
export async function createContainer(args: string[]): Promise<string> {
  const res = await run`docker create ${testLabels()} ${args}`;
  if (res.exitCode !== 0) throw new Error(`docker create: ${res.stderr}`);
  return res.stdout.trim();
}

/** The loopback host port docker published for a container port. */
export async function publishedPort(container: string, port: number): Promise<number> {
  const res = await run`docker port ${container} ${`${port}/tcp`}`;
  const m = /127\.0\.0\.1:(\d+)/.exec(res.stdout);
  if (!m) throw new Error(`no published port for ${port} on ${container}: ${res.stdout}${res.stderr}`);
  return Number(m[1]);
}

export interface Answer {
  status: number;
  body: string;
  headers: Record<string, string | string[] | undefined>;
  /** Serial number of the certificate the server presented (upper-case hex, no leading zeros). */
  certSerial: string;
}

/** One HTTPS GET to 127.0.0.1:port with the given SNI and Host; certificates are not verified. */
export function httpsGet(port: number, host: string, path = '/'): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, servername: host, headers: { host }, rejectUnauthorized: false, agent: false }, (res) => {
      // Upper-case hex without leading zeros, the way `show ssl cert` may print it too.
      const certSerial = ((res.socket as TLSSocket).getPeerCertificate().serialNumber ?? '').toUpperCase().replace(/^0+/, '');
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers, certSerial }));
    });
    req.setTimeout(5000, () => req.destroy(new Error(`GET https://${host}${path} timed out`)));
    req.on('error', reject);
    req.end();
  });
}

/** One plain-HTTP GET to 127.0.0.1:port with the given Host; redirects are not followed. */
export function httpGet(port: number, host: string, path = '/'): Promise<{ status: number; location?: string }> {
  return new Promise((resolve, reject) => {
    const req = get({ host: '127.0.0.1', port, path, headers: { host }, agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, location: res.headers.location }));
    });
    req.setTimeout(5000, () => req.destroy(new Error(`GET http://${host}${path} timed out`)));
    req.on('error', reject);
  });
}

/** Polls `probe` until it returns true or `ms` elapse; returns the time it took. */
export async function waitFor(what: string, probe: () => Promise<boolean>, ms = 10_000): Promise<number> {
  const start = Date.now();
  while (Date.now() - start < ms) {
    if (await probe().catch(() => false)) return Date.now() - start;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out after ${ms}ms waiting for ${what}`);
}
