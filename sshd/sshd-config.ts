/**
 * The sshd_config of the tunnel server: public keys (or certificates) only, no shell, and nothing
 * forwarded but remote UNIX sockets and, for share users, their shares. Complete on its own
 * (Debian's /etc/ssh/sshd_config is not read), so every default that matters is spelled out.
 * sshd takes the FIRST value of most keywords: no Include, and Match blocks at the end.
 */
import { SSHD, shareSocketPath } from '../stacks/layout.js';
import type { EdgeModel, LimitsModel } from '../stacks/model.js';
import { HOST_KEY_TYPES, hostKeyPath, LOGIN_PROGRAM } from './image-paths.js';

/** The group every tunnel account has as primary group; sshd admits nobody else. */
export const TUNNEL_USERS_GROUP = 'tgusers';

/**
 * Algorithms that Debian's ssh-audit grades without a [fail] or [warn] (only "unknown algorithm"
 * for the post-quantum kex newer than it), that Debian 12's OpenSSH 9.2 and the ssh2 library
 * still negotiate (curve25519, AES/ChaCha, ETM MACs). No NIST curves (kex or host key), no SHA-1,
 * no encrypt-and-MAC or 64-bit-tag MACs, and not the `@openssh.com` name of sntrup761
 * ("experimental" to ssh-audit); the un-suffixed name is the same algorithm.
 */
const ALGORITHMS = {
  KexAlgorithms: 'mlkem768x25519-sha256,sntrup761x25519-sha512,curve25519-sha256,curve25519-sha256@libssh.org',
  HostKeyAlgorithms: 'ssh-ed25519,rsa-sha2-512,rsa-sha2-256',
  Ciphers: 'chacha20-poly1305@openssh.com,aes256-gcm@openssh.com,aes128-gcm@openssh.com,aes256-ctr,aes192-ctr,aes128-ctr',
  MACs: 'hmac-sha2-256-etm@openssh.com,hmac-sha2-512-etm@openssh.com,umac-128-etm@openssh.com',
} as const;

/** The penalties an address earns (see limitLines); `max` bounds how long one address is refused. */
const PENALTIES = 'authfail:5s noauth:1s grace-exceeded:20s max:5m min:15s';

function limitLines(l: LimitsModel): string[] {
  return [
    '',
    '# Limits (edge.yaml limits:). MaxStartups counts unauthenticated connections of all sources',
    '# (established tunnels never count). Default 20:30:100: a restart makes every client reconnect at once.',
    `MaxStartups ${l.maxStartups.start}:${l.maxStartups.rate}:${l.maxStartups.full}`,
    '# One address (an IPv6 /64 counts as one subscriber) cannot take all pre-auth slots.',
    `PerSourceMaxStartups ${l.perSourceMaxStartups}`,
    'PerSourceNetBlockSize 32:64',
    '# Penalties (when on): with keys only, a failed login is a misconfigured client or a scan: 5 s',
    '# per failure, refused once 15 s have piled up (4 failures in a row), at most 5 min. The entrypoint',
    "# exempts the Docker network's gateway, which every loopback client (docker-proxy) comes from.",
    `PerSourcePenalties ${l.perSourcePenalties ? PENALTIES : 'no'}`,
  ];
}

/**
 * One Match block per user of a share: `-L <port>:<share socket>` needs local forwarding on
 * (TCP and stream-local) and a PermitOpen entry naming the exact path; TCP targets and every
 * other path stay refused. The share's group (file permissions) is the second fence.
 */
function shareLines(model: EdgeModel): string[] {
  const users = [...new Set(model.shares.flatMap((s) => s.with))].sort();
  const out: string[] = [];
  for (const user of users) {
    const paths = model.shares.filter((s) => s.with.includes(user)).map((s) => `[${shareSocketPath(s.name)}]:*`);
    out.push('', `Match User ${user}`, '    AllowTcpForwarding yes', '    AllowStreamLocalForwarding yes', `    PermitOpen ${paths.join(' ')}`);
  }
  if (out.length === 0) return [];
  return [
    '# Shares (edge.yaml shares:): `ssh -L <port>:/run/shares/<name>/sock` for the users in `with`.',
    '# PermitOpen lists socket paths only (brackets required), so -L/-W/-D to TCP stay refused and',
    '# PermitListen none (global) still refuses TCP listens. Match blocks last: they run to the end.',
    ...out.slice(1),
    '',
  ];
}

/** Renders sshd_config for a model. Pure and deterministic. */
export function renderSshdConfig(model: EdgeModel): string {
  const certificates = model.sshCA.length > 0;
  const lines = [
    `# sshd_config for tunnelgate project "${model.project}", rendered from edge.yaml by sshd/render.ts.`,
    `# Do not edit: \`up\` overwrites it. Published on host port ${model.ports.ssh}.`,
    '',
    `Port ${SSHD.port}`,
    '# Ed25519 first, RSA (3072 bits, SHA-2 signatures) for old clients; no ECDSA (NIST curve).',
    ...HOST_KEY_TYPES.map((t) => `HostKey ${hostKeyPath(t)}`),
    'LogLevel VERBOSE',
    '',
    ...Object.entries(ALGORITHMS).map(([k, v]) => `${k} ${v}`),
    'RequiredRSASize 2048',
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
    '# PAM runs two hooks only (sshd/pam-sshd): the per-user connection limit (account), whose',
    '# message the client sees, and the record of which key each connection used (session), so a',
    '# removed key ends exactly its own sessions. sshd checks the keys itself.',
    'UsePAM yes',
    '# Written by the host into the config volume as root, mode 0644, in root-owned 0755 dirs:',
    '# exactly what StrictModes accepts.',
    `AuthorizedKeysFile ${SSHD.authorizedKeysDir}/%u`,
    ...(certificates
      ? [
          "# Certificates signed by an sshCA key log in as a principal listed in the user's file",
          "# (the user's own name), with the same options as a key; validity is checked by sshd.",
          `TrustedUserCAKeys ${SSHD.userCaKeys}`,
          `AuthorizedPrincipalsFile ${SSHD.principalsDir}/%u`,
        ]
      : []),
    'StrictModes yes',
    'PermitUserEnvironment no',
    'PermitUserRC no',
    'LoginGraceTime 30',
    '',
    '# What: no shell, no PTY, no agent/X11/tun. The login shell is the same program: it prints the',
    '# summary the host wrote for the user (or one line) and runs nothing. `ssh -N` opens no session.',
    `ForceCommand ${LOGIN_PROGRAM}`,
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
    '# No UnusedConnectionTimeout: a `-N -R` connection has no channel until a request arrives.',
    ...limitLines(model.limits),
    '',
    'PrintMotd no',
    'PrintLastLog no',
    'UseDNS no',
    '',
    ...shareLines(model),
  ];
  return lines.join('\n');
}
