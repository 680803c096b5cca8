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

/**
 * Around the script: the CommonJS modules it added to Node's cache (what `require` loaded, which
 * the hooks do not see; tsx's own, loaded before, are left out).
 */
const CJS_BEFORE = "const __cjs = Object.keys((await import('node:module')).createRequire(process.cwd() + '/').cache);";
const CJS_AFTER = `
const __added = Object.keys((await import('node:module')).createRequire(process.cwd() + '/').cache).filter((p) => !__cjs.includes(p));
(await import('node:fs')).appendFileSync(process.env.TUNNELGATE_IMPORT_LOG, '\\n' + __added.join('\\n'));`;

function packagesImportedBy(script: string): string[] {
  const log = join(mkdtempSync(join(tmpdir(), 'tg-imports-')), 'imports.log');
  const res = spawnSync(process.execPath, ['--import', 'tsx', '--import', './test/unit/fixtures/imports/register.mjs', '--input-type=module', '-e', `${CJS_BEFORE}\n${script}\n${CJS_AFTER}`], {
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

describe('the engine client starts light', { timeout: 30_000 }, () => {
  const GRPC = ['@grpc/grpc-js', '@grpc/proto-loader', 'protobufjs'];

  it("loads dockerode without its BuildKit session (gRPC, protobufjs: ~0.1 s of every command's start)", () => {
    const packages = packagesImportedBy("await import('./scripts/engine/index.ts');");
    expect(packages).toContain('dockerode');
    expect(packages.filter((p) => GRPC.includes(p))).toEqual([]);
  });

  it('and loads the real session on its first use', () => {
    // The session module's function, called with an engine that refuses the dial: the real one runs and reports the error.
    const script = `
      await import('./scripts/engine/index.ts');
      const { createRequire } = await import('node:module');
      const withSession = createRequire(process.cwd() + '/')('dockerode/lib/session.js');
      const said = await new Promise((resolve) => withSession({ modem: { dial: (_o, cb) => cb(new Error('no engine')) } }, null, (err) => resolve(err?.message)));
      if (said !== 'no engine') process.exit(3);`;
    expect(packagesImportedBy(script)).toEqual(expect.arrayContaining(GRPC.slice(0, 2)));
  });
});
