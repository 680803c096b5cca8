import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderServiceFiles } from '../../scripts/deploy/files.js';
import { type DesiredState, type ObservedStack, plan } from '../../scripts/deploy/plan.js';
import { renderPlan } from '../../scripts/deploy/plan-text.js';
import { renderStack, type StackImages } from '../../scripts/deploy/stack.js';
import type { EdgeModel } from '../../stacks/model.js';
import { demo, full } from './fixtures/haproxy/models.js';

const compose = readFileSync(new URL('../../stacks/edge.compose.yaml', import.meta.url), 'utf8');
const images = { haproxy: 'tunnelgate/haproxy:aaa', sshd: 'tunnelgate/sshd:bbb' };
const stackOf = (model: EdgeModel, imgs: StackImages = images) => renderStack(compose, model, { images: imgs, composePath: '/repo/stacks/edge.compose.yaml', workingDir: '/repo' });

/** The desired state of `model` (ACME off unless asked, as library callers default). */
function desiredOf(model: EdgeModel, opts: { acme?: boolean; imgs?: StackImages } = {}): DesiredState {
  const files = renderServiceFiles(model);
  const imgs = opts.imgs ?? images;
  return {
    stack: stackOf(model, imgs),
    filesHash: files.hash,
    certHosts: files.certHosts,
    images: { ...imgs, ...(opts.acme ? { renewer: 'tunnelgate/renewer:ddd' } : {}) },
    acme: Boolean(opts.acme),
  };
}

const desired = desiredOf(demo);
const empty: ObservedStack = { networks: [], volumes: [], containers: {}, filesHash: {}, certs: { pem: [], issued: [] }, images: [] };

/** The observed state of a stack that matches `desired` exactly, its certificate issued. */
const converged = (d: DesiredState = desired): ObservedStack => ({
  networks: [d.stack.network.name],
  volumes: d.stack.volumes.map((v) => v.name),
  containers: {
    haproxy: { name: d.stack.containers.haproxy.name, running: true, hash: d.stack.containers.haproxy.hash },
    sshd: { name: d.stack.containers.sshd.name, running: true, hash: d.stack.containers.sshd.hash },
  },
  filesHash: { ...d.filesHash },
  certs: { pem: ['_default', 'demo.localhost'], issued: ['demo.localhost'] },
  images: Object.values(d.images),
});

describe('plan: the whole story of a first up', () => {
  it('on an engine with nothing: builds, network, volumes, sshd, haproxy with placeholders', () => {
    expect(renderPlan(plan(desired, empty))).toBe(
      [
        'build             haproxy tunnelgate/haproxy:aaa (image not built yet (first run or changed build context))',
        'build             sshd tunnelgate/sshd:bbb (image not built yet (first run or changed build context))',
        'create-network    demo_edge (missing)',
        'create-volume     demo_tunnels (missing)',
        'create-volume     demo_certs (missing)',
        'create-volume     demo_acme (missing)',
        'create-volume     demo_hostkeys (missing)',
        'create-volume     demo_haproxy-config (missing)',
        'create-volume     demo_sshd-config (missing)',
        'create            sshd (no container)',
        'start             sshd (new container)',
        'create            haproxy (no container)',
        'placeholder-certs haproxy [_default, demo.localhost] (no certificate yet)',
        'start             haproxy (new container)',
      ].join('\n'),
    );
  });

  it('with ACME and the embedded CA: builds pebble and the renewer, starts pebble after haproxy, then issues', () => {
    const pebbleModel = { ...demo, acme: { ...demo.acme, ca: 'pebble' as const } };
    const d = desiredOf(pebbleModel, { acme: true, imgs: { ...images, pebble: 'tunnelgate/pebble:ccc' } });
    const ops = plan(d, { ...empty, images: [images.haproxy, images.sshd] });
    expect(ops.map((o) => `${o.op} ${o.target}`)).toEqual([
      'build pebble',
      'build renewer',
      'create-network demo_edge',
      ...d.stack.volumes.map((v) => `create-volume ${v.name}`),
      'create sshd',
      'start sshd',
      'create haproxy',
      'placeholder-certs haproxy',
      'start haproxy',
      'create pebble',
      'start pebble',
      'issue-certs renewer',
    ]);
    expect(ops.at(-1)).toMatchObject({ hosts: ['demo.localhost'] });
  });
});

