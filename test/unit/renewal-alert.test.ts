/** When `renew` alerts `notify`, and what the report says. */
import { describe, expect, it } from 'vitest';
import { renewalAlert } from '../../scripts/report/renewal-alert.js';

const now = new Date('2026-03-01T00:00:00Z');
const notify = { command: '/srv/edge/alert.sh', daysLeft: 14 };
const pass = { project: 'edge', engine: 'ssh://ops@vps', now };
const ok = (host: string, notAfter: string) => ({ host, result: 'not-due' as const, reason: 'x days left', notAfter, serial: '01', issuer: 'R10' });

describe('renewalAlert', () => {
  it('stays quiet when everything renewed or is not due with time to spare', () => {
    expect(renewalAlert(notify, { ...pass, results: [ok('a.example.com', '2026-05-01T00:00:00Z')] })).toBeUndefined();
  });

  it('reports failures, with the old certificate days left', () => {
    const alert = renewalAlert(notify, {
      ...pass,
      results: [
        { host: 'a.example.com', result: 'failed', reason: '20 days left', error: 'https://ca/dir: connect ECONNREFUSED', notAfter: '2026-03-21T00:00:00Z' },
        ok('b.example.com', '2026-05-01T00:00:00Z'),
      ],
    });
    expect(alert).toMatchObject({
      kind: 'tunnelgate.renewal/v1',
      project: 'edge',
      engine: 'ssh://ops@vps',
      time: '2026-03-01T00:00:00.000Z',
      summary: 'tunnelgate edge: 1 certificate failed (a.example.com)',
      failed: [{ host: 'a.example.com', error: 'https://ca/dir: connect ECONNREFUSED', daysLeft: 20, notAfter: '2026-03-21T00:00:00Z' }],
      expiring: [],
    });
    expect(alert?.certificates).toHaveLength(2);
  });

  it('reports certificates under daysLeft even when nothing failed, and a certificate HAProxy did not load', () => {
    const alert = renewalAlert(notify, {
      ...pass,
      results: [ok('a.example.com', '2026-03-10T12:00:00Z'), { ...ok('b.example.com', '2026-05-30T00:00:00Z'), result: 'renewed', rotated: false, rotationError: 'commit failed' }],
    });
    expect(alert?.summary).toBe('tunnelgate edge: 1 certificate failed (b.example.com); 1 expires in fewer than 14 days (a.example.com: 9)');
    expect(alert?.failed).toEqual([{ host: 'b.example.com', error: 'commit failed', daysLeft: 90, notAfter: '2026-05-30T00:00:00Z' }]);
  });

  it('reports a pass that could not run at all', () => {
    expect(renewalAlert(notify, { ...pass, results: [], error: 'haproxy of project edge is not running' })).toMatchObject({
      summary: 'tunnelgate edge: the renewal could not run: haproxy of project edge is not running',
      error: 'haproxy of project edge is not running',
    });
  });
});
