/**
 * Tunnel accounts: the stable uid of each user and the manifest sync-users.sh applies inside
 * the sshd container.
 */
import { createHash } from 'node:crypto';
import type { EdgeModel } from '../stacks/model.js';

/**
 * The uid range of tunnel accounts, far from Debian's system (0–999) and the first regular
 * users (1000+), and below 60000 (useradd's UID_MAX). sync-users.sh checks the same bounds.
 */
export const UID_RANGE = { min: 20000, max: 59999 } as const;

/** One account in the manifest. */
interface AccountEntry {
  name: string;
  uid: number;
}

/** What `SSHD.accounts` holds (JSON), read by sshd/sync-users.sh with jq. */
export interface AccountsManifest {
  /** The one line a tunnel user sees instead of a shell (sync-users writes it to /etc/nologin.txt). */
  notice: string;
  /** Sorted by name. */
  users: AccountEntry[];
}

const span = UID_RANGE.max - UID_RANGE.min + 1;

/** The uid a name gets when nothing collides: first 4 bytes of sha256(name), folded into the range. */
export function preferredUid(name: string): number {
  return UID_RANGE.min + (createHash('sha256').update(name).digest().readUInt32BE(0) % span);
}

/**
 * Uids for a set of user names. Each name gets `preferredUid(name)`; on a collision, names are
 * served in sorted order and a later name probes upwards (wrapping in the range) to the next free
 * uid. A uid therefore depends only on the name, except when two names collide (about n²/80 000
 * for n users): then adding a name that sorts before an existing colliding one moves that one,
 * and sync-users.sh recreates it (its sessions drop once). Stable enough for ids that only
 * own sockets and a directory; no state to keep.
 */
export function assignUids(names: readonly string[]): Map<string, number> {
  const taken = new Set<number>();
  const out = new Map<string, number>();
  for (const name of [...new Set(names)].sort()) {
    let uid = preferredUid(name);
    while (taken.has(uid)) uid = uid === UID_RANGE.max ? UID_RANGE.min : uid + 1;
    taken.add(uid);
    out.set(name, uid);
  }
  return out;
}

/** The account manifest for a model: users sorted, each with its stable uid. */
export function accountsManifest(model: EdgeModel, notice: string): AccountsManifest {
  const uids = assignUids(model.users.map((u) => u.name));
  return { notice, users: [...uids].map(([name, uid]) => ({ name, uid })) };
}
