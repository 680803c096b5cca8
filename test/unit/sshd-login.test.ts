/**
 * What a user sees at `ssh <user>@edge` (and atop `status --user`): golden text with markers,
 * the fill rules, and that nothing of another user leaks into it.
 */
import { describe, expect, it } from 'vitest';
import { renderUserSummary } from '../../scripts/report/connect-guide.js';
import { keyExpiryWarnings } from '../../scripts/report/key-expiry.js';
import { fillSummary, keyFingerprint, renderLoginSummary, summarySockets } from '../../sshd/login-summary.js';
import { renderLoginFiles } from '../../sshd/render.js';
import { SSHD } from '../../stacks/layout.js';
import { teams } from './fixtures/sshd/models.js';

const certificates = { 'alice.example.com': new Date('2027-02-22T19:42:32Z') };
const text = (user: string) => renderLoginSummary(teams, user, { serverHost: 'edge.example.com', certificates });

describe('renderLoginSummary', () => {
  it.each(['alice', 'bob', 'carol', 'dave'])('matches the golden text for %s', async (user) => {
    await expect(text(user)).toMatchFileSnapshot(`./fixtures/sshd/golden-login/teams-${user}.txt`);
  });

  it("never names another user's routes, sockets or shares", () => {
    const bob = text('bob');
    expect(bob).not.toContain('alice.example.com');
    expect(bob).not.toContain('/run/tunnels/alice');
    expect(bob).not.toContain('carol');
    // bob uses alice-vnc: its name and owner, never the other users it is shared with.
    const dave = text('dave');
    expect(dave).toContain('bob-db of bob');
    expect(dave).not.toContain('alice');
    expect(text('carol')).not.toMatch(/alice|bob|dave/);
  });

  it('lists the sockets to probe: every slot and share of the user, nothing else', () => {
    expect(summarySockets(text('alice'))).toEqual([
      '/run/tunnels/alice/alice.example.com.sock',
      '/run/tunnels/alice/alice.example.com.2.sock',
      '/run/shares/alice-vnc/sock',
      '/run/shares/bob-db/sock',
    ]);
  });

  it('computes fingerprints as ssh-keygen -l does', () => {
    // ssh-keygen -lf of the fixture's carol key.
    expect(keyFingerprint(teams.users[2]!.keys[0]!.line)).toBe('SHA256:FWnxr8JmDZFa9UXaWKfrb6ktqVtRMlW+FwA01kdKySM');
  });
});

describe('fillSummary (the login program applies the same rules)', () => {
  const now = new Date('2026-12-29T12:00:00Z');
  const listening = (s: string) => (s.endsWith('.2.sock') ? false : s.includes('bob-db') ? undefined : true);
  const filled = fillSummary(text('alice'), listening, now);

  it('fills slots, certificate days and key days; no marker is left', () => {
    expect(filled).not.toContain('<<');
    expect(filled).toContain('    slot 1: connected\n');
    expect(filled).toContain('    slot 2: offline\n');
    expect(filled).toContain('  bob-db of bob: unknown\n');
    expect(filled).toContain('certificate: valid until 2027-02-22 (55 days left)');
    expect(filled).toContain('expires 2026-12-31 00:00 UTC (1 days left)');
  });

  it('says placeholder, expired and EXPIRED when they are', () => {
    const later = fillSummary(text('alice'), () => false, new Date('2027-03-01T00:00:00Z'));
    expect(later).toContain('certificate: EXPIRED on 2027-02-22');
    expect(later).toContain('expires 2026-12-31 00:00 UTC (expired)');
    expect(fillSummary(text('carol'), () => false, now)).toContain('certificate: self-signed placeholder (no certificate issued yet)');
  });

  it('is what status --user prints first', () => {
    expect(renderUserSummary(teams, 'alice', { listening: { '/run/tunnels/alice/alice.example.com.sock': true }, certificates, now }, { serverHost: 'edge.example.com' })).toBe(
      fillSummary(text('alice'), (s) => (s === '/run/tunnels/alice/alice.example.com.sock' ? true : undefined), now),
    );
  });
});

describe('renderLoginFiles', () => {
  it('writes one file per user, owned by their uid, naming no other user as the server', () => {
    const files = renderLoginFiles(teams, certificates);
    expect(files.map((f) => f.path)).toEqual(['alice', 'bob', 'carol', 'dave'].map((u) => `${SSHD.loginDir}/${u}`));
    expect(files[0]!.uid).toBe(37801);
    // dave has no route of his own: the server name is not borrowed from another user's host.
    expect(files[3]!.content).toContain('tunnelgate: dave on <this server>');
  });
});

describe('keyExpiryWarnings (up)', () => {
  it('warns for keys expiring within 7 days and for expired ones, nothing else', () => {
    expect(keyExpiryWarnings(teams, new Date('2026-12-01T00:00:00Z'))).toEqual([]);
    expect(keyExpiryWarnings(teams, new Date('2026-12-27T12:00:00Z'))).toEqual([
      "warning: alice's key alice-desktop (SHA256:3ZE8HLb+Ljlmnz6lFY17ybwiKFm44/xqxFiFrjDbhWA) expires at 2026-12-31 00:00 UTC, in 3 day(s)",
    ]);
    expect(keyExpiryWarnings(teams, new Date('2027-01-10T00:00:00Z'))).toEqual([
      "warning: alice's key alice-desktop (SHA256:3ZE8HLb+Ljlmnz6lFY17ybwiKFm44/xqxFiFrjDbhWA) expired at 2026-12-31 00:00 UTC: it no longer logs in",
      "warning: carol's key carol (SHA256:FWnxr8JmDZFa9UXaWKfrb6ktqVtRMlW+FwA01kdKySM) expires at 2027-01-15 17:30 UTC, in 5 day(s)",
    ]);
  });
});