/** `d` with the HAProxy files and hosts of the `full` model (more routes), sshd unchanged. */
function withFullRoutes(d: DesiredState): DesiredState {
  const files = renderServiceFiles(full);
  return { ...d, filesHash: { ...d.filesHash, haproxy: files.hash.haproxy }, certHosts: files.certHosts };
}

describe('plan: converging again', () => {
  it('does nothing when everything matches, and says so', () => {
    const ops = plan(desired, converged());
    expect(ops).toEqual([]);
    expect(renderPlan(ops)).toBe('nothing to do: the stack matches edge.yaml');
  });

  it('reloads HAProxy (never recreates it) when only its files changed, adding missing certificates first', () => {
    const ops = plan(withFullRoutes(desired), converged());
    expect(ops.map((o) => `${o.op} ${o.target}`)).toEqual(['placeholder-certs haproxy', 'reload haproxy']);
    expect(ops[0]).toMatchObject({ hosts: ['alice.example.com', 'bob.example.com', 'nas.example.com', 'router.example.com', 'wiki.example.com'] });
  });

  it('with ACME on, asks the CA for the new hosts only (issued ones are left alone)', () => {
    const d = withFullRoutes(desiredOf(demo, { acme: true }));
    const obs = { ...converged(), images: [...converged().images, 'tunnelgate/renewer:ddd'] };
    const issue = plan(d, obs).find((o) => o.op === 'issue-certs');
    expect(issue).toMatchObject({ hosts: ['alice.example.com', 'bob.example.com', 'nas.example.com', 'router.example.com', 'wiki.example.com'] });
    const again = plan(d, { ...obs, certs: { pem: ['_default', ...d.certHosts], issued: d.certHosts } });
    expect(again.find((o) => o.op === 'issue-certs')).toBeUndefined();
  });

  it('issues for a host still on its placeholder (a failed first issuance is retried by the next up)', () => {
    const d = desiredOf(demo, { acme: true });
    const obs = { ...converged(d), certs: { pem: ['_default', 'demo.localhost'], issued: [] } };
    expect(renderPlan(plan(d, obs))).toBe('issue-certs       renewer [demo.localhost] (hosts without an issued certificate (placeholder in service))');
  });

  it('updates users in the running sshd when its files changed', () => {
    const obs = converged();
    obs.filesHash.sshd = 'old';
    expect(plan(desired, obs)).toEqual([{ op: 'update-users', target: 'sshd', cause: 'config files changed: sshd_config, accounts or keys' }]);
  });

  it('recreates a container whose settings changed (image, ports), then starts it', () => {
    const other = { ...desired, stack: stackOf({ ...demo, ports: { ...demo.ports, https: 9443 } }) };
    expect(renderPlan(plan(other, converged()))).toBe(
      ['recreate          haproxy (container settings changed (image, ports, mounts, lockdown or limits))', 'start             haproxy (new container)'].join('\n'),
    );
  });

  it('recreates the container whose limits changed in edge.yaml', () => {
    const limits = { containers: { ...demo.limits.containers, sshd: { ...demo.limits.containers.sshd, pids: 4096 } } };
    const other = { ...desired, stack: stackOf({ ...demo, limits }) };
    expect(plan(other, converged()).map((o) => `${o.op} ${o.target}`)).toEqual(['recreate sshd', 'start sshd']);
  });

  it('migrates a stack of the shared config volume: both containers recreated, then the volume removed, certificates and host keys kept', () => {
    // What an earlier version made: one `config` volume mounted by haproxy and sshd, other settings.
    const old = converged();
    old.volumes = ['demo_tunnels', 'demo_certs', 'demo_acme', 'demo_hostkeys', 'demo_config'];
    old.containers = { haproxy: { ...old.containers.haproxy!, hash: 'before-split' }, sshd: { ...old.containers.sshd!, hash: 'before-split' } };
    expect(renderPlan(plan(desired, old))).toBe(
      [
        'create-volume     demo_haproxy-config (missing)',
        'create-volume     demo_sshd-config (missing)',
        'recreate          sshd (container settings changed (image, ports, mounts, lockdown or limits))',
        'start             sshd (new container)',
        'recreate          haproxy (container settings changed (image, ports, mounts, lockdown or limits))',
        'start             haproxy (new container)',
        'remove-volume     demo_config (replaced by haproxy-config and sshd-config: haproxy and sshd no longer share a writable volume)',
      ].join('\n'),
    );
    // The certs and hostkeys volumes are neither recreated nor removed, and no placeholder replaces an issued certificate.
    expect(plan(desired, old).some((o) => o.op === 'placeholder-certs' || /certs|hostkeys/.test(o.target))).toBe(false);
  });

  it('starts a stopped container, writing its files first only when they changed', () => {
    const obs = converged();
    obs.containers.haproxy = { ...obs.containers.haproxy!, running: false };
    expect(renderPlan(plan(desired, obs))).toBe('start             haproxy (container is stopped)');
    delete obs.filesHash.haproxy;
    expect(renderPlan(plan(desired, obs))).toBe(['write-files       haproxy (config files unknown)', 'start             haproxy (container is stopped)'].join('\n'));
  });

  it('writes placeholders for every host when the certs volume could not be read', () => {
    const obs = { ...converged() };
    delete obs.certs;
    expect(plan(desired, obs)).toEqual([
      { op: 'placeholder-certs', target: 'haproxy', hosts: ['_default', 'demo.localhost'], cause: 'certs volume unreadable (no local image to mount it with): every host' },
    ]);
  });
});

