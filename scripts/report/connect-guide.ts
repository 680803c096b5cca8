/**
 * What users are told: one user's connect instructions (`status --user`), and what `up` prints
 * last (for the demo, how to open its tunnel and try it; otherwise the routes and where each
 * user's instructions are). Pure: the server's host key is passed in.
 */
import { knownHostsLine, renderConnectInstructions, serverHostFor } from '../../sshd/connect-instructions.js';
import { fillSummary, renderLoginSummary, summarySockets } from '../../sshd/login-summary.js';
import { renderLaunchdPlist, renderSystemdUnit } from '../../sshd/service-units.js';
import { tcpSocketPath, tunnelSocketPaths } from '../../stacks/layout.js';
import type { EdgeModel } from '../../stacks/model.js';
import { UsageError } from '../cli/errors.js';

export interface GuideOptions {
  /** --server-host: the public name users connect to. */
  serverHost?: string;
  /** The sshd host public key (`ssh-ed25519 AAAA…`), when the stack has made it. */
  hostKey?: string;
  /** The private key path to show (the demo's generated key). */
  identityFile?: string;
}

/** The live facts a user's summary is filled with (scripts/live/user-facts.ts). */
export interface SummaryFacts {
  listening: Record<string, boolean>;
  certificates: Record<string, Date>;
  now: Date;
}

function checkUser(model: EdgeModel, user: string): void {
  if (!model.users.some((u) => u.name === user)) {
    throw new UsageError(`no user "${user}" in edge.yaml (users: ${model.users.map((u) => u.name).join(', ') || 'none'})`);
  }
}

/** The sockets `user`'s summary shows (what to probe before `renderUserSummary`). */
export function userSummarySockets(model: EdgeModel, user: string): string[] {
  checkUser(model, user);
  return summarySockets(renderLoginSummary(model, user, { serverHost: 'x', certificates: {} }));
}

/** `user`'s summary as their login shows it, filled with `facts`; UsageError for an unknown user. */
export function renderUserSummary(model: EdgeModel, user: string, facts: SummaryFacts, opts: GuideOptions = {}): string {
  checkUser(model, user);
  const text = renderLoginSummary(model, user, { serverHost: serverHostFor(model, user, opts.serverHost), certificates: facts.certificates });
  return fillSummary(text, (socket) => facts.listening[socket], facts.now);
}

/** `user`'s systemd unit or launchd agent; UsageError for an unknown user. */
export function renderUserService(model: EdgeModel, user: string, kind: 'systemd' | 'launchd', opts: GuideOptions = {}): string {
  checkUser(model, user);
  const unit = { serverHost: serverHostFor(model, user, opts.serverHost), ...(opts.identityFile ? { identityFile: opts.identityFile } : {}) };
  return kind === 'systemd' ? renderSystemdUnit(model, user, unit) : renderLaunchdPlist(model, user, unit);
}

/** `user`'s ssh commands, ~/.ssh/config block and known_hosts line; UsageError for an unknown user. */
export function renderUserInstructions(model: EdgeModel, user: string, opts: GuideOptions = {}): string {
  checkUser(model, user);
  const serverHost = serverHostFor(model, user, opts.serverHost);
  const known = opts.hostKey ? knownHostsLine(serverHost, model.ports.ssh, opts.hostKey) : undefined;
  const identity = opts.identityFile ?? '~/.ssh/id_ed25519';
  const text = renderConnectInstructions(model, user, { serverHost, ...(known ? { knownHostsLine: known } : {}), identityFile: identity });
  return `${text}${tcpInstructions(model, user, serverHost, identity)}`;
}

/** The `ssh -R` of each raw TCP route the user serves: edge port N -> their local service. */
function tcpInstructions(model: EdgeModel, user: string, serverHost: string, identity: string): string {
  const mine = (model.tcp ?? []).filter((t) => t.kind === 'tunnel' && t.user === user);
  if (mine.length === 0) return '';
  const port = model.ports.ssh === 22 ? '' : ` -p ${model.ports.ssh}`;
  const lines = [`# Raw TCP routes: port N of ${serverHost} -> your local service (here assumed on the same port; change it)`];
  for (const t of mine) {
    lines.push(`ssh -N -R ${tcpSocketPath(user, t.port)}:localhost:${t.port}${port} -i ${identity} -o ExitOnForwardFailure=yes ${user}@${serverHost}`);
  }
  return `\n${lines.join('\n')}\n`;
}

/**
 * The demo's next steps: a local web server, its tunnel, the URL to try. On a remote engine the
 * stack runs on `serverHost`, so the tunnel goes there and curl connects there for demo.localhost.
 */
function demoSteps(model: EdgeModel, keyPath: string, serverHost?: string): string {
  const route = model.routes.find((r) => r.kind === 'tunnel');
  if (route?.kind !== 'tunnel') return '';
  const url = `https://${route.host}:${model.ports.https}/`;
  const curl = serverHost ? `curl -k --connect-to ${route.host}:${model.ports.https}:${serverHost}:${model.ports.https} ${url}` : `curl -k ${url}`;
  return `Demo is up. Open a tunnel from this machine to a local web server on port 8000:
  python3 -m http.server 8000 &
  ssh -N -i ${keyPath} -p ${model.ports.ssh} -o StrictHostKeyChecking=accept-new \\
      -R ${tunnelSocketPaths(route)[0]}:localhost:8000 ${route.user}@${serverHost ?? 'localhost'}
Then:
  ${curl}
Until the tunnel is open, that URL answers 503 with these instructions.`;
}

/**
 * What `up` prints after converging. `demo`: the embedded demo with its generated key;
 * `serverHost`: the machine of a remote engine (users connect there).
 */
export function renderUpGuide(model: EdgeModel, opts: { demo?: { keyPath: string }; hostKey?: string; serverHost?: string }): string {
  if (opts.demo) {
    const user = model.users[0]?.name ?? 'demo';
    const guide = { identityFile: opts.demo.keyPath, ...(opts.hostKey ? { hostKey: opts.hostKey } : {}), ...(opts.serverHost ? { serverHost: opts.serverHost } : {}) };
    return `${demoSteps(model, opts.demo.keyPath, opts.serverHost)}\n\n${renderUserInstructions(model, user, guide)}`;
  }
  const port = model.ports.https === 443 ? '' : `:${model.ports.https}`;
  const lines = model.routes.map((r) => `  https://${r.host}${port}/ -> ${r.kind === 'tunnel' ? `tunnel of ${r.user}` : r.upstream.url}`);
  for (const t of model.tcp ?? []) lines.push(`  tcp port ${t.port} -> ${t.kind === 'tunnel' ? `tunnel of ${t.user} (${tcpSocketPath(t.user, t.port)})` : t.upstream.url}`);
  if (model.users.length) lines.push('', 'Connect instructions per user: npm run status -- --user <name>');
  return lines.join('\n');
}
