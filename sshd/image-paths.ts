/**
 * Paths inside the sshd image and its volumes that the host needs: the scripts it runs with
 * `docker exec`, and the host keys (the renderer points HostKey there; the known_hosts line is
 * read from the .pub). Must match sshd/Dockerfile and sshd/hostkeys.sh (a unit test checks).
 */
import { MOUNTS, SSHD } from '../stacks/layout.js';

/** Where the Dockerfile installs entrypoint.sh, hostkeys.sh and sync-users.sh. */
export const SSHD_LIB_DIR = '/usr/local/lib/tunnelgate';

/** Host key types, strongest first: the order of HostKey lines is the server's preference. */
export const HOST_KEY_TYPES = ['ed25519', 'ecdsa', 'rsa'] as const;
export type HostKeyType = (typeof HOST_KEY_TYPES)[number];

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
 * argv removing authorized_keys files of users no longer in edge.yaml (files are only ever
 * written, so without this a removed user's keys would linger in the config volume).
 */
export function pruneAuthorizedKeysArgv(keep: string[]): string[] {
  const script = 'dir="$1"; shift; for f in "$dir"/*; do [ -e "$f" ] || continue; case " $* " in *" ${f##*/} "*) ;; *) rm -f "$f";; esac; done';
  return ['sh', '-c', script, 'prune', SSHD.authorizedKeysDir, ...keep];
}

/** argv printing the ed25519 host public key (`ssh-ed25519 AAAA…`), for the known_hosts line. */
export function hostPublicKeyArgv(): string[] {
  return ['cat', `${hostKeyPath('ed25519')}.pub`];
}
