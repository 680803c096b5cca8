/**
 * The haproxy image as built from haproxy/: the HAProxy we document, running unprivileged with
 * the tunnels group; every golden haproxy.cfg accepted by the real `haproxy -c` (so a golden file
 * cannot enshrine a config HAProxy rejects); and the demo config serving for real: 404 for unknown
 * hosts, the 503 page while no tunnel is open, a socket served as soon as it appears (no reload),
 * a verified reload and a certificate swapped through the master CLI.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPlaceholderPem } from '../../certs/placeholder.js';
import { masterCliArgv } from '../../haproxy/master-cli.js';
import { renderHaproxyFiles } from '../../haproxy/render-cfg.js';
import { parseReload, parseShowStat, RELOAD_COMMAND, SHOW_SERVERS_COMMAND } from '../../haproxy/runtime-api.js';
import { commitSslCertCommand, parseShowSslCert, parseSslCertOutcome, sameSerial, setSslCertFromFileArgv, showSslCertCommand } from '../../haproxy/runtime-certs.js';
import { ensureImage } from '../../scripts/deploy/images.js';
import { certPath, HAPROXY, TUNNELS_GID, tunnelSocketPaths } from '../../stacks/layout.js';
import type { TunnelRoute } from '../../stacks/model.js';
import { cases, demo } from '../unit/fixtures/haproxy/models.js';
import { certFiles, copyInto, createContainer, httpGet, httpsGet, publishedPort, run, testLabels, waitFor } from './support-haproxy.js';

let tag = '';
const containers: string[] = [];
const volume = `tg-test-haproxy-tunnels-${process.pid}`;

beforeAll(async () => {
  tag = (await ensureImage('haproxy')).tag;
  expect((await run`docker volume create ${testLabels()} ${volume}`).exitCode).toBe(0);
});

afterAll(async () => {
  if (containers.length) await run`docker rm -f ${containers}`;
  await run`docker volume rm -f ${volume}`;
});

/** The golden cfg as checked in (the unit test keeps it equal to the renderer's output). */
function goldenFiles(name: keyof typeof cases): Record<string, string> {
  const cfg = readFileSync(new URL(`../unit/fixtures/haproxy/${name}.cfg`, import.meta.url), 'utf8');
  return { ...renderHaproxyFiles(cases[name]), [HAPROXY.cfg]: cfg };
}

