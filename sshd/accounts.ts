/**
 * Tunnel accounts and share groups: their stable ids and the manifest sync-users.sh applies
 * inside the sshd container.
 */
import { createHash } from 'node:crypto';
import type { EdgeModel } from '../stacks/model.js';

/**
 * The uid range of tunnel accounts, far from Debian's system (0–999) and the first regular
 * users (1000+), and below 60000 (useradd's UID_MAX). sync-users.sh checks the same bounds.
 */
export const UID_RANGE = { min: 20000, max: 59999 } as const;

/**
 * The gid range of share groups, apart from the image's groups. sync-users.sh names each group
 * `tgs-<share>` and checks the range.
 */
export const SHARE_GID_RANGE = { min: 10000, max: 19999 } as const;

type IdRange = { min: number; max: number };

/** One account in the manifest. */
interface AccountEntry {
  name: string;
  uid: number;
}

/** One share in the manifest: its group's gid, the owner, and who else may connect. */
interface ShareEntry {
  name: string;
  gid: number;
  owner: string;
  with: string[];
}

/** What `SSHD.accounts` holds (JSON), read by sshd/sync-users.sh with jq. */
export interface AccountsManifest {
  /** The one line a tunnel user sees when there is no login summary (sync-users writes it to /etc/nologin.txt). */
  notice: string;
  /** limits.tunnelsPerUser: the PAM account hook refuses a user's next connection beyond it. */
  tunnelsPerUser: number;
  /** Sorted by name. */
  users: AccountEntry[];
  /** Sorted by name. */
  shares: ShareEntry[];
}

/** The id a name gets when nothing collides: first 4 bytes of sha256(name), folded into the range. */
export function preferredUid(name: string, range: IdRange = UID_RANGE): number {
  return range.min + (createHash('sha256').update(name).digest().readUInt32BE(0) % (range.max - range.min + 1));
}

/**
 * Ids for a set of names. Each name gets `preferredUid(name)`; on a collision, names are
 * served in sorted order and a later name probes upwards (wrapping in the range) to the next free
 * id. An id therefore depends only on the name, except when two names collide (about n²/80 000
 * for n users): then adding a name that sorts before an existing colliding one moves that one,
 * and sync-users.sh recreates it (its sessions drop once). Stable enough for ids that only
 * own sockets and a directory; no state to keep.
 */
export function assignUids(names: readonly string[], range: IdRange = UID_RANGE): Map<string, number> {
  const taken = new Set<number>();
  const out = new Map<string, number>();
  for (const name of [...new Set(names)].sort()) {
    let id = preferredUid(name, range);
    while (taken.has(id)) id = id === range.max ? range.min : id + 1;
    taken.add(id);
    out.set(name, id);
  }
  return out;
}

/** The account manifest for a model: users and shares sorted, each with its stable id. */
export function accountsManifest(model: EdgeModel, notice: string): AccountsManifest {
  const uids = assignUids(model.users.map((u) => u.name));
  const gids = assignUids(
    model.shares.map((s) => s.name),
    SHARE_GID_RANGE,
  );
  return {
    notice,
    tunnelsPerUser: model.limits.tunnelsPerUser,
    users: [...uids].map(([name, uid]) => ({ name, uid })),
    shares: model.shares.map((s) => ({ name: s.name, gid: gids.get(s.name) as number, owner: s.owner, with: [...s.with] })),
  };
}
