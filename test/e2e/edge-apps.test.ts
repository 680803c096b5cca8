/**
 * What real apps need through tunnels and upstreams, with real clients: a WebSocket echo and an
 * h2c call through a tunnel (HTTP/2 to the client), an h2c upstream on an external network,
 * sticky slots, an HTTP health check that sees a failing service behind a live tunnel, and the
 * route's headers and HSTS on every answer, HAProxy's own 503 page included.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { $ } from 'zx';
import { parseShowStat, SHOW_SERVERS_COMMAND } from '../../haproxy/runtime-api.js';
import { h2cService, httpService } from '../../testkit/client/services.mjs';
import { keyPair } from '../../testkit/keys.js';
import { type SshProcess, stop, tunnel } from '../../testkit/ssh.js';
import { waitFor } from '../../testkit/wait.js';
import { wsEcho } from '../../testkit/ws.js';
import { EdgeLab } from './support-edge.js';

const lab = new EdgeLab('edge-apps');
const alice = keyPair('alice-apps');
const procs: SshProcess[] = [];
const servers: Array<{ close: () => unknown; listen: (port: number, host: string, cb: () => void) => unknown; address: () => unknown }> = [];
const port: Record<string, number> = {};
let slot2Health = 200;
const sock = (host: string, slot = 1) => `/run/tunnels/alice/${host}${slot === 1 ? '' : `.${slot}`}.sock`;

interface Answer {
  status: number;
  version: string;
  headers: string;
  json: { name: string; httpVersion: string; inflight?: number };
}

/** curl on the host to the stack's published :443, as `host`, with its own flags (`--http2`, `-b`). */
async function curl(host: string, args: string[] = [], path = '/'): Promise<Answer> {
  const target = `https://${host}:${lab.ports.https}${path}`;
  const res = await $({ quiet: true, nothrow: true })`curl -sk -D - -w ${'\n%{http_code} %{http_version}'} --resolve ${`${host}:${lab.ports.https}:127.0.0.1`} ${args} ${target}`;
  const text = res.stdout.trimEnd();
  const split = text.indexOf('\r\n\r\n');
  const lines = text.slice(split + 4).split('\n');
  const [status = '0', version = ''] = (lines.pop() ?? '').split(' ');
  const body = lines.join('\n');
  return { status: Number(status), version, headers: text.slice(0, split), json: body.startsWith('{') ? JSON.parse(body) : { name: '', httpVersion: '' } };
}

beforeAll(async () => {
  await lab.init();
  const upNet = await lab.network('upstreams');
  await lab.service('grpc', upNet, ['h2c:50051']);
  await lab.service('slow', upNet, ['http:8080']);
  const services = { ws: httpService('ws-app'), h2c: h2cService('h2c-app'), slot1: httpService('slot-1'), slot2: httpService('slot-2', () => slot2Health) };
  for (const [name, server] of Object.entries(services)) {
    servers.push(server);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port[name] = (server.address() as { port: number }).port;
  }
  await lab.up('edge', {
    users: { alice: [alice.pub] },
    routes: [
      { host: 'ws.example.test', tunnel: 'alice' },
      { host: 'grpc-dev.example.test', tunnel: 'alice', protocol: 'h2c' },
      { host: 'grpc.example.test', upstream: 'h2c://grpc:50051' },
      { host: 'app.example.test', tunnel: 'alice', replicas: 2, sticky: true, health: { path: '/healthz' }, hsts: 600, headers: { 'X-Frame-Options': 'DENY' } },
      { host: 'limited.example.test', upstream: 'http://slow:8080', maxconn: 1 },
      { host: 'open.example.test', upstream: 'http://slow:8080' },
    ],
    extra: { networks: [upNet] },
  });
});

afterAll(async () => {
  await Promise.all(procs.map(stop));
  for (const s of servers) s.close();
  await lab.teardown();
});

describe('headers of a route', () => {
  it("are on HAProxy's own 503 page too, with HSTS", async () => {
    const offline = await curl('app.example.test');
    expect(offline.status).toBe(503);
    expect(offline.headers).toMatch(/^x-frame-options: DENY\r?$/im);
    expect(offline.headers).toMatch(/^strict-transport-security: max-age=600\r?$/im);
  });
});

