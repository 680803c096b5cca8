/**
 * Golden tests of the HAProxy renderer: each model in fixtures/haproxy/models.ts renders to the
 * checked-in `<case>.cfg` (regenerate with `vitest -u`, then review the diff as text). The e2e
 * test feeds the same files to the real `haproxy -c`.
 */
import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ACCESS_PAGES, backendName, caFilePath, DEFAULT_CERT, HOSTS_MAP, PRIVATE_BACKENDS, SNI_MAP, tunnelPagePath, UNKNOWN_HOST_BACKEND, UNKNOWN_HOST_PAGE } from '../../haproxy/names.js';
import { renderHaproxyCfg, renderHaproxyFiles } from '../../haproxy/render-cfg.js';
import { HAPROXY } from '../../stacks/layout.js';
import type { EdgeModel } from '../../stacks/model.js';
import { apps, cases, demo, dmz, empty, full, wildcard } from './fixtures/haproxy/models.js';

const names = Object.keys(cases) as Array<keyof typeof cases>;
const lines = (text: string | undefined) => (text ?? '').split('\n').filter((l) => l !== '');

describe('renderHaproxyCfg golden files', () => {
  it('has a model case for every golden file on disk, and a golden file for every case', () => {
    const onDisk = readdirSync(new URL('./fixtures/haproxy/', import.meta.url)).filter((f) => f.endsWith('.cfg'));
    expect(onDisk.map((f) => f.slice(0, -'.cfg'.length)).sort()).toEqual([...names].sort());
  });

  for (const name of names) {
    it(`${name}.cfg`, async () => {
      await expect(renderHaproxyCfg(cases[name])).toMatchFileSnapshot(`./fixtures/haproxy/${name}.cfg`);
    });
  }
});

describe(':443', () => {
  it('is the SNI router only when a passthrough route needs it; otherwise the terminating frontend binds it', () => {
    const router = (m: EdgeModel) => renderHaproxyCfg(m).includes('frontend tls_router');
    const bind443 = (m: EdgeModel) => lines(renderHaproxyCfg(m)).filter((l) => /^\s+bind :443\b/.test(l));
    expect(router(dmz)).toBe(true);
    expect(bind443(dmz)).toEqual(['    bind :443']);
    expect(renderHaproxyCfg(dmz)).toContain('bind abns@tunnelgate-https accept-proxy ssl');
    for (const m of [demo, full, apps]) {
      expect(router(m)).toBe(false);
      expect(bind443(m)).toEqual(['    bind :443 ssl crt-list /config/haproxy/crt-list.txt alpn h2,http/1.1 ca-ignore-err all crt-ignore-err all']);
      // The internal address is still bound, by a plain TCP hand-off back to :443 (PROXY v2 first),
      // so an old worker's router has a place to land its connections; certificates load once.
      const cfg = renderHaproxyCfg(m);
      expect(cfg).toContain('frontend tls_handoff from tcp\n    bind abns@tunnelgate-https accept-proxy\n');
      expect(cfg).toContain('    server https 127.0.0.1:443 send-proxy-v2');
      expect(cfg).toContain('    tcp-request connection expect-proxy layer4 if { src 127.0.0.1 }');
      expect(cfg.match(/^ +bind .*crt-list/gm)).toHaveLength(1);
    }
  });
});

