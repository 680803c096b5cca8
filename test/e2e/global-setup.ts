/**
 * The e2e tier needs a real Docker engine and the base image. A missing engine fails the run:
 * never a skip, so CI cannot go green without the real tests. Every resource a test creates
 * carries `org.tunnelgate.test-run=<runId>` and is removed at the end.
 */
import { randomBytes } from 'node:crypto';
import type { TestProject } from 'vitest/node';
import { imageExists, ping, removeLabelled } from '../../scripts/lib/engine.js';

declare module 'vitest' {
  export interface ProvidedContext {
    runId: string;
  }
}

export default async function setup(project: TestProject) {
  await ping();
  if (!(await imageExists('debian:trixie-slim'))) {
    throw new Error('debian:trixie-slim is missing: `docker pull debian:trixie-slim`, or seed it as .ci/run does (mmdebstrap | docker import)');
  }
  const runId = `${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
  project.provide('runId', runId);
  return async () => {
    const removed = await removeLabelled(`org.tunnelgate.test-run=${runId}`);
    if (removed.containers + removed.networks + removed.volumes > 0) {
      console.warn(`e2e teardown removed leftovers of run ${runId}:`, removed);
    }
  };
}
