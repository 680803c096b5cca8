/**
 * Self-signed placeholder certificates, so HTTPS answers from the very first `up` while the real
 * certificate is not there yet. ECDSA P-256, one per host, as HAProxy wants it: cert + key in one PEM.
 * Built with the DER helpers and node:crypto (certs/der.ts says why not a general X.509 library).
 */
import { generateKeyPairSync, randomBytes, sign } from 'node:crypto';
import { bitString, explicit, octetString, oid, sequence, set, time, tlv, unsignedInteger, utf8 } from './der.js';
import { PLACEHOLDER_ISSUER } from './placeholder-issuer.js';

const ECDSA_WITH_SHA256 = sequence(oid('1.2.840.10045.4.3.2'));
const CN = '2.5.4.3';
const O = '2.5.4.10';
const SUBJECT_ALT_NAME = '2.5.29.17';
const BASIC_CONSTRAINTS = '2.5.29.19';

const attribute = (type: string, value: string) => set(sequence(oid(type), utf8(value)));
const extension = (id: string, value: Buffer) => sequence(oid(id), octetString(value));

function toPem(label: string, der: Buffer): string {
  const b64 = der
    .toString('base64')
    .replace(/(.{64})/g, '$1\n')
    .replace(/\n$/, '');
  return `-----BEGIN ${label}-----\n${b64}\n-----END ${label}-----\n`;
}

/** A self-signed certificate for `host`, valid from `now` for `days`, as one PEM (cert then key). */
export async function createPlaceholderPem(host: string, now: Date, days = 90): Promise<string> {
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  // Subject and issuer are the same name: self-signed.
  const name = sequence(attribute(CN, host), attribute(O, PLACEHOLDER_ISSUER));
  // A positive 64-bit serial whose high bit is clear, so it needs no padding byte.
  const serial = randomBytes(8);
  serial[0] = (serial[0]! & 0x7f) | 0x10;
  const tbs = sequence(
    explicit(0, unsignedInteger(Buffer.from([2]))), // v3
    unsignedInteger(serial),
    ECDSA_WITH_SHA256,
    name,
    sequence(time(new Date(now.getTime() - 60_000)), time(new Date(now.getTime() + days * 86_400_000))),
    name,
    publicKey.export({ type: 'spki', format: 'der' }),
    explicit(
      3,
      sequence(
        extension(SUBJECT_ALT_NAME, sequence(tlv(0x82, Buffer.from(host, 'ascii')))), // dNSName
        extension(BASIC_CONSTRAINTS, sequence()), // cA FALSE (the default, so empty)
      ),
    ),
  );
  const signature = sign('sha256', tbs, { key: privateKey, dsaEncoding: 'der' });
  const cert = sequence(tbs, ECDSA_WITH_SHA256, bitString(signature));
  return toPem('CERTIFICATE', cert) + (privateKey.export({ type: 'pkcs8', format: 'pem' }) as string);
}
