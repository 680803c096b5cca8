/**
 * Facts from a certificate PEM (serial, dates, issuer) and its ARI CertID (RFC 9773 §4.1).
 * Pure: parsing only, no crypto provider needed.
 */
import * as x509 from '@peculiar/x509';
import type { CertFacts } from './cert-meta.js';
import { PLACEHOLDER_ISSUER } from './placeholder-issuer.js';

const base64url = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64url');

/** The first certificate of a PEM bundle (the leaf of a fullchain). */
function leaf(pem: string): x509.X509Certificate {
  const m = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/.exec(pem);
  if (!m) throw new Error('no certificate in PEM');
  return new x509.X509Certificate(m[0]);
}

/** Serial (lowercase hex, as HAProxy and Node print it without separators), issuer DN, dates. */
export function certFacts(pem: string): CertFacts & { isPlaceholder: boolean } {
  const cert = leaf(pem);
  return {
    serial: cert.serialNumber.toLowerCase(),
    issuer: cert.issuer,
    notBefore: cert.notBefore,
    notAfter: cert.notAfter,
    isPlaceholder: cert.issuer.includes(PLACEHOLDER_ISSUER),
  };
}

/**
 * The serial's DER INTEGER content octets: minimal, with a leading zero when the high bit is set
 * (a positive number). @peculiar/x509 hands out the hex of the raw bytes; normalise anyway.
 */
export function serialDer(hex: string): Uint8Array {
  let h = hex.toLowerCase().replace(/[^0-9a-f]/g, '');
  if (h.length % 2) h = `0${h}`;
  let bytes = Buffer.from(h, 'hex');
  while (bytes.length > 1 && bytes[0] === 0 && bytes[1]! < 0x80) bytes = bytes.subarray(1);
  if (bytes[0]! >= 0x80) bytes = Buffer.concat([Buffer.from([0]), bytes]);
  return bytes;
}

/** RFC 9773 CertID: `base64url(AKI keyIdentifier) "." base64url(serial DER content)`. */
export function ariCertId(akiKeyIdHex: string, serialHex: string): string {
  return `${base64url(Buffer.from(akiKeyIdHex.replace(/[^0-9a-fA-F]/g, ''), 'hex'))}.${base64url(serialDer(serialHex))}`;
}

/** The ARI CertID of a PEM's leaf; `undefined` without an Authority Key Identifier. */
export function certAriId(pem: string): string | undefined {
  const cert = leaf(pem);
  const aki = cert.getExtension(x509.AuthorityKeyIdentifierExtension);
  if (!aki?.keyId) return undefined;
  return ariCertId(aki.keyId, cert.serialNumber);
}
