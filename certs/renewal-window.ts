/**
 * When a certificate is due for renewal: a pure function of the certificate's dates, the
 * configured window, the CA's ARI suggestion (RFC 9773) and `--force`. No clock, no I/O: the
 * renewer passes `now`, and the table in test/unit/cert-renewal-window.test.ts pins the rules.
 */

const DAY_MS = 86_400_000;

export interface RenewalFacts {
  now: Date;
  /** Absent when there is no certificate at all. */
  notBefore?: Date;
  notAfter?: Date;
  /** edge.yaml `acme.renewBeforeDays` (default 30). */
  renewBeforeDays: number;
  /** The CA's suggested renewal window (ARI `suggestedWindow`), when the CA offers one. */
  ari?: { start: Date; end: Date };
  force: boolean;
  /** The self-signed certificate `up` put in place until a real one exists. */
  isPlaceholder: boolean;
}

export interface RenewalDecision {
  due: boolean;
  /** Why, in words for `npm run renew`'s one line per certificate. */
  reason: string;
}

/** `12 days` / `1.5 days` / `5 hours`: enough precision to read, never misleading. */
function formatDuration(ms: number): string {
  if (ms < 2 * DAY_MS) {
    const hours = Math.floor(ms / 3_600_000);
    return hours >= 48 || ms >= DAY_MS ? `${(ms / DAY_MS).toFixed(1)} days` : `${hours} hour${hours === 1 ? '' : 's'}`;
  }
  return `${Math.floor(ms / DAY_MS)} days`;
}

const iso = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, 'Z');

/**
 * The renewal threshold is the smaller of `renewBeforeDays` and a third of the lifetime: a
 * 90-day certificate renews with 30 days left, a 6-day one (short-lived profiles) with 2 days
 * left instead of on every run. The CA's ARI window overrides both once it has opened (the CA
 * may pull it forward, e.g. before a mass revocation). A valid certificate is otherwise left alone,
 * so re-running `up` never re-issues (rate limits).
 */
export function decideRenewal(f: RenewalFacts): RenewalDecision {
  if (f.force) return { due: true, reason: 'forced (--force)' };
  if (!f.notAfter || !f.notBefore) return { due: true, reason: 'no certificate yet' };
  if (f.isPlaceholder) return { due: true, reason: 'placeholder certificate in service' };
  const left = f.notAfter.getTime() - f.now.getTime();
  if (left <= 0) return { due: true, reason: `expired ${iso(f.notAfter)}` };
  if (f.ari && f.now.getTime() >= f.ari.start.getTime()) {
    return { due: true, reason: `CA renewal window (ARI) opened ${iso(f.ari.start)}; ${formatDuration(left)} left` };
  }
  const lifetime = f.notAfter.getTime() - f.notBefore.getTime();
  const threshold = Math.min(f.renewBeforeDays * DAY_MS, lifetime / 3);
  const rule = threshold < f.renewBeforeDays * DAY_MS ? 'a third of its lifetime' : `${f.renewBeforeDays} days`;
  if (left < threshold) return { due: true, reason: `${formatDuration(left)} left, below ${rule}` };
  const at = new Date(f.notAfter.getTime() - threshold);
  const ari = f.ari ? `; ARI window opens ${iso(f.ari.start)}` : '';
  return { due: false, reason: `${formatDuration(left)} left, renews from ${iso(at)}${ari}` };
}
