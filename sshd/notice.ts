/** The text a tunnel user gets when they ask for a shell or a command. */

import { MOUNTS } from '../stacks/layout.js';
import type { EdgeModel } from '../stacks/model.js';

/**
 * One line, the same for every user (it lands in /etc/nologin.txt, which is global): what this
 * account is and the command that works. The login program prints it when the host has not
 * written the user's summary (yet).
 */
export function tunnelOnlyNotice(model: EdgeModel): string {
  const port = model.ports.ssh === 22 ? '' : ` -p ${model.ports.ssh}`;
  return `tunnelgate: this is a tunnel-only account, no shell or commands. Connect with: ssh -N -R ${MOUNTS.tunnels}/<you>/<host>.sock:localhost:<local port>${port} <you>@<this server>`;
}
