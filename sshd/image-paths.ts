/**
 * Paths inside the sshd image and its volumes that the host needs: the scripts it runs with
 * `docker exec`, and the host keys (the renderer points HostKey there; the known_hosts line is
 * read from the .pub). Must match sshd/Dockerfile and sshd/hostkeys.sh (a unit test checks).
 */
import { posix } from 'node:path';
import { MOUNTS, SSHD } from '../stacks/layout.js';

/** Where the Dockerfile installs entrypoint.sh, hostkeys.sh, sync-users.sh and the PAM hooks. */
export const SSHD_LIB_DIR = '/usr/local/lib/tunnelgate';

/**
 * Host key types, strongest first: the order of HostKey lines is the server's preference. No
 * ECDSA: ssh-audit fails NIST curves, and every client speaks Ed25519 or RSA-SHA2.
 */
export const HOST_KEY_TYPES = ['ed25519', 'rsa'] as const;
export type HostKeyType = (typeof HOST_KEY_TYPES)[number];

/**
 * The login shell of every tunnel account and sshd's ForceCommand: prints the user's summary
 * (SSHD.loginDir) or one line, runs nothing.
 */
export const LOGIN_PROGRAM = `${SSHD_LIB_DIR}/login`;

/** The private host key of a type in the hostkeys volume; `.pub` next to it. */
export function hostKeyPath(type: HostKeyType): string {
  return `${MOUNTS.hostkeys}/ssh_host_${type}_key`;
}

/**
 * argv for `docker exec <sshd> …` after new files were written to the config volume: applies
 * added and removed users live. Exit 0 = in sync; non-zero = nothing or not everything applied
 * (stderr says which user and why).
 */
export function syncUsersArgv(): string[] {
  return [`${SSHD_LIB_DIR}/sync-users.sh`];
}

/**
 * argv for `docker exec <sshd> …` that validates the rendered sshd_config (exit 0 = valid).
 * Run it before SIGHUP: sshd re-executes itself on SIGHUP and, as PID 1, a config it rejects
 * would stop the container and drop every tunnel.
 */
export function checkSshdConfigArgv(): string[] {
  return ['/usr/sbin/sshd', '-t', '-f', SSHD.config];
}

/**
 * argv removing the per-user files (authorized_keys, principals) and the CA file that the new
 * rendering no longer has: files are only ever written, so without this a removed user's keys,
 * or a CA taken out of sshCA, would linger in the config volume.
 */
export function pruneSshdFilesArgv(keep: string[]): string[] {
  const script = 'for f in "$0"/authorized_keys/* "$0"/principals/* "$0"/user_ca.pub; do [ -e "$f" ] || continue; case " $* " in *" $f "*) ;; *) rm -f "$f";; esac; done';
  return ['sh', '-c', script, posix.dirname(SSHD.config), ...keep];
}

/**
 * argv removing login summaries of users no longer in edge.yaml (`keep`: the paths just written).
 */
export function pruneLoginFilesArgv(keep: string[]): string[] {
  const script = 'for f in "$0"/*; do [ -e "$f" ] || continue; case " $* " in *" $f "*) ;; *) rm -f "$f";; esac; done';
  return ['sh', '-c', script, SSHD.loginDir, ...keep];
}

/**
 * argv that succeeds once sshd listens on its port inside the container (a LISTEN entry in
 * /proc/net/tcp{,6}): the entrypoint first makes host keys and accounts, so a started container
 * is not yet a ready one.
 */
export function sshdListeningArgv(): string[] {
  const port = SSHD.port.toString(16).toUpperCase().padStart(4, '0');
  return ['awk', `$2 ~ /:${port}$/ && $4 == "0A" { found = 1 } END { exit !found }`, '/proc/net/tcp', '/proc/net/tcp6'];
}

/**
 * argv printing `1 <path>` or `0 <path>` per socket: whether something listens on it, the same
 * test the login program makes (a connect, closed at once).
 */
export function probeSocketsArgv(paths: string[]): string[] {
  const script = 'for (@ARGV) { my $s = IO::Socket::UNIX->new(Type => SOCK_STREAM(), Peer => $_); print(($s ? 1 : 0), " $_\n") }';
  return ['perl', '-MIO::Socket::UNIX', '-e', script, ...paths];
}

/** argv printing the ed25519 host public key (`ssh-ed25519 AAAA…`), for the known_hosts line. */
export function hostPublicKeyArgv(): string[] {
  return ['cat', `${hostKeyPath('ed25519')}.pub`];
}