describe('plan: the embedded CA (acme.ca: pebble)', () => {
  const pebbleModel = { ...demo, acme: { ...demo.acme, ca: 'pebble' as const } };
  const withPebble = desiredOf(pebbleModel, { acme: true, imgs: { ...images, pebble: 'tunnelgate/pebble:ccc' } });
  const pebble = withPebble.stack.containers.pebble!;
  const base = converged(withPebble);

  it('creates pebble after haproxy (it points its DNS at haproxy when it starts)', () => {
    expect(renderPlan(plan(withPebble, base))).toBe(['create            pebble (acme.ca is pebble)', 'start             pebble (new container)'].join('\n'));
  });

  it('leaves a running pebble alone, starts a stopped one', () => {
    const running = { ...base, containers: { ...base.containers, pebble: { name: pebble.name, running: true, hash: pebble.hash } } };
    expect(plan(withPebble, running)).toEqual([]);
    const stopped = { ...running, containers: { ...running.containers, pebble: { name: pebble.name, running: false, hash: pebble.hash } } };
    expect(renderPlan(plan(withPebble, stopped))).toBe('start             pebble (container is stopped)');
  });

  it('removes pebble once the config no longer uses it, but keeps it when ACME is only switched off', () => {
    const running = { ...base, containers: { ...base.containers, pebble: { name: pebble.name, running: true, hash: pebble.hash } } };
    const other = desiredOf({ ...demo, acme: { ...demo.acme, ca: 'letsencrypt' as const } });
    expect(renderPlan(plan(other, running))).toBe('remove            pebble (acme.ca is no longer pebble)');
    const acmeOff = desiredOf(pebbleModel);
    expect(plan(acmeOff, running)).toEqual([]);
  });
});
