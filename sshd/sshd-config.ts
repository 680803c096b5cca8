/**
 * The sshd_config of the tunnel server: public keys only, no shell, and nothing forwarded but
 * remote UNIX sockets. Complete on its own (Debian's /etc/ssh/sshd_config is not read), so every
 * default that matters is spelled out. sshd takes the FIRST value of most keywords: no Include.
 */
import { SSHD } from '../stacks/layout.js';
import type { EdgeModel } from '../stacks/model.js';
import { HOST_KEY_TYPES, hostKeyPath } from './image-paths.js';

/** The group every tunnel account has as primary group; sshd admits nobody else. */
export const TUNNEL_USERS_GROUP = 'tgusers';

/** Renders sshd_config for a model. Pure and deterministic. */
export function renderSshdConfig(model: EdgeModel, notice: string): string {
  const lines = [
    `# sshd_config for tunnelgate project "${model.project}", rendered from edge.yaml by sshd/render.ts.`,
    `# Do not edit: \`up\` overwrites it. Published on host port ${model.ports.ssh}.`,
    '',
    `Port ${SSHD.port}`,
    ...HOST_KEY_TYPES.map((t) => `HostKey ${hostKeyPath(t)}`),
    'LogLevel VERBOSE',
    '',
    '# Who: tunnel accounts only (sync-users.sh gives them this primary group), by public key only.',
    `AllowGroups ${TUNNEL_USERS_GROUP}`,
    'PermitRootLogin no',
    'AuthenticationMethods publickey',
    'PubkeyAuthentication yes',
    'PasswordAuthentication no',
    'KbdInteractiveAuthentication no',
    'HostbasedAuthentication no',
    'GSSAPIAuthentication no',
    'PermitEmptyPasswords no',
    '# No PAM: nothing else to configure in the image. Accounts have password field "*" (not "!",',
    '# which sshd would then treat as locked and refuse even for keys).',
    'UsePAM no',
    '# Written by the host into the config volume as root, mode 0644, in root-owned 0755 dirs:',
    '# exactly what StrictModes accepts.',
    `AuthorizedKeysFile ${SSHD.authorizedKeysDir}/%u`,
    'StrictModes yes',
    'PermitUserEnvironment no',
    'PermitUserRC no',
    'LoginGraceTime 30',
    '',
    '# What: no shell, no PTY, no agent/X11/tun. The login shell is nologin, which prints the same',
    '# line from /etc/nologin.txt; ForceCommand guards against a shell even if that ever changes.',
    '# `ssh -N` opens no session, so tunnels are unaffected.',
    `ForceCommand echo '${notice}'`,
    'PermitTTY no',
    'AllowAgentForwarding no',
    'X11Forwarding no',
    'PermitTunnel no',
    '',
    '# Forwarding: only `ssh -R <socket>:…`. authorized_keys says `restrict,port-forwarding`, which',
    '# re-enables TCP and socket forwarding in both directions, so these lines are the real fence.',
    '# Not `AllowTcpForwarding no`: OpenSSH checks remote socket forwards against the remote TCP',
    '# permissions too, so "no" refuses every `-R <socket>` (tested with 10.0). Instead: remote only',
    '# (no -L/-W/-D), and PermitListen none refuses every TCP listen; it cannot match socket paths.',
    'AllowTcpForwarding remote',
    'PermitListen none',
    'PermitOpen none',
    'GatewayPorts no',
    'AllowStreamLocalForwarding remote',
    '# OpenSSH has no ACL for socket paths: /run/tunnels/<user>/ (owned by that user alone) is.',
    '# Unlink a stale socket so a reconnect reuses its path.',
    'StreamLocalBindUnlink yes',
    '# Sockets 0660 owner:tunnels (setgid dir); the default 0177 gives 0600 and HAProxy, in group',
    '# tunnels, gets Permission denied.',
    'StreamLocalBindMask 0117',
    '',
    '# Drop dead clients in ~45 s so their socket paths free up (default: never).',
    'ClientAliveInterval 15',
    'ClientAliveCountMax 3',
    "# Behind Docker's userland proxy every client arrives from one address, so a per-source",
    '# penalty earned by one client (a laptop retrying with a wrong key) would lock out all users.',
    '# With public keys only there is nothing to guess; MaxStartups still bounds unauthenticated load.',
    'PerSourcePenalties no',
    '# No UnusedConnectionTimeout: a `-N -R` connection has no channel until a request arrives.',
    'PrintMotd no',
    'PrintLastLog no',
    'UseDNS no',
    '',
  ];
  return lines.join('\n');
}
