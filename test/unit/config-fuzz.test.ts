/**
 * Fuzzing the config path in-process: 10,000 seeded mutations of valid edge.yaml files through
 * loadConfig (which reads the file and validates it) must each end in a model or in located
 * problems, never in any other exception; valid ones must also render (haproxy, sshd, stack,
 * summary) without throwing. Reproduce a failure with FUZZ_SEED=<seed> FUZZ_CASE=<i>.
 * test/e2e/config-fuzz-cli.test.ts sends a few hundred of the same cases through the real CLI.
 */
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { renderHaproxyFiles } from '../../haproxy/render-cfg.js';
import { ConfigError, type ConfigProblem, formatProblem } from '../../scripts/cli/errors.js';
import { loadConfig } from '../../scripts/config/load-config.js';
import { renderStack } from '../../scripts/deploy/stack.js';
import { renderSummary } from '../../scripts/report/summary.js';
import { renderSshdFiles } from '../../sshd/render.js';
import { fuzzCase } from '../fuzz/config-mutations.js';

const SEED = Number(process.env.FUZZ_SEED ?? 20251124);
const CASES = 10_000;
const only = process.env.FUZZ_CASE === undefined ? undefined : Number(process.env.FUZZ_CASE);
const compose = readFileSync(new URL('../../stacks/edge.compose.yaml', import.meta.url), 'utf8');
const dir = mkdtempSync(join(tmpdir(), 'tunnelgate-fuzz-'));
const file = join(dir, 'edge.yaml');
// The dns-01 bases name ./hook.sh: present, so their valid mutations load.
writeFileSync(join(dir, 'hook.sh'), '#!/bin/sh\nexit 0\n');
chmodSync(join(dir, 'hook.sh'), 0o755);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A problem names the file and at least a line or a YAML path, and prints as one line. */
const located = (p: ConfigProblem) => p.file === file && (p.line !== undefined || p.path !== '') && p.message.length > 0 && !/[\r\n]/.test(formatProblem(p));

/** What went wrong with one case (`failure`), or whether it was valid. */
function check(text: string): { failure?: string; valid?: boolean } {
  writeFileSync(file, text);
  let loaded: ReturnType<typeof loadConfig>;
  try {
    loaded = loadConfig({ config: file });
  } catch (err) {
    if (!(err instanceof ConfigError)) return { failure: `threw ${(err as Error).name}: ${(err as Error).message}\n${(err as Error).stack?.split('\n').slice(1, 4).join('\n')}` };
    if (err.problems.length === 0) return { failure: 'ConfigError without problems' };
    const bad = err.problems.find((p) => !located(p));
    return bad ? { failure: `unlocated problem: ${JSON.stringify(bad)}` } : { valid: false };
  }
  try {
    const { model } = loaded;
    renderHaproxyFiles(model);
    renderSshdFiles(model);
    renderStack(compose, model, { images: { haproxy: 'h', sshd: 's', pebble: 'p' }, composePath: '/c', workingDir: '/w' });
    renderSummary(model, file);
  } catch (err) {
    return { failure: `valid config, but rendering threw ${(err as Error).message}` };
  }
  return { valid: true };
}

describe('config fuzz (in-process)', () => {
  it(`${CASES} mutated configs: each is a model or located problems (seed ${SEED})`, () => {
    const started = Date.now();
    const cpu = process.cpuUsage();
    const verdicts = { valid: 0, invalid: 0 };
    const failures: string[] = [];
    for (let i = only ?? 0; i < (only === undefined ? CASES : only + 1); i++) {
      const text = fuzzCase(SEED, i);
      const { failure, valid } = check(text);
      if (failure) failures.push(`FUZZ_SEED=${SEED} FUZZ_CASE=${i}: ${failure}\n  input: ${JSON.stringify(text.slice(0, 300))}`);
      else verdicts[valid ? 'valid' : 'invalid']++;
      if (failures.length >= 5) break;
    }
    console.log(
      `config fuzz: ${CASES} cases, seed ${SEED}: ${verdicts.valid} valid, ${verdicts.invalid} rejected with located problems, ${((Date.now() - started) / 1000).toFixed(1)}s (${((process.cpuUsage(cpu).user + process.cpuUsage(cpu).system) / 1e6).toFixed(1)}s CPU)`,
    );
    expect(failures).toEqual([]);
    if (only === undefined) expect(verdicts.valid).toBeGreaterThan(100);
  }, 120_000);
});
