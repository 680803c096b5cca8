/**
 * What `metrics` and `logs.access` change in the desired stack and the plan: the haproxy
 * container's loopback metrics port and read-only logs mount, the logger container, and the
 * ops that create or remove it; and what they add to HAProxy's files (the golden `operated.cfg`
 * covers the cfg text).
 */
import { describe, expect, it } from 'vitest';
import { renderHaproxyFiles } from '../../haproxy/render-cfg.js';
import { plan } from '../../scripts/deploy/plan.js';
import { renderPlan } from '../../scripts/deploy/plan-text.js';
import { HAPROXY } from '../../stacks/layout.js';
import { convergedWith, desiredOf, images, stackOf } from './fixtures/desired.js';
import { demo, operated } from './fixtures/haproxy/models.js';

const converged = convergedWith;

describe('the desired stack with metrics and access logs', () => {
  const stack = stackOf(operated);

  it('publishes the metrics port on the host loopback only, and mounts the logs volume read-only into haproxy', () => {
    expect(stack.containers.haproxy.ports).toContainEqual({ host: 9101, container: HAPROXY.metricsPort, hostIp: '127.0.0.1' });
    expect(stack.containers.haproxy.mounts).toContainEqual({ volume: 'ops_logs', target: '/run/logs', readOnly: true });
  });

  it('adds the logger: haproxy image, no network, the collector with the configured rotation', () => {
    expect(stack.containers.logger).toMatchObject({
      name: 'ops-logger-1',
      image: 'tunnelgate/haproxy:aaa',
      cmd: ['log-collector', String(10 * 1024 * 1024), '5'],
      user: 'root',
      network: 'none',
      aliases: [],
      ports: [],
      mounts: [{ volume: 'ops_logs', target: '/run/logs', readOnly: false }],
      restart: 'unless-stopped',
    });
    expect(stack.volumes.map((v) => v.key)).toContain('logs');
  });

  it('leaves a stack without them exactly as it was (no logs volume, same haproxy hash)', () => {
    const plain = stackOf(demo);
    expect(plain.containers.logger).toBeUndefined();
    expect(plain.volumes.map((v) => v.key)).not.toContain('logs');
    expect(plain.orphans).toContain('logger');
    expect(plain.containers.haproxy.ports).toEqual([
      { host: 8080, container: 80 },
      { host: 8443, container: 443 },
    ]);
    expect(stackOf({ ...demo, logs: { access: false, maxFileMB: 10, maxFiles: 5 } }).containers.haproxy.hash).toBe(plain.containers.haproxy.hash);
  });
});

describe('plan with the logger', () => {
  it('turning access logs on recreates haproxy (new mount) and creates the logger after it', () => {
    const before = desiredOf({ ...operated, logs: undefined });
    const after = desiredOf(operated);
    const observed = { ...converged(before), images: Object.values(images) };
    expect(renderPlan(plan(after, observed))).toBe(
      [
        'create-volume     ops_logs (missing)',
        'recreate          haproxy (container settings changed (image, ports, mounts, lockdown or limits))',
        'start             haproxy (new container)',
        'create            logger (logs.access is on)',
        'start             logger (new container)',
      ].join('\n'),
    );
  });

  it('starts a stopped logger, and removes it once access logs are off', () => {
    const d = desiredOf(operated);
    const obs = converged(d);
    obs.containers.logger = { ...obs.containers.logger!, running: false };
    expect(renderPlan(plan(d, obs))).toBe('start             logger (container is stopped)');
    const off = desiredOf({ ...operated, logs: { access: false, maxFileMB: 10, maxFiles: 5 } });
    expect(plan(off, converged(d)).find((o) => o.op === 'remove')).toEqual({ op: 'remove', target: 'logger', cause: 'logs.access is off' });
  });
});

describe("HAProxy's files", () => {
  it('add the metrics Lua service with the route list, only when metrics are on', () => {
    const files = renderHaproxyFiles(operated);
    expect(files[HAPROXY.metricsLua]).toContain('{ host = "demo.localhost", backend = "be_demo.localhost", kind = "tunnel", user = "demo", slots = 1, meta = "/certs/demo.localhost.json" },');
    expect(files[HAPROXY.metricsLua]).toContain('core.register_service("tunnelgate_metrics", "http"');
    expect(files[HAPROXY.cfg]).toContain('    lua-load /config/haproxy/metrics.lua');
    expect(renderHaproxyFiles(demo)[HAPROXY.metricsLua]).toBeUndefined();
    expect(renderHaproxyFiles(demo)[HAPROXY.cfg]).not.toMatch(/lua-load|frontend metrics|ring access/);
  });

  it('log every request to the ring in JSON and keep stdout for errors, only with access logs', () => {
    const cfg = renderHaproxyFiles(operated)[HAPROXY.cfg]!;
    expect(cfg).toContain('    log ring@access len 4096 format raw daemon\n');
    expect(cfg).toContain('    log stdout len 4096 format raw daemon err\n');
    expect(cfg).toContain('server logger unix@/run/logs/collector.sock log-proto legacy');
    // The HTTP defaults log every request; raw TCP proxies keep logging errors only.
    const httpDefaults = (text: string) => text.split('\n\n').find((s) => s.startsWith('defaults http')) ?? '';
    expect(httpDefaults(cfg)).not.toMatch(/option dontlog-normal|log global|option httplog/);
    expect(httpDefaults(renderHaproxyFiles(demo)[HAPROXY.cfg]!)).toContain('    option dontlog-normal\n');
  });
});
