/**
 * Single-value rules for what routes may ask of HAProxy: allowed addresses, basic-auth accounts,
 * response headers and health-check paths. Each value ends up in haproxy.cfg or a file beside
 * it, so only what HAProxy reads as data passes. Pure.
 */
import { isIP } from 'node:net';
import type { Problem } from './rules.js';

/** An IPv4/IPv6 address or CIDR, as HAProxy's `src` matches them. */
export function checkAllowEntry(entry: string): Problem | undefined {
  const [address = '', prefix, extra] = entry.split('/');
  const family = isIP(address);
  const max = family === 4 ? 32 : 128;
  const prefixOk = prefix === undefined || (/^\d{1,3}$/.test(prefix) && Number(prefix) <= max);
  if (family === 0 || !prefixOk || extra !== undefined) {
    return { problem: `"${entry}" is not an IP address or CIDR`, hint: 'e.g. 203.0.113.0/24, 198.51.100.7 or 2001:db8::/32' };
  }
  return undefined;
}

/** crypt(3) schemes HAProxy's libcrypt checks and that are not broken: yescrypt, gost-yescrypt, scrypt, bcrypt, sha512/256-crypt. */
const CRYPT = /^\$(y|gy|7|2[aby]|6|5)\$[./A-Za-z0-9$=,]+$/;

const HASH_HINT = 'make one with `npm run hash-password` (sha512-crypt) or `mkpasswd` (yescrypt, from the whois package)';

export function checkBasicAuthUser(user: string): Problem | undefined {
  if (!/^[A-Za-z0-9._-]{1,64}$/.test(user)) return { problem: `"${user}" cannot be a basic-auth user name`, hint: 'letters, digits, ".", "_" and "-", at most 64' };
  return undefined;
}

export function checkCryptHash(hash: string): Problem | undefined {
  if (CRYPT.test(hash)) return undefined;
  if (/^\$1\$/.test(hash) || /^[./A-Za-z0-9]{13}$/.test(hash)) return { problem: 'md5-crypt and DES hashes are too weak', hint: HASH_HINT };
  if (!hash.startsWith('$')) return { problem: 'is not a crypt(3) hash (plain-text passwords are not accepted)', hint: HASH_HINT };
  return { problem: 'is not a crypt(3) hash HAProxy can check', hint: `yescrypt ($y$), bcrypt ($2b$), sha512-crypt ($6$) or scrypt ($7$); ${HASH_HINT}` };
}

/** Headers HAProxy or HTTP itself manages; setting them would break framing or hide `hsts`. */
const RESERVED_HEADERS = ['connection', 'content-length', 'keep-alive', 'proxy-connection', 'te', 'trailer', 'transfer-encoding', 'upgrade'];

export function checkHeader(name: string, value: string): Problem | undefined {
  if (!/^[A-Za-z0-9-]{1,64}$/.test(name)) return { problem: `"${name}" is not a header name HAProxy accepts`, hint: 'letters, digits and "-"' };
  if (name.toLowerCase() === 'strict-transport-security') return { problem: 'Strict-Transport-Security is set by hsts', hint: 'use hsts: <seconds>' };
  if (RESERVED_HEADERS.includes(name.toLowerCase())) return { problem: `${name} is managed by HTTP itself and cannot be set` };
  if (!/^[\x21-\x7e]([\x20-\x7e]{0,1022}[\x21-\x7e])?$/.test(value)) {
    return { problem: `the value of ${name} must be printable ASCII without leading or trailing spaces, at most 1024 characters` };
  }
  return undefined;
}

export function checkHealthPath(path: string): Problem | undefined {
  if (!/^\/[A-Za-z0-9._~!&()*+,;=:@%/?-]{0,255}$/.test(path)) return { problem: `"${path}" is not a request path`, hint: 'starts with "/", no spaces or quotes, e.g. /healthz' };
  return undefined;
}
