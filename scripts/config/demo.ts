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

/** Returns the demo user's public key, generating the pair (0600) the first time. */
export function ensureDemoKey(project = DEMO_PROJECT): string {
  const path = demoKeyPath(project);
  const existing = readIfExists(`${path}.pub`);
  if (existing && readIfExists(path)) return existing.trim();
  const pair = ssh2.utils.generateKeyPairSync('ed25519', { comment: `demo@${project}` });
  writeSecret(path, pair.private);
  writeSecret(`${path}.pub`, `${pair.public}\n`);
  return pair.public.trim();
}

/** The demo's edge.yaml text (validated like any other file). */
export function demoConfigText(publicKey: string): string {
  return [
    '# tunnelgate embedded demo',
    `project: ${DEMO_PROJECT}`,
    'ports: {http: 8080, https: 8443, ssh: 2222}',
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
