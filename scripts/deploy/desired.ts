/**
 * The desired stack for a model: stacks/edge.compose.yaml read and rendered with the model and
 * image tags, plus the labels every resource of this run carries. Shared by `up` and `renew`.
 */
import { readFileSync } from 'node:fs';
import { LABEL } from '../../stacks/labels.js';
import type { EdgeModel } from '../../stacks/model.js';
import { COMPOSE_PATH, REPO_ROOT } from '../config/repo.js';
import { type DesiredStack, renderStack, type StackImages } from './stack.js';

/** Labels every resource of a stack gets besides Compose's; the e2e tests and the bench set a run id. */
export function extraLabels(): Record<string, string> {
  const run = process.env.TUNNELGATE_TEST_RUN;
  return run ? { [LABEL.testRun]: run } : {};
}

/** A compose file to realise: this checkout's, or (to test a migration) an earlier version's. */
export interface ComposeSource {
  text: string;
  path: string;
}

/** The compose file rendered for `model` with these image tags. */
export function desiredStack(model: EdgeModel, images: StackImages, compose?: ComposeSource): DesiredStack {
  const text = compose?.text ?? readFileSync(COMPOSE_PATH, 'utf8');
  const path = compose?.path ?? COMPOSE_PATH;
  return renderStack(text, model, { images, composePath: path, workingDir: REPO_ROOT, extraLabels: extraLabels() });
}
