import { createPrivateKey, X509Certificate } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { certFacts } from '../../certs/cert-info.js';
import { oid, time, tlv, unsignedInteger } from '../../certs/der.js';
import { createPlaceholderPem } from '../../certs/placeholder.js';

const NOW = new Date('2026-11-24T12:00:00Z');

describe('placeholder certificate', () => {
  it('is a self-signed P-256 certificate for the host, with its key, that node:crypto verifies', async () => {
    const pem = await createPlaceholderPem('*.apps.example.com', NOW, 30);
    const [certPem, keyPem] = pem.split(/(?=-----BEGIN PRIVATE KEY-----)/);
    const cert = new X509Certificate(certPem!);
    expect(cert.subject).toBe('CN=*.apps.example.com\nO=tunnelgate placeholder');
    expect(cert.issuer).toBe(cert.subject);
    expect(cert.subjectAltName).toBe('DNS:*.apps.example.com');
    expect(cert.ca).toBe(false);
    expect(cert.checkHost('grafana.apps.example.com')).toBe('*.apps.example.com');
    expect(cert.verify(cert.publicKey)).toBe(true);
    expect(cert.checkPrivateKey(createPrivateKey(keyPem!))).toBe(true);
    expect(cert.publicKey.asymmetricKeyDetails).toEqual({ namedCurve: 'prime256v1' });
    expect(new Date(cert.validFrom).getTime()).toBe(NOW.getTime() - 60_000);
    expect(new Date(cert.validTo).getTime()).toBe(NOW.getTime() + 30 * 86_400_000);
  });

  it('is recognised as a placeholder, with a positive serial unique per certificate', async () => {
    const a = certFacts(await createPlaceholderPem('a.example.com', NOW));
    const b = certFacts(await createPlaceholderPem('a.example.com', NOW));
    expect(a.isPlaceholder).toBe(true);
    expect(a.serial).toMatch(/^[1-7][0-9a-f]{15}$/);
    expect(a.serial).not.toBe(b.serial);
  });
});

describe('DER helpers', () => {
  it('encode object identifiers, integers and times as X.690 says', () => {
    // 1.2.840.10045.4.3.2 (ecdsa-with-SHA256), from RFC 5758.
    expect(oid('1.2.840.10045.4.3.2').toString('hex')).toBe('06082a8648ce3d040302');
    expect(unsignedInteger(Buffer.from([0x00, 0x00, 0x05])).toString('hex')).toBe('020105');
    expect(unsignedInteger(Buffer.from([0x80])).toString('hex')).toBe('02020080');
    expect(time(new Date('2049-12-31T23:59:59Z')).toString('latin1')).toBe('\x17\x0d491231235959Z');
    expect(time(new Date('2050-01-01T00:00:00Z')).toString('latin1')).toBe('\x18\x0f20500101000000Z');
  });

  it('uses the long length form from 128 bytes of content', () => {
    expect(tlv(0x04, Buffer.alloc(127)).subarray(0, 2).toString('hex')).toBe('047f');
    expect(tlv(0x04, Buffer.alloc(128)).subarray(0, 3).toString('hex')).toBe('048180');
    expect(tlv(0x04, Buffer.alloc(300)).subarray(0, 4).toString('hex')).toBe('0482012c');
  });
});
