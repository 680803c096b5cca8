/**
 * HAProxy master CLI commands and parsers for their answers, as pure text: reload and server
 * states. Running them is scripts/live/haproxy-control.ts's job (through `masterCliArgv` of
 * master-cli.ts, which adds the final newline). Certificate commands live in runtime-certs.ts.
 */

/**
 * Master CLI `reload`: synchronous, answers once the new worker started or failed. The master
 * re-executes itself meanwhile, so a connection attempted during a reload is refused: retry.
 */
export const RELOAD_COMMAND = 'reload';

/** The outcome of a reload: `ok` from `Success=1|0`, `log` the startup messages after `--`. */
export interface ReloadResult {
  ok: boolean;
  log: string[];
}

/** Parses the answer to `reload`; throws when it is not one (e.g. empty: the connection was cut). */
export function parseReload(answer: string): ReloadResult {
  const lines = answer.split('\n');
  const status = lines.findIndex((l) => /^Success=[01]$/.test(l.trim()));
  if (status < 0) throw new Error(`unexpected answer to reload: ${JSON.stringify(answer.slice(0, 200))}`);
  const sep = lines.findIndex((l, i) => i > status && l.trim() === '--');
  const log = (sep < 0 ? [] : lines.slice(sep + 1)).map((l) => l.trimEnd()).filter((l) => l !== '');
  return { ok: lines[status]?.trim() === 'Success=1', log };
}

/** Statistics of every server (type 4) of every proxy (-1), from worker 1 (the current one). */
export const SHOW_SERVERS_COMMAND = '@1 show stat -1 4 -1';

/** One server as `show stat` reports it. */
export interface ServerState {
  backend: string;
  server: string;
  /** `UP`, `DOWN`, `MAINT`, `MAINT (resolution)`, `no check`, `UP 1/2` (going down), … */
  status: string;
  /** Last check result (`L4OK`, `SOCKERR`, …); empty when the server has no check. */
  checkStatus: string;
  /** Last check in words: `Layer4 check passed`, `Socket error`, … */
  checkDesc: string;
  /** Detail of the last failed check, e.g. `General socket error (No such file or directory)`. */
  lastCheck: string;
}

/** Splits one CSV line; HAProxy quotes a field (doubling `"`) only when it holds `,` or `"`. */
export function csvFields(line: string): string[] {
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quoted && c === '"' && line[i + 1] === '"') {
      field += '"';
      i++;
    } else if (c === '"') quoted = !quoted;
    else if (c === ',' && !quoted) {
      fields.push(field);
      field = '';
    } else field += c;
  }
  fields.push(field);
  return fields;
}

/**
 * Parses `show stat` CSV (the `# pxname,svname,…` header names the columns, so added columns in
 * later versions do not matter) into server rows; FRONTEND and BACKEND summary rows are skipped.
 */
export function parseShowStat(csv: string): ServerState[] {
  const lines = csv.split('\n').filter((l) => l.trim() !== '');
  const header = lines.find((l) => l.startsWith('# '));
  if (!header) throw new Error(`unexpected answer to show stat: ${JSON.stringify(csv.slice(0, 200))}`);
  const cols = csvFields(header.slice(2));
  for (const name of ['pxname', 'svname', 'status', 'check_status', 'check_desc', 'last_chk']) {
    if (!cols.includes(name)) throw new Error(`show stat has no ${name} column`);
  }
  const rows = lines
    .filter((l) => !l.startsWith('#'))
    .map((l) => {
      const f = csvFields(l);
      return (name: string) => f[cols.indexOf(name)] ?? '';
    });
  return rows
    .filter((get) => get('svname') !== 'FRONTEND' && get('svname') !== 'BACKEND')
    .map((get) => ({
      backend: get('pxname'),
      server: get('svname'),
      status: get('status'),
      checkStatus: get('check_status'),
      checkDesc: get('check_desc'),
      lastCheck: get('last_chk'),
    }));
}
