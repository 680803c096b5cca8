import { describe, expect, it } from 'vitest';
import { retryAfterSeconds } from '../../certs/retry-after.js';

const now = new Date('2026-11-23T20:00:00Z');

describe('retryAfterSeconds', () => {
  it.each([
    ['120', 120],
    [' 0 ', 0],
    [3600, 3600],
    ['Mon, 23 Nov 2026 21:00:00 GMT', 3600],
    ['Mon, 23 Nov 2026 19:00:00 GMT', 0], // a date in the past: retry now
  ])('%s -> %s s', (raw, seconds) => expect(retryAfterSeconds(raw, now)).toBe(seconds));

  it.each([[undefined], [null], ['soon'], ['-5']])('%s is no usable value', (raw) => expect(retryAfterSeconds(raw, now)).toBeUndefined());
});
