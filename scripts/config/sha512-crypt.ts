/**
 * SHA-512-crypt (`$6$`, Ulrich Drepper's "Unix crypt using SHA-256 and SHA-512", as glibc and
 * libxcrypt implement it): what `npm run hash-password` writes into edge.yaml's `basicAuth`, and
 * what HAProxy's crypt(3) checks. Node has no crypt(3); this is the specification, checked against
 * its own test vectors and `openssl passwd -6`. Pure.
 */
import { createHash } from 'node:crypto';

const ITOA64 = './0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
export const DEFAULT_ROUNDS = 5000;

/** The digest's bytes in the order the specification encodes them, 3 at a time. */
const ORDER = [
  [0, 21, 42],
  [22, 43, 1],
  [44, 2, 23],
  [3, 24, 45],
  [25, 46, 4],
  [47, 5, 26],
  [6, 27, 48],
  [28, 49, 7],
  [50, 8, 29],
  [9, 30, 51],
  [31, 52, 10],
  [53, 11, 32],
  [12, 33, 54],
  [34, 55, 13],
  [56, 14, 35],
  [15, 36, 57],
  [37, 58, 16],
  [59, 17, 38],
  [18, 39, 60],
  [40, 61, 19],
  [62, 20, 41],
] as const;

const sha512 = (...parts: Buffer[]) => {
  const h = createHash('sha512');
  for (const p of parts) h.update(p);
  return h.digest();
};

/** `n` bytes of `block` repeated. */
function repeatTo(block: Buffer, n: number): Buffer {
  const out = Buffer.alloc(n);
  for (let i = 0; i < n; i += block.length) block.copy(out, i, 0, Math.min(block.length, n - i));
  return out;
}

function encode(c: Buffer): string {
  let out = '';
  const put = (w: number, n: number) => {
    for (let i = 0; i < n; i++, w >>= 6) out += ITOA64[w & 0x3f];
  };
  for (const [a, b, d] of ORDER) put((c[a]! << 16) | (c[b]! << 8) | c[d]!, 4);
  put(c[63]!, 2);
  return out;
}

/** The `$6$` hash of `password` with `salt` (at most 16 characters used) and `rounds` (1000–999999999). */
export function sha512Crypt(password: string, salt: string, rounds = DEFAULT_ROUNDS): string {
  const p = Buffer.from(password, 'utf8');
  const s = Buffer.from(salt.slice(0, 16), 'utf8');
  const r = Math.min(999_999_999, Math.max(1000, Math.floor(rounds)));
  const b = sha512(p, s, p);
  const a = createHash('sha512').update(p).update(s).update(repeatTo(b, p.length));
  for (let n = p.length; n > 0; n >>= 1) a.update(n & 1 ? b : p);
  let c = a.digest();
  const pBytes = repeatTo(sha512(...Array<Buffer>(p.length).fill(p)), p.length);
  const sBytes = repeatTo(sha512(...Array<Buffer>(16 + c[0]!).fill(s)), s.length);
  for (let i = 0; i < r; i++) {
    const h = createHash('sha512');
    h.update(i & 1 ? pBytes : c);
    if (i % 3) h.update(sBytes);
    if (i % 7) h.update(pBytes);
    h.update(i & 1 ? c : pBytes);
    c = h.digest();
  }
  return `$6$${r === DEFAULT_ROUNDS ? '' : `rounds=${r}$`}${s.toString('utf8')}$${encode(c)}`;
}

/** A random 16-character salt from crypt's alphabet, given 16 random bytes. */
export function saltFrom(random: Buffer): string {
  return [...random.subarray(0, 16)].map((b) => ITOA64[b & 0x3f]).join('');
}
