/**
 * The report `renew` sends to `notify` (a command's stdin, a webhook's body): only when a
 * certificate failed to renew, could not be loaded into HAProxy, the pass could not run at all,
 * or a certificate has fewer than `notify.daysLeft` days left. Pure.
 */
import type { HostResult } from '../../certs/report.js';
import type { NotifyModel } from '../../stacks/model.js';

/** A renewal outcome as `renew` has it (the HAProxy rotation included). */
type Outcome = HostResult & { rotated?: boolean; rotationError?: string };

export interface RenewalAlert {
  /** Always `tunnelgate.renewal/v1`: receivers can check what they got. */
  kind: 'tunnelgate.renewal/v1';
  project: string;
  /** The Docker engine the stack runs on. */
  engine: string;
  time: string;
  /** One line for a subject or a chat message. */
  summary: string;
  /** Set when the pass did not run at all (CA unreachable before any host, stack down, …). */
  error?: string;
  /** Certificates that failed to renew or to load; the old one stays in service. */
  failed: Array<{ host: string; error: string; daysLeft?: number; notAfter?: string }>;
  /** Certificates with fewer than `daysLeft` days left (failed ones included). */
  expiring: Array<{ host: string; daysLeft: number; notAfter: string }>;
  /** Every certificate of the pass, as `renew --json` shows it. */
  certificates: Outcome[];
}

const DAY = 86_400_000;

/** The alert for a pass, or `undefined` when there is nothing to tell. */
export function renewalAlert(notify: NotifyModel, pass: { project: string; engine: string; now: Date; results: Outcome[]; error?: string }): RenewalAlert | undefined {
  const daysLeft = (r: Outcome) => (r.notAfter ? Math.floor((Date.parse(r.notAfter) - pass.now.getTime()) / DAY) : undefined);
  const failed = pass.results
    .filter((r) => r.result === 'failed' || r.rotated === false)
    .map((r) => {
      const left = daysLeft(r);
      return { host: r.host, error: r.error ?? r.rotationError ?? 'unknown error', ...(left !== undefined ? { daysLeft: left, notAfter: r.notAfter! } : {}) };
    });
  const expiring = pass.results.flatMap((r) => {
    const left = daysLeft(r);
    return left !== undefined && left < notify.daysLeft ? [{ host: r.host, daysLeft: left, notAfter: r.notAfter! }] : [];
  });
  if (!pass.error && failed.length === 0 && expiring.length === 0) return undefined;
  const parts = [
    ...(pass.error ? [`the renewal could not run: ${pass.error}`] : []),
    ...(failed.length ? [`${failed.length} certificate${failed.length === 1 ? '' : 's'} failed (${failed.map((f) => f.host).join(', ')})`] : []),
    ...(expiring.length ? [`${expiring.length} expire${expiring.length === 1 ? 's' : ''} in fewer than ${notify.daysLeft} days (${expiring.map((e) => `${e.host}: ${e.daysLeft}`).join(', ')})`] : []),
  ];
  return {
    kind: 'tunnelgate.renewal/v1',
    project: pass.project,
    engine: pass.engine,
    time: pass.now.toISOString(),
    summary: `tunnelgate ${pass.project}: ${parts.join('; ')}`,
    ...(pass.error ? { error: pass.error } : {}),
    failed,
    expiring,
    certificates: pass.results,
  };
}
