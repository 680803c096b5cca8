/** The `users:` section: account names and their public keys. */
import type { UserModel } from '../../stacks/model.js';
import { obj, type Problems } from './problems.js';
import { checkUserName } from './rules.js';
import { parsePublicKey } from './ssh-key.js';

/** The users from the raw section (in file order), reporting every problem into `out`. */
export function validateUsers(raw: unknown, out: Problems): UserModel[] {
  const users: UserModel[] = [];
  for (const [name, value] of Object.entries(obj(raw))) {
    const nameProblem = checkUserName(name);
    if (nameProblem) out.at(['users', name], nameProblem.problem, nameProblem.hint, out.keyNode(['users'], name));
    const keys: string[] = [];
    const rawKeys = obj(value).keys;
    (Array.isArray(rawKeys) ? rawKeys : []).forEach((line, i) => {
      if (typeof line !== 'string') return;
      const parsed = parsePublicKey(line);
      if (!parsed.ok) out.at(['users', name, 'keys', i], parsed.problem, parsed.hint);
      else if (keys.includes(parsed.normalized)) out.at(['users', name, 'keys', i], 'duplicate key');
      else keys.push(parsed.normalized);
    });
    users.push({ name, keys });
  }
  return users;
}
