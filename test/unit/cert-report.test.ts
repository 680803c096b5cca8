import { describe, expect, it } from 'vitest';
import { ariCertId, serialDer } from '../../certs/cert-info.js';
import { attemptMeta, parseCertMeta, renewedMeta } from '../../certs/cert-meta.js';
import { parseRenewalReport, renderHostResult } from '../../certs/report.js';

describe('parseRenewalReport', () => {
  it('takes the JSON line and ignores noise before it', () => {
    const out = 'some library warning\n{"results":[{"host":"a.test","result":"renewed","reason":"forced (--force)","serial":"0a","notAfter":"2027-01-01T00:00:00.000Z"}]}\n';
    expect(parseRenewalReport(out).results).toEqual([{ host: 'a.test', result: 'renewed', reason: 'forced (--force)', serial: '0a', notAfter: '2027-01-01T00:00:00.000Z' }]);
  });
  it('fails clearly when there is no report or a malformed entry', () => {
    expect(() => parseRenewalReport('')).toThrow(/no report/);
    expect(() => parseRenewalReport('{"oops":1}\n')).toThrow(/no report/);
    expect(() => parseRenewalReport('{"results":[{"host":"a","result":"maybe","reason":""}]}')).toThrow(/malformed/);
  });
});

describe('renderHostResult', () => {
  it('says renewed / not due / failed and why, one line each', () => {
    expect(renderHostResult({ host: 'a.test', result: 'renewed', reason: 'placeholder certificate in service', serial: '1f', notAfter: '2027-02-21T19:30:51.000Z' })).toBe(
      'renewed  a.test  placeholder certificate in service; serial 1f, valid until 2027-02-21',
    );
    expect(renderHostResult({ host: 'a.test', result: 'not-due', reason: '89 days left' })).toBe('not due  a.test  89 days left');
    expect(renderHostResult({ host: 'a.test', result: 'failed', reason: 'forced (--force)', error: 'CA https://x/dir unreachable: ENOTFOUND' })).toBe(
      'failed   a.test  forced (--force): CA https://x/dir unreachable: ENOTFOUND',
    );
  });
});

describe('certificate metadata', () => {
  const now = new Date('2026-06-01T00:00:00Z');
  const facts = { serial: 'ab', issuer: 'CN=Pebble', notBefore: now, notAfter: new Date('2026-08-30T00:00:00Z') };
  it('records a renewal, then a failure that keeps the certificate facts and adds the error', () => {
    const ok = renewedMeta(['a.test'], facts, 'https://ca/dir', now);
    expect(ok).toMatchObject({ serial: 'ab', lastResult: 'renewed', renewedAt: now.toISOString() });
    const later = new Date('2026-07-01T00:00:00Z');
    const failed = attemptMeta(ok, ['a.test'], 'failed', later, 'CA down');
    expect(failed).toEqual({ ...ok, lastAttempt: later.toISOString(), lastResult: 'failed', lastError: 'CA down' });
    const notDue = attemptMeta(failed, ['a.test'], 'not-due', later);
    expect(notDue.lastError).toBeUndefined();
    expect(notDue.serial).toBe('ab');
    expect(parseCertMeta(JSON.stringify(notDue))).toEqual(notDue);
    expect(parseCertMeta('not json')).toBeUndefined();
    expect(parseCertMeta(undefined)).toBeUndefined();
  });
});

describe('ARI CertID (RFC 9773)', () => {
  it('matches the RFC example', () => {
    // RFC 9773 §4.1: AKI 69:88:5B:6B:87:46:40:41:E1:B3:7B:84:7B:A0:AE:2C:DE:01:C8:D4, serial 00:87:65:43:21.
    expect(ariCertId('69885B6B87464041E1B37B847BA0AE2CDE01C8D4', '0087654321')).toBe('aYhba4dGQEHhs3uEe6CuLN4ByNQ.AIdlQyE');
  });
  it('encodes serials as minimal positive DER integers', () => {
    expect(Buffer.from(serialDer('87654321')).toString('hex')).toBe('0087654321');
    expect(Buffer.from(serialDer('00000105')).toString('hex')).toBe('0105');
    expect(Buffer.from(serialDer('5de41b1ba5c62168')).toString('hex')).toBe('5de41b1ba5c62168');
  });
});
