/**
 * The `up` pipeline shared by the script and the tests: model → images → desired stack → observe
 * → plan → apply.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { apply } from './apply.js';
import * as engine from './engine.js';
import { renderServiceFiles, type ServiceFiles } from './files.js';
import { ensureImage, imageContext, REPO_ROOT } from './images.js';
import type { EdgeModel } from './model.js';
import { observe } from './observe.js';
import { plan, type Op } from './plan.js';
import { LABEL, renderStack, type DesiredStack } from './stack.js';

export const COMPOSE_PATH = join(REPO_ROOT, 'stacks', 'edge.compose.yaml');

/** Labels every resource of a stack gets besides Compose's; the e2e tests set a run id here. */
export function extraLabels(): Record<string, string> {
  const run = process.env.TUNNELGATE_TEST_RUN;
  return run ? { [LABEL.testRun]: run } : {};
}

export function desiredStack(model: EdgeModel, images: { haproxy: string; sshd: string }): DesiredStack {
  return renderStack(readFileSync(COMPOSE_PATH, 'utf8'), model, { images, composePath: COMPOSE_PATH, workingDir: REPO_ROOT, extraLabels: extraLabels() });
}

export interface Planned {
  desired: DesiredStack;
  files: ServiceFiles;
  ops: Op[];
}

/** Computes the plan without building or changing anything (image tags come from content hashes). */
export async function planUp(model: EdgeModel): Promise<Planned> {
  const desired = desiredStack(model, { haproxy: imageContext('haproxy').tag, sshd: imageContext('sshd').tag });
  const files = renderServiceFiles(model);
  const observed = await observe(model.project);
  return { desired, files, ops: plan(desired, files, observed) };
}

export interface UpResult extends Planned {
  built: string[];
}

/** Builds missing images, then plans and applies. */
export async function up(model: EdgeModel, log: (line: string) => void, now = new Date()): Promise<UpResult> {
  await engine.ping();
  const built: string[] = [];
  for (const name of ['haproxy', 'sshd'] as const) {
    const tag = imageContext(name).tag;
    if (await engine.imageExists(tag)) continue;
    log(`building image ${tag} (first run or changed Dockerfile; takes a minute or two)`);
    const started = Date.now();
    await ensureImage(name, (line) => {
      if (/^Step \d+\/\d+/.test(line)) log(`  ${name}: ${line}`);
    });
    built.push(name);
    log(`  built ${tag} in ${((Date.now() - started) / 1000).toFixed(1)}s`);
  }
  const planned = await planUp(model);
  await apply(planned.ops, { desired: planned.desired, files: planned.files, now, log });
  return { ...planned, built };
}
