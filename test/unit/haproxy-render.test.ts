/**
 * Golden tests of the HAProxy renderer: each model in fixtures/haproxy/models.ts renders to the
 * checked-in `<case>.cfg` (regenerate with `vitest -u`, then review the diff as text). The e2e
 * test feeds the same files to the real `haproxy -c`.
 */
import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { backendName, DEFAULT_CERT, tunnelPagePath, UNKNOWN_HOST_BACKEND, UNKNOWN_HOST_PAGE } from '../../haproxy/names.js';
import { renderHaproxyCfg, renderHaproxyFiles } from '../../haproxy/render-cfg.js';
import { HAPROXY } from '../../stacks/layout.js';
import type { EdgeModel } from '../../stacks/model.js';
import { cases, demo, empty, full, wildcard } from './fixtures/haproxy/models.js';

const names = Object.keys(cases) as Array<keyof typeof cases>;

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

describe('renderHaproxyFiles', () => {
  it('renders the cfg, crt-list, 404 page and one page per tunnel route, keyed by container path', () => {
    expect(Object.keys(renderHaproxyFiles(full))).toEqual([HAPROXY.crtList, HAPROXY.cfg, UNKNOWN_HOST_PAGE, tunnelPagePath('alice.example.com'), tunnelPagePath('bob.example.com')]);
    expect(Object.keys(renderHaproxyFiles(empty))).toEqual([HAPROXY.crtList, HAPROXY.cfg, UNKNOWN_HOST_PAGE]);
  });

  it('puts the default certificate first in the crt-list, so unknown SNI and zero routes still work', () => {
    expect(renderHaproxyFiles(empty)[HAPROXY.crtList]).toBe(`${DEFAULT_CERT}\n`);
    expect(renderHaproxyFiles(demo)[HAPROXY.crtList]).toBe(`${DEFAULT_CERT}\n/certs/demo.localhost.pem demo.localhost\n`);
  });

  it('tells the tunnel owner the exact command, with the public ssh port', () => {
    const page = renderHaproxyFiles(demo)[tunnelPagePath('demo.localhost')]!;
    expect(page).toContain('ssh -N -R /run/tunnels/demo/demo.localhost.sock:localhost:8080 -p 2222 demo@demo.localhost');
    expect(page).toContain('demo.localhost is offline');
  });

  it('lists the extra socket slots of a replicated tunnel', () => {
    const page = renderHaproxyFiles(full)[tunnelPagePath('alice.example.com')]!;
    expect(page).toContain('/run/tunnels/alice/alice.example.com.2.sock\n/run/tunnels/alice/alice.example.com.3.sock');
  });
});

/** A copy of the model with every list reversed, as a caller that did not sort would pass it. */
function shuffled(model: EdgeModel): EdgeModel {
  return { ...model, users: [...model.users].reverse(), routes: [...model.routes].reverse() };
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
      expect(cfg.match(/^\s*default_backend (\S+)$/gm)).toEqual([`    default_backend ${UNKNOWN_HOST_BACKEND}`]);
      const fallback = cfg.split('\n\n').find((s) => s.startsWith(`backend ${UNKNOWN_HOST_BACKEND}\n`))!;
      expect(fallback).not.toMatch(/\bserver\b/);
      expect(fallback).toContain('http-request return status 404');
    }
  });

  it('routes each host only by an exact match on its own name', () => {
    const cfg = renderHaproxyCfg(full);
    const rules = cfg.match(/^\s*use_backend .*$/gm)!.filter((l) => l.includes('be_'));
    expect(rules).toHaveLength(full.routes.length);
    for (const route of full.routes) {
      expect(rules).toContain(`    use_backend ${backendName(route.host)} if { var(txn.host) -m str ${route.host} }`);
    }
  });

  it('gives every tunnel slot a fast health check and the route its 503 page', () => {
    const cfg = renderHaproxyCfg(full);
    expect(cfg.match(/server slot\d unix@\/run\/tunnels\/alice\/\S+ check /g)).toHaveLength(3);
    expect(cfg).toContain(`if { nbsrv(be_bob.example.com) lt 1 }`);
    expect(cfg).toContain(`file ${tunnelPagePath('bob.example.com')} if`);
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
  const rules = renderHaproxyCfg(wildcard)
    .match(/^\s*use_backend be_.*$/gm)!
    .map((l) => l.trim());

  it('tries every exact host first, then wildcards from the longest domain down', () => {
    expect(rules.map((r) => r.split(' ')[1])).toEqual(['be_app.example.com', 'be_example.com', 'be__wildcard.dev.example.com', 'be__wildcard.example.com']);
  });

  it('matches exactly one label under the domain, as the certificate does', () => {
    // The first rule whose condition holds, evaluated like HAProxy would on var(txn.host).
    const route = (host: string) => {
      for (const rule of rules) {
        const [, backend, how, arg] = /^use_backend (\S+) if \{ var\(txn\.host\) -m (str|reg) (\S+) \}$/.exec(rule)!;
        if (how === 'str' ? host === arg : new RegExp(arg!).test(host)) return backend;
      }
      return 'unknown_host';
    };
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
