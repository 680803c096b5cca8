/**
 * `status --watch` and `logs`, the pure parts: HAProxy's backend counters (a captured answer),
 * rates between two samples, the frame's text, and access log lines picked and formatted.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseBackendCounters } from '../../haproxy/stat-counters.js';
import { formatAccessLine, matchesRoute, parseAccessLine, routeNeedle } from '../../scripts/report/access-log.js';
import { buildStatus } from '../../scripts/report/status.js';
import { renderWatchFrame, routeRates } from '../../scripts/report/watch.js';
import { full } from './fixtures/haproxy/models.js';

const captured = readFileSync(new URL('./fixtures/haproxy/cli/show-stat-backends-servers.csv', import.meta.url), 'utf8');

describe('parseBackendCounters', () => {
  it('reads the BACKEND rows of a real `show stat -1 6 -1` answer', () => {
    const rows = parseBackendCounters(captured);
    expect(rows.map((r) => r.backend)).toEqual(['acme', 'unknown_host', 'be_a.ops.test']);
    expect(rows.find((r) => r.backend === 'be_a.ops.test')).toEqual({ backend: 'be_a.ops.test', requests: 23, responses5xx: 3, errors: 0, bytesIn: 2467, bytesOut: 12476 });
  });
});

describe('routeRates', () => {
  const counters = (requests: number, responses5xx: number) => [{ backend: 'be_alice.example.com', requests, responses5xx, errors: 0, bytesIn: 0, bytesOut: 0 }];

  it('divides the difference by the seconds between samples', () => {
    expect(routeRates(['alice.example.com', 'bob.example.com'], { at: 1000, counters: counters(10, 1) }, { at: 3000, counters: counters(30, 5) })).toEqual({
      'alice.example.com': { requests: 10, errors: 2 },
    });
  });

  it('has no rate for the first sample or after a reload reset the counters', () => {
    expect(routeRates(['alice.example.com'], undefined, { at: 1000, counters: counters(10, 1) })).toEqual({});
    expect(routeRates(['alice.example.com'], { at: 1000, counters: counters(10, 1) }, { at: 2000, counters: counters(2, 0) })).toEqual({});
  });
});

describe('renderWatchFrame', () => {
  const row = (backend: string, server: string, status: string) => ({ backend, server, status, checkStatus: '', checkDesc: '', lastCheck: '' });
  const report = buildStatus(full, { containers: [], servers: [row('be_alice.example.com', 'slot1', 'UP'), row('be_alice.example.com', 'slot2', 'DOWN')] }, new Date('2026-03-01T12:00:00Z'));
  const opts = { now: new Date('2026-03-01T12:00:00.250Z'), engine: 'ssh://ops@vps', intervalMs: 1000 };

  it('shows routes with rates and slot health, users, certificates', () => {
    const frame = renderWatchFrame(report, { 'alice.example.com': { requests: 12.5, errors: 0.5 } }, { ...opts, tty: false });
    const lines = frame.split('\n');
    expect(lines[0]).toBe('--- 2026-03-01T12:00:00Z project edge on ssh://ops@vps');
    expect(lines.find((l) => l.startsWith('alice.example.com'))).toMatch(/^alice\.example\.com\s+tunnel alice\s+12\.5\s+0\.5\s+1\/3 slots up {2}slot1 UP, slot2 DOWN, slot3 unknown$/);
    expect(lines.find((l) => l.startsWith('bob.example.com'))).toMatch(/tunnel bob\s+-\s+-\s+0\/1 slots up/);
    expect(lines.find((l) => l.startsWith('alice '))).toMatch(/^alice\s+1\/3 slots$/);
    expect(frame).toContain('CERTIFICATE');
    expect(frame).not.toContain('\x1b');
  });

  it('says how to quit on a terminal, and shows a failed read', () => {
    const frame = renderWatchFrame(report, {}, { ...opts, tty: true, problem: 'haproxy is not running' });
    expect(frame.split('\n')[0]).toBe('tunnelgate edge on ssh://ops@vps  2026-03-01T12:00:00Z  (every 1s; Ctrl-C quits)');
    expect(frame.split('\n')[1]).toBe('! haproxy is not running');
  });
});

describe('access log lines', () => {
  const json =
    '{"time": "2026-11-24T13:09:29.048Z", "client": "203.0.113.9", "client_port": 34328, "frontend": "https~", "host": "alice.example.com", "method": "GET", "path": "/a", "version": "HTTP/2.0", "status": 200, "bytes_out": 1132, "bytes_in": 109, "TR": 0, "Tw": 0, "Tc": 0, "Tr": 2, "Ta": 3, "backend": "be_alice.example.com", "slot": "slot2", "retries": 0, "termination": "--"}';

  it('formats a request on one line, and keeps HAProxy event lines', () => {
    expect(formatAccessLine(parseAccessLine(json))).toBe('2026-11-24T13:09:29.048Z 203.0.113.9 GET alice.example.com/a 200 1132B 3ms be_alice.example.com/slot2 --');
    expect(formatAccessLine(parseAccessLine('Server be_x/slot1 is DOWN'))).toBe('haproxy: Server be_x/slot1 is DOWN');
    expect(parseAccessLine('{"half": ').kind).toBe('event');
  });

  it('picks a route by its backend, wildcards included, and pre-filters on the same text', () => {
    expect(matchesRoute(parseAccessLine(json), 'alice.example.com')).toBe(true);
    expect(matchesRoute(parseAccessLine(json), 'bob.example.com')).toBe(false);
    expect(matchesRoute(parseAccessLine('Server be_x/slot1 is DOWN'), 'alice.example.com')).toBe(false);
    expect(matchesRoute(parseAccessLine('Server be_x/slot1 is DOWN'))).toBe(true);
    expect(json).toContain(routeNeedle('alice.example.com'));
    expect(routeNeedle('*.example.com')).toBe('"backend": "be__wildcard.example.com"');
  });
});
