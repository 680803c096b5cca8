/**
 * `expires:` of a key: a date or an RFC 3339 time, turned into one UTC instant to the second
 * (what OpenSSH's `expiry-time` can express). Pure.
 */
import type { Problem } from './rules.js';

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const TIME = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

const HINT = 'a date such as 2026-12-31 (the key stops working at 00:00 UTC that day) or an RFC 3339 time such as 2026-12-31T17:00:00Z';

/** Whether year, month and day name a real day (2026-02-30 does not). */
function realDay(y: number, m: number, d: number): boolean {
  const t = new Date(Date.UTC(y, m - 1, d));
  return t.getUTCFullYear() === y && t.getUTCMonth() === m - 1 && t.getUTCDate() === d;
}

/** `2026-12-31` → `2026-12-31T00:00:00Z`; a time with an offset → the same instant in UTC; fractions of a second are dropped. */
export function parseExpiry(text: string): { iso: string } | Problem {
  const date = DATE.exec(text);
  const time = date ? undefined : TIME.exec(text);
  const parts = (date ?? time)?.slice(1, 4).map(Number);
  if (!parts || !realDay(parts[0]!, parts[1]!, parts[2]!)) return { problem: `"${text}" is not a date or an RFC 3339 time`, hint: HINT };
  if (date) return { iso: `${text}T00:00:00Z` };
  const [hh, mm, ss] = time!.slice(4, 7).map(Number) as [number, number, number];
  if (hh > 23 || mm > 59 || ss > 59) return { problem: `"${text}" has no such time of day`, hint: HINT };
  const ms = Date.parse(`${time![1]}-${time![2]}-${time![3]}T${time![4]}:${time![5]}:${time![6]}${time![8]!.toUpperCase()}`);
  if (Number.isNaN(ms)) return { problem: `"${text}" is not a date or an RFC 3339 time`, hint: HINT };
  return { iso: `${new Date(ms).toISOString().slice(0, 19)}Z` };
}
