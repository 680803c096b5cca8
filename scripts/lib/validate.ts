/**
 * Pure validation of edge.yaml text into the model. Reports every problem with its file, line,
 * column and YAML path; returns a model only when there are none.
 */
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import type { ConfigProblem } from './errors.js';
import type { AcmeChallenge, EdgeModel, RouteModel, UserModel } from './model.js';
import { isWildcardHost } from './model.js';
import { CA_NAMES, EDGE_SCHEMA, type Field } from './schema.js';
import { parsePublicKey } from './ssh-key.js';
import { checkHost, checkUpstream, checkUserName, suggest } from './rules.js';

/** A YAML path: keys and list indexes, e.g. `['routes', 1, 'host']`. */
export type ConfigPath = Array<string | number>;
type Path = ConfigPath;

export const CA_DIRECTORIES: Record<(typeof CA_NAMES)[number], string> = {
  letsencrypt: 'https://acme-v02.api.letsencrypt.org/directory',
  'letsencrypt-staging': 'https://acme-staging-v02.api.letsencrypt.org/directory',
  // The embedded Pebble container, by its name on the stack network.
  pebble: 'https://pebble:14000/dir',
};

export interface ValidationResult {
  model?: EdgeModel;
  problems: ConfigProblem[];
  /**
   * Builds a problem located in the same text (file:line:col and path), for checks the pure
   * validator cannot make: loadConfig uses it for what needs the file system (acme.dnsHook).
   */
  problemAt: (path: ConfigPath, message: string, hint?: string) => ConfigProblem;
}

function formatPath(path: Path): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');
}

/** Collects problems, locating each at the deepest YAML node of its path that exists. */
class Problems {
  readonly list: ConfigProblem[] = [];
  constructor(
    private readonly file: string,
    private readonly doc: Document,
    private readonly lines: LineCounter,
  ) {}

  /** One located problem, not recorded. */
  locate(path: Path, message: string, hint?: string, node?: Node | null): ConfigProblem {
    let target = node ?? undefined;
    for (let n = path.length; !target && n >= 0; n--) {
      const found = n === 0 ? this.doc.contents : this.doc.getIn(path.slice(0, n), true);
      if (found && typeof found === 'object' && 'range' in found) target = found as Node;
    }
    const offset = target?.range?.[0];
    const pos = offset === undefined ? undefined : this.lines.linePos(offset);
    return { file: this.file, line: pos?.line, col: pos?.col, path: formatPath(path), message, ...(hint ? { hint } : {}) };
  }

  at(path: Path, message: string, hint?: string, node?: Node | null): void {
    this.list.push(this.locate(path, message, hint, node));
  }
}

const describe = (node: Node | null): string => {
  if (isMap(node)) return 'a mapping';
  if (isSeq(node)) return 'a list';
  if (isScalar(node)) return node.value === null ? 'nothing' : `${typeof node.value} ${JSON.stringify(node.value)}`;
  return 'something else';
};

/** Checks keys and types against the schema; null counts as absent. */
function walk(node: Node | null, field: Field, path: Path, out: Problems): void {
  if (node === null || (isScalar(node) && node.value === null)) return;
  switch (field.type) {
    case 'object':
    case 'map': {
      if (!isMap(node)) return out.at(path, `expected a mapping, got ${describe(node)}`);
      const seen = new Set<string>();
      for (const pair of node.items) {
        const keyNode = pair.key as Node;
        const key = isScalar(keyNode) ? String(keyNode.value) : '';
        seen.add(key);
        if (field.type === 'map') {
          walk(pair.value as Node, field.values, [...path, key], out);
        } else if (field.properties[key]) {
          walk(pair.value as Node, field.properties[key], [...path, key], out);
        } else {
          const close = suggest(key, Object.keys(field.properties));
          out.at([...path, key], `unknown key "${key}"`, close ? `did you mean "${close}"?` : `allowed: ${Object.keys(field.properties).join(', ')}`, keyNode);
        }
      }
      if (field.type === 'object') {
        for (const req of field.required ?? []) if (!seen.has(req)) out.at(path, `"${req}" is required`, field.properties[req]?.description);
      }
      return;
    }
    case 'array':
      if (!isSeq(node)) return out.at(path, `expected a list, got ${describe(node)}`);
      if (field.minItems && node.items.length < field.minItems) out.at(path, `needs at least ${field.minItems} item(s)`);
      node.items.forEach((item, i) => walk(item as Node, field.items, [...path, i], out));
      return;
    case 'string':
      if (!isScalar(node) || typeof node.value !== 'string') return out.at(path, `expected a string, got ${describe(node)}`);
      if (field.enum && !field.enum.includes(node.value)) out.at(path, `"${node.value}" is not one of ${field.enum.join(', ')}`);
      if (field.pattern && !new RegExp(field.pattern).test(node.value)) out.at(path, `"${node.value}" does not match ${field.pattern}`, field.description);
      return;
    case 'integer':
      if (!isScalar(node) || typeof node.value !== 'number' || !Number.isInteger(node.value)) return out.at(path, `expected a whole number, got ${describe(node)}`);
      if (node.value < field.minimum || node.value > field.maximum) out.at(path, `${node.value} is outside ${field.minimum}–${field.maximum}`);
      return;
  }
}

