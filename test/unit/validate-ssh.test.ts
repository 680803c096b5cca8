/** The SSH parts of edge.yaml: expiring keys, sshCA, shares and limits (issue 11, issue 8 item 4). */

import { describe, expect, it } from 'vitest';
import { formatProblem } from '../../scripts/cli/errors.js';
import { parseExpiry } from '../../scripts/config/expiry.js';
import { validateConfig } from '../../scripts/config/validate.js';
import { DEFAULT_CONTAINER_LIMITS } from '../../stacks/container-limits.js';
import { ECDSA, ED25519 } from './fixtures/config/keys.js';

const head = `acme: {ca: pebble}\nusers:\n  alice:\n    keys: ["${ED25519}"]\n  bob:\n    keys: ["${ECDSA}"]\n`;
const problems = (text: string) => validateConfig(text, 'edge.yaml').problems.map(formatProblem);
const model = (text: string) => {
  const r = validateConfig(text, 'edge.yaml');
  expect(r.problems.map(formatProblem)).toEqual([]);
  return r.model!;
};

describe('expires: a date or an RFC 3339 time, to the second in UTC', () => {
  it.each([
    ['2026-12-31', '2026-12-31T00:00:00Z'],
    ['2026-12-31T17:00:00Z', '2026-12-31T17:00:00Z'],
    ['2026-12-31t17:00:00z', '2026-12-31T17:00:00Z'],
    ['2026-12-31T17:00:00+02:00', '2026-12-31T15:00:00Z'],
    ['2026-12-31T23:30:00-01:00', '2027-01-01T00:30:00Z'],
    ['2026-12-31T17:00:00.999Z', '2026-12-31T17:00:00Z'],
  ])('%s -> %s', (text, iso) => {
    expect(parseExpiry(text)).toEqual({ iso });
  });

  it.each(['2026-02-30', '2026-13-01', '31.12.2026', 'tomorrow', '2026-12-31T25:00:00Z', '2026-12-31T17:00:00', '20261231'])('rejects %s', (text) => {
    expect(parseExpiry(text)).toMatchObject({ problem: expect.stringContaining(text) });
  });

  it('keeps keys in file order, with their expiry', () => {
    const m = model(`acme: {ca: pebble}\nusers:\n  alice:\n    keys:\n      - "${ED25519}"\n      - {key: "${ECDSA}", expires: 2026-12-31}\n`);
    expect(m.users[0]!.keys).toEqual([{ line: ED25519 }, { line: ECDSA, expires: '2026-12-31T00:00:00Z' }]);
  });
});

