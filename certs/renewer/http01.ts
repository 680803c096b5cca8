/**
 * The HTTP-01 responder (:8888, reached through HAProxy's :80 `/.well-known/acme-challenge/`)
 * and the self-check through HAProxy.
 */
import { createServer, request, type Server } from 'node:http';

const PREFIX = '/.well-known/acme-challenge/';

/** Serves the tokens in `tokens`; anything else is a 404. */
export async function startResponder(port: number, tokens: Map<string, string>): Promise<Server> {
  const server = createServer((req, res) => {
    const token = req.url?.startsWith(PREFIX) ? req.url.slice(PREFIX.length) : '';
    const body = tokens.get(token);
    res.writeHead(body ? 200 : 404, { 'content-type': 'text/plain' }).end(body ?? 'not found');
  });
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(port, '0.0.0.0', resolve));
  return server;
}

function fetchThrough(base: string, host: string, token: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(`${base}${PREFIX}${token}`, { headers: { host }, timeout: 3000 }, (res) => {
      let body = '';
      res
        .setEncoding('utf8')
        .on('data', (c: string) => (body += c))
        .on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req
      .on('timeout', () => req.destroy(new Error('timeout')))
      .on('error', reject)
      .end();
  });
}

/**
 * Waits until HAProxy serves our token for `host`. acme-client's own check (skipped) would dial
 * the host's public address on port 80 from inside this container: through hairpin NAT that
 * often fails on a real edge, and on a test network the name may not resolve at all. Asking
 * HAProxy by its stack alias checks what matters (the route to us works) and also waits out
 * HAProxy's DNS for the renewer's fresh address (`hold nx`), so the CA never hits a 503 and no
 * failed validation is spent (Let's Encrypt limits those per hour).
 */
export async function selfCheck(base: string, host: string, token: string, expected: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    try {
      const res = await fetchThrough(base, host, token);
      if (res.status === 200 && res.body.trim() === expected) return;
      last = `HTTP ${res.status}`;
    } catch (err) {
      last = (err as Error).message;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`self-check: HAProxy (${base}) did not serve the challenge for ${host} within ${timeoutMs / 1000}s (last: ${last})`);
}
