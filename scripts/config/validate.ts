/**
 * Pure validation of edge.yaml text into the model. Reports every problem with its file, line,
 * column and YAML path; returns a model only when there are none.
 */
import { LineCounter, type Node, parseDocument } from 'yaml';
import type { EdgeModel } from '../../stacks/model.js';
import type { ConfigProblem } from '../cli/errors.js';
import { type ConfigPath, int, obj, Problems, str } from './problems.js';
import { EDGE_SCHEMA } from './schema.js';
import { walkSchema } from './schema-walk.js';
import { validateAcme } from './validate-acme.js';
import { validateLogs } from './validate-logs.js';
import { validateMetrics } from './validate-metrics.js';
import { validateNotify } from './validate-notify.js';
import { validateRoutes } from './validate-routes.js';
import { validateUsers } from './validate-users.js';

export interface ValidationResult {
  model?: EdgeModel;
  problems: ConfigProblem[];
  /**
   * Builds a problem located in the same text (file:line:col and path), for checks the pure
   * validator cannot make: loadConfig uses it for what needs the file system (acme.dnsHook).
   */
  problemAt: (path: ConfigPath, message: string, hint?: string) => ConfigProblem;
}

function validatePorts(raw: unknown, out: Problems): EdgeModel['ports'] {
  const p = obj(raw);
  const ports = { http: int(p.http, 80), https: int(p.https, 443), ssh: int(p.ssh, 2222) };
  const byPort = new Map<number, string>();
  for (const [name, value] of Object.entries(ports)) {
    const other = byPort.get(value);
    if (other) out.at(['ports', name], `port ${value} is already used by ports.${other}`, 'each published port must be different');
    else byPort.set(value, name);
  }
  return ports;
}

/** Validates edge.yaml text. Pure: `file` is only used to label problems. */
export function validateConfig(text: string, file: string): ValidationResult {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const out = new Problems(file, doc, lines);
  const problemAt = (path: ConfigPath, message: string, hint?: string) => out.locate(path, message, hint);
  if (doc.errors.length > 0) {
    for (const e of doc.errors) {
      const pos = lines.linePos(e.pos[0]);
      out.list.push({ file, line: pos.line, col: pos.col, path: '', message: `YAML syntax: ${e.message.split('\n')[0]}` });
    }
    return { problems: out.list, problemAt };
  }
  walkSchema(doc.contents as Node | null, EDGE_SCHEMA, [], out);
  const raw = obj(doc.toJS());
  const ports = validatePorts(raw.ports, out);
  const acme = validateAcme(raw.acme, out);
  const users = validateUsers(raw.users, out);
  const routes = validateRoutes(
    raw.routes,
    users.map((u) => u.name),
    acme.challenge,
    out,
  );
  const metrics = validateMetrics(raw.metrics, ports, out);
  const logs = validateLogs(raw.logs);
  const notify = validateNotify(raw.notify, out);
  if (out.list.length > 0) return { problems: out.list, problemAt };
  const model: EdgeModel = {
    project: str(raw.project) ?? 'tunnelgate',
    ports,
    acme,
    users: users.sort((a, b) => a.name.localeCompare(b.name)),
    routes: routes.sort((a, b) => a.host.localeCompare(b.host)),
    ...(metrics ? { metrics } : {}),
    ...(logs ? { logs } : {}),
    ...(notify ? { notify } : {}),
  };
  return { model, problems: [], problemAt };
}