describe('haproxy image', () => {
  it('runs HAProxy 3.0 with the Prometheus exporter built in', async () => {
    const vv = await run`docker run --rm ${testLabels()} ${tag} haproxy -vv`;
    expect(vv.exitCode, vv.stderr).toBe(0);
    expect(vv.stdout).toMatch(/^HAProxy version 3\.0\./);
    // Observed in Debian trixie's build (USE_PROMEX=1): `http-request use-service prometheus-exporter` is available.
    expect(vv.stdout).toMatch(/Built with the Prometheus exporter as a service/);
  });

  it('runs as the haproxy user, in the tunnels group, stopped by SIGUSR1', async () => {
    const id = await run`docker run --rm ${testLabels()} ${tag} id`;
    expect(id.stdout).toMatch(/^uid=\d+\(haproxy\)/);
    expect(id.stdout).not.toMatch(/^uid=0\(/);
    expect(id.stdout).toContain(`${TUNNELS_GID}(tunnels)`);
    const cfg = JSON.parse((await run`docker image inspect --format ${'{{json .Config}}'} ${tag}`).stdout) as { User: string; StopSignal: string };
    expect(cfg).toMatchObject({ User: 'haproxy', StopSignal: 'SIGUSR1' });
  });

  it('is built on tunnelgate/base (the CA bundle installed once for three images) and carries no apt caches', async () => {
    const base = (await ensureImage('base')).tag;
    const layers = async (image: string) => JSON.parse((await run`docker image inspect --format ${'{{json .RootFS.Layers}}'} ${image}`).stdout) as string[];
    const [ours, its] = [await layers(tag), await layers(base)];
    expect(ours.slice(0, its.length)).toEqual(its);
    expect(ours.length).toBeGreaterThan(its.length);
    // @system-ca (verified re-encrypt) reads the bundle; apt's lists and binary caches (~90 MB) stay out of every layer.
    const files =
      await run`docker run --rm ${testLabels()} --user root --entrypoint sh ${tag} -c ${'test -s /etc/ssl/certs/ca-certificates.crt && echo bundle; find /var/cache/apt /var/lib/apt/lists -type f -size +0c'}`;
    expect(files.exitCode, files.stderr).toBe(0);
    expect(files.stdout.split('\n').filter(Boolean)).toEqual(['bundle']);
  });

  it.each(Object.keys(cases))('accepts the golden haproxy.cfg of "%s" with zero warnings (haproxy -dW -c)', async (name) => {
    const c = await createContainer([tag, 'haproxy', '-dW', '-c', '-f', HAPROXY.cfg]);
    containers.push(c);
    await copyInto(c, { ...goldenFiles(name as keyof typeof cases), ...(await certFiles(cases[name as keyof typeof cases])) });
    const res = await run`docker start -a ${c}`;
    expect(res.stderr).not.toMatch(/\[(WARNING|ALERT)\]/);
    expect(res.exitCode, res.stderr).toBe(0);
  });
});

describe('the demo config, live', () => {
  const route = demo.routes[0] as TunnelRoute;
  const socket = tunnelSocketPaths(route)[0]!;
  let haproxy = '';
  let https = 0;
  let http = 0;
  const cli = async (command: string) => (await run`docker exec ${haproxy} ${masterCliArgv(command)}`).stdout;

  beforeAll(async () => {
    // The per-user directory as the sshd side makes it: owned by the user, group tunnels, setgid.
    const mk = await run`docker run --rm ${testLabels()} --user 0 -v ${`${volume}:/run/tunnels`} ${tag} install -d -m 2770 -o 1001 -g ${TUNNELS_GID} ${`/run/tunnels/${route.user}`}`;
    expect(mk.exitCode, mk.stderr).toBe(0);
    haproxy = await createContainer(['--sysctl', 'net.ipv4.ip_unprivileged_port_start=0', '-p', '127.0.0.1::443', '-p', '127.0.0.1::80', '-v', `${volume}:/run/tunnels`, tag]);
    containers.push(haproxy);
    await copyInto(haproxy, { ...goldenFiles('demo'), ...(await certFiles(demo)) });
    expect((await run`docker start ${haproxy}`).exitCode).toBe(0);
    [https, http] = [await publishedPort(haproxy, 443), await publishedPort(haproxy, 80)];
    await waitFor('a running worker', async () => /\bworker\b/.test(await cli('show proc')));
  });

  it('answers an unknown host with the 404 page (default certificate, no tunnel)', async () => {
    const res = await httpsGet(https, 'unknown.example.net');
    expect(res.status).toBe(404);
    expect(res.body).toContain('<h1>Unknown host</h1>');
  });

  it('answers a tunnel route without a socket with its 503 page', async () => {
    const res = await httpsGet(https, route.host);
    expect(res.status).toBe(503);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.body).toContain(`ssh -N -R ${socket}:localhost:8080 -p ${demo.ports.ssh} demo@demo.localhost`);
  });

  it('redirects http to https on the public https port, except ACME challenges', async () => {
    expect(await httpGet(http, route.host, '/a?b=c')).toEqual({ status: 301, location: `https://demo.localhost:${demo.ports.https}/a?b=c` });
    // No renewer running: not redirected, answered 503, and HAProxy runs regardless.
    expect(await httpGet(http, route.host, '/.well-known/acme-challenge/x')).toEqual({ status: 503, location: undefined });
  });

  it('serves a socket that appears later, without a reload', async () => {
    // A stand-in for `ssh -R`: a socket owned by a tunnel user, group tunnels, mode 0660.
    const reply = 'printf "HTTP/1.1 200 OK\\r\\nContent-Length: 6\\r\\nConnection: close\\r\\n\\r\\nhello\\n"';
    const script = `printf '%s\\n' 'while read -r l; do case "$l" in ""|"$(printf "\\r")") break;; esac; done' '${reply}' > /tmp/h.sh && chmod +x /tmp/h.sh && exec socat UNIX-LISTEN:${socket},fork,mode=660 EXEC:/tmp/h.sh`;
    const helper = await run`docker run -d ${testLabels()} --user ${`1001:${TUNNELS_GID}`} -v ${`${volume}:/run/tunnels`} ${tag} sh -c ${script}`;
    expect(helper.exitCode, helper.stderr).toBe(0);
    containers.push(helper.stdout.trim());
    const ms = await waitFor('the tunnel to serve', async () => (await httpsGet(https, route.host)).status === 200);
    expect((await httpsGet(https, route.host)).body).toBe('hello\n');
    expect(ms).toBeLessThan(3000); // downinter 200ms + rise 1
    expect(await cli('show proc')).toMatch(/master\s+0 \[failed: 0\]/); // no reload happened
    const slot = parseShowStat(await cli(SHOW_SERVERS_COMMAND)).find((r) => r.backend === 'be_demo.localhost');
    expect(slot).toMatchObject({ server: 'slot1', status: 'UP', checkStatus: 'L4OK' });
  });

  it('reloads through the master CLI and says so', async () => {
    const answer = parseReload(await cli(RELOAD_COMMAND));
    expect(answer).toMatchObject({ ok: true });
    expect(answer.log).toContain('[NOTICE]   (1) : Loading success.');
  });

  it('swaps a certificate at run time (set from the file + commit) and serves it', async () => {
    const path = certPath(route.host);
    const before = (await httpsGet(https, route.host)).certSerial;
    await copyInto(haproxy, { [path]: await createPlaceholderPem(route.host, new Date()) });
    const set = await run`docker exec ${haproxy} ${setSslCertFromFileArgv(path)}`;
    expect(parseSslCertOutcome('set', set.stdout), set.stderr).toMatchObject({ ok: true });
    expect(parseSslCertOutcome('commit', await cli(commitSslCertCommand(path))).ok).toBe(true);
    const info = parseShowSslCert(await cli(showSslCertCommand(path)));
    expect(info?.dnsNames).toEqual([route.host]);
    const served = (await httpsGet(https, route.host)).certSerial;
    expect(sameSerial(served, info?.serial ?? '')).toBe(true);
    expect(sameSerial(served, before)).toBe(false);
  });
});
