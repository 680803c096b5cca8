/**
 * The frame `status --watch` shows every second: routes with requests and 5xx per second and
 * slot health, users with their connected slots, certificates with days left. Rates come from
 * two samples of HAProxy's counters. Pure: facts, samples and the time are passed in.
 */

import { backendName } from '../../haproxy/names.js';
import type { BackendCounters } from '../../haproxy/stat-counters.js';
import type { StatusReport } from './status.js';

/** HAProxy's counters at one moment (ms since the epoch). */
export interface TrafficSample {
  at: number;
  counters: BackendCounters[];
}

export interface RouteRate {
  requests: number;
  errors: number;
}

/**
 * Requests and 5xx per second of each route between two samples. A route is left out when
 * either sample lacks it or a counter went down (a reload restarts HAProxy's counters).
 */
export function routeRates(hosts: string[], prev: TrafficSample | undefined, cur: TrafficSample): Record<string, RouteRate> {
  const out: Record<string, RouteRate> = {};
  if (!prev || cur.at <= prev.at) return out;
  const seconds = (cur.at - prev.at) / 1000;
  for (const host of hosts) {
    const be = backendName(host);
    const a = prev.counters.find((c) => c.backend === be);
    const b = cur.counters.find((c) => c.backend === be);
    if (!a || !b || b.requests < a.requests || b.responses5xx < a.responses5xx) continue;
    out[host] = { requests: (b.requests - a.requests) / seconds, errors: (b.responses5xx - a.responses5xx) / seconds };
  }
  return out;
}

export interface FrameOptions {
  now: Date;
  /** The engine the stack runs on (`status` names it). */
  engine: string;
  /** Why this frame has no fresh facts (HAProxy restarting, engine unreachable, …). */
  problem?: string;
  /** For a terminal: the refresh interval and how to quit; plain output leaves them out. */
  tty: boolean;
  intervalMs: number;
}

const pad = (s: string, n: number) => (s.length >= n ? `${s} ` : s.padEnd(n));
const rate = (r?: number) => (r === undefined ? '-' : r.toFixed(1));

/** One frame as text: the same lines on a terminal (redrawn) and in a pipe (one block per tick). */
export function renderWatchFrame(report: StatusReport, rates: Record<string, RouteRate>, opts: FrameOptions): string {
  const when = opts.now.toISOString().replace(/\.\d+Z$/, 'Z');
  const out = [opts.tty ? `tunnelgate ${report.project} on ${opts.engine}  ${when}  (every ${opts.intervalMs / 1000}s; Ctrl-C quits)` : `--- ${when} project ${report.project} on ${opts.engine}`];
  if (opts.problem) out.push(`! ${opts.problem}`);
  const hostWidth = Math.max(12, ...report.routes.map((r) => r.host.length)) + 2;
  out.push('', `${pad('ROUTE', hostWidth)}${pad('TARGET', 24)}${pad('REQ/S', 8)}${pad('5XX/S', 8)}HEALTH`);
  if (report.routes.length === 0) out.push('(no routes)');
  for (const r of report.routes) {
    const slots = r.slots?.length ? `  ${r.slots.map((s) => `slot${s.slot} ${s.health}`).join(', ')}` : '';
    out.push(`${pad(r.host, hostWidth)}${pad(r.target, 24)}${pad(rate(rates[r.host]?.requests), 8)}${pad(rate(rates[r.host]?.errors), 8)}${r.health}${slots}`);
  }
  out.push('', `${pad('USER', hostWidth)}CONNECTED`);
  if (report.users.length === 0) out.push('(no users)');
  for (const u of report.users) out.push(`${pad(u.name, hostWidth)}${u.connected.length}/${u.connected.length + u.offline.length} slots`);
  out.push('', `${pad('CERTIFICATE', hostWidth)}${pad('DAYS LEFT', 11)}${pad('LAST', 10)}ISSUER`);
  for (const c of report.certificates) {
    const left = c.daysLeft === undefined ? '?' : c.daysLeft < 0 ? 'EXPIRED' : String(c.daysLeft);
    out.push(`${pad(c.host, hostWidth)}${pad(left, 11)}${pad(c.lastResult ?? '-', 10)}${c.issuer}`);
  }
  return out.join('\n');
}
