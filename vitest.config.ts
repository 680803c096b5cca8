import { defineConfig } from 'vitest/config';

// Two tiers: `unit` is pure and needs nothing; `e2e` drives a real Docker engine and runs its
// files one at a time because they share the engine (and the machine has 2 cores). Images are
// built once in the e2e global setup, so no test or hook needs more than two minutes: one that
// hangs fails in two minutes instead of blocking the run. `dockerd` is the one e2e test that
// restarts the engine itself: run on its own by `npm run test:dockerd` (and by .ci/run).
export default defineConfig({
  test: {
    projects: [
      { test: { name: 'unit', include: ['test/unit/**/*.test.ts'] } },
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          fileParallelism: false,
          testTimeout: 120_000,
          hookTimeout: 120_000,
          globalSetup: ['test/e2e/global-setup.ts'],
        },
      },
      {
        test: {
          name: 'dockerd',
          include: ['test/e2e-dockerd/**/*.test.ts'],
          fileParallelism: false,
          testTimeout: 300_000,
          hookTimeout: 120_000,
          globalSetup: ['test/e2e/global-setup.ts'],
        },
      },
    ],
  },
});
