/**
 * The operating sections of edge.yaml (metrics, logs, notify): located problems for bad input,
 * defaults when absent, and loadConfig's check of the notify command on the file system.
 */
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { formatProblem } from '../../scripts/cli/errors.js';
import { loadConfig } from '../../scripts/config/load-config.js';
import { validateConfig } from '../../scripts/config/validate.js';

const base = 'acme: {ca: pebble}\n';
const problems = (text: string) => validateConfig(base + text, 'edge.yaml').problems.map(formatProblem);
const model = (text: string) => validateConfig(base + text, 'edge.yaml').model;

/** Each bad input with the located message it must produce (a substring of the problem lines). */
const BAD: Array<[string, string]> = [
  ['metrics: {}\n', 'edge.yaml:2:10 metrics: "port" is required'],
  ['metrics: {port: 443}\n', 'edge.yaml:2:17 metrics.port: port 443 is already used by ports.https (hint: each published port must be different)'],
  ['metrics: {port: 0}\n', 'metrics.port: 0 is outside 1–65535'],
  ['metrics: {port: 9101, address: 0.0.0.0}\n', 'metrics.address: unknown key "address"'],
  ['logs: {access: yes}\n', 'edge.yaml:2:16 logs.access: expected true or false, got string "yes"'],
  ['logs: {access: true, maxFileMB: 0}\n', 'logs.maxFileMB: 0 is outside 1–1024'],
  ['logs: {acess: true}\n', 'logs.acess: unknown key "acess" (hint: did you mean "access"?)'],
  ['notify: {daysLeft: 10}\n', 'edge.yaml:2:9 notify: needs a command or a webhook'],
  ['notify: {webhook: "http://hooks.example.com/x"}\n', 'notify.webhook: webhook "http://hooks.example.com/x" must use https:// (hint:'],
  ['notify: {webhook: "hooks.example.com"}\n', 'notify.webhook: "hooks.example.com" is not a URL'],
  ['notify: {command: ""}\n', 'notify.command: "" is not a file path'],
  ['notify: {command: ./a.sh, daysLeft: 0}\n', 'notify.daysLeft: 0 is outside 1–90'],
];

describe('bad metrics, logs and notify sections', () => {
  it.each(BAD)('%j -> %s', (text, expected) => {
    expect(problems(text).join('\n')).toContain(expected);
  });
});

describe('metrics', () => {
  it('is off unless configured, and takes a loopback port', () => {
    expect(model('')?.metrics).toBeUndefined();
    expect(model('metrics: {port: 9101}\n')?.metrics).toEqual({ port: 9101 });
  });
});

describe('logs', () => {
  it('defaults to 5 rotated files of 10 MiB', () => {
    expect(model('logs: {access: true}\n')?.logs).toEqual({ access: true, maxFileMB: 10, maxFiles: 5 });
    expect(model('')?.logs).toBeUndefined();
  });
});

describe('notify', () => {
  it('takes a command and/or a webhook, 14 days by default', () => {
    expect(model('notify: {webhook: "https://hooks.example.com/x"}\n')?.notify).toEqual({ webhook: 'https://hooks.example.com/x', daysLeft: 14 });
    expect(model('notify: {command: ./alert.sh, daysLeft: 20}\n')?.notify).toEqual({ command: './alert.sh', daysLeft: 20 });
    expect(model('notify: {webhook: "http://127.0.0.1:9000/hook"}\n')?.notify?.webhook).toBe('http://127.0.0.1:9000/hook');
  });

  const root = mkdtempSync(join(tmpdir(), 'tg-notify-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('loadConfig resolves the command against edge.yaml and wants it executable', () => {
    writeFileSync(join(root, 'edge.yaml'), `${base}notify:\n  command: ./alert.sh\n`);
    expect(() => loadConfig({ config: join(root, 'edge.yaml') })).toThrow(`notify.command: "./alert.sh" does not exist (resolved to ${join(root, 'alert.sh')})`);
    writeFileSync(join(root, 'alert.sh'), '#!/bin/sh\ncat\n');
    chmodSync(join(root, 'alert.sh'), 0o644);
    expect(() => loadConfig({ config: join(root, 'edge.yaml') })).toThrow(`(hint: chmod +x ${join(root, 'alert.sh')})`);
    chmodSync(join(root, 'alert.sh'), 0o755);
    expect(loadConfig({ config: join(root, 'edge.yaml') }).model.notify?.command).toBe(join(root, 'alert.sh'));
  });
});
