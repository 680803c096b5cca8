/**
 * What `status` shows, built from the model and what HAProxy reports. Pure, so the text and JSON
 * forms are unit-tested without a stack.
 */
import { routeBackendName, slotServerName, UPSTREAM_SERVER } from '../../haproxy/names.js';
import type { ServerState } from '../../haproxy/runtime-api.js';
import { tunnelSocketPaths } from '../../stacks/layout.js';
import type { EdgeModel } from '../../stacks/model.js';
import { buildCertificates, type CertificateStatus, type CertObservation, renderCertificates } from './certificates.js';
import { type KeyExpiry, keyExpiries } from './key-expiry.js';

interface SlotStatus {
  slot: number;
  socket: string;
  /** HAProxy's view: UP, DOWN, MAINT, ... or `unknown` when HAProxy could not be asked. */
  health: string;
  connected: boolean;
  detail?: string;
}

interface RouteStatus {
  host: string;
  kind: 'tunnel' | 'upstream';
  target: string;
  health: string;
  slots?: SlotStatus[];
}

interface ContainerStatus {
  service: string;
  name: string;
  state: string;
  startedAt?: string;
}

/** What was read from the running stack (scripts/live/stack-status.ts). */
export interface StackFacts {
  containers: ContainerStatus[];
  /** HAProxy's server states; absent when HAProxy could not be asked. */
  servers?: ServerState[];
  /** Certificate facts per route host; absent when HAProxy could not be asked. */
  certificates?: Record<string, CertObservation>;
  /** The engine this command talks to, and the one `.state/<project>/` was recorded for by `up`. */
  engine?: { url: string; recorded?: string };
}

export interface StatusReport {
  project: string;
  /** Which engine the stack was read from, and whether the local state folder belongs to it. */
  engine?: { url: string; state: 'this engine' | 'another engine' | 'not recorded'; recorded?: string };
  containers: ContainerStatus[];
  routes: RouteStatus[];
  users: Array<{ name: string; keys: number; expiring: Array<Omit<KeyExpiry, 'user'>>; connected: string[]; offline: string[] }>;
  /** One per route host (see certificates.ts); empty when none were looked at. */
  certificates: CertificateStatus[];
}

const isUp = (status: string) => /^UP\b/.test(status) || status === 'no check';

/** The report from the model and what was read from the stack; `now` dates the certificates' days left. */
export function buildStatus(model: EdgeModel, facts: StackFacts, now: Date): StatusReport {
  const { containers, servers } = facts;
  const find = (backend: string, server: string) => servers?.find((s) => s.backend === backend && s.server === server);
  const routes: RouteStatus[] = model.routes.map((r) => {
    const be = routeBackendName(r);
    if (r.kind === 'upstream') {
      const s = find(be, UPSTREAM_SERVER);
      return { host: r.host, kind: 'upstream', target: r.upstream.url, health: s?.status ?? 'unknown' };
    }
    const slots = tunnelSocketPaths(r).map((socket, i) => {
      const s = find(be, slotServerName(i + 1));
      const health = s?.status ?? 'unknown';
      return { slot: i + 1, socket, health, connected: isUp(health), ...(s && !isUp(health) && s.lastCheck ? { detail: s.lastCheck } : {}) };
    });
    const up = slots.filter((s) => s.connected).length;
    return { host: r.host, kind: 'tunnel', target: `tunnel ${r.user}`, health: servers ? `${up}/${slots.length} slots up` : 'unknown', slots };
  });
  const expiries = keyExpiries(model, now);
  const users = model.users.map((u) => {
    const mine = routes.filter((r) => r.kind === 'tunnel' && r.target === `tunnel ${u.name}`).flatMap((r) => r.slots ?? []);
    const expiring = expiries.filter((k) => k.user === u.name).map(({ user: _u, ...k }) => k);
    return { name: u.name, keys: u.keys.length, expiring, connected: mine.filter((s) => s.connected).map((s) => s.socket), offline: mine.filter((s) => !s.connected).map((s) => s.socket) };
  });
  const engine = facts.engine && {
    url: facts.engine.url,
    state: !facts.engine.recorded ? ('not recorded' as const) : facts.engine.recorded === facts.engine.url ? ('this engine' as const) : ('another engine' as const),
    ...(facts.engine.recorded ? { recorded: facts.engine.recorded } : {}),
  };
  return { project: model.project, ...(engine ? { engine } : {}), containers, routes, users, certificates: buildCertificates(model, facts.certificates, now) };
}

/** Whose `.state/<project>/` (demo key, renew.log) this is, in words. */
function stateNote(project: string, engine: NonNullable<StatusReport['engine']>): string {
  if (engine.state === 'this engine') return `.state/${project}/ belongs to this engine`;
  if (engine.state === 'another engine') return `.state/${project}/ was made by \`up\` on ${engine.recorded}, not this engine`;
  return `no \`up\` from here has recorded an engine in .state/${project}/`;
}

/** The text form: containers, routes with slots, users, certificates. */
export function renderStatus(report: StatusReport): string {
  const out = [`project ${report.project}`];
  if (report.engine) out.push(`  engine   ${report.engine.url}  (${stateNote(report.project, report.engine)})`);
  if (report.containers.length === 0) out.push('  not running (npm run up)');
  for (const c of report.containers) out.push(`  ${c.service.padEnd(8)} ${c.name}  ${c.state}${c.startedAt ? ` since ${c.startedAt}` : ''}`);
  out.push('', 'routes');
  if (report.routes.length === 0) out.push('  (none)');
  for (const r of report.routes) {
    out.push(`  https://${r.host}  ${r.target}  ${r.health}`);
    for (const s of r.slots ?? []) out.push(`    slot ${s.slot}  ${s.connected ? 'connected' : 'offline  '}  ${s.health}${s.detail ? ` (${s.detail})` : ''}  ${s.socket}`);
  }
  out.push('', 'users');
  if (report.users.length === 0) out.push('  (none)');
  for (const u of report.users) {
    out.push(`  ${u.name}  ${u.keys} key(s)  ${u.connected.length} connected, ${u.offline.length} offline`);
    for (const k of u.expiring) {
      const left = k.daysLeft < 0 ? 'EXPIRED' : `${k.daysLeft} day(s) left`;
      out.push(`    key ${k.comment || k.fingerprint}  expires ${k.expires.slice(0, 16).replace('T', ' ')} UTC (${left})`);
    }
  }
  out.push('', ...renderCertificates(report.certificates));
  return out.join('\n');
}
