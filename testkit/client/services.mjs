/**
 * Small stand-in services for the edge tests, plain JavaScript so they run both in the tests'
 * Node process (behind a tunnel) and in the client image (as an upstream container):
 *   node services.mjs http:8080 h2c:50051 tls:8443:/cert.pem:/key.pem tcp:7000
 * - http: answers every request with JSON describing it (headers as raw pairs, so duplicates
 *   show), and echoes WebSocket text messages after an `Upgrade: websocket` handshake;
 * - h2c: the same JSON over cleartext HTTP/2 (prior knowledge), as gRPC services speak it;
 * - tls: the same JSON over HTTPS with the given certificate;
 * - tcp: echoes bytes back.
 * `NAME` in the environment is reported in every answer, to tell services apart.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import { createServer as createH2Server } from 'node:http2';
import { createServer as createHttpsServer } from 'node:https';
import { createServer as createNetServer } from 'node:net';

const WS_GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC11B65';

/** The JSON every HTTP flavour answers: who answered and what it received. */
function describe(req, name) {
  const headers = [];
  for (let i = 0; i < req.rawHeaders.length; i += 2) headers.push([req.rawHeaders[i].toLowerCase(), req.rawHeaders[i + 1]]);
  return JSON.stringify({ name, method: req.method, url: req.url, httpVersion: req.httpVersion, remote: req.socket.remoteAddress, headers });
}

/**
 * `health()` is the status `/healthz` answers (200 unless a test says otherwise). `/sleep/<ms>`
 * answers after that long; every answer says how many requests were in progress when it arrived
 * (`inflight`), so a test can see a connection limit without timing anything.
 */
function answer(name, health = () => 200) {
  let inflight = 0;
  return (req, res) => {
    inflight++;
    const seen = inflight;
    req.resume();
    req.on('end', () => {
      const status = req.url === '/healthz' ? health() : 200;
      const delay = Number(/^\/sleep\/(\d+)$/.exec(req.url)?.[1] ?? 0);
      setTimeout(() => {
        inflight--;
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ ...JSON.parse(describe(req, name)), inflight: seen }));
      }, delay);
    });
  };
}

/** One WebSocket frame (server side: unmasked), text opcode. */
function frame(payload) {
  const data = Buffer.from(payload);
  const head = data.length < 126 ? Buffer.from([0x81, data.length]) : Buffer.from([0x81, 126, data.length >> 8, data.length & 0xff]);
  return Buffer.concat([head, data]);
}

/** Echoes the text frames of an upgraded connection as `echo:<text>` (masked client frames, < 64 KiB). */
function websocketEcho(req, socket) {
  const accept = createHash('sha1')
    .update(`${req.headers['sec-websocket-key']}${WS_GUID}`)
    .digest('base64');
  socket.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`);
  let buf = Buffer.alloc(0);
  socket.on('data', (chunk) => {
    buf = Buffer.concat([buf, chunk]);
    while (buf.length >= 2) {
      let len = buf[1] & 0x7f;
      let at = 2;
      if (len === 126) {
        if (buf.length < 4) return;
        len = buf.readUInt16BE(2);
        at = 4;
      }
      if (buf.length < at + 4 + len) return;
      const mask = buf.subarray(at, at + 4);
      const data = Buffer.from(buf.subarray(at + 4, at + 4 + len).map((b, i) => b ^ mask[i % 4]));
      const opcode = buf[0] & 0x0f;
      buf = buf.subarray(at + 4 + len);
      if (opcode === 0x8) return socket.end();
      if (opcode === 0x1) socket.write(frame(`echo:${data.toString('utf8')}`));
    }
  });
  socket.on('error', () => {});
}

/** HTTP/1.1 echo with WebSocket support; `health` gives the status of `/healthz`. */
export function httpService(name = process.env.NAME ?? 'http', health = undefined) {
  const server = createHttpServer(answer(name, health));
  server.on('upgrade', websocketEcho);
  return server;
}

/** Cleartext HTTP/2 (prior knowledge) echo. */
export function h2cService(name = process.env.NAME ?? 'h2c') {
  return createH2Server(answer(name));
}

/** HTTPS echo with the given PEM certificate and key. */
export function tlsService(cert, key, name = process.env.NAME ?? 'tls') {
  return createHttpsServer({ cert, key }, answer(name));
}

/** TCP echo. */
export function tcpService() {
  return createNetServer((socket) => {
    socket.on('error', () => {});
    socket.pipe(socket);
  });
}

function main(specs) {
  for (const spec of specs) {
    const [kind, port, certFile, keyFile] = spec.split(':');
    const server =
      kind === 'http' ? httpService() : kind === 'h2c' ? h2cService() : kind === 'tls' ? tlsService(readFileSync(certFile), readFileSync(keyFile)) : kind === 'tcp' ? tcpService() : undefined;
    if (!server) throw new Error(`unknown service ${spec}`);
    server.listen(Number(port), '0.0.0.0', () => console.log(`listening ${spec}`));
  }
}

if (process.argv[1] && import.meta.url === `file://${process.argv[1]}`) main(process.argv.slice(2));
