/**
 * Pure validation of edge.yaml text into the model. Reports every problem with its file, line,
 * column and YAML path; returns a model only when there are none.
 */
import { type Document, LineCounter, type Node, parseDocument, visit } from 'yaml';
import type { EdgeModel } from '../../stacks/model.js';
import type { ConfigProblem } from '../cli/errors.js';
import { type ConfigPath, int, obj, Problems, str } from './problems.js';
import { EDGE_SCHEMA } from './schema.js';
import { walkSchema } from './schema-walk.js';
import { validateAcme } from './validate-acme.js';
import { validateLimits } from './validate-limits.js';
import { validateLogs } from './validate-logs.js';
import { validateMetrics } from './validate-metrics.js';
import { validateNetworks } from './validate-networks.js';
import { validateNotify } from './validate-notify.js';
import { validateRoutes } from './validate-routes.js';
import { validateShares } from './validate-shares.js';
import { validateTcp } from './validate-tcp.js';
import { validateSshCa, validateUsers } from './validate-users.js';

/**
 * HSTS when edge.yaml sets none: one day with Let's Encrypt, whose certificates browsers trust;
 * none with the others, where the certificate may not be trusted (staging, Pebble, a private CA)
 * and HSTS would take away the browser's "proceed anyway".
 */
function defaultHsts(ca: EdgeModel['acme']['ca']): number {
  return ca === 'letsencrypt' ? 86_400 : 0;
}

export interface ValidationResult {
  model?: EdgeModel;
  problems: ConfigProblem[];
  /**
   * Builds a problem located in the same text (file:line:col and path), for checks the pure
   * validator cannot make: loadConfig uses it for what needs the file system (acme.dnsHook).
   */
  problemAt: (path: ConfigPath, message: string, hint?: string) => ConfigProblem;
  /** The YAML path of the route for `host` (routes are sorted in the model, not in the file). */
  routePath: (host: string) => ConfigPath;
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

/**
 * Expanding aliases (`*name`) more than this many times is refused: a "billion laughs" document of
 * a few lines expands to gigabytes. A real edge.yaml needs a handful of aliases, if any.
 */
const MAX_ALIAS_EXPANSIONS = 100;

/**
 * The document as plain data, or a located problem when it cannot be turned into data: too many
 * alias expansions (the yaml library throws a ReferenceError), or an alias to an unknown anchor.
 */
function plainValue(doc: Document, out: Problems): unknown {
  try {
    return doc.toJS({ maxAliasCount: MAX_ALIAS_EXPANSIONS });
  } catch (err) {
    let first: Node | undefined;
    visit(doc, {
      Alias(_key, node) {
        first = node;
        return visit.BREAK;
      },
    });
    const excessive = /excessive alias count/i.test((err as Error).message);
    const message = excessive ? `YAML aliases expand to more than ${MAX_ALIAS_EXPANSIONS} copies` : `YAML: ${(err as Error).message}`;
    out.at([], message, excessive ? 'an alias bomb ("billion laughs")? edge.yaml needs no anchors and aliases of this size: write the values out' : undefined, first ?? null);
    return undefined;
  }
}

/** Validates edge.yaml text. Pure: `file` is only used to label problems. */
export function validateConfig(text: string, file: string): ValidationResult {
  const lines = new LineCounter();
  // logLevel error: the library's warnings (e.g. a mapping used as a key) would go to stderr
  // unlocated; the schema walk reports those cases itself.
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true, logLevel: 'error' });
  const out = new Problems(file, doc, lines);
  const problemAt = (path: ConfigPath, message: string, hint?: string) => out.locate(path, message, hint);
  let rawRoutes: unknown[] = [];
  let metricsHost: unknown;
  // metrics.host is a route too, but written under metrics:.
  const routePath = (host: string): ConfigPath =>
    metricsHost === host
      ? ['metrics']
      : [
          'routes',
          Math.max(
            0,
            rawRoutes.findIndex((r) => obj(r).host === host),
          ),
        ];
  if (doc.errors.length > 0) {
    for (const e of doc.errors) {
      const pos = lines.linePos(e.pos[0]);
      // The parser turns a stack overflow on absurd nesting into an error of its own: say what it means.
      const message = /call stack/i.test(e.message) ? 'YAML syntax: nested too deeply' : `YAML syntax: ${e.message.split('\n')[0]}`;
      out.list.push({ file, line: pos.line, col: pos.col, path: '', message });
    }
    return { problems: out.list, problemAt, routePath };
  }
  const js = plainValue(doc, out);
  if (out.list.length > 0) return { problems: out.list, problemAt, routePath };
  walkSchema(doc.contents as Node | null, EDGE_SCHEMA, [], out);
  const raw = obj(js);
  rawRoutes = Array.isArray(raw.routes) ? raw.routes : [];
  metricsHost = obj(raw.metrics).host;
  const ports = validatePorts(raw.ports, out);
  const acme = validateAcme(raw.acme, out);
  const sshCA = validateSshCa(raw.sshCA, out);
  // A listed CA that is unusable still means "certificates intended": no extra "no keys" problems.
  const users = validateUsers(raw.users, Array.isArray(raw.sshCA) && raw.sshCA.length > 0, out);
  const userNames = users.map((u) => u.name);
  const hsts = int(raw.hsts, defaultHsts(acme.ca));
  const routes = validateRoutes(raw.routes, userNames, { challenge: acme.challenge, hsts }, out);
  const tcp = validateTcp(raw.tcp, ports, userNames, out);
  const networks = validateNetworks(raw.networks, out);
  const shares = validateShares(raw.shares, userNames, out);
  const limits = validateLimits(raw.limits, out);
  const metricsSection = validateMetrics(
    raw.metrics,
    ports,
    rawRoutes.map((r) => obj(r).host),
    hsts,
    out,
  );
  const metrics = metricsSection?.metrics;
  if (metricsSection?.route) routes.push(metricsSection.route);
  const logs = validateLogs(raw.logs);
  const notify = validateNotify(raw.notify, out);
  if (out.list.length > 0) return { problems: out.list, problemAt, routePath };
  const model: EdgeModel = {
    project: str(raw.project) ?? 'tunnelgate',
    ports,
    acme,
    sshCA,
    users: users.sort((a, b) => a.name.localeCompare(b.name)),
    routes: routes.sort((a, b) => a.host.localeCompare(b.host)),
    ...(tcp.length ? { tcp } : {}),
    ...(networks.length ? { networks } : {}),
    ...(raw.offlinePage === 'instructions' ? { offlinePage: 'instructions' as const } : {}),
    shares,
    limits,
    ...(metrics ? { metrics } : {}),
    ...(logs ? { logs } : {}),
    ...(notify ? { notify } : {}),
  };
  return { model, problems: [], problemAt, routePath };
}
