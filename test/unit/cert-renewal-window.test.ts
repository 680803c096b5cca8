import { describe, expect, it } from 'vitest';
import { decideRenewal, type RenewalFacts } from '../../certs/renewal-window.js';

const DAY = 86_400_000;
const now = new Date('2026-06-01T00:00:00Z');
const at = (days: number) => new Date(now.getTime() + days * DAY);
const cert = (issuedDaysAgo: number, lifetimeDays: number) => ({ notBefore: at(-issuedDaysAgo), notAfter: at(lifetimeDays - issuedDaysAgo) });
const base: RenewalFacts = { now, renewBeforeDays: 30, force: false, isPlaceholder: false };

describe('decideRenewal', () => {
  const table: Array<[string, Partial<RenewalFacts>, boolean, RegExp]> = [
    ['no certificate', {}, true, /no certificate yet/],
    ['placeholder, however long it is valid', { ...cert(0, 90), isPlaceholder: true }, true, /placeholder/],
    ['forced, fresh certificate', { ...cert(0, 90), force: true }, true, /forced/],
    ['fresh 90-day certificate', cert(1, 90), false, /^89 days left, renews from 2026-07-30/],
    ['90-day certificate with 31 days left', cert(59, 90), false, /31 days left/],
    ['90-day certificate with 29 days left', cert(61, 90), true, /29 days left, below 30 days/],
    ['expired certificate', cert(100, 90), true, /expired/],
    ['6-day certificate with 3 days left: not below a third', cert(3, 6), false, /^3 days left, renews from 2026-06-02/],
    ['6-day certificate with 1.5 days left: below a third', { notBefore: at(-4.5), notAfter: at(1.5) }, true, /1\.5 days left, below a third of its lifetime/],
    ['renewBeforeDays 10, 90-day certificate with 20 days left', { ...cert(70, 90), renewBeforeDays: 10 }, false, /20 days left/],
    ['ARI window already open on a fresh certificate', { ...cert(1, 90), ari: { start: at(-1), end: at(1) } }, true, /ARI.*opened 2026-05-31/],
    ['ARI window in the future', { ...cert(1, 90), ari: { start: at(10), end: at(12) } }, false, /ARI window opens 2026-06-11/],
    ['ARI window exactly now', { ...cert(1, 90), ari: { start: now, end: at(1) } }, true, /ARI/],
    ['hours left on a short certificate', { notBefore: at(-1), notAfter: at(5 / 24) }, true, /5 hours left/],
  ];
  it.each(table)('%s', (_name, facts, due, reason) => {
    const d = decideRenewal({ ...base, ...facts });
    expect(d.due).toBe(due);
    expect(d.reason).toMatch(reason);
  });

  it('is pure: the same facts give the same answer', () => {
    const f = { ...base, ...cert(10, 90) };
    expect(decideRenewal(f)).toEqual(decideRenewal({ ...f }));
  });
});
