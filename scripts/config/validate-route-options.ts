/**
 * What a route asks for besides its target (access rules, headers, checks, TLS to the target),
 * checked against its TLS mode and kind: a passthrough route never shows HAProxy its HTTP, so
 * HTTP features on it are errors rather than silently ignored.
 */
import type { BasicAuthUser, PemFile, RouteOptions, TlsMode } from '../../stacks/model.js';
import { checkAllowEntry, checkBasicAuthUser, checkCryptHash, checkHeader, checkHealthPath } from './access-rules.js';
import { type ConfigPath, int, obj, type Problems, str } from './problems.js';

interface OptionContext {
  tls: TlsMode;
  kind: 'tunnel' | 'upstream';
  replicas: number;
  /** The HSTS max-age when the route sets none. */
  hsts: number;
}

const HTTP_ONLY = ['clientCA', 'basicAuth', 'hsts', 'headers', 'health', 'sticky', 'protocol', 'verify', 'ca'] as const;

/** A file path edge.yaml names; loadConfig reads it (relative to edge.yaml) and fills `pem`. */
function pemFile(value: unknown, path: ConfigPath, out: Problems): PemFile | undefined {
  const file = str(value);
  if (file === undefined) return undefined;
  if (file.trim() === '' || /[\0\n\r]/.test(file)) {
    out.at(path, `${JSON.stringify(file)} is not a file path`, 'e.g. ./ca.pem, relative to edge.yaml');
    return undefined;
  }
  return { file, pem: '' };
}

/** The addresses of an `allow` list, each checked; shared by routes and tcp routes. */
export function allowList(value: unknown, path: ConfigPath, out: Problems): string[] | undefined {
  if (!Array.isArray(value)) return undefined;
  const entries: string[] = [];
  value.forEach((entry, i) => {
    if (typeof entry !== 'string') return;
    const problem = checkAllowEntry(entry);
    if (problem) out.at([...path, i], problem.problem, problem.hint);
    else if (!entries.includes(entry.toLowerCase())) entries.push(entry.toLowerCase());
  });
  return entries.length ? entries : undefined;
}

function basicAuth(value: unknown, path: ConfigPath, out: Problems): BasicAuthUser[] | undefined {
  const users: BasicAuthUser[] = [];
  for (const [user, hash] of Object.entries(obj(value))) {
    const nameProblem = checkBasicAuthUser(user);
    if (nameProblem) out.at([...path, user], nameProblem.problem, nameProblem.hint, out.keyNode(path, user));
    if (typeof hash !== 'string') continue;
    const hashProblem = checkCryptHash(hash);
    if (hashProblem) out.at([...path, user], hashProblem.problem, hashProblem.hint);
    else users.push({ user, hash });
  }
  return users.length ? users.sort((a, b) => (a.user < b.user ? -1 : 1)) : undefined;
}

function headers(value: unknown, path: ConfigPath, out: Problems): RouteOptions['headers'] {
  const list: NonNullable<RouteOptions['headers']> = [];
  for (const [name, v] of Object.entries(obj(value))) {
    if (typeof v !== 'string') continue;
    const problem = checkHeader(name, v);
    const twice = list.find((h) => h.name.toLowerCase() === name.toLowerCase());
    if (problem) out.at([...path, name], problem.problem, problem.hint, out.keyNode(path, name));
    else if (twice) out.at([...path, name], `${name} is set twice (also as ${twice.name})`, undefined, out.keyNode(path, name));
    else list.push({ name, value: v });
  }
  return list.length ? list.sort((a, b) => (a.name.toLowerCase() < b.name.toLowerCase() ? -1 : 1)) : undefined;
}

/** Reports keys that do not apply to this route's TLS mode or kind. */
function checkApplicable(r: Record<string, unknown>, path: ConfigPath, ctx: OptionContext, out: Problems): void {
  const has = (key: string) => r[key] !== undefined;
  if (ctx.tls === 'passthrough') {
    for (const key of HTTP_ONLY) if (has(key)) out.at([...path, key], 'does not apply to tls: passthrough', 'HAProxy routes passthrough connections by SNI only and never sees their HTTP');
    return;
  }
  if (ctx.tls !== 'reencrypt') {
    for (const key of ['verify', 'ca']) if (has(key)) out.at([...path, key], 'only applies when HAProxy speaks TLS to the target', 'use an https:// upstream, or tls: reencrypt for a tunnel');
  }
  if (has('sticky') && (ctx.kind !== 'tunnel' || ctx.replicas < 2)) out.at([...path, 'sticky'], 'pins browsers to one of several tunnel slots', 'set replicas: 2 or more on a tunnel route');
  if (has('protocol') && ctx.kind !== 'tunnel') out.at([...path, 'protocol'], 'only applies to tunnel routes', 'an upstream says it in its URL: h2c://host:port');
  if (r.protocol === 'h2c' && ctx.tls === 'reencrypt') out.at([...path, 'protocol'], 'h2c is cleartext HTTP/2 and cannot be re-encrypted', 'remove tls: reencrypt or protocol: h2c');
  if (r.verify === false && has('ca')) out.at([...path, 'ca'], 'is not used with verify: false', 'remove one of them');
}

/** The options of one route from its raw mapping, reporting every problem into `out`. */
export function routeOptions(r: Record<string, unknown>, path: ConfigPath, ctx: OptionContext, out: Problems): RouteOptions & { protocol?: 'h2c' } {
  checkApplicable(r, path, ctx, out);
  const options: RouteOptions & { protocol?: 'h2c' } = {};
  if (ctx.tls !== 'terminate') options.tls = ctx.tls;
  const allow = allowList(r.allow, [...path, 'allow'], out);
  if (allow) options.allow = allow;
  if (r.maxconn !== undefined) options.maxconn = int(r.maxconn, 0);
  if (ctx.tls === 'passthrough') return options;
  if (ctx.tls === 'reencrypt') {
    if (r.verify === false) options.verify = false;
    const ca = pemFile(r.ca, [...path, 'ca'], out);
    if (ca) options.ca = ca;
  }
  const clientCA = pemFile(r.clientCA, [...path, 'clientCA'], out);
  if (clientCA) options.clientCA = clientCA;
  const users = basicAuth(r.basicAuth, [...path, 'basicAuth'], out);
  if (users) options.basicAuth = users;
  const hsts = int(r.hsts, ctx.hsts);
  if (hsts > 0) options.hsts = hsts;
  const list = headers(r.headers, [...path, 'headers'], out);
  if (list) options.headers = list;
  const healthPath = str(obj(r.health).path);
  if (healthPath !== undefined) {
    const problem = checkHealthPath(healthPath);
    if (problem) out.at([...path, 'health', 'path'], problem.problem, problem.hint);
    else options.health = { path: healthPath };
  }
  if (r.sticky === true && ctx.kind === 'tunnel' && ctx.replicas > 1) options.sticky = true;
  if (r.protocol === 'h2c' && ctx.kind === 'tunnel') options.protocol = 'h2c';
  return options;
}
