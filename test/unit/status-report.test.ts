import { describe, expect, it } from 'vitest';
import type { CertMeta } from '../../certs/cert-meta.js';
import { buildCertificates, type CertObservation } from '../../scripts/report/certificates.js';
import { buildStatus, renderStatus } from '../../scripts/report/status.js';
import { full, wildcard } from './fixtures/haproxy/models.js';

const row = (backend: string, server: string, status: string, lastCheck = '') => ({ backend, server, status, checkStatus: '', checkDesc: '', lastCheck });

describe('status report', () => {
  const servers = [
    row('be_alice.example.com', 'slot1', 'UP'),
    row('be_alice.example.com', 'slot2', 'DOWN', 'General socket error (No such file or directory)'),
    row('be_alice.example.com', 'slot3', 'UP'),
    row('be_bob.example.com', 'slot1', 'DOWN'),
    row('be_nas.example.com', 'upstream', 'MAINT (resolution)'),
    row('be_wiki.example.com', 'upstream', 'no check'),
  ];
  const report = buildStatus(full, { containers: [{ service: 'haproxy', name: 'edge-haproxy-1', state: 'running', startedAt: 't0' }], servers }, new Date());

  it('gives per-slot health of tunnel routes and per-user connected slots', () => {
    expect(report.routes[0]).toMatchObject({ host: 'alice.example.com', kind: 'tunnel', health: '2/3 slots up' });
    expect(report.routes[0]!.slots![1]).toEqual({
      slot: 2,
      socket: '/run/tunnels/alice/alice.example.com.2.sock',
      health: 'DOWN',
      connected: false,
      detail: 'General socket error (No such file or directory)',
    });
    expect(report.users).toEqual([
      {
        name: 'alice',
        keys: 1,
        expiring: [],
        connected: ['/run/tunnels/alice/alice.example.com.sock', '/run/tunnels/alice/alice.example.com.3.sock'],
        offline: ['/run/tunnels/alice/alice.example.com.2.sock'],
      },
      { name: 'bob', keys: 1, expiring: [], connected: [], offline: ['/run/tunnels/bob/bob.example.com.sock'] },
    ]);
    expect(report.routes.find((r) => r.host === 'wiki.example.com')).toMatchObject({ kind: 'upstream', target: 'http://wiki:8080', health: 'no check' });
    // The upstream's server is found by the name the renderer gives it, not by being the only one.
    expect(report.routes.find((r) => r.host === 'nas.example.com')).toMatchObject({ health: 'MAINT (resolution)' });
    expect(report.routes.find((r) => r.host === 'router.example.com')).toMatchObject({ health: 'unknown' });
  });

  it('renders a readable text form', () => {
    const text = renderStatus(report);
    expect(text).toContain('https://alice.example.com  tunnel alice  2/3 slots up');
    expect(text).toContain('slot 2  offline    DOWN (General socket error (No such file or directory))  /run/tunnels/alice/alice.example.com.2.sock');
    expect(text).toContain('alice  1 key(s)  2 connected, 1 offline');
  });

  it('says "unknown" rather than guessing when HAProxy could not be asked', () => {
    const blind = buildStatus(full, { containers: [] }, new Date());
    expect(blind.routes[0]!.health).toBe('unknown');
    expect(renderStatus(blind)).toContain('not running (npm run up)');
  });
});

