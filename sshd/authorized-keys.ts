/** authorized_keys files of the tunnel accounts. */
import type { UserModel } from '../stacks/model.js';

/**
 * Options on every key. `restrict` turns everything off (PTY, agent, X11, forwarding, rc) and
 * `port-forwarding` turns forwarding back on; sshd_config then narrows it to remote sockets.
 */
const KEY_OPTIONS = 'restrict,port-forwarding';

/** One user's authorized_keys: a header comment, then each key (model order) with KEY_OPTIONS. */
export function renderAuthorizedKeys(user: UserModel): string {
  const lines = [`# ${user.name}: rendered from edge.yaml by tunnelgate; do not edit.`];
  for (const key of user.keys) lines.push(`${KEY_OPTIONS} ${key}`);
  return `${lines.join('\n')}\n`;
}
