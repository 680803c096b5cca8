/**
 * The swap, restore and cleanup scripts run here by the real Perl on temporary files (the same
 * scripts `docker exec` runs in the HAProxy container; e2e covers them there).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cleanupArgv, filesPayload, restoreFilesArgv, swapFilesArgv } from '../../haproxy/config-swap.js';

function run(argv: string[], input = '') {
  const res = spawnSync(argv[0]!, argv.slice(1), { encoding: 'utf8', input });
  return { code: res.status, stderr: res.stderr };
}

function dir(files: Record<string, string>) {
  const d = mkdtempSync(join(tmpdir(), 'tg-swap-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(d, name), text);
  return d;
}

describe('swapping config files in one process', () => {
  it('writes each file of its stdin beside the live one, moves it over and keeps the old content as .prev, for a file that is new too', () => {
    const d = dir({ 'a.cfg': 'old a', 'a.cfg.prev': 'stale' });
    const files = { [join(d, 'a.cfg')]: 'new a\n', [join(d, 'b.map')]: 'new b', [join(d, 'pages', 'p.html')]: 'ünïcode ✓\n\n' };
    expect(run(swapFilesArgv(), filesPayload(files))).toEqual({ code: 0, stderr: '' });
    for (const [path, text] of Object.entries(files)) expect(readFileSync(path, 'utf8')).toBe(text);
    expect(readFileSync(join(d, 'a.cfg.prev'), 'utf8')).toBe('old a');
    expect(readdirSync(d).sort()).toEqual(['a.cfg', 'a.cfg.prev', 'b.map', 'pages']);
  });

  it('fails loudly on a cut-off stdin, before swapping anything', () => {
    const d = dir({ 'a.cfg': 'old a' });
    const payload = filesPayload({ [join(d, 'a.cfg')]: 'new a', [join(d, 'b.map')]: 'new b' });
    const res = run(swapFilesArgv(), payload.slice(0, -2));
    expect(res.code).not.toBe(0);
    expect(res.stderr).toMatch(/files: .*b\.map: short read/);
    expect(readFileSync(join(d, 'a.cfg'), 'utf8')).toBe('old a');
    expect(readdirSync(d)).toEqual(['a.cfg']);
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
    const record = { [join(root, 'applied', 'haproxy.sha256')]: 'abc\n' };
    expect(run(argv, filesPayload(record)).code).toBe(0);
    expect(readFileSync(join(root, 'applied', 'haproxy.sha256'), 'utf8')).toBe('abc\n');
    expect(readdirSync(pages)).toEqual(['keep.html']);
    expect(readdirSync(allow)).toEqual(['keep.lst']);
    expect(readdirSync(ca)).toEqual(['keep.pem']);
    expect(readdirSync(root).sort()).toEqual(['allow', 'applied', 'ca', 'haproxy.cfg', 'pages']);
  });

  it('swaps 1,000 files in one run', () => {
    const d = dir({});
    const files: Record<string, string> = {};
    for (let i = 0; i < 1000; i++) {
      writeFileSync(join(d, `p${i}.html`), 'old');
      files[join(d, `p${i}.html`)] = 'new';
    }
    expect(run(swapFilesArgv(), filesPayload(files)).code).toBe(0);
    expect(readFileSync(join(d, 'p999.html'), 'utf8')).toBe('new');
    expect(readFileSync(join(d, 'p999.html.prev'), 'utf8')).toBe('old');
    expect(readdirSync(d)).toHaveLength(2000);
  });
});
