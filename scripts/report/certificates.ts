/**
 * The certificates part of `status`: one entry per route host, from the metadata the renewer
 * writes beside each PEM (certs/cert-meta.ts), or, where there is none yet (the placeholder `up`
 * writes), from what HAProxy itself serves. Pure: the caller reads both and passes `now`.
 */
import type { CertMeta } from '../../certs/cert-meta.js';
import { PLACEHOLDER_ISSUER } from '../../certs/placeholder-issuer.js';
import type { SslCertInfo } from '../../haproxy/runtime-certs.js';
import { certPath } from '../../stacks/layout.js';
import { type EdgeModel, terminatedRoutes } from '../../stacks/model.js';

/** What was found for one host: either, both or neither may be there. */
export interface CertObservation {
  meta?: CertMeta;
  served?: SslCertInfo;
}

export interface CertificateStatus {
  /** The route host the certificate is for (`*.example.com` for a wildcard). */
  host: string;
  /** The PEM in the certs volume. */
  file: string;
  /** Names the certificate covers. */
  hosts: string[];
  /** The issuer, `placeholder (self-signed)`, or `unknown` when nothing could be read. */
  issuer: string;
  notAfter?: string;
  /** Whole days until notAfter, negative once expired. */
  daysLeft?: number;
  lastResult?: CertMeta['lastResult'];
  lastAttempt?: string;
  lastError?: string;
  /** Where the facts came from: the renewer's metadata, HAProxy's loaded certificate, or neither. */
  source: 'metadata' | 'haproxy' | 'none';
}

const DAY = 86_400_000;
const daysLeft = (notAfter: Date, now: Date) => Math.floor((notAfter.getTime() - now.getTime()) / DAY);

/**
 * One entry per route host, in the model's (sorted) order. `observed` absent: HAProxy not running.
 * The certificate's facts come from the metadata when it has them, else from HAProxy (a first
 * attempt that failed leaves metadata with only the attempt, beside the placeholder); the last
 * result and error only ever come from the metadata.
 */
export function buildCertificates(model: EdgeModel, observed: Record<string, CertObservation> | undefined, now: Date): CertificateStatus[] {
  return terminatedRoutes(model).map((r) => {
    const { meta, served } = observed?.[r.host] ?? {};
    const last = meta ? { lastResult: meta.lastResult, lastAttempt: meta.lastAttempt, ...(meta.lastError ? { lastError: meta.lastError } : {}) } : {};
    const base = { host: r.host, file: certPath(r.host) };
    if (meta?.notAfter && !Number.isNaN(Date.parse(meta.notAfter))) {
      const notAfter = new Date(meta.notAfter);
      return { ...base, hosts: meta.hosts, issuer: meta.issuer ?? 'unknown', notAfter: notAfter.toISOString(), daysLeft: daysLeft(notAfter, now), ...last, source: 'metadata' as const };
    }
    if (served) {
      const issuer = served.issuer.includes(PLACEHOLDER_ISSUER) ? 'placeholder (self-signed)' : served.issuer;
      return { ...base, hosts: served.dnsNames, issuer, notAfter: served.notAfter.toISOString(), daysLeft: daysLeft(served.notAfter, now), ...last, source: 'haproxy' as const };
    }
    return { ...base, hosts: meta?.hosts ?? [r.host], issuer: 'unknown', ...last, source: 'none' as const };
  });
}

const RESULT_TEXT: Record<CertMeta['lastResult'], string> = { renewed: 'renewed', 'not-due': 'not due', failed: 'FAILED' };

/** The text lines of the certificates section. */
export function renderCertificates(certs: CertificateStatus[]): string[] {
  const out = ['certificates'];
  if (certs.length === 0) out.push('  (none)');
  for (const c of certs) {
    const names = c.hosts.length === 1 && c.hosts[0] === c.host ? '' : `  [${c.hosts.join(', ')}]`;
    const last = c.lastResult ? `  last ${RESULT_TEXT[c.lastResult]} ${c.lastAttempt ?? ''}`.trimEnd() : '';
    if (c.notAfter === undefined || c.daysLeft === undefined) {
      out.push(`  ${c.host}${names}  unknown (no certificate facts; HAProxy not asked or not serving it)${last}`);
    } else {
      const left = c.daysLeft < 0 ? `EXPIRED ${-c.daysLeft} day(s) ago` : `${c.daysLeft} day(s) left`;
      out.push(`  ${c.host}${names}  ${c.issuer}  until ${c.notAfter.slice(0, 10)} (${left})${last}`);
    }
    if (c.lastError) out.push(`    last error: ${c.lastError}`);
  }
  return out;
}
