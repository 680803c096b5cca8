/**
 * The git-ignored state folder on the host (`.state/<project>/`): generated secrets such as the
 * demo user's key pair, and the nightly renewal's log. Folders 0700, secrets 0600.
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from './repo.js';

const stateRoot = () => process.env.TUNNELGATE_STATE ?? join(REPO_ROOT, '.state');

/** `.state/<project>/` (or under $TUNNELGATE_STATE), created 0700. */
export function stateDir(project: string): string {
  const dir = join(stateRoot(), project);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
  return dir;
}

/**
 * Records which engine the project's state belongs to (`up` writes it): the demo key and the
 * renewal log in `.state/<project>/` are about the stack on that engine, not another one.
 */
export function recordEngine(project: string, engineUrl: string): void {
  writeFileSync(join(stateDir(project), 'engine'), `${engineUrl}\n`, { mode: 0o600 });
}

/** The engine recorded for `.state/<project>/`, if any (creates nothing). */
export function recordedEngine(project: string): string | undefined {
  return readIfExists(join(stateRoot(), project, 'engine'))?.trim() || undefined;
}

/** Writes a secret readable by its owner only, creating it atomically with mode 0600. */
export function writeSecret(path: string, content: string): void {
  writeFileSync(path, content, { mode: 0o600, flag: 'wx' });
}

/** A file's text, or `undefined` when it does not exist. */
export function readIfExists(path: string): string | undefined {
  return existsSync(path) ? readFileSync(path, 'utf8') : undefined;
}
