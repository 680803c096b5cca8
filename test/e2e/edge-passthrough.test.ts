/**
 * Issue 9 with real clients: SNI passthrough (openssl sees the upstream's and the tunnel's own
 * certificate), re-encryption that verifies by default, raw TCP routes to an upstream and to a
 * tunnel, the Docker host as `host`, and upstreams on an external network found by name at run
 * time (a container started after `up` serves without a reload).
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { Duplex } from 'node:stream';
import { connect as tlsConnect } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { $ } from 'zx';
import { HAPROXY } from '../../stacks/layout.js';
import { httpService, tcpService, tlsService } from '../../testkit/client/services.mjs';
import { keyPair } from '../../testkit/keys.js';
import { freePort, get } from '../../testkit/net.js';
import { type SshProcess, stop, tunnel } from '../../testkit/ssh.js';
import { tmp } from '../../testkit/tmp.js';
import { waitFor } from '../../testkit/wait.js';
import { type CertFiles, selfSigned } from './support-certs.js';
import { EdgeLab } from './support-edge.js';
import { run } from './support-haproxy.js';

const lab = new EdgeLab('edge-pt');
const alice = keyPair('alice-pt');
const procs: SshProcess[] = [];
const servers: Array<{ close: () => unknown }> = [];
const tcpPorts = { upstream: 0, tunnel: 0 };
let upNet = '';
let upstreamCert: CertFiles;
let tunnelCert: CertFiles;
let hostPort = 0;
let tunnelTls = 0;
let tunnelEcho = 0;
let spec: Parameters<EdgeLab['up']>[1];

/** The SHA-256 fingerprint of the certificate `openssl s_client` is shown for `servername`. */
async function servedFingerprint(servername: string): Promise<string> {
  const script = 'openssl s_client -connect "$1" -servername "$2" </dev/null 2>/dev/null | openssl x509 -noout -fingerprint -sha256';
  const res = await $({ quiet: true, nothrow: true })`sh -c ${script} s_client ${`127.0.0.1:${lab.ports.https}`} ${servername}`;
  return res.stdout.trim().replace(/^.*=/, '');
}

/** Sends `text` to a TCP port on loopback and returns what comes back before the server closes or 2 s pass. */
function tcpEcho(port: number, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    let got = '';
    const socket = connect(port, '127.0.0.1', () => socket.write(text));
    socket.setTimeout(5000, () => socket.destroy(new Error('timeout')));
    socket.on('data', (b) => {
      got += b.toString();
      if (got.length >= text.length) socket.end();
    });
    socket.on('close', () => resolve(got));
    socket.on('error', reject);
  });
}

const listen = async (server: { listen: (port: number, host: string, cb: () => void) => unknown; address: () => unknown }, host = '127.0.0.1') => {
  await new Promise<void>((r) => server.listen(0, host, r));
  return (server.address() as { port: number }).port;
};

beforeAll(async () => {
  await lab.init();
  upNet = await lab.network('upstreams');
  upstreamCert = await selfSigned('tlsup', ['tlsup', 'pass.example.test']);
  tunnelCert = await selfSigned('tunnel-tls', ['alice-pt.example.test']);
  await lab.service('tlsup', upNet, ['tls:8443:/certs/tlsup.pem:/certs/tlsup.key'], [`${tmp}:/certs`]);
  await lab.service('echo', upNet, ['tcp:7000']);
  // The Docker host: a service on the default bridge's gateway address, as a LAN service on the host would be.
  const gateway = (await run`docker network inspect bridge -f ${'{{(index .IPAM.Config 0).Gateway}}'}`).stdout.trim();
  const onHost = httpService('on-the-docker-host');
  servers.push(onHost);
  hostPort = await listen(onHost, gateway);
  const tls = tlsService(readFileSync(tunnelCert.cert), readFileSync(tunnelCert.key), 'tunnel-tls');
  servers.push(tls);
  tunnelTls = await listen(tls);
  const echo = tcpService();
  servers.push(echo);
  tunnelEcho = await listen(echo);
  tcpPorts.upstream = await freePort();
  tcpPorts.tunnel = await freePort();
  spec = {
    users: { alice: [alice.pub] },
    routes: [
      { host: 'pass.example.test', upstream: 'https://tlsup:8443', tls: 'passthrough' },
      { host: 'alice-pt.example.test', tunnel: 'alice', tls: 'passthrough' },
      { host: 'strict.example.test', upstream: 'https://tlsup:8443' },
      { host: 'lax.example.test', upstream: 'https://tlsup:8443', verify: false },
      { host: 'pinned.example.test', upstream: 'https://tlsup:8443', ca: upstreamCert.cert },
      { host: 'onhost.example.test', upstream: `http://host:${hostPort}` },
      { host: 'late.example.test', upstream: 'http://late:8080' },
    ],
    extra: {
      networks: [upNet],
      tcp: [
        { port: tcpPorts.upstream, upstream: 'tcp://echo:7000' },
        { port: tcpPorts.tunnel, tunnel: 'alice' },
      ],
    },
  };
  const res = await lab.up('edge', spec);
  expect(res.ops.map((o) => o.op)).toContain('create');
});

