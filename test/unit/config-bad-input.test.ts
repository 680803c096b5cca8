/**
 * Hostile and odd YAML that once escaped the located-error rule (an exception, exit 1), and the
 * `limits:` section: each gets a located problem, and legitimate anchors and aliases still work.
 */
import { describe, expect, it } from 'vitest';
import { formatProblem } from '../../scripts/cli/errors.js';
import { validateConfig } from '../../scripts/config/validate.js';
import { DEFAULT_CONTAINER_LIMITS } from '../../stacks/container-limits.js';
import { ED25519 } from './fixtures/config/keys.js';

const problems = (text: string) => validateConfig(text, 'edge.yaml').problems.map(formatProblem);
const ca = 'acme: {ca: pebble}\n';

/** A "billion laughs" document: each level multiplies the one below by nine. */
function aliasBomb(levels: number): string {
  const lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
  for (let i = 1; i <= levels; i++)
    lines.push(
      `a${i}: &a${i} [${Array(9)
        .fill(`*a${i - 1}`)
        .join(',')}]`,
    );
  return `${ca}${lines.join('\n')}\n`;
}

describe('hostile YAML gets a located problem, not an exception', () => {
  it('an alias bomb is refused at its first alias', () => {
    expect(problems(aliasBomb(9))).toEqual([
      'edge.yaml:3:10 YAML aliases expand to more than 100 copies (hint: an alias bomb ("billion laughs")? edge.yaml needs no anchors and aliases of this size: write the values out)',
    ]);
  });

  it('an alias to an anchor that does not exist', () => {
    expect(problems(`${ca}project: *nope\n`).join('\n')).toMatch(/^edge\.yaml:2:\d+ .*nope/);
  });

  it('absurd nesting', () => {
    const found = problems(`${ca}routes: ${'['.repeat(20000)}${']'.repeat(20000)}\n`);
    expect(found.length).toBeGreaterThan(0);
    expect(found.every((l) => /^edge\.yaml:\d+:\d+ /.test(l))).toBe(true);
  });

  it('a mapping used as a key', () => {
    expect(problems(`${ca}? {a: 1}\n: x\n`)).toEqual(['edge.yaml:2:3 a key must be a plain name, got a mapping']);
  });

  it('control characters and unicode in names', () => {
    expect(problems(`${ca}users:\n  "al\\u0000ice": {keys: ["${ED25519}"]}\n`).join('\n')).toContain('edge.yaml:3:3 users.al');
    expect(problems(`${ca}project: "édge"\n`).join('\n')).toContain('edge.yaml:2:10 project: "édge" does not match');
  });
});

describe('anchors and aliases within reason', () => {
  it('are checked as what they stand for', () => {
    const text = `${ca}users:\n  alice: &user {keys: ["${ED25519}"]}\n  bob: *user\nroutes:\n  - {host: a.example.com, tunnel: alice}\n  - {host: b.example.com, tunnel: bob}\n`;
    const { model, problems: p } = validateConfig(text, 'edge.yaml');
    expect(p).toEqual([]);
    expect(model?.users.map((u) => u.name)).toEqual(['alice', 'bob']);
  });

  it('report problems inside the aliased value', () => {
    expect(problems(`${ca}users:\n  alice: &user {keys: "one"}\n  bob: *user\n`)).toEqual([
      'edge.yaml:3:23 users.alice.keys: expected a list, got string "one"',
      'edge.yaml:4:8 users.bob.keys: expected a list, got string "one"',
    ]);
  });
});

describe('limits.containers', () => {
  it('defaults every container when absent, and takes what is given', () => {
    expect(validateConfig(ca, 'f').model?.limits.containers).toEqual(DEFAULT_CONTAINER_LIMITS);
    const given = validateConfig(`${ca}limits:\n  containers:\n    haproxy: {memory: 1g, nofile: 40000}\n    sshd: {memory: 768m, pids: 4096}\n`, 'f').model?.limits.containers;
    expect(given?.haproxy).toEqual({ memory: 1024 ** 3, pids: DEFAULT_CONTAINER_LIMITS.haproxy.pids, nofile: 40000 });
    expect(given?.sshd).toEqual({ memory: 768 * 1024 ** 2, pids: 4096, nofile: DEFAULT_CONTAINER_LIMITS.sshd.nofile });
  });

  it.each([
    ['memory: 512', 'limits.containers.haproxy.memory: expected a string, got number 512'],
    ['memory: 512MB', 'limits.containers.haproxy.memory: "512MB" does not match ^[1-9][0-9]*[mMgG]$'],
    ['memory: 16m', 'edge.yaml:4:23 limits.containers.haproxy.memory: 16m is outside 32m–64g (hint: below it the service cannot start)'],
    ['memory: 100g', 'limits.containers.haproxy.memory: 100g is outside 32m–64g'],
    ['pids: 8', 'edge.yaml:4:21 limits.containers.haproxy.pids: 8 is outside 32–65536'],
    ['nofile: 512', 'limits.containers.haproxy.nofile: 512 is outside 1024–1048576'],
    ['nofile: 2000.5', 'limits.containers.haproxy.nofile: expected a whole number, got number 2000.5'],
    ['cpus: 2', 'limits.containers.haproxy.cpus: unknown key "cpus" (hint: allowed: memory, pids, nofile)'],
  ])('%s', (line, expected) => {
    expect(problems(`${ca}limits:\n  containers:\n    haproxy: {${line}}\n`).join('\n')).toContain(expected);
  });

  it('names the services it knows', () => {
    expect(problems(`${ca}limits:\n  containers:\n    nginx: {pids: 100}\n`).join('\n')).toContain('limits.containers.nginx: unknown key "nginx" (hint: allowed: haproxy, sshd, renewer, pebble)');
  });
});
