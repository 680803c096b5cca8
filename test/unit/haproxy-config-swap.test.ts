/**
 * The swap, restore and cleanup scripts run here by the real Perl on temporary files (the same
 * scripts `docker exec` runs in the HAProxy container; e2e covers them there).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cleanupArgv, restoreFilesArgv, swapFilesArgv } from '../../haproxy/config-swap.js';

function run(argv: string[]) {
  const res = spawnSync(argv[0]!, argv.slice(1), { encoding: 'utf8' });
  return { code: res.status, stderr: res.stderr };
}

function dir(files: Record<string, string>) {
  const d = mkdtempSync(join(tmpdir(), 'tg-swap-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(d, name), text);
  return d;
}

describe('swapping config files in one process', () => {
  it('moves each .new over its file and keeps the old content as .prev, for a file that is new too', () => {
    const d = dir({ 'a.cfg': 'old a', 'a.cfg.new': 'new a', 'b.map.new': 'new b', 'a.cfg.prev': 'stale' });
    expect(run(swapFilesArgv([join(d, 'a.cfg'), join(d, 'b.map')])).code).toBe(0);
    expect(readFileSync(join(d, 'a.cfg'), 'utf8')).toBe('new a');
    expect(readFileSync(join(d, 'a.cfg.prev'), 'utf8')).toBe('old a');
    expect(readFileSync(join(d, 'b.map'), 'utf8')).toBe('new b');
    expect(readdirSync(d).sort()).toEqual(['a.cfg', 'a.cfg.prev', 'b.map']);
  });

  it('fails loudly when a .new file is missing', () => {
    const d = dir({ 'a.cfg': 'old a' });
    const res = run(swapFilesArgv([join(d, 'a.cfg')]));
    expect(res.code).not.toBe(0);
    expect(res.stderr).toMatch(/swap: .*a\.cfg\.new: No such file/);
  });

  it('restores the .prev copies and removes files that had none', () => {
    const d = dir({ 'a.cfg': 'new a', 'a.cfg.prev': 'old a', 'b.map': 'new b' });
    expect(run(restoreFilesArgv([join(d, 'a.cfg'), join(d, 'b.map')])).code).toBe(0);
    expect(readFileSync(join(d, 'a.cfg'), 'utf8')).toBe('old a');
    expect(existsSync(join(d, 'b.map'))).toBe(false);
    expect(readdirSync(d)).toEqual(['a.cfg']);
  });

  it('cleans up: drops .prev copies and pages, allow lists and CA files no longer rendered', () => {
    const root = dir({});
    const [pages, allow, ca] = ['pages', 'allow', 'ca'].map((n) => join(root, n)) as [string, string, string];
    for (const d of [pages, allow, ca]) mkdirSync(d);
    for (const f of ['keep.html', 'gone.html', 'keep.html.prev']) writeFileSync(join(pages, f), f);
    for (const f of ['keep.lst', 'gone.lst']) writeFileSync(join(allow, f), f);
    for (const f of ['gone.pem', 'keep.pem']) writeFileSync(join(ca, f), f);
    writeFileSync(join(root, 'haproxy.cfg'), 'cfg');
    writeFileSync(join(root, 'haproxy.cfg.prev'), 'old cfg');
    const keep = [join(pages, 'keep.html'), join(allow, 'keep.lst'), join(ca, 'keep.pem'), join(root, 'haproxy.cfg')];
    const argv = cleanupArgv(keep);
    // The container's fixed folders, pointed at the temporary ones.
    argv.splice(argv.indexOf('--') + 1, 3, pages, allow, ca);
    expect(run(argv).code).toBe(0);
    expect(readdirSync(pages)).toEqual(['keep.html']);
    expect(readdirSync(allow)).toEqual(['keep.lst']);
    expect(readdirSync(ca)).toEqual(['keep.pem']);
    expect(readdirSync(root).sort()).toEqual(['allow', 'ca', 'haproxy.cfg', 'pages']);
  });

  it('swaps 1,000 files in one run', () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 1000; i++) Object.assign(files, { [`p${i}.html`]: 'old', [`p${i}.html.new`]: 'new' });
    const d = dir(files);
    expect(
      run(
        swapFilesArgv(
          Object.keys(files)
            .filter((f) => !f.endsWith('.new'))
            .map((f) => join(d, f)),
        ),
      ).code,
    ).toBe(0);
    expect(readFileSync(join(d, 'p999.html'), 'utf8')).toBe('new');
    expect(readFileSync(join(d, 'p999.html.prev'), 'utf8')).toBe('old');
    expect(readdirSync(d)).toHaveLength(2000);
  });
});
