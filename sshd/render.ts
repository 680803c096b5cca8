/**
 * Everything the sshd container reads from the config volume, rendered from the model:
 * sshd_config, the accounts manifest, one authorized_keys file per user and, with sshCA, the
 * CA keys and one principals file per user.
 */
import { SSHD } from '../stacks/layout.js';
import type { EdgeModel } from '../stacks/model.js';
import { accountsManifest, assignUids } from './accounts.js';
import { renderAuthorizedKeys, renderPrincipals } from './authorized-keys.js';
import { serverHostFor } from './connect-instructions.js';
import { renderLoginSummary } from './login-summary.js';
import { tunnelOnlyNotice } from './notice.js';
import { renderSshdConfig } from './sshd-config.js';

/**
 * Files keyed by absolute path inside the container (under MOUNTS.config). Pure: the same model
 * gives byte-identical files, keys in sorted order. Write them as root, mode 0644 (StrictModes),
 * remove per-user files of users no longer present, then run `syncUsersArgv()`.
 */
export function renderSshdFiles(model: EdgeModel): Record<string, string> {
  const notice = tunnelOnlyNotice(model);
  const files: Record<string, string> = {
    [SSHD.config]: renderSshdConfig(model),
    [SSHD.accounts]: `${JSON.stringify(accountsManifest(model, notice), null, 2)}\n`,
  };
  for (const user of model.users) files[`${SSHD.authorizedKeysDir}/${user.name}`] = renderAuthorizedKeys(user);
  if (model.sshCA.length > 0) {
    files[SSHD.userCaKeys] = `${model.sshCA.join('\n')}\n`;
    for (const user of model.users) files[`${SSHD.principalsDir}/${user.name}`] = renderPrincipals(user);
  }
  return Object.fromEntries(Object.entries(files).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** A login summary file: readable by its user alone (the login program runs as that user). */
export interface LoginFile {
  path: string;
  content: string;
  uid: number;
}

/**
 * One login summary per user (`SSHD.loginDir/<user>`), sorted by user. `certificates`: notAfter
 * of each issued certificate by route host (the rest are placeholders). Pure; written by `up`
 * (and refreshed after a renewal) with the user's uid, mode 0400.
 */
export function renderLoginFiles(model: EdgeModel, certificates: Record<string, Date>): LoginFile[] {
  const uids = assignUids(model.users.map((u) => u.name));
  return model.users.map((u) => {
    // A user without routes gets no other user's host as the server name.
    const hasRoute = model.routes.some((r) => r.kind === 'tunnel' && r.user === u.name);
    const serverHost = hasRoute ? serverHostFor(model, u.name) : '<this server>';
    return { path: `${SSHD.loginDir}/${u.name}`, content: renderLoginSummary(model, u.name, { serverHost, certificates }), uid: uids.get(u.name) as number };
  });
}
