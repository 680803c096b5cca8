/**
 * Traffic counters per backend from `show stat`, for the live status view: requests, 5xx and
 * connection errors, bytes. Pure: the command and a parser for its CSV answer (the column
 * names come from the header, as in runtime-api.ts).
 */
import { csvFields } from './runtime-api.js';

/** Backends and servers (types 2 + 4) of every proxy, from the current worker: counters and slot health in one answer. */
export const SHOW_BACKENDS_AND_SERVERS_COMMAND = '@1 show stat -1 6 -1';

/** One backend's totals since the worker started (a reload starts them from zero). */
export interface BackendCounters {
  backend: string;
  /** HTTP requests the backend took (`req_tot`); 0 for backends HAProxy answers itself without one. */
  requests: number;
  /** Responses 500-599, HAProxy's own 503 pages included (`hrsp_5xx`). */
  responses5xx: number;
  /** Failed connects to a slot or upstream (`econ`) and responses that broke off (`eresp`). */
  errors: number;
  bytesIn: number;
  bytesOut: number;
}

const num = (s: string) => (s === '' ? 0 : Number(s));

/** The BACKEND rows of a `show stat` answer. */
export function parseBackendCounters(csv: string): BackendCounters[] {
  const lines = csv.split('\n').filter((l) => l.trim() !== '');
  const header = lines.find((l) => l.startsWith('# '));
  if (!header) throw new Error(`unexpected answer to show stat: ${JSON.stringify(csv.slice(0, 200))}`);
  const cols = csvFields(header.slice(2));
  const at = (f: string[], name: string) => f[cols.indexOf(name)] ?? '';
  return lines
    .filter((l) => !l.startsWith('#'))
    .map(csvFields)
    .filter((f) => at(f, 'svname') === 'BACKEND')
    .map((f) => ({
      backend: at(f, 'pxname'),
      requests: num(at(f, 'req_tot')),
      responses5xx: num(at(f, 'hrsp_5xx')),
      errors: num(at(f, 'econ')) + num(at(f, 'eresp')),
      bytesIn: num(at(f, 'bin')),
      bytesOut: num(at(f, 'bout')),
    }));
}
