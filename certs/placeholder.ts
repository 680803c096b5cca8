/**
 * Self-signed placeholder certificates, so HTTPS answers from the very first `up` while the real
 * certificate is not there yet. ECDSA P-256, one per host, as HAProxy wants it: cert + key in one PEM.
 */
import { webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import { PLACEHOLDER_ISSUER } from './placeholder-issuer.js';

x509.cryptoProvider.set(webcrypto as unknown as Crypto);

const ALG = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;

function toPem(label: string, der: ArrayBuffer): string {
  const b64 = Buffer.from(der)
    .toString('base64')
    .replace(/(.{64})/g, '$1\n')
    .replace(/\n$/, '');
  return `-----BEGIN ${label}-----\n${b64}\n-----END ${label}-----\n`;
}

/** A self-signed certificate for `host`, valid from `now` for `days`, as one PEM (cert then key). */
export async function createPlaceholderPem(host: string, now: Date, days = 90): Promise<string> {
  const keys = (await webcrypto.subtle.generateKey(ALG, true, ['sign', 'verify'])) as CryptoKeyPair;
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: Buffer.from(webcrypto.getRandomValues(new Uint8Array(8)))
      .toString('hex')
      .replace(/^[89a-f]/, '1'),
    name: `CN=${host}, O=${PLACEHOLDER_ISSUER}`,
    notBefore: new Date(now.getTime() - 60_000),
    notAfter: new Date(now.getTime() + days * 86_400_000),
    signingAlgorithm: ALG,
    keys,
    extensions: [new x509.SubjectAlternativeNameExtension([{ type: 'dns', value: host }]), new x509.BasicConstraintsExtension(false)],
  });
  const key = await webcrypto.subtle.exportKey('pkcs8', keys.privateKey);
  return toPem('CERTIFICATE', cert.rawData) + toPem('PRIVATE KEY', key);
}
