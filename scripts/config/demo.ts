/**
 * The embedded demo used when there is no --config and no ./edge.yaml: a Pebble-backed stack on
 * unprivileged ports with one user whose key pair is generated on first use.
 */
import { join } from 'node:path';
import ssh2 from 'ssh2';
import { readIfExists, stateDir, writeSecret } from './state-dir.js';

const DEMO_PROJECT = 'tunnelgate-demo';
const DEMO_HOST = 'demo.localhost';

/** Path of the demo user's private key; the public key is beside it as `.pub`. */
export function demoKeyPath(project = DEMO_PROJECT): string {
  return join(stateDir(project), 'demo_ed25519');
}

/** An ed25519 public key blob: string "ssh-ed25519" (4 + 11 bytes) and the 32-byte point (4 + 32). */
const ED25519_BLOB_BYTES = 51;

/**
 * A fresh ed25519 pair in OpenSSH format. ssh2 1.17 strips leading zero bytes of the public
 * point, so about 1 pair in 256 is malformed (mscdex/ssh2#1390) and the demo would then fail its
 * own validation: such pairs are drawn again.
 */
function ed25519Pair(comment: string): { private: string; public: string } {
  for (;;) {
    const pair = ssh2.utils.generateKeyPairSync('ed25519', { comment });
    if (Buffer.from(pair.public.split(' ')[1] ?? '', 'base64').length === ED25519_BLOB_BYTES) return pair;
  }
}

/** Returns the demo user's public key, generating the pair (0600) the first time. */
export function ensureDemoKey(project = DEMO_PROJECT): string {
  const path = demoKeyPath(project);
  const existing = readIfExists(`${path}.pub`);
  if (existing && readIfExists(path)) return existing.trim();
  const pair = ed25519Pair(`demo@${project}`);
  writeSecret(path, pair.private);
  writeSecret(`${path}.pub`, `${pair.public}\n`);
  return pair.public.trim();
}

/** The demo's edge.yaml text (validated like any other file). */
export function demoConfigText(publicKey: string): string {
  return [
    '# tunnelgate embedded demo',
    `project: ${DEMO_PROJECT}`,
    'ports: {http: 8880, https: 8443, ssh: 2222}',
    '# the 503 page shows the demo user the ssh command that brings the tunnel up',
    'offlinePage: instructions',
    'acme:',
    '  ca: pebble',
    'users:',
    '  demo:',
    `    keys: [${JSON.stringify(publicKey)}]`,
    'routes:',
    `  - host: ${DEMO_HOST}`,
    '    tunnel: demo',
    '',
  ].join('\n');
}
