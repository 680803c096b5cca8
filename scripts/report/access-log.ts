/**
 * The access log's lines as `npm run logs` shows them: the JSON HAProxy writes
 * (haproxy/render-logging.ts), picked by route and turned into one readable line. Pure.
 */
import { backendName } from '../../haproxy/names.js';

/** One request, as HAProxy writes it (field names documented in the README). */
interface AccessEntry {
  time: string;
  client: string;
  client_port: number;
  frontend: string;
  host: string;
  method: string;
  path: string;
  version: string;
  status: number;
  bytes_out: number;
  bytes_in: number;
  TR: number;
  Tw: number;
  Tc: number;
  Tr: number;
  Ta: number;
  backend: string;
  slot: string;
  retries: number;
  termination: string;
}

/** A request, or one of HAProxy's own event lines (a slot going down, a dropped-lines notice). */
export type AccessLine = { kind: 'request'; entry: AccessEntry; raw: string } | { kind: 'event'; raw: string };

export function parseAccessLine(raw: string): AccessLine {
  if (raw.startsWith('{')) {
    try {
      const entry = JSON.parse(raw) as AccessEntry;
      if (typeof entry.status === 'number' && typeof entry.backend === 'string') return { kind: 'request', entry, raw };
    } catch {
      // not JSON after all: shown as an event line
    }
  }
  return { kind: 'event', raw };
}

/** The text every line of `route`'s requests contains, for a cheap `grep -F` before parsing. */
export function routeNeedle(route: string): string {
  return `"backend": "${backendName(route)}"`;
}

/** Whether a line belongs to `route` (undefined: every line; event lines only without a route). */
export function matchesRoute(line: AccessLine, route?: string): boolean {
  if (!route) return true;
  return line.kind === 'request' && line.entry.backend === backendName(route);
}

/** `2026-11-24T13:04:41.108Z 203.0.113.9 GET alice.example.com/path 200 49B 3ms be_alice.example.com/slot1 --` */
export function formatAccessLine(line: AccessLine): string {
  if (line.kind === 'event') return `haproxy: ${line.raw}`;
  const e = line.entry;
  return `${e.time} ${e.client} ${e.method} ${e.host}${e.path} ${e.status} ${e.bytes_out}B ${e.Ta}ms ${e.backend}/${e.slot} ${e.termination}`;
}
