/**
 * Everything the sshd container reads from the config volume, rendered from the model:
 * sshd_config, the accounts manifest and one authorized_keys file per user.
 */
import { SSHD } from '../stacks/layout.js';
import type { EdgeModel } from '../stacks/model.js';
import { accountsManifest } from './accounts.js';
import { renderAuthorizedKeys } from './authorized-keys.js';
import { tunnelOnlyNotice } from './notice.js';
import { renderSshdConfig } from './sshd-config.js';

/**
 * Files keyed by absolute path inside the container (under MOUNTS.config). Pure: the same model
 * gives byte-identical files, keys in sorted order. Write them as root, mode 0644 (StrictModes),
 * remove authorized_keys files of users no longer present, then run `syncUsersArgv()`.
 */
export function renderSshdFiles(model: EdgeModel): Record<string, string> {
  const notice = tunnelOnlyNotice(model);
  const files: Record<string, string> = {
    [SSHD.config]: renderSshdConfig(model, notice),
    [SSHD.accounts]: `${JSON.stringify(accountsManifest(model, notice), null, 2)}\n`,
  };
  for (const user of model.users) files[`${SSHD.authorizedKeysDir}/${user.name}`] = renderAuthorizedKeys(user);
  return Object.fromEntries(Object.entries(files).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
