import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderServiceFiles } from '../../scripts/lib/files.js';
import { plan, renderPlan, type ObservedStack } from '../../scripts/lib/plan.js';
import { renderStack } from '../../scripts/lib/stack.js';
import { demo, full } from './fixtures/haproxy/models.js';

const compose = readFileSync(new URL('../../stacks/edge.compose.yaml', import.meta.url), 'utf8');
const images = { haproxy: 'tunnelgate/haproxy:aaa', sshd: 'tunnelgate/sshd:bbb' };
const desired = renderStack(compose, demo, { images, composePath: '/repo/stacks/edge.compose.yaml', workingDir: '/repo' });
const files = renderServiceFiles(demo);

/** The observed state of a stack that matches `desired` and `files` exactly. */
const converged = (): ObservedStack => ({
  networks: [desired.network.name],
  volumes: desired.volumes.map((v) => v.name),
  containers: {
    haproxy: { name: desired.containers.haproxy.name, running: true, hash: desired.containers.haproxy.hash },
    sshd: { name: desired.containers.sshd.name, running: true, hash: desired.containers.sshd.hash },
  },
  filesHash: { ...files.hash },
  certHosts: ['_default', 'demo.localhost'],
});

describe('plan', () => {
  it('creates everything on an empty engine, sshd before haproxy', () => {
    const ops = plan(desired, files, { networks: [], volumes: [], containers: {}, filesHash: {} });
    expect(renderPlan(ops)).toBe(
      [
        'create-network    demo_edge (missing)',
        'create-volume     demo_tunnels (missing)',
        'create-volume     demo_certs (missing)',
        'create-volume     demo_acme (missing)',
        'create-volume     demo_hostkeys (missing)',
        'create-volume     demo_config (missing)',
        'create            sshd (no container)',
        'create            haproxy (no container)',
      ].join('\n'),
    );
  });

  it('does nothing when everything matches, and says so', () => {
    const ops = plan(desired, files, converged());
    expect(ops).toEqual([]);
    expect(renderPlan(ops)).toBe('nothing to do: the stack matches edge.yaml');
  });

  it('reloads HAProxy (never recreates it) when only its files changed, adding missing certificates first', () => {
    const changed = renderServiceFiles(full);
    const ops = plan(desired, { ...changed, hash: { ...changed.hash, sshd: files.hash.sshd } }, converged());
    expect(ops.map((o) => `${o.op} ${o.target}`)).toEqual(['placeholder-certs haproxy', 'reload haproxy']);
    expect(ops[0]).toMatchObject({ hosts: ['alice.example.com', 'bob.example.com', 'nas.example.com', 'router.example.com', 'wiki.example.com'] });
  });

  it('updates users in the running sshd when its files changed', () => {
    const obs = converged();
    obs.filesHash.sshd = 'old';
    expect(plan(desired, files, obs)).toEqual([{ op: 'update-users', target: 'sshd', cause: 'config files changed: sshd_config, accounts or keys' }]);
  });

  it('recreates a container whose settings changed (image, ports)', () => {
    const other = renderStack(compose, { ...demo, ports: { ...demo.ports, https: 9443 } }, { images, composePath: '/repo/stacks/edge.compose.yaml', workingDir: '/repo' });
    const ops = plan(other, files, converged());
    expect(ops).toEqual([{ op: 'recreate', target: 'haproxy', cause: 'container settings changed (image, ports or mounts)' }]);
  });

  it('starts a stopped container (apply writes its current files first), with no reload on top', () => {
    const obs = converged();
    obs.containers.haproxy!.running = false;
    delete obs.filesHash.haproxy;
    expect(renderPlan(plan(desired, files, obs))).toBe('start             haproxy (container is stopped)');
  });
});

describe('plan: the embedded CA (acme.ca: pebble)', () => {
  const pebbleModel = { ...demo, acme: { ...demo.acme, ca: 'pebble' as const } };
  const withPebble = renderStack(compose, pebbleModel, { images: { ...images, pebble: 'tunnelgate/pebble:ccc' }, composePath: '/repo/stacks/edge.compose.yaml', workingDir: '/repo' });
  const pebble = withPebble.containers.pebble!;

  it('creates pebble after haproxy (it points its DNS at haproxy when it starts)', () => {
    const ops = plan(withPebble, files, converged());
    expect(renderPlan(ops)).toBe('create            pebble (acme.ca is pebble)');
  });

  it('leaves a running pebble alone, starts a stopped one', () => {
    const running = { ...converged(), containers: { ...converged().containers, pebble: { name: pebble.name, running: true, hash: pebble.hash } } };
    expect(plan(withPebble, files, running)).toEqual([]);
    const stopped = { ...running, containers: { ...running.containers, pebble: { name: pebble.name, running: false, hash: pebble.hash } } };
    expect(renderPlan(plan(withPebble, files, stopped))).toBe('start             pebble (container is stopped)');
  });

  it('removes pebble once the config no longer uses it, but keeps it when ACME is only switched off', () => {
    const running = { ...converged(), containers: { ...converged().containers, pebble: { name: pebble.name, running: true, hash: pebble.hash } } };
    const other = { ...demo, acme: { ...demo.acme, ca: 'letsencrypt' as const } };
    const noPebble = renderStack(compose, other, { images, composePath: '/repo/stacks/edge.compose.yaml', workingDir: '/repo' });
    expect(renderPlan(plan(noPebble, files, running))).toBe('remove            pebble (acme.ca is no longer pebble)');
    const acmeOff = renderStack(compose, pebbleModel, { images, composePath: '/repo/stacks/edge.compose.yaml', workingDir: '/repo' });
    expect(plan(acmeOff, files, running)).toEqual([]);
  });
});
