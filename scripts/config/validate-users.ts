/** The `users:` section: account names and their public keys, each maybe with an expiry. */
import type { UserKey, UserModel } from '../../stacks/model.js';
import { parseExpiry } from './expiry.js';
import { type ConfigPath, obj, type Problems, str } from './problems.js';
import { checkUserName } from './rules.js';
import { parsePublicKey } from './ssh-key.js';

/** The key body (`type base64`) that tells two lines apart whatever their comments. */
const body = (line: string) => line.split(' ').slice(0, 2).join(' ');

/** One entry of `keys:`: a line, or `{key, expires}`. `undefined` when it is unusable (reported). */
function validateKey(raw: unknown, path: ConfigPath, out: Problems): UserKey | undefined {
  const entry = typeof raw === 'string' ? { key: raw } : obj(raw);
  const text = str(entry.key);
  if (text === undefined) return undefined; // a wrong type: reported by the schema walk
  const parsed = parsePublicKey(text);
  const keyPath = typeof raw === 'string' ? path : [...path, 'key'];
  if (!parsed.ok) {
    out.at(keyPath, parsed.problem, parsed.hint);
    return undefined;
  }
  const expiresText = str(entry.expires);
  if (expiresText === undefined) return { line: parsed.normalized };
  const expires = parseExpiry(expiresText);
  if ('problem' in expires) {
    out.at([...path, 'expires'], expires.problem, expires.hint);
    return undefined;
  }
  return { line: parsed.normalized, expires: expires.iso };
}

/**
 * The users from the raw section (in file order), reporting every problem into `out`. A user
 * needs a key unless `certificates` (sshCA is set): then certificates alone may log in.
 */
export function validateUsers(raw: unknown, certificates: boolean, out: Problems): UserModel[] {
  const users: UserModel[] = [];
  for (const [name, value] of Object.entries(obj(raw))) {
    const nameProblem = checkUserName(name);
    if (nameProblem) out.at(['users', name], nameProblem.problem, nameProblem.hint, out.keyNode(['users'], name));
    const keys: UserKey[] = [];
    const rawKeys = obj(value).keys;
    const list = Array.isArray(rawKeys) ? rawKeys : [];
    list.forEach((entry, i) => {
      const key = validateKey(entry, ['users', name, 'keys', i], out);
      if (!key) return;
      if (keys.some((k) => body(k.line) === body(key.line))) out.at(['users', name, 'keys', i], 'duplicate key', 'each key may appear once per user');
      else keys.push(key);
    });
    // `alice:` (null), `alice: {}` and `keys: []` all mean no key; other shapes are type errors.
    const shapeOk = value === null || value === undefined || (typeof value === 'object' && !Array.isArray(value));
    if (list.length === 0 && !certificates && shapeOk && (rawKeys === undefined || rawKeys === null || Array.isArray(rawKeys))) {
      // `alice:` with nothing after it: point at the name, not at the end of the line.
      const at = value === null || value === undefined ? out.keyNode(['users'], name) : undefined;
      const hint = `add keys: [ssh-ed25519 AAAA… ${name}@laptop], or list a certificate authority under sshCA: to let ${name} log in with certificates only`;
      out.at(['users', name], `${name} has no keys, so nobody could log in as ${name}`, hint, at);
    }
    users.push({ name, keys });
  }
  return users;
}

/** The `sshCA:` list: CA public keys, normalised, each once. */
export function validateSshCa(raw: unknown, out: Problems): string[] {
  const keys: string[] = [];
  (Array.isArray(raw) ? raw : []).forEach((line, i) => {
    if (typeof line !== 'string') return;
    const parsed = parsePublicKey(line);
    if (!parsed.ok) out.at(['sshCA', i], parsed.problem, parsed.hint);
    else if (keys.some((k) => body(k) === body(parsed.normalized))) out.at(['sshCA', i], 'duplicate CA key');
    else keys.push(parsed.normalized);
  });
  return keys;
}
