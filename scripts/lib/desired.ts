/**
 * The desired stack for a model: stacks/edge.compose.yaml read and rendered with the model and
 * image tags, plus the labels every resource of this run carries. Shared by `up` and `renew`.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from './images.js';
import type { EdgeModel } from './model.js';
import { LABEL, renderStack, type DesiredStack } from './stack.js';

export const COMPOSE_PATH = join(REPO_ROOT, 'stacks', 'edge.compose.yaml');

/** Labels every resource of a stack gets besides Compose's; the e2e tests set a run id here. */
export function extraLabels(): Record<string, string> {
  const run = process.env.TUNNELGATE_TEST_RUN;
  return run ? { [LABEL.testRun]: run } : {};
}

export function desiredStack(model: EdgeModel, images: { haproxy: string; sshd: string; pebble?: string }): DesiredStack {
  return renderStack(readFileSync(COMPOSE_PATH, 'utf8'), model, { images, composePath: COMPOSE_PATH, workingDir: REPO_ROOT, extraLabels: extraLabels() });
}

