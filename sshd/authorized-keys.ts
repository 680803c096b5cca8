/** authorized_keys and certificate-principal files of the tunnel accounts. */
import type { UserKey, UserModel } from '../stacks/model.js';

/**
 * Options on every key and principal. `restrict` turns everything off (PTY, agent, X11,
 * forwarding, rc) and `port-forwarding` turns forwarding back on; sshd_config then narrows it.
 */
const KEY_OPTIONS = 'restrict,port-forwarding';

/**
 * OpenSSH's `expiry-time` value for an instant: `YYYYMMDDHHMMSSZ`. The `Z` matters: without it
 * sshd reads the time in its own local time zone.
 */
function expiryTime(iso: string): string {
  return `${iso.slice(0, 19).replace(/[-:T]/g, '')}Z`;
}

const keyLine = (key: UserKey) => `${KEY_OPTIONS}${key.expires ? `,expiry-time="${expiryTime(key.expires)}"` : ''} ${key.line}`;

/** One user's authorized_keys: a header comment, then each key (model order) with its options. */
export function renderAuthorizedKeys(user: UserModel): string {
  return `${[`# ${user.name}: rendered from edge.yaml by tunnelgate; do not edit.`, ...user.keys.map(keyLine)].join('\n')}\n`;
}

/**
 * One user's AuthorizedPrincipalsFile: a certificate from a trusted CA logs in as `user` only if
 * `user` is among its principals, with the same options as a key (sshd does not apply
 * authorized_keys options to certificates).
 */
export function renderPrincipals(user: UserModel): string {
  return `# ${user.name}: certificates whose principals include "${user.name}"; rendered by tunnelgate.\n${KEY_OPTIONS} ${user.name}\n`;
}
