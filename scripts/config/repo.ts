/** Where this checkout is: the compose file, the Dockerfiles and `.state/` are found from here. */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The repository root, with a trailing slash: the folder above this module that holds the compose
 * file. Found by walking up, so the same code works from scripts/ (tsx, tests) and dist/ (bundles).
 */
function findRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'stacks', 'edge.compose.yaml'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`cannot find the tunnelgate checkout above ${fileURLToPath(import.meta.url)}`);
    dir = parent;
  }
  return `${dir}/`;
}

export const REPO_ROOT = findRoot();

/** The stack's topology, shared with `docker compose`. */
export const COMPOSE_PATH = join(REPO_ROOT, 'stacks', 'edge.compose.yaml');
