/**
 * The client image (testkit/client/Dockerfile): curl, openssl, wrk, socat and Node, for clients
 * and stand-in services that run as containers on networks of their own. Tagged by the hash of
 * its Dockerfile, built with the docker CLI when missing; never part of a stack.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { $ } from 'zx';

/** The folder with the Dockerfile and services.mjs (mounted read-only into service containers). */
export const CLIENT_DIR = fileURLToPath(new URL('./client/', import.meta.url));

const run = $({ quiet: true, nothrow: true });

/** `tunnelgate-test/client:<12 hex>` of the Dockerfile (the services are mounted, not copied). */
function clientTag(): string {
  const hash = createHash('sha256').update(readFileSync(join(CLIENT_DIR, 'Dockerfile')));
  return `tunnelgate-test/client:${hash.digest('hex').slice(0, 12)}`;
}

/** The image's tag, built first when the engine does not have it. */
export async function ensureClientImage(): Promise<string> {
  const tag = clientTag();
  if ((await run`docker image inspect ${tag}`).exitCode === 0) return tag;
  const built = await run`docker build -q -t ${tag} -f ${join(CLIENT_DIR, 'Dockerfile')} ${CLIENT_DIR}`;
  if (built.exitCode !== 0) throw new Error(`building ${tag} failed:\n${built.stderr}`);
  return tag;
}
