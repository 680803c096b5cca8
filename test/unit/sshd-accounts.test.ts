/** Tunnel uids: deterministic, in range, and stable when users come and go. */
import { describe, expect, it } from 'vitest';
import { assignUids, preferredUid, UID_RANGE } from '../../sshd/accounts.js';

const names = ['alice', 'bob', 'carol', 'dave', 'demo', 'erin', 'mallory', 'trent'];

/** Two distinct names with the same preferred uid, found by search (deterministic). */
function collidingPair(): [string, string] {
  const seen = new Map<number, string>();
  for (let i = 0; ; i++) {
    const name = `u${i}`;
    const other = seen.get(preferredUid(name));
    if (other) return [other, name];
    seen.set(preferredUid(name), name);
  }
}

describe('assignUids', () => {
  it('gives each name its preferred uid, in range, the same every time', () => {
    const uids = assignUids(names);
    for (const n of names) {
      expect(uids.get(n)).toBe(preferredUid(n));
      expect(uids.get(n)).toBeGreaterThanOrEqual(UID_RANGE.min);
      expect(uids.get(n)).toBeLessThanOrEqual(UID_RANGE.max);
    }
    expect([...assignUids([...names].reverse())]).toEqual([...uids]);
  });

  it('pins known values, so a change of scheme shows up here first', () => {
    expect(Object.fromEntries(assignUids(['alice', 'bob', 'demo']))).toMatchInlineSnapshot(`
      {
        "alice": 37801,
        "bob": 22712,
        "demo": 59852,
      }
    `);
  });

  it('keeps existing uids when a user is added or removed', () => {
    const before = assignUids(names);
    const added = assignUids([...names, 'zed', 'aaron', 'mike']);
    const removed = assignUids(names.filter((n) => n !== 'carol'));
    for (const n of names) expect(added.get(n)).toBe(before.get(n));
    for (const [n, uid] of removed) expect(uid).toBe(before.get(n));
  });

  it('resolves a collision in sorted order by probing upwards', () => {
    const [a, b] = collidingPair().sort() as [string, string];
    const uids = assignUids([b, a]);
    expect(uids.get(a)).toBe(preferredUid(a));
    expect(uids.get(b)).toBe(preferredUid(a) === UID_RANGE.max ? UID_RANGE.min : preferredUid(a) + 1);
    expect(new Set(uids.values()).size).toBe(2);
  });
});
