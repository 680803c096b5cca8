/**
 * The git-ignored state folder on the host (`.state/<project>/`): generated secrets such as the
 * demo user's key pair. Folders 0700, secrets 0600.
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from './images.js';

export function stateDir(project: string): string {
  const dir = join(process.env.TUNNELGATE_STATE ?? join(REPO_ROOT, '.state'), project);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
  return dir;
}

/** Writes a secret readable by its owner only, creating it atomically with mode 0600. */
export function writeSecret(path: string, content: string): void {
  writeFileSync(path, content, { mode: 0o600, flag: 'wx' });
}

export function readIfExists(path: string): string | undefined {
  return existsSync(path) ? readFileSync(path, 'utf8') : undefined;
}
