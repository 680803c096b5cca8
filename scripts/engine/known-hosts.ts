/**
 * Host key checking for `ssh://` engines against OpenSSH's known_hosts files, as `ssh` does with
 * `StrictHostKeyChecking yes`: a remote engine is root on that machine, so an unknown or changed
 * key stops the connection. Plain and hashed (`|1|salt|hash`) names, `[host]:port`, `*`/`?`
 * patterns and `!` negation, `@revoked` lines. Pure: the files' text is passed in.
 */
import { createHmac } from 'node:crypto';
import { hostPatternsMatch } from './ssh-config.js';

interface KnownKey {
  marker?: 'revoked' | 'cert-authority';
  type: string;
  key: string;
}

/** How known_hosts names a host: bare for port 22, else `[host]:port`. */
export function knownHostsName(host: string, port: number): string {
  return port === 22 ? host : `[${host}]:${port}`;
}

function hashedMatch(entry: string, name: string): boolean {
  const [, magic, salt, hash] = entry.split('|');
  if (magic !== '1' || !salt || !hash) return false;
  return createHmac('sha1', Buffer.from(salt, 'base64')).update(name).digest('base64') === hash;
}

/** The keys known_hosts lists for `name` (`host` or `[host]:port`). */
export function keysFor(text: string, name: string): KnownKey[] {
  const out: KnownKey[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const fields = line.split(/\s+/);
    const marker = fields[0]?.startsWith('@') ? fields.shift()?.slice(1) : undefined;
    const [hosts = '', type = '', key = ''] = fields;
    const matches = hosts.startsWith('|') ? hashedMatch(hosts, name) : hostPatternsMatch(hosts.split(','), name);
    if (!matches || !key) continue;
    out.push({ ...(marker === 'revoked' || marker === 'cert-authority' ? { marker } : {}), type, key });
  }
  return out;
}

/** The host key algorithms ssh2 may negotiate for key types known_hosts lists (RSA keys sign with SHA-2 first). */
export function hostKeyAlgorithms(keys: KnownKey[]): string[] {
  const algos: string[] = [];
  for (const k of keys) {
    if (k.marker) continue;
    const forType = k.type === 'ssh-rsa' ? ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'] : [k.type];
    for (const a of forType) if (!algos.includes(a)) algos.push(a);
  }
  return algos;
}

export type HostKeyVerdict = 'known' | 'unknown' | 'changed' | 'revoked';

/** Whether the key the server presented (its SSH wire blob) is the one known_hosts has for `name`. */
export function checkHostKey(keys: KnownKey[], presented: Buffer): HostKeyVerdict {
  const b64 = presented.toString('base64');
  if (keys.some((k) => k.marker === 'revoked' && k.key === b64)) return 'revoked';
  const plain = keys.filter((k) => !k.marker);
  if (plain.length === 0) return 'unknown';
  return plain.some((k) => k.key === b64) ? 'known' : 'changed';
}
