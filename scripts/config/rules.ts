/**
 * Single-value rules of edge.yaml (host names, user names) and the "did you mean"
 * helper. Pure; each returns a problem with a hint, or nothing.
 */
export interface Problem {
  problem: string;
  hint?: string;
}

/** Accounts that exist in the images or mean something to the system; never tunnel users. */
const RESERVED_USERS = new Set([
  'root',
  'daemon',
  'bin',
  'sys',
  'sync',
  'games',
  'man',
  'lp',
  'mail',
  'news',
  'uucp',
  'proxy',
  'www-data',
  'backup',
  'list',
  'irc',
  'gnats',
  'nobody',
  'nogroup',
  'sshd',
  'haproxy',
  'tunnels',
  'tgusers',
  'admin',
  'operator',
  'messagebus',
  'systemd-network',
  'systemd-timesync',
]);

/** Debian's useradd default NAME_REGEX, minus uppercase and `$`, with the 32-character limit. */
export function checkUserName(name: string): Problem | undefined {
  if (!/^[a-z_][a-z0-9_-]{0,31}$/.test(name)) {
    return { problem: `"${name}" cannot be a Unix account name`, hint: 'start with a lowercase letter or _, then lowercase letters, digits, _ or -, at most 32 characters' };
  }
  if (RESERVED_USERS.has(name)) return { problem: `"${name}" is a reserved account name`, hint: 'choose a personal name such as "alice"' };
  return undefined;
}

/**
 * A lowercase DNS name (RFC 1123 labels), at most 253 characters; or a wildcard: one leading
 * `*.` label before such a name of at least two labels. That is all a certificate can carry
 * (RFC 6125: `*` is a whole left-most label), and `*.com` would claim a whole TLD, which no CA signs.
 * Whether a wildcard is allowed where it appears is the caller's rule (it needs DNS-01).
 */
export function checkHost(host: string): Problem | undefined {
  if (host !== host.toLowerCase()) return { problem: `host "${host}" must be lowercase`, hint: `write "${host.toLowerCase()}"` };
  if (host.startsWith('*.')) {
    const domain = host.slice(2);
    if (domain.includes('*')) return { problem: `host "${host}" has more than one wildcard`, hint: 'only one leading "*." label, e.g. *.example.com' };
    const inner = checkHost(domain);
    if (inner) return { problem: inner.problem.replace(`host "${domain}"`, `host "${host}"`), ...(inner.hint ? { hint: inner.hint } : {}) };
    if (!domain.includes('.')) return { problem: `wildcard "${host}" covers a whole top-level domain`, hint: 'a wildcard needs at least two labels after "*.", e.g. *.example.com' };
    return undefined;
  }
  if (host.includes('*')) return { problem: `host "${host}" has a "*" that is not a leading "*." label`, hint: 'a wildcard is written *.example.com: a whole first label, nothing else' };
  if (host.includes('://') || host.includes('/') || host.includes(':')) return { problem: `host "${host}" must be a bare DNS name`, hint: 'no scheme, port or path: e.g. grafana.example.com' };
  const labels = host.split('.');
  const badLabel = labels.find((l) => !/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/.test(l));
  if (host.length > 253 || badLabel !== undefined) {
    return { problem: `host "${host}" is not a valid DNS name`, hint: badLabel !== undefined ? `label "${badLabel}": letters, digits and inner hyphens, 1–63 characters` : 'at most 253 characters' };
  }
  return undefined;
}

/** Edit distance, for "did you mean". */
function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cur = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = cur;
    }
  }
  return row[b.length]!;
}

/** The closest candidate within a few edits (1 for short words, up to 3 for long ones), if any. */
export function suggest(word: string, candidates: string[]): string | undefined {
  const limit = word.length <= 3 ? 1 : Math.min(3, Math.max(2, Math.floor(word.length / 3)));
  let best: { c: string; d: number } | undefined;
  for (const c of candidates) {
    const d = distance(word.toLowerCase(), c.toLowerCase());
    if (d <= limit && (!best || d < best.d)) best = { c, d };
  }
  return best?.c;
}