describe('certificates in the status report', () => {
  const now = new Date('2026-03-01T12:00:00Z');
  const meta = (over: Partial<CertMeta>): CertMeta => ({
    hosts: ['alice.example.com'],
    issuer: "(STAGING) Let's Encrypt, R10",
    serial: '04AB',
    notBefore: '2026-02-01T00:00:00.000Z',
    notAfter: '2026-05-02T00:00:00.000Z',
    ca: 'https://acme-staging-v02.api.letsencrypt.org/directory',
    lastAttempt: '2026-03-01T03:17:00.000Z',
    lastResult: 'not-due',
    ...over,
  });
  const served = (issuer: string, host: string) => ({
    filename: `/certs/${host}.pem`,
    serial: '1A2B',
    notBefore: new Date('2026-02-28T00:00:00Z'),
    notAfter: new Date('2026-05-29T00:00:00Z'),
    subject: `/CN=${host}`,
    issuer,
    dnsNames: [host],
  });
  const observed = {
    'alice.example.com': { meta: meta({}) },
    'bob.example.com': {
      meta: meta({ hosts: ['bob.example.com'], notAfter: '2026-02-27T00:00:00.000Z', lastResult: 'failed', lastError: 'urn:ietf:params:acme:error:connection: Connection refused' }),
    },
    'nas.example.com': { served: served('/CN=nas.example.com/O=tunnelgate placeholder', 'nas.example.com') },
    'router.example.com': { served: served("/C=US/O=Let's Encrypt/CN=R11", 'router.example.com') },
  };
  const certs = buildCertificates(full, observed, now);
  const report = buildStatus(full, { containers: [], certificates: observed }, now);

  it('takes hosts, issuer, expiry and the last result from the metadata, with days left from now', () => {
    expect(certs[0]).toEqual({
      host: 'alice.example.com',
      file: '/certs/alice.example.com.pem',
      hosts: ['alice.example.com'],
      issuer: "(STAGING) Let's Encrypt, R10",
      notAfter: '2026-05-02T00:00:00.000Z',
      daysLeft: 61,
      lastResult: 'not-due',
      lastAttempt: '2026-03-01T03:17:00.000Z',
      source: 'metadata',
    });
    expect(certs[1]).toMatchObject({ daysLeft: -3, lastResult: 'failed', lastError: 'urn:ietf:params:acme:error:connection: Connection refused' });
  });

  it("falls back to HAProxy's view, naming the placeholder, and says unknown when there is neither", () => {
    expect(certs[2]).toMatchObject({ host: 'nas.example.com', issuer: 'placeholder (self-signed)', notAfter: '2026-05-29T00:00:00.000Z', daysLeft: 88, source: 'haproxy' });
    expect(certs[2]).not.toHaveProperty('lastResult');
    expect(certs[3]).toMatchObject({ issuer: "/C=US/O=Let's Encrypt/CN=R11", source: 'haproxy' });
    expect(certs[4]).toEqual({ host: 'wiki.example.com', file: '/certs/wiki.example.com.pem', hosts: ['wiki.example.com'], issuer: 'unknown', source: 'none' });
    expect(buildCertificates(full, undefined, now).every((c) => c.source === 'none')).toBe(true);
  });

  it('uses the wildcard file name', () => {
    expect(buildCertificates(wildcard, undefined, now).map((c) => c.file)).toContain('/certs/_wildcard.example.com.pem');
  });

  it('renders one line per certificate, the last error under it', () => {
    const text = renderStatus(report);
    expect(text).toContain("\ncertificates\n  alice.example.com  (STAGING) Let's Encrypt, R10  until 2026-05-02 (61 day(s) left)  last not due 2026-03-01T03:17:00.000Z\n");
    expect(text).toContain(
      "  bob.example.com  (STAGING) Let's Encrypt, R10  until 2026-02-27 (EXPIRED 3 day(s) ago)  last FAILED 2026-03-01T03:17:00.000Z\n    last error: urn:ietf:params:acme:error:connection: Connection refused",
    );
    expect(text).toContain('  nas.example.com  placeholder (self-signed)  until 2026-05-29 (88 day(s) left)\n');
    expect(text).toContain('  wiki.example.com  unknown (no certificate facts; HAProxy not asked or not serving it)');
  });

  it('lists the names a certificate covers when they differ from its host', () => {
    const multi = { 'alice.example.com': { meta: meta({ hosts: ['alice.example.com', 'www.alice.example.com'] }) } };
    expect(renderStatus(buildStatus(full, { containers: [], certificates: multi }, now))).toContain('alice.example.com  [alice.example.com, www.alice.example.com]  (STAGING)');
  });

  it('keeps the JSON keys the e2e and scripts read', () => {
    expect(Object.keys(JSON.parse(JSON.stringify(report)))).toEqual(['project', 'containers', 'routes', 'users', 'certificates']);
  });

  it('shows a failed first attempt beside the placeholder HAProxy serves', () => {
    const observedFirst: Record<string, CertObservation> = {
      'alice.example.com': {
        meta: { hosts: ['alice.example.com'], lastAttempt: '2026-03-01T03:17:00.000Z', lastResult: 'failed', lastError: 'rateLimited: too many certificates' },
        served: served('/CN=alice.example.com/O=tunnelgate placeholder', 'alice.example.com'),
      },
    };
    const first = buildCertificates(full, observedFirst, now);
    expect(first[0]).toMatchObject({ issuer: 'placeholder (self-signed)', daysLeft: 88, lastResult: 'failed', lastError: 'rateLimited: too many certificates', source: 'haproxy' });
    const text = renderStatus(buildStatus(full, { containers: [], certificates: observedFirst }, now));
    expect(text).toContain(
      '  alice.example.com  placeholder (self-signed)  until 2026-05-29 (88 day(s) left)  last FAILED 2026-03-01T03:17:00.000Z\n    last error: rateLimited: too many certificates',
    );
  });
});
