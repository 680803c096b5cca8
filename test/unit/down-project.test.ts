/**
 * `down` from a broken config: the project comes from --project, or from a `project:` that can
 * still be read, and the problems of the rest are handed back to be reported, not fatal.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../scripts/cli/errors.js';
import { loadProjectName } from '../../scripts/config/load-config.js';
import { projectOfText } from '../../scripts/config/project-name.js';

const dir = mkdtempSync(join(tmpdir(), 'tg-down-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Writes edge.yaml with `text` and asks for the project (with `flag` as --project). */
function named(text: string, flag?: string) {
  const config = join(dir, 'edge.yaml');
  writeFileSync(config, text);
  return loadProjectName({ config, ...(flag ? { project: flag } : {}) });
}

describe('projectOfText', () => {
  it.each([
    ['project: edge\nroutes: [\n', { project: 'edge' }],
    ['routes: {}\nproject: "edge-2"\nports: {http: 0}\n', { project: 'edge-2' }],
    ['users: 1\n', { project: 'tunnelgate' }],
    ['', { project: 'tunnelgate' }],
    ['routes: [\n', { unreadable: 'no "project" could be read' }],
    ['- a\n', { unreadable: 'the file is not a mapping' }],
    ['project: My Edge\n', { unreadable: '"project" is not a valid project name' }],
    ['project: [a]\n', { unreadable: '"project" is not a valid project name' }],
    ['project: a\nproject: b\n', { unreadable: '"project" appears more than once' }],
  ])('%j', (text, expected) => {
    expect(projectOfText(text)).toEqual(expected);
  });
});

describe('loadProjectName', () => {
  it('a config that loads: its project, nothing ignored', () => {
    expect(named('project: ok\nacme: {ca: pebble}\n')).toEqual({ project: 'ok', ignored: [] });
  });

  it('a broken config with a readable project: that project, every problem handed back', () => {
    const res = named('project: edge\nacme: {ca: pebble}\nroutes:\n  - {host: A, tunnel: nobody}\n');
    expect(res.project).toBe('edge');
    expect(res.ignored.map((p) => `${p.line} ${p.path}`)).toEqual(['4 routes[0].host', '4 routes[0].tunnel']);
  });

  it('an alias bomb that names its project', () => {
    const bomb = ['project: edge', 'a: &a [x,x,x,x,x,x,x,x,x]', 'b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]', 'c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]', 'd: [*c,*c,*c,*c,*c,*c,*c,*c,*c]'].join('\n');
    expect(named(bomb).project).toBe('edge');
  });

  it('--project wins, even when the file is missing', () => {
    expect(named('routes: [\n', 'mine').project).toBe('mine');
    const res = loadProjectName({ config: join(dir, 'missing.yaml'), project: 'mine' });
    expect(res).toMatchObject({ project: 'mine', ignored: [{ message: 'no such file' }] });
  });

  it('refuses when the project cannot be told, and says how to name it', () => {
    expect(() => named('routes: [\n')).toThrow(ConfigError);
    expect(() => named('routes: [\n')).toThrow(/project: cannot tell the project: no "project" could be read \(hint: pass --project NAME\)/);
  });
});
