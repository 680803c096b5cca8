/**
 * Bad input through the real command-line entry points: every case ends in exit 0 or exit 2
 * with located problems, never exit 1 with a stack trace. A few hundred of the config fuzz cases
 * (test/unit/config-fuzz.test.ts runs 10,000 in-process), an alias bomb, a line break in a
 * --config path, and `down` from a config that no longer loads, against a real stack.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { $ } from 'zx';
import { loadConfig } from '../../scripts/config/load-config.js';
import { converge } from '../../scripts/deploy/converge.js';
import { teardown } from '../../scripts/deploy/teardown.js';
import * as engine from '../../scripts/engine/index.js';
import { LABEL } from '../../stacks/labels.js';
import { writeEdgeYaml } from '../../testkit/edge-yaml.js';
import { keyPair } from '../../testkit/keys.js';
import { freePort } from '../../testkit/net.js';
import { tmp } from '../../testkit/tmp.js';
import { fuzzCase } from '../fuzz/config-mutations.js';

const run = $({ quiet: true, nothrow: true });
/** An entry point as `npm run <script>` runs it (tsx), without npm's own start-up. */
const cli = (script: string, args: string[]) => run`node bin/tunnelgate.mjs ${script} ${args}`;

const SEED = Number(process.env.FUZZ_SEED ?? 20251124);
const CLI_CASES = 240;
/** A located problem line as the CLI prints it: `  <file>:<line>:<col> …` or `  <file> <path>: …`. */
const LOCATED = /^ {2}\S+(:\d+:\d+ | \S+: )/;

/** What is wrong with one CLI result for a config (undefined: exit 0, or exit 2 with located problems only). */
function verdict(res: { exitCode: number | null; stdout: string; stderr: string }): string | undefined {
  if (/\n\s+at /.test(res.stderr)) return `stack trace:\n${res.stderr.slice(0, 500)}`;
  if (res.exitCode === 0) return res.stdout.includes(' is valid') ? undefined : `exit 0 without "is valid": ${res.stdout.slice(0, 200)}`;
  if (res.exitCode !== 2) return `exit ${res.exitCode}: ${res.stderr.slice(0, 500)}`;
  const [head, ...problems] = res.stderr.trimEnd().split('\n');
  if (!head?.startsWith('error: invalid configuration')) return `exit 2 without the problem list: ${res.stderr.slice(0, 300)}`;
  const bad = problems.find((l) => !LOCATED.test(l));
  return bad === undefined ? undefined : `unlocated problem line: ${JSON.stringify(bad)}`;
}

describe('config fuzz through `npm run check`', () => {
  it(`${CLI_CASES} mutated configs: exit 0, or exit 2 with located problems (seed ${SEED})`, async () => {
    const dir = join(tmp, 'cli-fuzz');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'hook.sh'), '#!/bin/sh\n', { mode: 0o755 });
    const started = Date.now();
    const failures: string[] = [];
    const codes: Record<string, number> = {};
    // Every 41st in-process case (a spread over the whole run), four processes at a time.
    const cases = Array.from({ length: CLI_CASES }, (_, k) => k * 41);
    const worker = async () => {
      for (let i = cases.shift(); i !== undefined; i = cases.shift()) {
        const file = join(dir, `case-${i}.yaml`);
        writeFileSync(file, fuzzCase(SEED, i));
        const res = await cli('check', ['--config', file]);
        codes[String(res.exitCode)] = (codes[String(res.exitCode)] ?? 0) + 1;
        const wrong = verdict(res);
        // The CLI and the in-process loader must agree on the verdict.
        let valid = true;
        try {
          loadConfig({ config: file });
        } catch {
          valid = false;
        }
        if (wrong) failures.push(`FUZZ_SEED=${SEED} FUZZ_CASE=${i}: ${wrong}`);
        else if ((res.exitCode === 0) !== valid) failures.push(`FUZZ_SEED=${SEED} FUZZ_CASE=${i}: CLI exit ${res.exitCode}, in-process ${valid ? 'valid' : 'invalid'}`);
      }
    };
    await Promise.all([worker(), worker(), worker(), worker()]);
    console.log(`config fuzz through the CLI: ${CLI_CASES} cases, exit codes ${JSON.stringify(codes)}, ${((Date.now() - started) / 1000).toFixed(1)}s`);
    expect(failures).toEqual([]);
    expect(Object.keys(codes).sort()).toEqual(['0', '2']);
  }, 300_000);
});

