/** SSH key pairs for test users, written 0600 for `ssh -i`. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ssh2 from 'ssh2';
import { tmp } from './tmp.js';

/** An ed25519 key pair; returns the private key path, the public line and the private key text. */
export function keyPair(name: string): { path: string; pub: string; private: string } {
  const pair = ssh2.utils.generateKeyPairSync('ed25519', { comment: `${name}@e2e` });
  const path = join(tmp, `${name}_ed25519`);
  writeFileSync(path, pair.private, { mode: 0o600 });
  return { path, pub: pair.public.trim(), private: pair.private };
}
