/** Loopback ports, a stand-in for a laptop's web service, and HTTPS requests with SNI. */
import { createServer, type Server } from 'node:http';
import { request } from 'node:https';
import { createServer as createNetServer } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { waitFor } from './wait.js';

/** A port nobody listens on right now (the kernel picks it). */
export async function freePort(): Promise<number> {
  const srv = createNetServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as { port: number }).port;
  await new Promise((r) => srv.close(r));
  return port;
}

/** A "laptop" service on loopback: answers every request with `body`. */
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

/** GET https://<host>/ on `address`:`port` (default loopback), with SNI and Host set to `host`. */
export function get(port: number, host: string, path = '/', address = '127.0.0.1'): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request({ host: address, port, servername: host, path, headers: { host }, rejectUnauthorized: false, agent: false, timeout: 10_000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const cert = (res.socket as TLSSocket).getPeerCertificate?.();
        resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), ...(cert?.serialNumber ? { serial: cert.serialNumber } : {}) });
      });
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end();
  });
}

/** The body of the first 200 that `host` answers with (polled); fails loudly after `timeoutMs`. */
export async function served(port: number, host: string, timeoutMs = 15_000): Promise<string> {
  return (
    await waitFor(
      () => get(port, host),
      (r) => r.status === 200,
      timeoutMs,
    )
  ).body;
}
