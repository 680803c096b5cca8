/** The `shares:` section: private sockets between users, each with one owner and a list of users. */
import type { ShareModel } from '../../stacks/model.js';
import { obj, type Problems, str } from './problems.js';
import { suggest } from './rules.js';

/** Names a user of edge.yaml, or reports where it does not. */
function checkUser(name: string, users: string[], path: Array<string | number>, out: Problems): boolean {
  if (users.includes(name)) return true;
  const close = suggest(name, users);
  out.at(path, `names no user "${name}"`, close ? `did you mean "${close}"?` : `users: ${users.join(', ') || 'none'}`);
  return false;
}

/** The shares from the raw section, sorted by name; problems go to `out`. */
export function validateShares(raw: unknown, users: string[], out: Problems): ShareModel[] {
  const shares: ShareModel[] = [];
  const seen = new Map<string, number>();
  (Array.isArray(raw) ? raw : []).forEach((value, i) => {
    const s = obj(value);
    const name = str(s.name);
    const owner = str(s.owner);
    const withList = Array.isArray(s.with) ? s.with.filter((u): u is string => typeof u === 'string') : [];
    if (name === undefined || owner === undefined) return; // reported by the schema walk
    const first = seen.get(name);
    if (first !== undefined) out.at(['shares', i, 'name'], `duplicate share "${name}" (first at shares[${first}])`, 'each share name may appear once');
    else seen.set(name, i);
    let ok = first === undefined && checkUser(owner, users, ['shares', i, 'owner'], out);
    const members: string[] = [];
    withList.forEach((u, j) => {
      const path = ['shares', i, 'with', j];
      if (!checkUser(u, users, path, out)) ok = false;
      else if (u === owner) {
        out.at(path, `${u} owns this share`, 'with lists the other users who may connect; the owner binds the socket');
        ok = false;
      } else if (members.includes(u)) {
        out.at(path, `${u} is listed twice`);
        ok = false;
      } else members.push(u);
    });
    if (ok && members.length > 0) shares.push({ name, owner, with: members.sort() });
  });
  return shares.sort((a, b) => a.name.localeCompare(b.name));
}