afterAll(async () => {
  await Promise.all(procs.map(stop));
  for (const s of servers) s.close();
  await lab.teardown();
});

describe('SNI passthrough', () => {
  it("hands an upstream's TLS through untouched: the client sees the upstream's own certificate", async () => {
    expect(await servedFingerprint('pass.example.test')).toBe(upstreamCert.fingerprint);
    const res = await $({
      quiet: true,
      nothrow: true,
    })`curl -s --cacert ${upstreamCert.cert} --resolve ${`pass.example.test:${lab.ports.https}:127.0.0.1`} ${`https://pass.example.test:${lab.ports.https}/`}`;
    expect(JSON.parse(res.stdout)).toMatchObject({ name: 'tlsup' });
  });

  it("hands a tunnel's TLS through untouched: the user's own service holds the certificate", async () => {
    procs.push(tunnel(lab.ports.ssh, 'alice', alice.path, '/run/tunnels/alice/alice-pt.example.test.sock', tunnelTls));
    const fp = await waitFor(
      () => servedFingerprint('alice-pt.example.test'),
      (f) => f === tunnelCert.fingerprint,
    );
    expect(fp).toBe(tunnelCert.fingerprint);
  });

  it('sends no SNI and unknown SNI to the terminating side, which answers 404 with its default certificate', async () => {
    const unknown = await get(lab.ports.https, 'nobody.example.test');
    expect(unknown.status).toBe(404);
    const bare = await $({ quiet: true, nothrow: true })`curl -sk -o /dev/null -w ${'%{http_code}'} ${`https://127.0.0.1:${lab.ports.https}/`}`;
    expect(bare.stdout).toBe('404');
  });
});

describe('re-encryption', () => {
  it('refuses a self-signed upstream unless told (verify: false) or given its certificate (ca:)', async () => {
    expect((await get(lab.ports.https, 'strict.example.test')).status).toBe(503);
    const lax = await get(lab.ports.https, 'lax.example.test');
    expect([lax.status, JSON.parse(lax.body).name]).toEqual([200, 'tlsup']);
    const pinned = await get(lab.ports.https, 'pinned.example.test');
    expect([pinned.status, JSON.parse(pinned.body).name]).toEqual([200, 'tlsup']);
  });
});

describe('raw TCP routes', () => {
  it('echoes through a published port to an upstream container', async () => {
    expect(
      await waitFor(
        () => tcpEcho(tcpPorts.upstream, 'hello upstream\n'),
        (t) => t === 'hello upstream\n',
      ),
    ).toBe('hello upstream\n');
  });

  it("echoes through a published port to a user's tunnel socket tcp-<port>.sock, whose ssh -R status prints", async () => {
    const status = await $({ quiet: true, nothrow: true })`node bin/tunnelgate.mjs status --config ${lab.file('edge', spec)} --user alice`;
    expect(status.stdout).toContain(`ssh -N -R /run/tunnels/alice/tcp-${tcpPorts.tunnel}.sock:localhost:${tcpPorts.tunnel}`);
    procs.push(tunnel(lab.ports.ssh, 'alice', alice.path, `/run/tunnels/alice/tcp-${tcpPorts.tunnel}.sock`, tunnelEcho));
    expect(
      await waitFor(
        () => tcpEcho(tcpPorts.tunnel, 'hello tunnel\n'),
        (t) => t === 'hello tunnel\n',
      ),
    ).toBe('hello tunnel\n');
  });
});

describe('upstreams where the services are', () => {
  it('reaches a service on the Docker host as `host`', async () => {
    const res = await get(lab.ports.https, 'onhost.example.test');
    expect([res.status, JSON.parse(res.body).name]).toEqual([200, 'on-the-docker-host']);
  });

  it('finds a container of an external network that starts after up, without a reload', async () => {
    const reloads = await lab.reloads();
    expect((await get(lab.ports.https, 'late.example.test')).status).toBe(503);
    await lab.service('late', upNet, ['http:8080']);
    const res = await waitFor(
      () => get(lab.ports.https, 'late.example.test'),
      (r) => r.status === 200,
      30_000,
      250,
    );
    expect(JSON.parse(res.body).name).toBe('late');
    expect(await lab.reloads()).toBe(reloads);
  });

  it('up refuses a network that does not exist, with a located error and exit 2', async () => {
    const file = lab.file('missing-net', { users: {}, routes: [], extra: { networks: [`${lab.project}-nope`] } });
    const res = await $({ quiet: true, nothrow: true })`node bin/tunnelgate.mjs up --config ${file} --dry-run`;
    expect(res.exitCode).toBe(2);
    expect(res.stderr).toMatch(new RegExp(`${file.split('/').pop()}:\\d+:\\d+ networks\\[0\\]: network "${lab.project}-nope" does not exist`));
  });
});

