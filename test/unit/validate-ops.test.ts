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
/** A sha512-crypt hash, as `npm run hash-password` makes one. */
const HASH = '$6$saltstring$svn8UoSVapNtMuq1ukKS4tPQd8iKwSMHWjl/O817G3uBnIFNjnQJuesI68u4OTLiBFdcbYEdFCoEOfaS35inz1';
const problems = (text: string) => validateConfig(base + text, 'edge.yaml').problems.map(formatProblem);
const model = (text: string) => validateConfig(base + text, 'edge.yaml').model;

/** Each bad input with the located message it must produce (a substring of the problem lines). */
const BAD: Array<[string, string]> = [
  ['metrics: {}\n', 'edge.yaml:2:10 metrics: needs a port, a host or both'],
  ['metrics: {host: metrics.example.com}\n', 'edge.yaml:2:17 metrics.host: the metrics host needs basicAuth or clientCA (hint: the series name every route'],
  ['metrics: {host: metrics.example.com, allow: [203.0.113.0/24]}\n', 'metrics.host: the metrics host needs basicAuth or clientCA'],
  ['metrics: {port: 9101, basicAuth: {prom: x}}\n', 'metrics.basicAuth: basicAuth guards metrics.host, which is not set'],
  [`metrics: {host: "*.example.com", basicAuth: {prom: "${HASH}"}}\n`, 'metrics.host: the metrics host cannot be a wildcard'],
  [`metrics: {host: Metrics..example.com, basicAuth: {prom: "${HASH}"}}\n`, 'metrics.host: '],
  [`metrics: {host: metrics.example.com, basicAuth: {prom: hunter2}}\n`, 'metrics.basicAuth.prom: '],
  [
    `routes: [{host: metrics.example.com, upstream: "http://grafana:3000"}]\nmetrics: {host: metrics.example.com, basicAuth: {prom: "${HASH}"}}\n`,
    'edge.yaml:3:17 metrics.host: host "metrics.example.com" is already routes[0] (hint: give the metrics endpoint a host of its own)',
  ],
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

  it("on a host becomes an upstream route to HAProxy's own metrics frontend, with the guards of a private route", () => {
    const m = model(`metrics:\n  host: metrics.example.com\n  basicAuth: {prom: "${HASH}"}\n  allow: [203.0.113.0/24]\n`);
    expect(m?.metrics).toEqual({ host: 'metrics.example.com' });
    expect(m?.routes).toEqual([
      {
        kind: 'upstream',
        host: 'metrics.example.com',
        upstream: { scheme: 'http', hostname: 'haproxy', port: 9101, url: 'http://haproxy:9101' },
        allow: ['203.0.113.0/24'],
        basicAuth: [{ user: 'prom', hash: HASH }],
      },
    ]);
    expect(model(`metrics: {port: 9101, host: metrics.example.com, clientCA: ./ca.pem}\n`)?.metrics).toEqual({ port: 9101, host: 'metrics.example.com' });
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
