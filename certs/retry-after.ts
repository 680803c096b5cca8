/**
 * A CA's Retry-After header (RFC 9110 §10.2.3: delay-seconds or an HTTP-date) as seconds from
 * `now`. Pure; the renewer uses it to decide whether to wait or to fail the host at once.
 */
export function retryAfterSeconds(raw: unknown, now: Date): number | undefined {
  if (raw === undefined || raw === null) return undefined;
  const text = String(raw).trim();
  if (/^\d+$/.test(text)) return Number(text);
  // An HTTP-date has a day and month name; without this, Date.parse would read "-5" as a year.
  const at = /[A-Za-z]{3}/.test(text) ? Date.parse(text) : NaN;
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, (at - now.getTime()) / 1000);
}
