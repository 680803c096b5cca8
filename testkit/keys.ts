/** SSH key pairs for test users, written 0600 for `ssh -i`. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ssh2 from 'ssh2';
import { tmp } from './tmp.js';

/** An ed25519 public key blob: string "ssh-ed25519" (4 + 11 bytes) and the 32-byte point (4 + 32). */
const ED25519_BLOB_BYTES = 51;

/**
 * An ed25519 key pair; returns the private key path, the public line and the private key text.
 * ssh2 1.17 strips leading zero bytes of the public point, so about 1 pair in 256 is malformed
 * (mscdex/ssh2#1390): such pairs are drawn again.
 */
export function keyPair(name: string): { path: string; pub: string; private: string } {
  let pair = ssh2.utils.generateKeyPairSync('ed25519', { comment: `${name}@e2e` });
  while (Buffer.from(pair.public.split(' ')[1] ?? '', 'base64').length !== ED25519_BLOB_BYTES) {
    pair = ssh2.utils.generateKeyPairSync('ed25519', { comment: `${name}@e2e` });
  }
  const path = join(tmp, `${name}_ed25519`);
  writeFileSync(path, pair.private, { mode: 0o600 });
  return { path, pub: pair.public.trim(), private: pair.private };
}