describe('status', () => {
  it("shows each terminated host's placeholder as HAProxy serves it, and no passthrough host", async () => {
    const res = await $({ quiet: true, nothrow: true })`node bin/tunnelgate.mjs status --config ${lab.file('edge', spec)} --json`;
    expect(res.exitCode, res.stderr).toBe(0);
    const certs = (JSON.parse(res.stdout) as { certificates: Array<{ host: string; issuer: string; source: string; daysLeft?: number }> }).certificates;
    const terminated = spec.routes.filter((r) => r.tls !== 'passthrough').map((r) => r.host);
    expect(certs.map((c) => c.host).sort()).toEqual([...terminated].sort());
    for (const c of certs) expect(c, c.host).toMatchObject({ issuer: 'placeholder (self-signed)', source: 'haproxy' });
    expect(certs.every((c) => (c.daysLeft ?? 0) >= 89)).toBe(true);
  });
});

/**
 * One HTTPS request as an old worker's SNI router passes a connection on: into HAProxy's internal
 * address (inside the container, through socat) with a PROXY header naming `client` first.
 * unix-tightsocklen=0: HAProxy's abns@ names fill the whole sun_path, zero-padded.
 */
async function throughHandoff(host: string, client: string): Promise<string> {
  const relay = spawn('docker', ['exec', '-i', lab.haproxy, 'socat', 'STDIO', 'ABSTRACT-CONNECT:tunnelgate-https,unix-tightsocklen=0'], { stdio: ['pipe', 'pipe', 'inherit'] });
  try {
    relay.stdin.write(`PROXY TCP4 ${client} 127.0.0.1 40000 443\r\n`);
    const socket = tlsConnect({ socket: Duplex.from({ readable: relay.stdout, writable: relay.stdin }), servername: host, rejectUnauthorized: false });
    // HTTP/1.0: the answer comes whole, not chunked.
    socket.end(`GET / HTTP/1.0\r\nHost: ${host}\r\n\r\n`);
    let text = '';
    for await (const chunk of socket) text += String(chunk);
    return text;
  } finally {
    relay.kill();
  }
}

describe('how :443 is wired', () => {
  it('without passthrough routes the terminating frontend takes :443 itself; the switch both ways fails no request', async () => {
    const config = () => run`docker exec ${lab.haproxy} cat ${HAPROXY.cfg}`;
    expect((await config()).stdout).toContain('frontend tls_router');
    // New connections all the while, one at a time, to a terminated route: each reload hands
    // :443 from one frontend to the other, and not one of them may be refused or dropped.
    let loading = true;
    const results: string[] = [];
    const load = (async () => {
      while (loading)
        results.push(
          await get(lab.ports.https, 'onhost.example.test').then(
            (r) => String(r.status),
            (e: Error) => e.message,
          ),
        );
    })();
    try {
      const terminatedOnly = { ...spec, routes: spec.routes.filter((r) => r.tls !== 'passthrough') };
      await lab.up('edge-no-passthrough', terminatedOnly);
      const cfg = (await config()).stdout;
      expect(cfg).not.toContain('frontend tls_router');
      expect(cfg).toMatch(/^ {4}bind :443 ssl crt-list /m);
      // What an old worker's router would hand on lands: through the hand-off, back to :443,
      // with the client's address from the PROXY header reaching the target.
      const handedOff = await throughHandoff('onhost.example.test', '203.0.113.9');
      expect(handedOff).toMatch(/^HTTP\/1\.[01] 200 /);
      const seen = JSON.parse(handedOff.slice(handedOff.indexOf('\r\n\r\n') + 4)) as { headers: string[][] };
      expect(seen.headers.find(([k]) => k === 'x-forwarded-for')?.[1]).toBe('203.0.113.9');
      expect(await servedFingerprint('pass.example.test')).not.toBe(upstreamCert.fingerprint);
      await lab.up('edge', spec);
      expect((await config()).stdout).toContain('frontend tls_router');
      expect(await servedFingerprint('pass.example.test')).toBe(upstreamCert.fingerprint);
    } finally {
      loading = false;
      await load;
    }
    expect(results.length).toBeGreaterThan(10);
    expect(results.filter((r) => r !== '200')).toEqual([]);
  });
});
