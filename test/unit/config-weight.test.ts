/**
 * Loading a config is the first thing every command does, and what an editor integration or a
 * quick `--dry-run` on a laptop pays for: it must not load the Docker client or the bundler.
 * Checked in a fresh Node process (tsx, as npm scripts run) with resolution hooks that log every
 * module an import reaches; tsx's own use of esbuild happens outside them.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = new URL('../..', import.meta.url).pathname;

function packagesImportedBy(script: string): string[] {
  const log = join(mkdtempSync(join(tmpdir(), 'tg-imports-')), 'imports.log');
  const res = spawnSync(process.execPath, ['--import', 'tsx', '--import', './test/unit/fixtures/imports/register.mjs', '--input-type=module', '-e', script], {
    encoding: 'utf8',
    cwd: root,
    env: { ...process.env, TUNNELGATE_IMPORT_LOG: log },
  });
  expect(res.status, res.stderr).toBe(0);
  const urls = readFileSync(log, 'utf8').split('\n');
  return [...new Set(urls.map((u) => /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(u)?.[1]).filter((p): p is string => p !== undefined))].sort();
}

// Each case starts a Node process (and one bundles the renewer): seconds, not milliseconds.
describe('the config loader stays light', { timeout: 30_000 }, () => {
  it('imports neither dockerode nor esbuild (nor zx)', () => {
    const packages = packagesImportedBy("await import('./scripts/config/load-config.ts');");
    expect(packages).toContain('yaml');
    expect(packages.filter((p) => ['dockerode', 'esbuild', 'zx', 'tar-stream'].includes(p))).toEqual([]);
  });

  it('(the check sees them where they are imported)', () => {
    const script = "const { bundleRenewer } = await import('./scripts/deploy/renewer-bundle.ts'); await import('./scripts/engine/index.ts'); await bundleRenewer(process.cwd());";
    expect(packagesImportedBy(script)).toEqual(expect.arrayContaining(['dockerode', 'esbuild']));
  });
});