describe('renderHaproxyFiles', () => {
  it('renders the cfg, crt-list, maps, pages and CA files, keyed by container path', () => {
    const fixed = [HAPROXY.cfg, HAPROXY.crtList, HOSTS_MAP, SNI_MAP, PRIVATE_BACKENDS, UNKNOWN_HOST_PAGE, ...Object.values(ACCESS_PAGES)];
    expect(Object.keys(renderHaproxyFiles(empty)).sort()).toEqual([...fixed].sort());
    expect(Object.keys(renderHaproxyFiles(full)).sort()).toEqual([...fixed, tunnelPagePath('alice.example.com'), tunnelPagePath('bob.example.com')].sort());
    expect(renderHaproxyFiles(apps)[caFilePath('admin.example.com', 'clients')]).toContain('BEGIN CERTIFICATE');
    expect(renderHaproxyFiles(dmz)[caFilePath('pve.example.com', 'upstream')]).toContain('BEGIN CERTIFICATE');
  });

  it('puts the default certificate first in the crt-list, so unknown SNI and zero routes still work', () => {
    expect(renderHaproxyFiles(empty)[HAPROXY.crtList]).toBe(`${DEFAULT_CERT}\n`);
    expect(renderHaproxyFiles(demo)[HAPROXY.crtList]).toBe(`${DEFAULT_CERT}\n/certs/demo.localhost.pem demo.localhost\n`);
  });

  it('lists no certificate for passthrough hosts, and asks mTLS routes for a client certificate', () => {
    const dmzList = renderHaproxyFiles(dmz)[HAPROXY.crtList]!;
    expect(dmzList).not.toMatch(/vault|alice|k8s/);
    expect(lines(renderHaproxyFiles(apps)[HAPROXY.crtList])).toContain(`/certs/admin.example.com.pem [verify optional ca-file ${caFilePath('admin.example.com', 'clients')}] admin.example.com`);
  });

  it('routes by map: terminated hosts in hosts.map, passthrough ones in sni.map, private backends listed', () => {
    const files = renderHaproxyFiles(dmz);
    expect(lines(files[SNI_MAP])).toEqual(['*.k8s.example.com pt__wildcard.k8s.example.com', 'alice.example.com pt_alice.example.com', 'vault.example.com pt_vault.example.com']);
    expect(lines(files[HOSTS_MAP])).toEqual([
      'cloud.example.com be_cloud.example.com',
      'home.example.com be_home.example.com',
      'nas.example.com be_nas.example.com',
      'pve.example.com be_pve.example.com',
    ]);
    expect(lines(renderHaproxyFiles(apps)[PRIVATE_BACKENDS])).toEqual(['be_admin.example.com', 'be_grpc-dev.example.com']);
  });

  it('lets an exact host win over a wildcard of the other kind, across the two maps', () => {
    const up = (host: string, tls: 'passthrough' | undefined) => ({
      kind: 'upstream' as const,
      host,
      ...(tls ? { tls } : {}),
      upstream: { scheme: 'https' as const, hostname: 'x', port: 443, url: 'https://x' },
    });
    const mixed: EdgeModel = {
      ...empty,
      routes: [up('*.k8s.example.com', 'passthrough'), up('api.k8s.example.com', undefined), up('*.example.com', undefined), up('vault.example.com', 'passthrough')],
    };
    const files = renderHaproxyFiles(mixed);
    expect(lines(files[SNI_MAP])).toEqual(['*.k8s.example.com pt__wildcard.k8s.example.com', 'api.k8s.example.com tls_terminate', 'vault.example.com pt_vault.example.com']);
    expect(lines(files[HOSTS_MAP])).toEqual(['*.example.com be__wildcard.example.com', 'api.k8s.example.com be_api.k8s.example.com', 'vault.example.com unknown_host']);
  });

  it('tells the tunnel owner the exact command only with offlinePage: instructions', () => {
    const page = renderHaproxyFiles(demo)[tunnelPagePath('demo.localhost')]!;
    expect(page).toContain('ssh -N -R /run/tunnels/demo/demo.localhost.sock:localhost:8080 -p 2222 demo@demo.localhost');
    expect(page).toContain('demo.localhost is offline');
    const plain = renderHaproxyFiles(full)[tunnelPagePath('alice.example.com')]!;
    expect(plain).toContain('alice.example.com is offline');
    expect(plain).not.toMatch(/alice@|ssh|-p 22|tunnels\//);
  });

  it('lists the extra socket slots of a replicated tunnel on the instructions page', () => {
    const page = renderHaproxyFiles({ ...full, offlinePage: 'instructions' })[tunnelPagePath('alice.example.com')]!;
    expect(page).toContain('/run/tunnels/alice/alice.example.com.2.sock\n/run/tunnels/alice/alice.example.com.3.sock');
  });
});

/** A copy of the model with every list reversed, as a caller that did not sort would pass it. */
function shuffled(model: EdgeModel): EdgeModel {
  return { ...model, users: [...model.users].reverse(), routes: [...model.routes].reverse(), ...(model.tcp ? { tcp: [...model.tcp].reverse() } : {}) };
}

describe('determinism', () => {
  it('renders byte-identical files for the same model, in any input order', () => {
    for (const model of Object.values(cases)) {
      expect(JSON.stringify(renderHaproxyFiles(shuffled(model)))).toBe(JSON.stringify(renderHaproxyFiles(model)));
    }
  });
});

describe('routing safety', () => {
  it('sends unknown hosts to the 404 backend, never to a tunnel', () => {
    for (const model of Object.values(cases)) {
      const cfg = renderHaproxyCfg(model);
      const https = cfg.split('\n\n').find((s) => s.startsWith('frontend https'))!;
      expect(https.match(/^\s*default_backend (\S+)$/gm)).toEqual([`    default_backend ${UNKNOWN_HOST_BACKEND}`]);
      expect(https).toContain('use_backend %[var(txn.backend)] if { var(txn.backend) -m found }');
      const fallback = cfg.split('\n\n').find((s) => s.startsWith(`backend ${UNKNOWN_HOST_BACKEND} `))!;
      expect(fallback).not.toMatch(/\bserver\b/);
      expect(fallback).toContain('http-request return status 404');
    }
  });

  it('has one map entry per terminated host, naming its own backend, and no rule per host', () => {
    const cfg = renderHaproxyCfg(full);
    expect(cfg).not.toMatch(/-m str \S+\.example\.com/);
    expect(lines(renderHaproxyFiles(full)[HOSTS_MAP])).toEqual(full.routes.map((r) => `${r.host} ${backendName(r.host)}`));
  });

  it('gives every tunnel slot a fast health check and the route its 503 page', () => {
    const cfg = renderHaproxyCfg(full);
    expect(cfg.match(/server slot\d unix@\/run\/tunnels\/alice\/\S+ check /g)).toHaveLength(3);
    expect(cfg).toContain(`if { nbsrv(be_bob.example.com) lt 1 }`);
    expect(cfg).toContain(`file ${tunnelPagePath('bob.example.com')} if`);
  });

  it('verifies every https upstream unless the route says verify: false', () => {
    const cfg = renderHaproxyCfg(dmz);
    expect(cfg).toContain('server upstream cloud.example.net:443 ssl verify required ca-file @system-ca sni str(cloud.example.net) resolvers');
    expect(cfg).toContain(`server upstream pve:8006 ssl verify required ca-file ${caFilePath('pve.example.com', 'upstream')} sni str(pve) check-sni pve`);
    expect(cfg).toContain('server upstream nas.lan:5001 ssl verify none sni str(nas.lan)');
    expect(renderHaproxyCfg(full)).toContain('server upstream 192.168.1.1:443 ssl verify required ca-file @system-ca\n');
  });

  it('sends the Docker host through its extra_hosts name, never through Docker DNS', () => {
    expect(renderHaproxyCfg(dmz)).toContain('server upstream host.docker.internal:8123 init-addr last,libc,none\n');
  });
});

describe('backendName', () => {
  it('keeps valid host names readable and replaces anything HAProxy would reject', () => {
    expect(backendName('alice.example.com')).toBe('be_alice.example.com');
    expect(backendName('Web-1.Example.COM')).toBe('be_web-1.example.com');
    expect(backendName('*.example.com')).toBe('be__wildcard.example.com');
    expect(backendName('a b')).toBe('be_a_b');
  });
});

describe('wildcard hosts', () => {
  /** The hosts map lookup as the frontend does it: the host, then its first label as `*`. */
  const route = (host: string) => {
    const map = new Map(lines(renderHaproxyFiles(wildcard)[HOSTS_MAP]).map((l) => l.split(' ') as [string, string]));
    return map.get(host) ?? map.get(host.replace(/^[^.]*/, '*')) ?? 'unknown_host';
  };

  it('looks the host up exactly, then with its first label replaced by *', () => {
    const https = renderHaproxyCfg(wildcard)
      .split('\n\n')
      .find((s) => s.startsWith('frontend https'))!;
    expect(https).toContain(`http-request set-var(txn.backend) var(txn.host),map(${HOSTS_MAP})\n`);
    expect(https).toContain(`http-request set-var(txn.backend) var(txn.host),regsub(^[^.]*,*),map(${HOSTS_MAP}) unless { var(txn.backend) -m found }`);
  });

  it('matches exactly one label under the domain, as the certificate does; exact hosts win', () => {
    expect(route('app.example.com')).toBe('be_app.example.com');
    expect(route('example.com')).toBe('be_example.com');
    expect(route('www.example.com')).toBe('be__wildcard.example.com');
    expect(route('x.dev.example.com')).toBe('be__wildcard.dev.example.com');
    expect(route('dev.example.com')).toBe('be__wildcard.example.com');
    expect(route('evil-example.com')).toBe('unknown_host');
    expect(route('a.b.example.com')).toBe('unknown_host');
    expect(route('wwwexample.com')).toBe('unknown_host');
  });

  it('lists the wildcard certificate under its file name with the wildcard as SNI filter', () => {
    expect(renderHaproxyFiles(wildcard)[HAPROXY.crtList]).toBe(
      `${DEFAULT_CERT}\n/certs/_wildcard.dev.example.com.pem *.dev.example.com\n/certs/_wildcard.example.com.pem *.example.com\n/certs/app.example.com.pem app.example.com\n/certs/example.com.pem example.com\n`,
    );
  });
});
