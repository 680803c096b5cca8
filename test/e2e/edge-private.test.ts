/**
 * Private hosts and the edge's own forwarding headers, seen by clients in containers on two
 * networks of their own that HAProxy joins (so each arrives with its real address, as a remote
 * client does through Docker's DNAT): mTLS, basic auth with a hash from `npm run hash-password`,
 * allow lists, 421 for a private Host over another name's TLS, forwarded headers rebuilt through
 * the layered :443 (PROXY v2), and route and allow-list changes applied without a reload.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { $ } from 'zx';
import { tmp } from '../../testkit/tmp.js';
import { waitFor } from '../../testkit/wait.js';
import { type CertFiles, issuedBy, selfSigned } from './support-certs.js';
import { EdgeLab } from './support-edge.js';
import { run } from './support-haproxy.js';

const lab = new EdgeLab('edge-priv');
const nets = { a: '', b: '', up: '' };
const subnet = { a: '', b: '' };
const haproxyIp = { a: '', b: '' };
let clientCa: CertFiles;
let client: CertFiles;
let rogue: CertFiles;
let hash = '';

/** The routes, with `allow` for office.example.test given per call (its subnet). */
const routes = (allow: string, withPublic = true) => [
  { host: 'admin.example.test', upstream: 'http://echo:8080', clientCA: clientCa.cert },
  { host: 'auth.example.test', upstream: 'http://echo:8080', basicAuth: { admin: hash } },
  { host: 'office.example.test', upstream: 'http://echo:8080', allow: [allow] },
  ...(withPublic ? [{ host: 'public.example.test', upstream: 'http://echo:8080' }] : []),
];
const up = (allow: string, withPublic = true) => lab.up('edge', { users: {}, routes: routes(allow, withPublic), extra: { networks: [nets.a, nets.b, nets.up] } });

/** curl from a client container on network `on`, to HAProxy's :443 there, as `sni` (with extra args). */
async function curl(on: 'a' | 'b', sni: string, args: string[] = []): Promise<{ code: string; body: string; headers: string }> {
  const script = 'curl -sk -D /tmp/h -o /tmp/b -w "%{http_code}" "$@"; echo; cat /tmp/h; echo ===; cat /tmp/b';
  const res = await lab.client(nets[on], ['sh', '-c', script, 'curl', '--resolve', `${sni}:443:${haproxyIp[on]}`, ...args, `https://${sni}/`], [`${tmp}:/certs`]);
  const [code = '', rest = ''] = res.stdout.split(/\n(.*)/s);
  const [headers = '', body = ''] = rest.split('===\n');
  return { code, headers, body };
}

/** The request headers the echo upstream received, as [name, value] pairs in order. */
const seen = (body: string): Array<[string, string]> => JSON.parse(body).headers;

beforeAll(async () => {
  await lab.init();
  nets.a = await lab.network('clients-a');
  nets.b = await lab.network('clients-b');
  nets.up = await lab.network('upstreams');
  for (const n of ['a', 'b'] as const) subnet[n] = (await run`docker network inspect -f ${'{{(index .IPAM.Config 0).Subnet}}'} ${nets[n]}`).stdout.trim();
  clientCa = await selfSigned('clients-ca', ['tunnelgate test clients CA']);
  client = await issuedBy(clientCa, 'client1', 'client1');
  rogue = await issuedBy(await selfSigned('rogue-ca', ['someone else']), 'rogue', 'client1');
  hash = (await $({ quiet: true, input: 's3cret\n' })`node bin/tunnelgate.mjs hash-password`).stdout.trim();
  expect(hash).toMatch(/^\$6\$/);
  await lab.service('echo', nets.up, ['http:8080']);
  await up(subnet.a);
  for (const n of ['a', 'b'] as const) haproxyIp[n] = await lab.address(lab.haproxy, nets[n]);
});

afterAll(() => lab.teardown());

describe('client certificates (clientCA)', () => {
  const cert = (files: CertFiles) => ['--cert', `/certs/${files.cert.split('/').pop()}`, '--key', `/certs/${files.key.split('/').pop()}`];

  it('lets a certificate from the route CA through, and refuses none or another CA with a page that says why', async () => {
    expect((await curl('a', 'admin.example.test', cert(client))).code).toBe('200');
    const none = await curl('a', 'admin.example.test');
    expect([none.code, none.body]).toEqual(['403', expect.stringContaining('client certificate required')]);
    expect((await curl('a', 'admin.example.test', cert(rogue))).code).toBe('403');
  });
});

