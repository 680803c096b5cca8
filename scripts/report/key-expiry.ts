/**
 * Keys with an `expires:` date: how long each has left, and the warnings `up` prints for keys
 * that expire soon or already did. Pure: `now` comes in.
 */
import { keyFingerprint } from '../../sshd/login-summary.js';
import type { EdgeModel } from '../../stacks/model.js';

/** `up` warns about keys that expire within this many days. */
const EXPIRY_WARNING_DAYS = 7;

export interface KeyExpiry {
  user: string;
  fingerprint: string;
  comment: string;
  /** UTC, `YYYY-MM-DDTHH:MM:SSZ`. */
  expires: string;
  /** Whole days until `expires`, negative once expired. */
  daysLeft: number;
}

/** Every key that has an expiry, by user (model order). */
export function keyExpiries(model: EdgeModel, now: Date): KeyExpiry[] {
  return model.users.flatMap((u) =>
    u.keys
      .filter((k) => k.expires)
      .map((k) => ({
        user: u.name,
        fingerprint: keyFingerprint(k.line),
        comment: k.line.split(' ').slice(2).join(' '),
        expires: k.expires as string,
        daysLeft: Math.floor((Date.parse(k.expires as string) - now.getTime()) / 86_400_000),
      })),
  );
}

/** One line per key that expired or expires within EXPIRY_WARNING_DAYS. */
export function keyExpiryWarnings(model: EdgeModel, now: Date): string[] {
  return keyExpiries(model, now)
    .filter((k) => Date.parse(k.expires) - now.getTime() < EXPIRY_WARNING_DAYS * 86_400_000)
    .map((k) => {
      const which = `${k.user}'s key ${k.comment ? `${k.comment} ` : ''}(${k.fingerprint})`;
      const when = `${k.expires.slice(0, 16).replace('T', ' ')} UTC`;
      return Date.parse(k.expires) <= now.getTime() ? `warning: ${which} expired at ${when}: it no longer logs in` : `warning: ${which} expires at ${when}, in ${k.daysLeft} day(s)`;
    });
}
