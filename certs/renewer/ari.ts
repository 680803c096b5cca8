/**
 * ACME Renewal Information (RFC 9773), which acme-client 5.4 lacks: an unauthenticated GET of
 * `<renewalInfo>/<CertID>` answering `{suggestedWindow: {start, end}}`. Best effort: a CA without
 * it, or an error, only means the date rules decide alone.
 */
import { certAriId } from '../cert-info.js';
import { getJson } from './acme-session.js';

/** The CA's suggested window for `pem`'s leaf, or the reason there is none. */
export async function fetchRenewalWindow(renewalInfo: string | undefined, pem: string): Promise<{ window?: { start: Date; end: Date }; note?: string }> {
  if (!renewalInfo) return { note: 'CA offers no ARI' };
  const id = certAriId(pem);
  if (!id) return { note: 'certificate has no Authority Key Identifier' };
  try {
    const data = await getJson(`${renewalInfo.replace(/\/$/, '')}/${id}`);
    const w = data.suggestedWindow as { start?: string; end?: string } | undefined;
    const start = new Date(w?.start ?? NaN);
    const end = new Date(w?.end ?? NaN);
    if (Number.isNaN(start.getTime()) || Number.isNaN(end.getTime())) return { note: 'ARI answer without a suggestedWindow' };
    return { window: { start, end } };
  } catch (err) {
    return { note: `ARI unavailable: ${(err as Error).message}` };
  }
}