describe('basic auth', () => {
  it('answers 401 with WWW-Authenticate, then 200 with the right password, and never forwards it', async () => {
    const none = await curl('a', 'auth.example.test');
    expect(none.code).toBe('401');
    expect(none.headers).toMatch(/^www-authenticate: Basic realm="auth.example.test"\r?$/im);
    expect((await curl('a', 'auth.example.test', ['-u', 'admin:wrong'])).code).toBe('401');
    const ok = await curl('a', 'auth.example.test', ['-u', 'admin:s3cret']);
    expect(ok.code).toBe('200');
    expect(seen(ok.body).map(([n]) => n)).not.toContain('authorization');
  });
});

describe('allow lists', () => {
  it('serves the allowed network and refuses the other with a 403 page', async () => {
    expect((await curl('a', 'office.example.test')).code).toBe('200');
    const refused = await curl('b', 'office.example.test');
    expect([refused.code, refused.body]).toEqual(['403', expect.stringContaining('address not allowed')]);
  });
});

describe('421 Misdirected Request', () => {
  it('refuses a private Host over a public TLS name, and a public Host over a private one', async () => {
    expect((await curl('a', 'public.example.test', ['-H', 'Host: auth.example.test', '-u', 'admin:s3cret'])).code).toBe('421');
    expect((await curl('a', 'admin.example.test', ['-H', 'Host: public.example.test'])).code).toBe('421');
    expect((await curl('a', 'public.example.test')).code).toBe('200');
  });
});

describe("the edge's own forwarding headers", () => {
  it('replaces whatever the client sent with the address HAProxy saw through the :443 hop', async () => {
    const spoof = [
      'X-Forwarded-For: 6.6.6.6',
      'X-Real-IP: 6.6.6.6',
      'Forwarded: for=6.6.6.6;proto=http',
      'X-Forwarded-Host: evil.test',
      'X-Forwarded-Proto: http',
      'X-Forwarded-Port: 80',
      'X-Forwarded-Server: evil',
    ];
    // The client's own address first (Docker writes it last in /etc/hosts), then the answer.
    const script = 'tail -n1 /etc/hosts | cut -f1; curl -sk "$@"';
    const args = ['--resolve', `public.example.test:443:${haproxyIp.a}`, ...spoof.flatMap((h) => ['-H', h]), 'https://public.example.test/'];
    const res = await lab.client(nets.a, ['sh', '-c', script, 'curl', ...args]);
    const [address, body] = res.stdout.split(/\n(.*)/s) as [string, string];
    expect(address).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    const headers = seen(body).filter(([n]) => /^x-forwarded|^x-real-ip$|^forwarded$/.test(n));
    expect(headers).toEqual([
      ['x-real-ip', address],
      ['x-forwarded-proto', 'https'],
      ['x-forwarded-host', 'public.example.test'],
      ['x-forwarded-port', String(lab.ports.https)],
      ['forwarded', `proto=https;host="public.example.test";for=${address}`],
      ['x-forwarded-for', address],
    ]);
  });

  it('refuses header names with an underscore (X_Forwarded_For reads as X-Forwarded-For to CGI apps)', async () => {
    expect((await curl('a', 'public.example.test', ['-H', 'X_Forwarded_For: 6.6.6.6'])).code).toBe('403');
  });
});

describe('route changes without a reload', () => {
  it('applies an allow-list edit through the runtime API: the other network is now the allowed one', async () => {
    const reloads = await lab.reloads();
    const res = await up(subnet.b);
    expect(res.ops.map((o) => o.op)).toEqual(['update-routes']);
    expect(await lab.reloads()).toBe(reloads);
    expect((await curl('b', 'office.example.test')).code).toBe('200');
    expect((await curl('a', 'office.example.test')).code).toBe('403');
  });

  it('removes a route through the runtime API (404 at once), and reloads to add it back', async () => {
    const reloads = await lab.reloads();
    const removed = await up(subnet.b, false);
    expect(removed.ops.map((o) => `${o.op} ${o.cause}`)).toEqual([expect.stringMatching(/^update-routes removed: be_public.example.test; hosts.map changed/)]);
    expect(await lab.reloads()).toBe(reloads);
    expect((await curl('a', 'public.example.test')).code).toBe('404');
    expect((await up(subnet.b, false)).ops).toEqual([]);
    const back = await up(subnet.b);
    // Its placeholder certificate is still in the certs volume: only the reload is needed.
    expect(back.ops.map((o) => o.op)).toEqual(['reload']);
    expect(
      (
        await waitFor(
          () => curl('a', 'public.example.test'),
          (r) => r.code === '200',
        )
      ).code,
    ).toBe('200');
  });
});
