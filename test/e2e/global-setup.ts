/**
 * The e2e tier needs a real Docker engine and the base image. A missing engine fails the run:
 * never a skip, so CI cannot go green without the real tests. The images are built here, all at
 * once, so no test's hook waits minutes on a build. Every resource a test creates carries
 * `org.tunnelgate.test-run=<runId>` and is removed at the end.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import type { TestProject } from 'vitest/node';
import { ensureImage, IMAGE_NAMES } from '../../scripts/deploy/images.js';
import * as engine from '../../scripts/engine/index.js';
import { LABEL } from '../../stacks/labels.js';

declare module 'vitest' {
  export interface ProvidedContext {
    runId: string;
  }
}

/** Removes every container, network and volume of a test run; returns what it found. */
async function removeRun(runId: string): Promise<number> {
  const label = `${LABEL.testRun}=${runId}`;
  const containers = await engine.listContainers([label]);
  await Promise.all(containers.map((c) => engine.removeContainer(c.name)));
  const networks = await engine.listNetworks([label]);
  for (const n of networks) await engine.removeNetwork(n.name);
  const volumes = await engine.listVolumes([label]);
  for (const v of volumes) await engine.removeVolume(v.name);
  return containers.length + networks.length + volumes.length;
}

/** Rebuilds dist/ when a source is newer than its stamp, as bin/tunnelgate.mjs would. */
const FRESH_DIST =
  "import { build, newestSource, STAMP } from './bin/build.mjs'; import { existsSync, statSync } from 'node:fs'; if (!existsSync(STAMP) || statSync(STAMP).mtimeMs < newestSource()) await build();";

export default async function setup(project: TestProject) {
  await engine.ping();
  if (!(await engine.imageExists('debian:trixie-slim'))) {
    throw new Error('debian:trixie-slim is missing: `docker pull debian:trixie-slim`, or seed it as .ci/run does (mmdebstrap | docker import)');
  }
  // Commands some tests run as another user (the cron line) cannot rebuild dist/, which this
  // user owns: after an edit, bring it up to date here, as `npm install` does on a fresh clone.
  execFileSync(process.execPath, ['--input-type=module', '-e', FRESH_DIST], { cwd: new URL('../../', import.meta.url), stdio: 'inherit' });
  const started = Date.now();
  const built = await Promise.all(IMAGE_NAMES.map(async (name) => ((await ensureImage(name)).built ? name : undefined)));
  const names = built.filter(Boolean);
  if (names.length) console.log(`e2e setup: built ${names.join(', ')} in ${((Date.now() - started) / 1000).toFixed(1)}s`);
  const runId = `${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
  project.provide('runId', runId);
  return async () => {
    const left = await removeRun(runId);
    if (left > 0) console.warn(`e2e teardown removed ${left} leftovers of run ${runId}`);
  };
}