describe('hostile input', () => {
  const bomb = ['project: bomb', 'acme: {ca: pebble}', 'a: &a [lol,lol,lol,lol,lol,lol,lol,lol,lol]'];
  for (let i = 1; i <= 8; i++)
    bomb.push(
      `${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(9)
        .fill(`*${String.fromCharCode(96 + i)}`)
        .join(',')}]`,
    );

  it('an alias bomb: exit 2 with the line of its first alias, from up, status and check', async () => {
    const file = join(tmp, 'bomb.yaml');
    writeFileSync(file, `${bomb.join('\n')}\n`);
    for (const [script, args] of [
      ['up', ['--dry-run']],
      ['status', []],
      ['check', []],
    ] as const) {
      const res = await cli(script, ['--config', file, ...args]);
      expect({ script, code: res.exitCode, stderr: res.stderr.trim() }).toEqual({
        script,
        code: 2,
        stderr: `error: invalid configuration (1 problem):\n  ${file}:4:8 YAML aliases expand to more than 100 copies (hint: an alias bomb ("billion laughs")? edge.yaml needs no anchors and aliases of this size: write the values out)`,
      });
    }
  });

  it('a line break in a --config path: exit 2, no crontab line', async () => {
    const dir = join(tmp, 'odd\n0 * * * * touch /tmp/pwned #');
    mkdirSync(dir, { recursive: true });
    const file = join(dir, 'edge.yaml');
    writeFileSync(file, 'project: nl\nacme: {ca: pebble}\n');
    const res = await cli('cron', ['show', '--config', file]);
    expect(res.exitCode).toBe(2);
    expect(res.stderr).toContain('error: --config contains a line break, which would split the crontab line into two entries; rename or move it');
    expect(res.stdout).toBe('');
  });
});

describe('down from a config that no longer loads', () => {
  let project: string;

  beforeAll(async () => {
    process.env.TUNNELGATE_TEST_RUN = inject('runId');
    project = `tg-down-${inject('runId')}`.replace(/[^a-z0-9-]/g, '-');
  });

  afterAll(async () => {
    if (project) await teardown(project, { volumes: true, log: () => {} });
  });

  it('stops the stack named by `project:`, says what it ignored, keeps the volumes', async () => {
    const ports = { http: await freePort(), https: await freePort(), ssh: await freePort() };
    const file = writeEdgeYaml('down-broken', { project, ports, users: { alice: [keyPair('down-alice').pub] }, routes: [{ host: 'a.down.test', tunnel: 'alice' }] });
    await converge(loadConfig({ config: file }).model, () => {});
    const running = async () => (await engine.listContainers([`${LABEL.project}=${project}`])).length;
    expect(await running()).toBe(2);
    // The user breaks the file while editing: a route without a host, a syntax error further down.
    writeFileSync(file, `project: ${project}\nroutes:\n  - tunnel: alice\nports: {http: [\n`);
    const res = await run`node bin/tunnelgate.mjs down --config ${file}`;
    expect(res.exitCode, res.stderr).toBe(0);
    expect(res.stderr).toMatch(
      new RegExp(`^warning: the config has \\d+ problems; down uses only the project name "${project}" and ignores the rest:\\n {2}${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:\\d+:\\d+ `),
    );
    expect(res.stdout).toContain(`project ${project} is down (volumes kept; --volumes removes them)`);
    expect(await running()).toBe(0);
    expect((await engine.listVolumes([`${LABEL.project}=${project}`])).length).toBeGreaterThan(0);
  });

  it('refuses when the project cannot be told, naming --project', async () => {
    const file = join(tmp, 'no-project.yaml');
    writeFileSync(file, 'routes: [\n');
    const res = await run`node bin/tunnelgate.mjs down --config ${file}`;
    expect(res.exitCode).toBe(2);
    expect(res.stderr).toContain(`${file} project: cannot tell the project: no "project" could be read (hint: pass --project NAME)`);
    const named = await run`node bin/tunnelgate.mjs down --config ${file} --project ${project}`;
    expect(named.exitCode, named.stderr).toBe(0);
    expect(named.stdout).toContain(`nothing to remove for project ${project}`);
  });
});
