/** Where this checkout is: the compose file, the Dockerfiles and `.state/` are found from here. */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root, with a trailing slash. */
export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** The stack's topology, shared with `docker compose`. */
export const COMPOSE_PATH = join(REPO_ROOT, 'stacks', 'edge.compose.yaml');