const BAD: Array<[string, string, string]> = [
  [
    'expires not a date',
    `users:\n  alice:\n    keys: [{key: "${ED25519}", expires: soon}]\n`,
    'users.alice.keys[0].expires: "soon" is not a date or an RFC 3339 time (hint: a date such as 2026-12-31',
  ],
  ['expires as a number', `users:\n  alice:\n    keys: [{key: "${ED25519}", expires: 20261231}]\n`, 'users.alice.keys[0].expires: expected a string, got number 20261231'],
  ['key entry without expires', `users:\n  alice:\n    keys: [{key: "${ED25519}"}]\n`, 'users.alice.keys[0]: "expires" is required'],
  ['key entry with a bad key', 'users:\n  alice:\n    keys: [{key: "ssh-ed25519 AAAA", expires: 2026-12-31}]\n', 'users.alice.keys[0].key: the ssh-ed25519 key is truncated or corrupt'],
  ['key entry with an unknown field', `users:\n  alice:\n    keys: [{key: "${ED25519}", expire: 2026-12-31}]\n`, 'users.alice.keys[0].expire: unknown key "expire" (hint: did you mean "expires"?)'],
  ['same key twice, other comment', `users:\n  alice:\n    keys: ["${ED25519}", "${ED25519.replace('k@test', 'other')}"]\n`, 'users.alice.keys[1]: duplicate key'],
  ['sshCA not a key', 'sshCA: ["team-ca"]\n', 'edge.yaml:1:9 sshCA[0]: not an OpenSSH public key'],
  ['sshCA twice', `sshCA: ["${ED25519}", "${ED25519}"]\n`, 'sshCA[1]: duplicate CA key'],
  ['share owner unknown', `${head}shares:\n  - {name: vnc, owner: alcie, with: [bob]}\n`, 'edge.yaml:8:24 shares[0].owner: names no user "alcie" (hint: did you mean "alice"?)'],
  ['share user unknown', `${head}shares:\n  - {name: vnc, owner: alice, with: [bob, carol]}\n`, 'shares[0].with[1]: names no user "carol"'],
  ['owner in with', `${head}shares:\n  - {name: vnc, owner: alice, with: [alice]}\n`, 'shares[0].with[0]: alice owns this share (hint: with lists the other users'],
  ['user twice in with', `${head}shares:\n  - {name: vnc, owner: alice, with: [bob, bob]}\n`, 'shares[0].with[1]: bob is listed twice'],
  ['empty with', `${head}shares:\n  - {name: vnc, owner: alice, with: []}\n`, 'shares[0].with: needs at least 1 item(s)'],
  ['share without owner', `${head}shares:\n  - {name: vnc, with: [bob]}\n`, 'shares[0]: "owner" is required'],
  ['share name with a slash', `${head}shares:\n  - {name: ../x, owner: alice, with: [bob]}\n`, 'shares[0].name: "../x" does not match'],
  ['share name too long', `${head}shares:\n  - {name: ${'a'.repeat(29)}, owner: alice, with: [bob]}\n`, 'does not match'],
  ['duplicate share', `${head}shares:\n  - {name: vnc, owner: alice, with: [bob]}\n  - {name: vnc, owner: bob, with: [alice]}\n`, 'shares[1].name: duplicate share "vnc" (first at shares[0])'],
  ['tunnelsPerUser zero', 'limits: {tunnelsPerUser: 0}\n', 'limits.tunnelsPerUser: 0 is outside 1–1000'],
  ['maxStartups malformed', 'limits: {maxStartups: "10:30"}\n', 'limits.maxStartups: "10:30" does not match'],
  ['maxStartups start above full', 'limits: {maxStartups: "50:30:10"}\n', 'limits.maxStartups: "50:30:10" is not start:rate:full with 1 <= start <= full and rate 1-100'],
  ['perSource above all', 'limits: {maxStartups: 5, perSourceMaxStartups: 6}\n', 'limits.perSourceMaxStartups: 6 is more than maxStartups allows in all (5)'],
  ['penalties not a boolean', 'limits: {perSourcePenalties: "yes"}\n', 'limits.perSourcePenalties: expected true or false, got string "yes"'],
  ['unknown limit', 'limits: {tunnelPerUser: 4}\n', 'limits.tunnelPerUser: unknown key "tunnelPerUser" (hint: did you mean "tunnelsPerUser"?)'],
];

describe('bad SSH input gets one located problem', () => {
  it.each(BAD)('%s', (_name, text, expected) => {
    const input = text.startsWith('acme') ? text : `acme: {ca: pebble}\n${text}`;
    const shifted = input === text ? expected : expected.replace(/edge\.yaml:(\d+):/, (_m, l) => `edge.yaml:${Number(l) + 1}:`);
    expect(problems(input).join('\n')).toContain(shifted);
    expect(validateConfig(input, 'edge.yaml').model).toBeUndefined();
  });
});

describe('sshCA, shares and limits in the model', () => {
  it('lets a user without keys log in by certificate when sshCA is set (alice: null, {} or keys: [])', () => {
    const m = model(`acme: {ca: pebble}\nsshCA: ["${ED25519.replace('k@test', 'team-ca')}"]\nusers:\n  alice:\n  bob: {}\n  carol: {keys: []}\n`);
    expect(m.sshCA).toEqual([ED25519.replace('k@test', 'team-ca')]);
    expect(m.users.map((u) => [u.name, u.keys.length])).toEqual([
      ['alice', 0],
      ['bob', 0],
      ['carol', 0],
    ]);
  });

  it('sorts shares by name and their users', () => {
    const m = model(`${head}  carol:\n    keys: ["${ED25519}"]\nshares:\n  - {name: z-share, owner: bob, with: [carol, alice]}\n  - {name: a-share, owner: alice, with: [bob]}\n`);
    expect(m.shares).toEqual([
      { name: 'a-share', owner: 'alice', with: ['bob'] },
      { name: 'z-share', owner: 'bob', with: ['alice', 'carol'] },
    ]);
  });

  it('fills the limit defaults, and reads both forms of maxStartups', () => {
    expect(model(head).limits).toEqual({
      tunnelsPerUser: 32,
      maxStartups: { start: 20, rate: 30, full: 100 },
      perSourceMaxStartups: 10,
      perSourcePenalties: true,
      containers: DEFAULT_CONTAINER_LIMITS,
    });
    expect(model(`${head}limits: {maxStartups: 40, perSourcePenalties: false, tunnelsPerUser: 4}\n`).limits).toEqual({
      tunnelsPerUser: 4,
      maxStartups: { start: 40, rate: 100, full: 40 },
      perSourceMaxStartups: 10,
      perSourcePenalties: false,
      containers: DEFAULT_CONTAINER_LIMITS,
    });
  });
});
