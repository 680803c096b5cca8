import { describe, expect, it } from 'vitest';
import { changedFiles } from '../../haproxy/manifest.js';
import { HOSTS_MAP } from '../../haproxy/names.js';
import { buildWaits } from '../../scripts/deploy/build-waits.js';
import { renderServiceFiles } from '../../scripts/deploy/files.js';
import { type DesiredState, type ObservedStack, plan } from '../../scripts/deploy/plan.js';
import { renderPlan } from '../../scripts/deploy/plan-text.js';
import { HAPROXY } from '../../stacks/layout.js';
import { desiredOf, images, stackOf } from './fixtures/desired.js';
import { demo, full } from './fixtures/haproxy/models.js';

const desired = desiredOf(demo);
const empty: ObservedStack = { networks: [], volumes: [], containers: {}, filesHash: {}, certs: { pem: [], issued: [], notAfter: {} }, images: [] };

/** The observed state of a stack that matches `desired` exactly, its certificate issued. */
const converged = (d: DesiredState = desired): ObservedStack => ({
  networks: [d.stack.network.name],
  volumes: d.stack.volumes.map((v) => v.name),
  containers: {
    haproxy: { name: d.stack.containers.haproxy.name, running: true, hash: d.stack.containers.haproxy.hash },
    sshd: { name: d.stack.containers.sshd.name, running: true, hash: d.stack.containers.sshd.hash },
  },
  filesHash: { ...d.filesHash },
  loginHash: d.loginHash,
  certs: { pem: ['_default', 'demo.localhost'], issued: ['demo.localhost'], notAfter: { 'demo.localhost': '2027-01-01T00:00:00.000Z' } },
  images: Object.values(d.images),
});

describe('plan: the whole story of a first up', () => {
  it('on an engine with nothing: builds (the base layer first), network, volumes, sshd, haproxy with placeholders', () => {
    expect(renderPlan(plan(desired, empty))).toBe(
      [
        'build             base tunnelgate/base:eee (the layer haproxy are built on is not built yet)',
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
        'update-login      sshd (no login summaries yet)',
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
      'build base',
      'build pebble',
      'build renewer',
      'create-network demo_edge',
      ...d.stack.volumes.map((v) => `create-volume ${v.name}`),
      'create sshd',
      'start sshd',
      'update-login sshd',
      'create haproxy',
      'placeholder-certs haproxy',
      'start haproxy',
      'create pebble',
      'start pebble',
      'issue-certs renewer',
      'update-login sshd',
    ]);
    expect(ops.at(-2)).toMatchObject({ hosts: ['demo.localhost'] });
  });

  it('builds the base layer only for images built on it, and makes those builds wait for it', () => {
    const builds = (observedImages: string[]) => plan(desired, { ...converged(), images: observedImages }).filter((o) => o.op === 'build');
    // sshd is not built on the base: no base build, nothing waits.
    expect(builds([images.haproxy])).toEqual([{ op: 'build', target: 'sshd', tag: images.sshd, cause: expect.any(String) }]);
    // haproxy is: the base comes first and haproxy's build waits for it; sshd's does not.
    expect(builds([])).toEqual([
      { op: 'build', target: 'base', tag: 'tunnelgate/base:eee', cause: expect.stringContaining('haproxy') },
      { op: 'build', target: 'haproxy', tag: images.haproxy, cause: expect.any(String), after: 'base' },
      { op: 'build', target: 'sshd', tag: images.sshd, cause: expect.any(String) },
    ]);
    // A base that is there is not rebuilt; one that is gone (pruned) while every image is there is not either.
    expect(builds(['tunnelgate/base:eee', images.sshd])).toEqual([{ op: 'build', target: 'haproxy', tag: images.haproxy, cause: expect.any(String) }]);
    expect(builds([images.haproxy, images.sshd])).toEqual([]);
  });
});

