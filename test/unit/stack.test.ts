import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { interpolate, renderStack, stableHash } from '../../scripts/deploy/stack.js';
import { LABEL } from '../../stacks/labels.js';
import { demo } from './fixtures/haproxy/models.js';

const compose = readFileSync(new URL('../../stacks/edge.compose.yaml', import.meta.url), 'utf8');
const opts = { images: { haproxy: 'tunnelgate/haproxy:aaa', sshd: 'tunnelgate/sshd:bbb' }, composePath: '/repo/stacks/edge.compose.yaml', workingDir: '/repo' };

describe('renderStack', () => {
  const stack = renderStack(compose, demo, { ...opts, extraLabels: { [LABEL.testRun]: 'r1' } });

  it('names resources the way Compose does and labels them so `docker compose -p` sees them', () => {
    expect(stack.network.name).toBe('demo_edge');
    expect(stack.volumes.map((v) => v.name)).toEqual(['demo_tunnels', 'demo_certs', 'demo_acme', 'demo_hostkeys', 'demo_haproxy-config', 'demo_sshd-config']);
    expect(stack.legacyVolumes).toEqual(['demo_config']);
    const h = stack.containers.haproxy;
    expect(h.name).toBe('demo-haproxy-1');
    expect(h.labels).toMatchObject({
      [LABEL.project]: 'demo',
      [LABEL.service]: 'haproxy',
      [LABEL.oneoff]: 'False',
      [LABEL.number]: '1',
      [LABEL.configHash]: h.hash,
      [LABEL.testRun]: 'r1',
    });
    // Compose never puts a config-hash on a volume.
    expect(stack.volumes.every((v) => !(LABEL.configHash in v.labels) && v.labels[LABEL.volume])).toBe(true);
  });

  it('fills ports and images from the model and keeps the hardening of the compose file', () => {
    expect(stack.containers.haproxy).toMatchObject({
      image: 'tunnelgate/haproxy:aaa',
      ports: [
        { host: 8080, container: 80 },
        { host: 8443, container: 443 },
      ],
      restart: 'unless-stopped',
      sysctls: { 'net.ipv4.ip_unprivileged_port_start': '0' },
    });
    expect(stack.containers.haproxy.mounts).toContainEqual({ volume: 'demo_tunnels', target: '/run/tunnels', readOnly: true });
    expect(stack.containers.sshd.ports).toEqual([{ host: 2222, container: 22 }]);
    expect(stack.containers.sshd.mounts).toContainEqual({ volume: 'demo_hostkeys', target: '/hostkeys', readOnly: false });
  });

  it('hashes only what requires a new container: routes and users do not change it', () => {
    const more = renderStack(compose, { ...demo, routes: [], users: [] }, opts);
    expect(more.containers.haproxy.hash).toBe(stack.containers.haproxy.hash);
    const otherImage = renderStack(compose, demo, { ...opts, images: { ...opts.images, haproxy: 'tunnelgate/haproxy:ccc' } });
    expect(otherImage.containers.haproxy.hash).not.toBe(stack.containers.haproxy.hash);
    expect(otherImage.containers.sshd.hash).toBe(stack.containers.sshd.hash);
  });
});

describe('renderStack: what edge.yaml adds to haproxy', () => {
  it('resolves `host` to the Docker host, publishes tcp route ports and joins external networks', () => {
    const edge = renderStack(compose, { ...demo, tcp: [{ kind: 'tunnel', port: 5432, user: 'demo' }], networks: ['myapp_default'] }, opts);
    expect(edge.containers.haproxy.extraHosts).toEqual(['host.docker.internal:host-gateway']);
    expect(edge.containers.haproxy.ports).toEqual([
      { host: 8080, container: 80 },
      { host: 8443, container: 443 },
      { host: 5432, container: 5432 },
    ]);
    expect(edge.containers.haproxy.extraNetworks).toEqual(['myapp_default']);
    expect(edge.containers.haproxy.hash).not.toBe(renderStack(compose, demo, opts).containers.haproxy.hash);
    expect(edge.containers.sshd.extraNetworks).toBeUndefined();
  });
});

describe('interpolate and stableHash', () => {
  it('does Compose-style ${VAR:-default}', () => {
    expect(interpolate('${A}-${B:-x}-${C:-}', { A: '1' })).toBe('1-x-');
  });
  it('hashes independently of key order', () => {
    expect(stableHash({ a: 1, b: [1, { c: 2, d: 3 }] })).toBe(stableHash({ b: [1, { d: 3, c: 2 }], a: 1 }));
  });
});

describe('renderStack: optional services', () => {
  it('has no pebble unless asked, and describes the one-off renewer', () => {
    const stack = renderStack(compose, demo, opts);
    expect(stack.containers.pebble).toBeUndefined();
    expect(stack.renewer).toMatchObject({
      mounts: [
        { volume: 'demo_certs', target: '/certs', readOnly: false },
        { volume: 'demo_acme', target: '/acme', readOnly: false },
      ],
      network: 'demo_edge',
      aliases: ['renewer'],
    });
  });

  it('adds pebble on the stack network, unpublished, labelled like the others', () => {
    const stack = renderStack(compose, demo, { ...opts, images: { ...opts.images, pebble: 'tunnelgate/pebble:ccc' } });
    expect(stack.containers.pebble).toMatchObject({ name: 'demo-pebble-1', image: 'tunnelgate/pebble:ccc', ports: [], aliases: ['pebble'], network: 'demo_edge', restart: 'unless-stopped' });
    expect(stack.containers.pebble!.labels[LABEL.service]).toBe('pebble');
  });
});
