/**
 * The metadata file beside each certificate PEM (`<name>.json`): what `status` shows and what a
 * failed attempt leaves behind. Pure builders; the renewer writes them.
 */

export interface CertMeta {
  hosts: string[];
  issuer?: string;
  serial?: string;
  notBefore?: string;
  notAfter?: string;
  /** The ACME directory URL the certificate came from. */
  ca?: string;
  lastAttempt: string;
  lastResult: 'renewed' | 'not-due' | 'failed';
  lastError?: string;
  renewedAt?: string;
}

/** The facts read from a certificate PEM. */
export interface CertFacts {
  serial: string;
  issuer: string;
  notBefore: Date;
  notAfter: Date;
}

/** Metadata after a successful issuance. */
export function renewedMeta(hosts: string[], cert: CertFacts, ca: string, now: Date): CertMeta {
  const at = now.toISOString();
  return { hosts, issuer: cert.issuer, serial: cert.serial, notBefore: cert.notBefore.toISOString(), notAfter: cert.notAfter.toISOString(), ca, lastAttempt: at, lastResult: 'renewed', renewedAt: at };
}

/**
 * Metadata after an attempt that did not issue: the certificate facts stay as they were (the PEM
 * is untouched), only the attempt is recorded. A failure keeps `renewedAt` and the old facts.
 */
export function attemptMeta(prev: CertMeta | undefined, hosts: string[], result: 'not-due' | 'failed', now: Date, error?: string): CertMeta {
  const { lastError: _drop, ...rest } = prev ?? { hosts };
  return { ...rest, hosts, lastAttempt: now.toISOString(), lastResult: result, ...(error ? { lastError: error } : {}) };
}

/** Reads a metadata file's text; `undefined` when it is missing or not ours. */
export function parseCertMeta(text: string | undefined): CertMeta | undefined {
  if (!text) return undefined;
  try {
    const v = JSON.parse(text) as CertMeta;
    return Array.isArray(v.hosts) && typeof v.lastAttempt === 'string' ? v : undefined;
  } catch {
    return undefined;
  }
}
