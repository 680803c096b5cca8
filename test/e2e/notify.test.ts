/**
 * `renew` alerts `notify` when it must not fail silently: a script (the JSON report on its stdin)
 * and a webhook (a local HTTP server on loopback: no outside address) hear about a certificate
 * with fewer than daysLeft days, a failed renewal, a pass that cannot run, and `renew` fails when
 * an alert cannot be delivered. A real stack with the embedded Pebble; `renew` runs as a user runs it.
 */
import { appendFileSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { loadConfig } from '../../scripts/config/load-config.js';
import { converge } from '../../scripts/deploy/converge.js';
import { teardown } from '../../scripts/deploy/teardown.js';
import * as engine from '../../scripts/engine/index.js';
import type { RenewalAlert } from '../../scripts/report/renewal-alert.js';
import { writeEdgeYaml } from '../../testkit/edge-yaml.js';
import { keyPair } from '../../testkit/keys.js';
import { freePort } from '../../testkit/net.js';
import { tmp } from '../../testkit/tmp.js';
import { runCli } from './support-cli.js';

const say = () => {};
const HOST = 'site.notify.test';
const TOKEN = 'not-for-the-logs-4f2a';
let project: string;
let ports: { http: number; https: number; ssh: number };
let server: Server;
let hookPort: number;
const posted: RenewalAlert[] = [];
const alice = keyPair('notify-alice');
const inbox = join(tmp, 'alerts');

/** An edge.yaml for the shared stack with this notify section (command paths relative to it). */
function edge(name: string, notify: string): string {
  const file = writeEdgeYaml(name, { project, ports, users: { alice: [alice.pub] }, routes: [{ host: HOST, tunnel: 'alice' }] });
  appendFileSync(file, `notify:\n${notify}`);
  return file;
}

/** The reports the script received so far, oldest first. */
function scriptAlerts(): RenewalAlert[] {
  return readdirSync(inbox)
    .sort()
    .map((f) => JSON.parse(readFileSync(join(inbox, f), 'utf8')) as RenewalAlert);
}

const renew = (file: string, ...args: string[]) => runCli('renew', ['--config', file, ...args], { TUNNELGATE_TEST_RUN: inject('runId') });

beforeAll(async () => {
  process.env.TUNNELGATE_TEST_RUN = inject('runId');
  project = `tg-notify-${inject('runId')}`.replace(/[^a-z0-9-]/g, '-');
  ports = { http: await freePort(), https: await freePort(), ssh: await freePort() };
  mkdirSync(inbox, { recursive: true });
  // The script keeps each report it is given, in order.
  writeFileSync(join(tmp, 'on-renew-failure.sh'), `#!/bin/sh\nset -eu\ncat > "${inbox}/$(date +%s%N).json"\n`, { mode: 0o755 });
  writeFileSync(join(tmp, 'broken-alert.sh'), '#!/bin/sh\necho "mail server down" >&2\nexit 3\n', { mode: 0o755 });
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      if (req.method === 'POST' && req.url === `/hook/${TOKEN}` && req.headers['content-type'] === 'application/json') posted.push(JSON.parse(body));
      res.writeHead(204).end();
    });
  });
  hookPort = await freePort();
  await new Promise<void>((r) => server.listen(hookPort, '127.0.0.1', r));
  const res = await converge(loadConfig({ config: edge('notify-quiet', '  command: ./on-renew-failure.sh\n') }).model, say, new Date(), { acme: true });
  expect(res.issued?.results).toMatchObject([{ host: HOST, result: 'renewed' }]);
});

afterAll(async () => {
  await new Promise((r) => server?.close(r));
  if (project) await teardown(project, { volumes: true, log: say });
});

describe('notify', () => {
  it('stays quiet when every certificate is fine', async () => {
    const res = await renew(edge('notify-quiet', '  command: ./on-renew-failure.sh\n'));
    expect(res.exitCode, res.stderr).toBe(0);
    expect(res.stdout).toMatch(/^not due {2}site\.notify\.test/m);
    expect(res.stdout).not.toContain('notified');
    expect(scriptAlerts()).toEqual([]);
  });

  it('tells the script and the webhook about a certificate with fewer than daysLeft days, without failing renew', async () => {
    const file = edge('notify-expiring', `  command: ./on-renew-failure.sh\n  webhook: http://127.0.0.1:${hookPort}/hook/${TOKEN}\n  daysLeft: 90\n`);
    const res = await renew(file);
    expect(res.exitCode, res.stderr).toBe(0);
    expect(res.stdout).toContain(`notified ${join(tmp, 'on-renew-failure.sh')} (exit 0)`);
    expect(res.stdout).toContain(`notified http://127.0.0.1:${hookPort}/… (HTTP 204)`);
    expect(`${res.stdout}${res.stderr}`).not.toContain(TOKEN);
    const [alert] = scriptAlerts();
    expect(alert).toMatchObject({ kind: 'tunnelgate.renewal/v1', project, engine: 'unix:///var/run/docker.sock', failed: [], expiring: [{ host: HOST }] });
    expect(alert!.summary).toMatch(/^tunnelgate tg-notify-.*: 1 expires in fewer than 90 days \(site\.notify\.test: \d+\)$/);
    expect(alert!.certificates).toMatchObject([{ host: HOST, result: 'not-due' }]);
    expect(posted).toEqual([alert]);
  });

  it('makes renew fail when an alert cannot be delivered', async () => {
    const res = await renew(edge('notify-broken', '  command: ./broken-alert.sh\n  daysLeft: 90\n'));
    expect(res.exitCode).toBe(1);
    expect(res.stderr).toContain(`error: notifying failed: ${join(tmp, 'broken-alert.sh')} (exit 3: mail server down)`);
    expect(res.stderr).toContain('error: the renewal report did not reach every notify receiver');
  });

  it('reports a failed renewal (CA down) with the error and the days the old certificate has left', async () => {
    const before = scriptAlerts().length;
    await engine.stopContainer(`${project}-pebble-1`, 1);
    const res = await renew(edge('notify-failed', `  command: ./on-renew-failure.sh\n  webhook: http://127.0.0.1:${hookPort}/hook/${TOKEN}\n`), '--force');
    expect(res.exitCode).toBe(1);
    expect(res.stdout).toMatch(/^failed {3}site\.notify\.test/m);
    const alert = scriptAlerts()[before]!;
    expect(alert.failed).toMatchObject([{ host: HOST, error: expect.stringContaining('pebble') }]);
    expect(alert.failed[0]!.daysLeft).toBeGreaterThan(80);
    expect(alert.summary).toContain(`1 certificate failed (${HOST})`);
    expect(posted.at(-1)).toEqual(alert);
  });

  it('reports a pass that cannot run at all', async () => {
    const before = scriptAlerts().length;
    await engine.stopContainer(`${project}-haproxy-1`, 1);
    const res = await renew(edge('notify-down', '  command: ./on-renew-failure.sh\n'));
    expect(res.exitCode).toBe(1);
    expect(res.stderr).toContain(`error: haproxy of project ${project} is not running`);
    expect(scriptAlerts()[before]).toMatchObject({ error: `haproxy of project ${project} is not running: run \`npm run up\` first`, failed: [], certificates: [] });
  });
});
