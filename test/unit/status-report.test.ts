import { describe, expect, it } from 'vitest';
import { buildStatus, renderStatus } from '../../scripts/lib/status-report.js';
import { full } from './fixtures/haproxy/models.js';

const row = (backend: string, server: string, status: string, lastCheck = '') => ({ backend, server, status, checkStatus: '', checkDesc: '', lastCheck });

describe('status report', () => {
  const report = buildStatus(full, [{ service: 'haproxy', name: 'edge-haproxy-1', state: 'running', startedAt: 't0' }], [
    row('be_alice.example.com', 'slot1', 'UP'),
    row('be_alice.example.com', 'slot2', 'DOWN', 'General socket error (No such file or directory)'),
    row('be_alice.example.com', 'slot3', 'UP'),
    row('be_bob.example.com', 'slot1', 'DOWN'),
    row('be_wiki.example.com', 's1', 'no check'),
  ]);

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
      { name: 'alice', keys: 1, connected: ['/run/tunnels/alice/alice.example.com.sock', '/run/tunnels/alice/alice.example.com.3.sock'], offline: ['/run/tunnels/alice/alice.example.com.2.sock'] },
      { name: 'bob', keys: 1, connected: [], offline: ['/run/tunnels/bob/bob.example.com.sock'] },
    ]);
    expect(report.routes.find((r) => r.host === 'wiki.example.com')).toMatchObject({ kind: 'upstream', target: 'http://wiki:8080', health: 'no check' });
  });

  it('renders a readable text form', () => {
    const text = renderStatus(report);
    expect(text).toContain('https://alice.example.com  tunnel alice  2/3 slots up');
    expect(text).toContain('slot 2  offline    DOWN (General socket error (No such file or directory))  /run/tunnels/alice/alice.example.com.2.sock');
    expect(text).toContain('alice  1 key(s)  2 connected, 1 offline');
  });

  it('says "unknown" rather than guessing when HAProxy could not be asked', () => {
    const blind = buildStatus(full, [], undefined);
    expect(blind.routes[0]!.health).toBe('unknown');
    expect(renderStatus(blind)).toContain('not running (npm run up)');
  });
});
