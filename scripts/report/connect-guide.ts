/**
 * What users are told: one user's connect instructions (`status --user`), and what `up` prints
 * last (for the demo, how to open its tunnel and try it; otherwise the routes and where each
 * user's instructions are). Pure: the server's host key is passed in.
 */
import { knownHostsLine, renderConnectInstructions, serverHostFor } from '../../sshd/connect-instructions.js';
import { tunnelSocketPaths } from '../../stacks/layout.js';
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

/** `user`'s ssh commands, ~/.ssh/config block and known_hosts line; UsageError for an unknown user. */
export function renderUserInstructions(model: EdgeModel, user: string, opts: GuideOptions = {}): string {
  if (!model.users.some((u) => u.name === user)) {
    throw new UsageError(`no user "${user}" in edge.yaml (users: ${model.users.map((u) => u.name).join(', ') || 'none'})`);
  }
  const serverHost = serverHostFor(model, user, opts.serverHost);
  const known = opts.hostKey ? knownHostsLine(serverHost, model.ports.ssh, opts.hostKey) : undefined;
  return renderConnectInstructions(model, user, { serverHost, ...(known ? { knownHostsLine: known } : {}), ...(opts.identityFile ? { identityFile: opts.identityFile } : {}) });
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
  if (model.users.length) lines.push('', 'Connect instructions per user: npm run status -- --user <name>');
  return lines.join('\n');
}
