/** A minimal WebSocket client over TLS with SNI, as a browser would open `wss://<host>/…`: one text message, one reply. */
import { createHash, randomBytes } from 'node:crypto';
import { connect } from 'node:tls';

const WS_GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC11B65';

/** A masked client text frame (< 126 bytes). */
function frame(text: string): Buffer {
  const data = Buffer.from(text);
  const mask = randomBytes(4);
  return Buffer.concat([Buffer.from([0x81, 0x80 | data.length]), mask, Buffer.from(data.map((b, i) => b ^ mask[i % 4]!))]);
}

/**
 * Opens wss://host/path on 127.0.0.1:port, checks the 101 and its Sec-WebSocket-Accept, sends
 * `message` and resolves with the first text frame that comes back.
 */
export function wsEcho(port: number, host: string, path: string, message: string): Promise<string> {
  const key = randomBytes(16).toString('base64');
  const accept = createHash('sha1').update(`${key}${WS_GUID}`).digest('base64');
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port, servername: host, rejectUnauthorized: false, ALPNProtocols: ['http/1.1'] }, () => {
      socket.write(`GET ${path} HTTP/1.1\r\nHost: ${host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n\r\n`);
    });
    socket.setTimeout(10_000, () => socket.destroy(new Error('WebSocket echo timed out')));
    let buf = Buffer.alloc(0);
    let upgraded = false;
    socket.on('data', (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk]);
      if (!upgraded) {
        const end = buf.indexOf('\r\n\r\n');
        if (end < 0) return;
        const head = buf.subarray(0, end).toString();
        if (!/^HTTP\/1\.1 101 /.test(head) || !head.toLowerCase().includes(`sec-websocket-accept: ${accept.toLowerCase()}`)) {
          socket.destroy();
          return reject(new Error(`no WebSocket upgrade: ${head.split('\r\n')[0]}`));
        }
        upgraded = true;
        buf = buf.subarray(end + 4);
        socket.write(frame(message));
      }
      if (buf.length >= 2 && buf.length >= 2 + (buf[1]! & 0x7f)) {
        resolve(buf.subarray(2, 2 + (buf[1]! & 0x7f)).toString());
        socket.end();
      }
    });
    socket.on('error', reject);
  });
}