describe('plan: what each op waits for while the builds run', () => {
  const waits = (ops: ReturnType<typeof plan>, d: DesiredState) => buildWaits(ops, d.stack).map((w, i) => `${ops[i]?.op} ${ops[i]?.target}: ${w ?? '-'}`);

  it('on a first up, each op waits only for the image it runs on', () => {
    const pebbleModel = { ...demo, acme: { ...demo.acme, ca: 'pebble' as const } };
    const d = desiredOf(pebbleModel, { acme: true, imgs: { ...images, pebble: 'tunnelgate/pebble:ccc' } });
    expect(waits(plan(d, empty), d).filter((l) => !l.startsWith('create-volume'))).toEqual([
      'build base: -',
      'build haproxy: -',
      'build sshd: -',
      'build pebble: -',
      'build renewer: -',
      'create-network demo_edge: -',
      'create sshd: sshd',
      'start sshd: -',
      'update-login sshd: -',
      'create haproxy: haproxy',
      'placeholder-certs haproxy: -',
      'start haproxy: -',
      'create pebble: pebble',
      'start pebble: -',
      'issue-certs renewer: renewer',
      'update-login sshd: -',
    ]);
  });

  it('an op on what already runs waits for every build: a failed build leaves the stack as it was', () => {
    const d = desiredOf(demo, { imgs: { ...images, haproxy: 'tunnelgate/haproxy:new' } });
    const obs = { ...converged(), filesHash: { ...converged().filesHash, sshd: 'old' } };
    expect(waits(plan(d, obs), d)).toEqual(['build haproxy: -', 'update-users sshd: all', 'recreate haproxy: all', 'start haproxy: all']);
  });

  it('without builds nothing waits', () => {
    const obs = converged();
    obs.filesHash.sshd = 'old';
    expect(buildWaits(plan(desired, obs), desired.stack)).toEqual([undefined]);
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
    const again = plan(d, { ...obs, certs: { pem: ['_default', ...d.certHosts], issued: d.certHosts, notAfter: {} } });
    expect(again.find((o) => o.op === 'issue-certs')).toBeUndefined();
  });

  it('issues for a host still on its placeholder (a failed first issuance is retried by the next up)', () => {
    const d = desiredOf(demo, { acme: true });
    const obs = { ...converged(d), certs: { pem: ['_default', 'demo.localhost'], issued: [], notAfter: {} } };
    // The login summary shows the certificate's days left: rewritten once it was issued.
    expect(renderPlan(plan(d, obs))).toBe(
      ['issue-certs       renewer [demo.localhost] (hosts without an issued certificate (placeholder in service))', 'update-login      sshd (certificate dates after this issuance)'].join('\n'),
    );
  });

  it('rewrites the login summaries when they changed (routes, shares, keys or certificate dates)', () => {
    expect(renderPlan(plan(desired, { ...converged(), loginHash: 'older' }))).toBe('update-login      sshd (login summaries changed (routes, shares, keys or certificate dates))');
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
    const limits = { ...demo.limits, containers: { ...demo.limits.containers, sshd: { ...demo.limits.containers.sshd, pids: 4096 } } };
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
        'update-login      sshd (new config volume)',
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

  it('removes a route through the runtime API when HAProxy already has everything the new maps name', () => {
    const both = desiredOf(full);
    const fewer = desiredOf({ ...full, routes: full.routes.filter((r) => r.host !== 'wiki.example.com') });
    const obs = { ...converged(both), certs: { pem: ['_default', ...both.certHosts], issued: both.certHosts, notAfter: {} }, haproxyManifest: both.haproxyManifest };
    const removed = plan(fewer, obs);
    expect(renderPlan(removed)).toBe('update-routes     haproxy [hosts.map] (removed: be_wiki.example.com; hosts.map changed (no new backend, certificate or listener))');
    // The changed files are swapped in, not every page of every route.
    expect(removed[0]).toMatchObject({ op: 'update-routes', files: [HOSTS_MAP], swap: changedFiles(fewer.haproxyManifest, both.haproxyManifest) });
    expect((removed[0] as { swap: string[] }).swap).toEqual(expect.arrayContaining([HAPROXY.cfg, HOSTS_MAP]));
    expect((removed[0] as { swap: string[] }).swap.length).toBeLessThan(Object.keys(fewer.haproxyManifest.files ?? {}).length);
    const back = plan(both, { ...obs, haproxyManifest: fewer.haproxyManifest, filesHash: { ...obs.filesHash, haproxy: fewer.filesHash.haproxy } });
    expect(renderPlan(back)).toBe('reload            haproxy (config files changed: new or changed: be_wiki.example.com)');
    // Only what differs is swapped in: the config, the lists naming the route, its certificate line.
    expect(back[0]).toMatchObject({ op: 'reload', files: changedFiles(both.haproxyManifest, fewer.haproxyManifest) });
    expect((back[0] as { files: string[] }).files).toEqual(expect.arrayContaining([HAPROXY.cfg, HOSTS_MAP]));
    expect((back[0] as { files: string[] }).files.length).toBeLessThan(Object.keys(both.haproxyManifest.files ?? {}).length);
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