// Narrowing helpers over the plain JS value; types were already reported by walk().
const obj = (v: unknown): Record<string, unknown> => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {});
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const int = (v: unknown, dflt: number): number => (typeof v === 'number' && Number.isInteger(v) ? v : dflt);

/** Validates edge.yaml text. Pure: `file` is only used to label problems. */
export function validateConfig(text: string, file: string): ValidationResult {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const out = new Problems(file, doc, lines);
  const problemAt = (path: Path, message: string, hint?: string) => out.locate(path, message, hint);
  if (doc.errors.length > 0) {
    for (const e of doc.errors) {
      const pos = lines.linePos(e.pos[0]);
      out.list.push({ file, line: pos.line, col: pos.col, path: '', message: `YAML syntax: ${e.message.split('\n')[0]}` });
    }
    return { problems: out.list, problemAt };
  }
  walk(doc.contents as Node | null, EDGE_SCHEMA, [], out);
  const raw = obj(doc.toJS());

  const portsRaw = obj(raw.ports);
  const ports = { http: int(portsRaw.http, 80), https: int(portsRaw.https, 443), ssh: int(portsRaw.ssh, 2222) };
  const byPort = new Map<number, string>();
  for (const [name, value] of Object.entries(ports)) {
    const other = byPort.get(value);
    if (other) out.at(['ports', name], `port ${value} is already used by ports.${other}`, 'each published port must be different');
    else byPort.set(value, name);
  }

  const acmeRaw = obj(raw.acme);
  const caText = str(acmeRaw.ca) ?? 'letsencrypt';
  let ca: EdgeModel['acme']['ca'] = 'custom';
  let directoryUrl = caText;
  if ((CA_NAMES as readonly string[]).includes(caText)) {
    ca = caText as EdgeModel['acme']['ca'];
    directoryUrl = CA_DIRECTORIES[caText as (typeof CA_NAMES)[number]];
  } else if (!/^https:\/\/[^\s/]+(\/\S*)?$/.test(caText) || !URL.canParse(caText)) {
    const close = suggest(caText, [...CA_NAMES]);
    out.at(['acme', 'ca'], `"${caText}" is neither a known CA nor an https:// directory URL`, close ? `did you mean "${close}"?` : `use ${CA_NAMES.join(', ')} or https://…/directory`);
  }
  const email = str(acmeRaw.email);
  if (ca.startsWith('letsencrypt') && !email) out.at(['acme'], `acme.email is required with ca "${caText}"`, "Let's Encrypt sends expiry notices there");
  if (email !== undefined && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) out.at(['acme', 'email'], `"${email}" is not an email address`);
  // walk() reported a value outside the enum; go on as http-01 so wildcard hosts are still checked.
  const challenge: AcmeChallenge = str(acmeRaw.challenge) === 'dns-01' ? 'dns-01' : 'http-01';
  const dnsHook = str(acmeRaw.dnsHook);
  if (challenge === 'dns-01' && dnsHook === undefined) {
    out.at(['acme'], 'acme.dnsHook is required with challenge "dns-01"', 'an executable called `set|clear <fqdn> <value>` that publishes the TXT record, e.g. ./dns-hook.sh');
  }
  // Only for a valid http-01: with an invalid challenge the enum error already says what is wrong.
  const challengeValid = acmeRaw.challenge === undefined || acmeRaw.challenge === 'http-01' || acmeRaw.challenge === 'dns-01';
  if (challenge !== 'dns-01' && challengeValid && dnsHook !== undefined) out.at(['acme', 'dnsHook'], 'only applies with acme.challenge: dns-01', 'set acme.challenge: dns-01, or remove dnsHook');
  // Existence and the executable bit need the file system: loadConfig checks them.
  if (dnsHook !== undefined && (dnsHook.trim() === '' || /[\0\n\r]/.test(dnsHook))) out.at(['acme', 'dnsHook'], `${JSON.stringify(dnsHook)} is not a file path`, 'e.g. ./dns-hook.sh, relative to edge.yaml');

  const users: UserModel[] = [];
  for (const [name, value] of Object.entries(obj(raw.users))) {
    const nameProblem = checkUserName(name);
    if (nameProblem) out.at(['users', name], nameProblem.problem, nameProblem.hint, (doc.getIn(['users'], true) as { items?: Array<{ key: Node }> } | undefined)?.items?.find((p) => isScalar(p.key) && p.key.value === name)?.key);
    const keys: string[] = [];
    const rawKeys = obj(value).keys;
    (Array.isArray(rawKeys) ? rawKeys : []).forEach((line, i) => {
      if (typeof line !== 'string') return;
      const parsed = parsePublicKey(line);
      if (!parsed.ok) out.at(['users', name, 'keys', i], parsed.problem, parsed.hint);
      else if (keys.includes(parsed.normalized)) out.at(['users', name, 'keys', i], 'duplicate key');
      else keys.push(parsed.normalized);
    });
    users.push({ name, keys });
  }

  const routes: RouteModel[] = [];
  const hosts = new Map<string, number>();
  const userNames = users.map((u) => u.name);
  (Array.isArray(raw.routes) ? raw.routes : []).forEach((value, i) => {
    const r = obj(value);
    const host = str(r.host);
    if (host === undefined) return; // reported by walk()
    const hostProblem = checkHost(host);
    if (hostProblem) out.at(['routes', i, 'host'], hostProblem.problem, hostProblem.hint);
    const wildcard = !hostProblem && isWildcardHost(host);
    if (wildcard && challenge !== 'dns-01') {
      out.at(['routes', i, 'host'], `wildcard host "${host}" needs the dns-01 challenge`, 'HTTP-01 cannot validate wildcards: set acme.challenge: dns-01 and acme.dnsHook');
    }
    const first = hosts.get(host.toLowerCase());
    if (first !== undefined) out.at(['routes', i, 'host'], `duplicate host "${host}" (first at routes[${first}])`, 'each host may have one route');
    else hosts.set(host.toLowerCase(), i);
    const tunnel = str(r.tunnel);
    const upstream = str(r.upstream);
    if (r.tunnel !== undefined && r.upstream !== undefined) return out.at(['routes', i], 'has both "tunnel" and "upstream"', 'a route goes to exactly one of them');
    if (r.tunnel === undefined && r.upstream === undefined) return out.at(['routes', i], 'has neither "tunnel" nor "upstream"', 'add tunnel: <user> or upstream: http://host:port');
    if (tunnel !== undefined) {
      // A tunnel serves one name through one socket named after it; many names behind one
      // wildcard belong to an upstream (e.g. the operator's own ingress) that tells them apart.
      if (wildcard) out.at(['routes', i, 'host'], `wildcard host "${host}" cannot be served by a tunnel`, `a tunnel serves one name: list each host (e.g. app.${host.slice(2)}), or route the wildcard to an upstream`);
      if (!userNames.includes(tunnel)) {
        const close = suggest(tunnel, userNames);
        out.at(['routes', i, 'tunnel'], `names no user "${tunnel}"`, close ? `did you mean "${close}"?` : userNames.length ? `users: ${userNames.join(', ')}` : 'define it under users:');
      }
      routes.push({ kind: 'tunnel', host, user: tunnel, replicas: int(r.replicas, 1) });
    } else if (upstream !== undefined) {
      if (r.replicas !== undefined) out.at(['routes', i, 'replicas'], 'replicas only applies to tunnel routes');
      const parsed = checkUpstream(upstream);
      if ('problem' in parsed) out.at(['routes', i, 'upstream'], parsed.problem, parsed.hint);
      else routes.push({ kind: 'upstream', host, upstream: parsed });
    }
  });

  if (out.list.length > 0) return { problems: out.list, problemAt };
  const model: EdgeModel = {
    project: str(raw.project) ?? 'tunnelgate',
    ports,
    acme: { ca, directoryUrl, ...(email ? { email } : {}), renewBeforeDays: int(acmeRaw.renewBeforeDays, 30), challenge, ...(dnsHook !== undefined ? { dnsHook } : {}) },
    users: users.sort((a, b) => a.name.localeCompare(b.name)),
    routes: routes.sort((a, b) => a.host.localeCompare(b.host)),
  };
  return { model, problems: [], problemAt };
}
