/**
 * "Where you stand", for one user: their routes with each slot's state and the certificate's days
 * left, the shares they own or may use, their keys' expiry, and the exact command for each. The
 * text is written with markers for what changes by the minute (`<<slot PATH>>`, `<<cert EPOCH>>`,
 * `<<days EPOCH>>`); the login program in the image (sshd/login) fills them at login, and
 * `status --user` fills the same text with `fillSummary`, so both say the same thing. Only the
 * user's own routes, shares and keys appear: nothing about any other user.
 */
import { createHash } from 'node:crypto';
import { tunnelSocketPaths } from '../stacks/layout.js';
import type { EdgeModel, UserKey } from '../stacks/model.js';
import { forwardArg, sshCommand, userForwards } from './user-forwards.js';

export interface SummaryOptions {
  /** The name users connect to. */
  serverHost: string;
  /** notAfter per route host of an issued certificate; a host absent here is on its placeholder. */
  certificates: Record<string, Date>;
}

const epoch = (d: Date) => Math.floor(d.getTime() / 1000);

/** `SHA256:…` of a public key line, as `ssh-keygen -l` prints it. */
export function keyFingerprint(line: string): string {
  const blob = Buffer.from(line.split(' ')[1] ?? '', 'base64');
  return `SHA256:${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`;
}

function keyLine(key: UserKey): string {
  const [type, , ...comment] = key.line.split(' ');
  const until = key.expires ? `expires ${key.expires.slice(0, 16).replace('T', ' ')} UTC (<<days ${epoch(new Date(key.expires))}>>)` : 'does not expire';
  return `  ${type} ${keyFingerprint(key.line)}${comment.length ? ` ${comment.join(' ')}` : ''}: ${until}`;
}

/** The summary text of `user`, with markers. Pure. */
export function renderLoginSummary(model: EdgeModel, user: string, opts: SummaryOptions): string {
  const { routes, remote, local } = userForwards(model, user);
  const cmd = (forward: string) => sshCommand(model, user, forward, { serverHost: opts.serverHost });
  const https = model.ports.https === 443 ? '' : `:${model.ports.https}`;
  const out = [`tunnelgate: ${user} on ${opts.serverHost} (project ${model.project})`, ''];

  out.push('Routes');
  if (routes.length === 0) out.push('  (none)');
  for (const route of routes) {
    const notAfter = opts.certificates[route.host];
    out.push(`  https://${route.host}${https}/  certificate: <<cert ${notAfter ? epoch(notAfter) : 'none'}>>`);
    const local = remote.find((f) => f.route === route)?.local ?? 'localhost:8080';
    tunnelSocketPaths(route).forEach((socket, i) => {
      out.push(`    slot ${i + 1}: <<slot ${socket}>>`, `      ${cmd(`-R ${socket}:${local}`)}`);
    });
  }
  const owned = remote.filter((f) => f.share);
  if (owned.length > 0) out.push('', 'Shares you own (you bind them with -R; nobody else can)');
  for (const f of owned) out.push(`  ${f.share?.name} for ${f.share?.with.join(', ')}: <<slot ${f.socket}>>`, `      ${cmd(forwardArg(f))}`);
  if (local.length > 0) out.push('', 'Shares you may use (reach them with -L on your machine)');
  for (const f of local) out.push(`  ${f.share.name} of ${f.share.owner}: <<slot ${f.socket}>>`, `      ${cmd(forwardArg(f))}`);

  const keys = model.users.find((u) => u.name === user)?.keys ?? [];
  out.push('', 'Login');
  for (const key of keys) out.push(keyLine(key));
  if (model.sshCA.length > 0) out.push(`  certificates from the team's CA (sshCA) whose principals include "${user}"`);
  out.push(`  at most ${model.limits.tunnelsPerUser} connections at a time`, '');
  return out.join('\n');
}

/**
 * The markers filled in at `now`, given whether a client listens on each socket (`undefined`:
 * could not be asked). The same rules as the login program (sshd/login).
 */
export function fillSummary(text: string, listening: (socket: string) => boolean | undefined, now: Date): string {
  const daysLeft = (end: number) => Math.floor((end - epoch(now)) / 86_400);
  const slot = (path: string) => {
    const l = listening(path);
    return l === undefined ? 'unknown' : l ? 'connected' : 'offline';
  };
  return text
    .replace(/<<slot (\S+)>>/g, (_m, path: string) => slot(path))
    .replace(/<<cert (\d+|none)>>/g, (_m, end: string) => {
      if (end === 'none') return 'self-signed placeholder (no certificate issued yet)';
      const date = new Date(Number(end) * 1000).toISOString().slice(0, 10);
      const left = daysLeft(Number(end));
      return left < 0 ? `EXPIRED on ${date}` : `valid until ${date} (${left} days left)`;
    })
    .replace(/<<days (\d+)>>/g, (_m, end: string) => {
      const left = daysLeft(Number(end));
      return left < 0 ? 'expired' : `${left} days left`;
    });
}

/** Every socket a summary asks about, for one probe. */
export function summarySockets(text: string): string[] {
  return [...new Set([...text.matchAll(/<<slot (\S+)>>/g)].map((m) => m[1] as string))];
}
