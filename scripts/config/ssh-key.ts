/**
 * Parses OpenSSH public key lines (authorized_keys format, without options) far enough to tell a
 * real key from a pasted private key, a truncated line or a too-weak RSA key. Pure.
 */

const KEY_TYPES = ['ssh-ed25519', 'ecdsa-sha2-nistp256', 'ecdsa-sha2-nistp384', 'ecdsa-sha2-nistp521', 'ssh-rsa', 'sk-ssh-ed25519@openssh.com', 'sk-ecdsa-sha2-nistp256@openssh.com'] as const;

const MIN_RSA_BITS = 2048;

export type ParsedKey = { ok: true; type: string; bits: number; normalized: string } | { ok: false; problem: string; hint?: string };

/** Reads SSH wire-format strings (uint32 length + bytes) from a key blob. */
class Reader {
  private at = 0;
  constructor(private readonly buf: Buffer) {}
  string(): Buffer {
    if (this.at + 4 > this.buf.length) throw new Error('truncated');
    const len = this.buf.readUInt32BE(this.at);
    this.at += 4;
    if (this.at + len > this.buf.length) throw new Error('truncated');
    const out = this.buf.subarray(this.at, this.at + len);
    this.at += len;
    return out;
  }
  get done(): boolean {
    return this.at === this.buf.length;
  }
}

/** Bit length of an SSH mpint (big-endian, possibly with a leading zero byte). */
function mpintBits(n: Buffer): number {
  let i = 0;
  while (i < n.length && n[i] === 0) i++;
  if (i === n.length) return 0;
  return (n.length - i - 1) * 8 + (32 - Math.clz32(n[i]!));
}

export function parsePublicKey(line: string): ParsedKey {
  const text = line.trim();
  if (text.includes('PRIVATE KEY')) return { ok: false, problem: 'this is a private key', hint: 'paste the .pub file, never the private key' };
  const [type, b64, ...comment] = text.split(/\s+/);
  if (!type || !(KEY_TYPES as readonly string[]).includes(type)) {
    return { ok: false, problem: `not an OpenSSH public key (type "${type ?? ''}")`, hint: `expected "<type> <base64> [comment]" with type one of ${KEY_TYPES.join(', ')}` };
  }
  if (!b64 || !/^[A-Za-z0-9+/]+={0,2}$/.test(b64)) return { ok: false, problem: `the ${type} key has no valid base64 body` };
  const blob = Buffer.from(b64, 'base64');
  try {
    const r = new Reader(blob);
    const inner = r.string().toString('latin1');
    if (inner !== type) return { ok: false, problem: `the key says "${type}" but its body is a "${inner}" key` };
    let bits: number;
    if (type === 'ssh-rsa') {
      r.string(); // public exponent
      bits = mpintBits(r.string());
      if (bits < MIN_RSA_BITS) return { ok: false, problem: `RSA key of ${bits} bits is too weak`, hint: `use ssh-ed25519, or RSA of at least ${MIN_RSA_BITS} bits` };
    } else if (type.includes('ed25519')) {
      if (r.string().length !== 32) throw new Error('bad ed25519 point');
      bits = 256;
      if (type.startsWith('sk-')) r.string(); // application
    } else {
      const curve = r.string().toString('latin1');
      if (!type.includes(curve)) throw new Error('curve mismatch');
      r.string(); // public point
      bits = Number(curve.replace('nistp', ''));
      if (type.startsWith('sk-')) r.string();
    }
    if (!r.done) throw new Error('trailing bytes');
    return { ok: true, type, bits, normalized: [type, b64, ...comment].join(' ') };
  } catch {
    return { ok: false, problem: `the ${type} key is truncated or corrupt`, hint: 'copy the whole line from the .pub file' };
  }
}