describe('through a tunnel', () => {
  it('carries a WebSocket: upgrade, message, echo', async () => {
    procs.push(tunnel(lab.ports.ssh, 'alice', alice.path, sock('ws.example.test'), port.ws!));
    const reply = await waitFor(
      () => wsEcho(lab.ports.https, 'ws.example.test', '/chat', 'hello over a tunnel'),
      (r) => r.startsWith('echo:'),
    ).catch((err: Error) => {
      throw new Error(`${err.message}\nssh: ${procs.at(-1)?.stderr()}`);
    });
    expect(reply).toBe('echo:hello over a tunnel');
  });

  it('speaks HTTP/2 to the client and h2c to a service that only speaks h2c', async () => {
    procs.push(tunnel(lab.ports.ssh, 'alice', alice.path, sock('grpc-dev.example.test'), port.h2c!));
    const res = await waitFor(
      () => curl('grpc-dev.example.test', ['--http2']),
      (r) => r.status === 200,
    );
    expect([res.version, res.json.name, res.json.httpVersion]).toEqual(['2', 'h2c-app', '2.0']);
  });
});

describe('to an h2c upstream', () => {
  it('calls a cleartext HTTP/2 service on an external network', async () => {
    const res = await waitFor(
      () => curl('grpc.example.test', ['--http2']),
      (r) => r.status === 200,
    );
    expect([res.version, res.json.name, res.json.httpVersion]).toEqual(['2', 'grpc', '2.0']);
  });
});

describe('replicas', () => {
  it('pin a browser to its slot with a cookie, and set the route headers on the service answers', async () => {
    procs.push(tunnel(lab.ports.ssh, 'alice', alice.path, sock('app.example.test', 1), port.slot1!));
    procs.push(tunnel(lab.ports.ssh, 'alice', alice.path, sock('app.example.test', 2), port.slot2!));
    const states = () => lab.cli(SHOW_SERVERS_COMMAND).then((csv) => parseShowStat(csv).filter((s) => s.backend === 'be_app.example.test'));
    await waitFor(states, (s) => s.length === 2 && s.every((x) => x.status === 'UP' && x.checkStatus === 'L7OK'));
    const first = await curl('app.example.test');
    expect(first.headers).toMatch(/^set-cookie: TGSLOT=s[12]; path=\/; HttpOnly; Secure\r?$/im);
    expect(first.headers).toMatch(/^x-frame-options: DENY\r?$/im);
    const names = new Set<string>();
    for (let i = 0; i < 5; i++) names.add((await curl('app.example.test', ['-b', 'TGSLOT=s2'])).json.name);
    expect([...names]).toEqual(['slot-2']);
  });

  it('leave out a slot whose service fails its HTTP health check though its tunnel is up', async () => {
    slot2Health = 500;
    const states = () => lab.cli(SHOW_SERVERS_COMMAND).then((csv) => parseShowStat(csv).filter((s) => s.backend === 'be_app.example.test'));
    const down = await waitFor(states, (s) => s.find((x) => x.server === 'slot2')?.status === 'DOWN', 20_000, 250);
    const slot2 = down.find((x) => x.server === 'slot2')!;
    expect(`${slot2.checkStatus} ${slot2.checkDesc}`).toBe('L7STS Layer7 wrong status');
    const res = await curl('app.example.test', ['-b', 'TGSLOT=s2']);
    expect(res.json.name).toBe('slot-1');
    expect(res.headers).toMatch(/^set-cookie: TGSLOT=s1/im);
  });
});

describe('maxconn', () => {
  /** The most requests the service saw at once, for 3 concurrent slow requests through `host`. */
  const concurrency = async (host: string) => {
    const answers = await Promise.all([1, 2, 3].map(() => curl(host, [], '/sleep/800')));
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200]);
    return Math.max(...answers.map((a) => a.json.inflight ?? 0));
  };

  it("queues a route's requests beyond its limit instead of passing them on", async () => {
    expect(await concurrency('open.example.test')).toBeGreaterThan(1);
    expect(await concurrency('limited.example.test')).toBe(1);
  });
});
