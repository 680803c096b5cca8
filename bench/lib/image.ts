/**
 * The bench's own image (bench/baseline/): the hand-configured peers and the client tools, built
 * through the engine adapter and tagged by a hash of its build context, like the stack's images.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../../scripts/config/repo.js';
import { contentHash } from '../../scripts/deploy/images.js';
import * as engine from '../../scripts/engine/index.js';
import { LABEL } from '../../stacks/labels.js';

const CONTEXT = join(REPO_ROOT, 'bench', 'baseline');

/** The files of the build context: the Dockerfile and conf/ (the README stays out). */
function contextFiles(): string[] {
  return ['Dockerfile', ...readdirSync(join(CONTEXT, 'conf')).map((f) => `conf/${f}`)].sort();
}

/** Builds the image unless its tag exists; returns the tag and whether it was built. */
export async function benchImage(onProgress?: (line: string) => void): Promise<{ tag: string; built: boolean }> {
  const files = contextFiles();
  const tag = `tunnelgate/bench:${contentHash(CONTEXT, files)}`;
  if (await engine.imageExists(tag)) return { tag, built: false };
  await engine.buildImage({ tag, context: CONTEXT, files, dockerfile: 'Dockerfile', labels: { [LABEL.image]: 'bench' }, ...(onProgress ? { onProgress } : {}) });
  return { tag, built: true };
}
