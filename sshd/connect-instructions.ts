/**
 * What a tunnel user is told: the `ssh -N -R` command per route, an ~/.ssh/config block that
 * does the same with `ssh <alias>`, and the known_hosts line that makes the first connect safe.
 */

import { tunnelSocketPaths } from '../stacks/layout.js';
import type { EdgeModel } from '../stacks/model.js';
import { forwardArg, type LocalForward, type RemoteForward, sshCommand, userForwards } from './user-forwards.js';

export interface ConnectOptions {
  /** The public name or address of the tunnel server, as users reach it. */
  serverHost: string;
  /** A complete known_hosts line (see `knownHostsLine`); without it the text says how to get one. */
  knownHostsLine?: string;
  /** Private key path on the user's machine; default `~/.ssh/id_ed25519`. */
  identityFile?: string;
}

/**
 * The known_hosts line for the server's host public key (`ssh-ed25519 AAAA… [comment]`). ssh
 * writes a non-22 port as `[host]:port`.
 */
export function knownHostsLine(serverHost: string, port: number, publicKey: string): string {
  const [type, blob] = publicKey.trim().split(/\s+/);
  const host = port === 22 ? serverHost : `[${serverHost}]:${port}`;
  return `${host} ${type} ${blob}`;
}

/** The server name users connect to: `override` (--server-host), else the user's first route host. */
export function serverHostFor(model: EdgeModel, user: string, override?: string): string {
  if (override) return override;
  const route = model.routes.find((r) => r.kind === 'tunnel' && r.user === user);
  return route?.host.endsWith('.localhost') ? 'localhost' : (route?.host ?? 'localhost');
}

/** The Host alias in the ssh config block (and the service units' names). */
export function sshHostAlias(model: EdgeModel, user: string): string {
  return `${model.project}-${user}`;
}

/**
 * Connection instructions for one user, as plain text. Pure: the server's key comes in through
 * `opts.knownHostsLine`. The caller checks that the user exists (a programming error otherwise).
 */
export function renderConnectInstructions(model: EdgeModel, user: string, opts: ConnectOptions): string {
  if (!model.users.some((u) => u.name === user)) throw new Error(`no user "${user}" in the model`);
  const identity = opts.identityFile ?? '~/.ssh/id_ed25519';
  const { remote, local } = userForwards(model, user);
  const command = (f: RemoteForward | LocalForward) => sshCommand(model, user, forwardArg(f), { serverHost: opts.serverHost, identityFile: identity });
  const out: string[] = [`Tunnels for ${user} on ${opts.serverHost} (project ${model.project})`, ''];

  if (remote.length + local.length === 0) out.push(`${user} has no tunnel routes or shares in edge.yaml yet.`, '');
  for (const f of remote) {
    if (f.share) out.push(`# share ${f.share.name} (private, for ${f.share.with.join(', ')}) -> your ${f.local}`);
    else out.push(`# https://${f.route?.host} -> your ${f.local} (change the port to where your service listens)`);
    out.push(command(f));
    const extra = f.route ? tunnelSocketPaths(f.route).slice(1) : [];
    if (f.route && extra.length > 0) {
      out.push(`# ${f.route.host} has ${f.route.replicas} slots; run more instances (same or other machines), one per slot:`);
      for (const slot of extra) out.push(`#   -R ${slot}:${f.local}`);
    }
    out.push('');
  }
  for (const f of local) out.push(`# share ${f.share.name} of ${f.share.owner} -> reach it on your localhost:${f.port}`, command(f), '');

  const alias = sshHostAlias(model, user);
  out.push(`# ~/.ssh/config: then \`ssh ${alias}\` opens all of ${user}'s tunnels${local.length ? ' and shares' : ''}`);
  out.push(`Host ${alias}`);
  out.push(`    HostName ${opts.serverHost}`, `    Port ${model.ports.ssh}`, `    User ${user}`, `    IdentityFile ${identity}`);
  out.push('    IdentitiesOnly yes', '    StrictHostKeyChecking yes', '    ExitOnForwardFailure yes');
  out.push('    ServerAliveInterval 15', '    ServerAliveCountMax 3');
  out.push('    # Same as -N (OpenSSH 8.7+): no shell, only the tunnels.', '    SessionType none');
  out.push('    # AES-GCM is ~1.5x faster with AES-NI (x86); on ARM without AES instructions put chacha20 first.');
  out.push('    Ciphers aes128-gcm@openssh.com,chacha20-poly1305@openssh.com');
  for (const f of remote) out.push(`    RemoteForward ${f.socket} ${f.local}`);
  for (const f of local) out.push(`    LocalForward ${f.port} ${f.socket}`);
  out.push('');

  out.push('# ~/.ssh/known_hosts: the server key, so the first connect is verified (StrictHostKeyChecking yes)');
  out.push(opts.knownHostsLine ?? '# (not known yet: the server key is created by the first `up`; ask again afterwards)');
  out.push('');
  return out.join('\n');
}
