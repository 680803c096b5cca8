/**
 * Which HAProxy changes a running HAProxy takes without a reload (`haproxyChange`), decided from
 * the manifests of rendered files, and the plan op it becomes; plus the runtime API commands
 * that apply it.
 */
import { describe, expect, it } from 'vitest';
import { changedFiles, haproxyChange, someOf } from '../../haproxy/manifest.js';
import { silentCommandsArgv } from '../../haproxy/master-cli.js';
import { allowListPath, HOSTS_MAP, PRIVATE_BACKENDS, tunnelPagePath } from '../../haproxy/names.js';
import { renderHaproxy } from '../../haproxy/render-cfg.js';
import { CHUNK_BYTES, commitCommand, fillAndCommitCommands, parsePrepared, prepareCommand, runtimeAnswerError } from '../../haproxy/runtime-maps.js';
import { HAPROXY } from '../../stacks/layout.js';
import type { EdgeModel, RouteModel } from '../../stacks/model.js';
import { apps, dmz, full } from './fixtures/haproxy/models.js';

const manifest = (model: EdgeModel) => renderHaproxy(model).manifest;
const without = (model: EdgeModel, host: string): EdgeModel => ({ ...model, routes: model.routes.filter((r) => r.host !== host) });
const changed = (model: EdgeModel, host: string, change: Partial<RouteModel>): EdgeModel => ({
  ...model,
  routes: model.routes.map((r) => (r.host === host ? ({ ...r, ...change } as RouteModel) : r)),
});

describe('haproxyChange', () => {
  it('needs nothing when nothing changed, and a reload when nothing is recorded', () => {
    expect(haproxyChange(manifest(full), manifest(full))).toEqual({ how: 'none' });
    expect(haproxyChange(manifest(full), undefined)).toMatchObject({ how: 'reload', why: 'no record of what HAProxy runs' });
  });

  it('removes a route at run time: only the hosts map is replaced', () => {
    expect(haproxyChange(manifest(without(full, 'wiki.example.com')), manifest(full))).toEqual({
      how: 'runtime',
      files: [HOSTS_MAP],
      why: 'removed: be_wiki.example.com; hosts.map changed (no new backend, certificate or listener)',
    });
  });

  it('edits an allow list at run time', () => {
    const edited = changed(apps, 'admin.example.com', { allow: ['198.51.100.0/24'] });
    expect(haproxyChange(manifest(edited), manifest(apps))).toMatchObject({ how: 'runtime', files: [allowListPath('admin.example.com')] });
  });

  it('removes a private route at run time while another private route keeps the 421 rule', () => {
    expect(haproxyChange(manifest(without(apps, 'grpc-dev.example.com')), manifest(apps))).toMatchObject({ how: 'runtime', files: [HOSTS_MAP, PRIVATE_BACKENDS] });
  });

  it('reloads for a new route, a changed target or option, a new listener, and the first private route', () => {
    expect(haproxyChange(manifest(full), manifest(without(full, 'wiki.example.com')))).toMatchObject({ how: 'reload', why: 'new or changed: be_wiki.example.com' });
    expect(haproxyChange(manifest(changed(full, 'bob.example.com', { replicas: 2 })), manifest(full))).toMatchObject({ how: 'reload', why: 'new or changed: be_bob.example.com' });
    expect(haproxyChange(manifest(changed(full, 'wiki.example.com', { headers: [{ name: 'X-A', value: 'b' }] })), manifest(full))).toMatchObject({ how: 'reload' });
    expect(haproxyChange(manifest({ ...full, tcp: [{ kind: 'tunnel', port: 5432, user: 'alice' }] }), manifest(full))).toMatchObject({
      how: 'reload',
      why: 'listeners, frontends or global settings changed',
    });
    expect(haproxyChange(manifest(changed(full, 'wiki.example.com', { allow: ['10.0.0.0/8'] })), manifest(full))).toMatchObject({ how: 'reload' });
  });

  it('reloads when a client CA file changes (the crt-list line is the same, its CA is not)', () => {
    const other = changed(apps, 'admin.example.com', { clientCA: { file: '/x', pem: 'other' } });
    expect(haproxyChange(manifest(other), manifest(apps))).toMatchObject({ how: 'reload', why: 'certificate list changed' });
  });

  it('reloads when a passthrough route is added (its backend is new), and removes one at run time', () => {
    expect(haproxyChange(manifest(dmz), manifest(without(dmz, 'vault.example.com')))).toMatchObject({ how: 'reload' });
    expect(haproxyChange(manifest(without(dmz, 'vault.example.com')), manifest(dmz))).toMatchObject({ how: 'runtime' });
  });
});

describe('changedFiles: what a reload swaps in', () => {
  const added: EdgeModel = { ...full, routes: [...full.routes, { kind: 'tunnel', host: 'new.example.com', user: 'bob', replicas: 1 }] };

  it('names only the files whose content differs, a new route page among them, no unchanged page', () => {
    const files = changedFiles(manifest(added), manifest(full));
    expect(files).toContain(tunnelPagePath('new.example.com'));
    expect(files).toContain(HAPROXY.cfg);
    expect(files).toContain(HOSTS_MAP);
    expect(files).not.toContain(tunnelPagePath('bob.example.com'));
    const unchanged = Object.keys(renderHaproxy(added).files).filter((f) => !files.includes(f));
    for (const f of unchanged) expect(renderHaproxy(added).files[f]).toBe(renderHaproxy(full).files[f]);
    expect(unchanged.length).toBeGreaterThan(0);
    expect(changedFiles(manifest(full), manifest(full))).toEqual([]);
  });

  it('names every file without a record, or with a record from before files were hashed', () => {
    const all = Object.keys(renderHaproxy(full).files);
    expect(changedFiles(manifest(full), undefined)).toEqual(all);
    const { files: _, ...older } = manifest(full);
    expect(changedFiles(manifest(full), older)).toEqual(all);
  });

  it('shortens long lists in log lines', () => {
    expect(someOf(['a', 'b'])).toBe('a, b');
    expect(someOf(Array.from({ length: 1000 }, (_, i) => `be_${i}`))).toBe('be_0, be_1, be_2, be_3, be_4, be_5, be_6, be_7 and 992 more');
  });
});

describe('runtime map and ACL commands', () => {
  it('prepares a version, reads its number, and commits it', () => {
    expect(prepareCommand('map', HOSTS_MAP)).toBe(`@1 prepare map ${HOSTS_MAP}`);
    expect(parsePrepared('New version created: 7\n\n')).toBe(7);
    expect(() => parsePrepared('Unknown map identifier. Please use #<id> or <file>.\n')).toThrow(/unexpected answer to prepare/);
    expect(commitCommand('map', HOSTS_MAP, 7)).toBe(`@1 commit map @7 ${HOSTS_MAP}`);
  });

  it('fills a map with payloads and an ACL with `;`-separated adds, then commits', () => {
    expect(fillAndCommitCommands('map', HOSTS_MAP, 7, ['a.example.com be_a', 'b.example.com be_b'])).toEqual([
      `@1 add map @7 ${HOSTS_MAP} <<\na.example.com be_a\nb.example.com be_b\n`,
      `@1 commit map @7 ${HOSTS_MAP}`,
    ]);
    expect(fillAndCommitCommands('acl', '/l.lst', 2, ['10.0.0.0/8', '2001:db8::/32'])).toEqual(['@1 add acl @2 /l.lst 10.0.0.0/8; @1 add acl @2 /l.lst 2001:db8::/32', '@1 commit acl @2 /l.lst']);
    expect(fillAndCommitCommands('map', HOSTS_MAP, 3, [])).toEqual([`@1 commit map @3 ${HOSTS_MAP}`]);
    expect(() => fillAndCommitCommands('acl', '/l.lst', 2, ['a; show proc'])).toThrow(/not usable/);
    expect(() => fillAndCommitCommands('map', HOSTS_MAP, 2, ['a.example.com be_a\nshow proc'])).toThrow(/not usable/);
  });

  it('splits a long map or ACL into commands HAProxy can read (each under its 16 KiB buffer), in order', () => {
    const hosts = Array.from({ length: 1000 }, (_, i) => `r${i}.scale.example.com be_r${i}.scale.example.com`);
    const map = fillAndCommitCommands('map', HOSTS_MAP, 4, hosts);
    expect(map.length).toBeGreaterThan(3);
    for (const command of map) expect(Buffer.byteLength(command)).toBeLessThan(CHUNK_BYTES + 200);
    expect(map.slice(0, -1).flatMap((c) => c.split('\n').slice(1, -1))).toEqual(hosts);
    const nets = Array.from({ length: 1000 }, (_, i) => `10.${i >> 8}.${i & 255}.0/24`);
    const acl = fillAndCommitCommands('acl', '/l.lst', 5, nets);
    expect(acl.length).toBeGreaterThan(3);
    for (const command of acl) expect(Buffer.byteLength(command)).toBeLessThan(CHUNK_BYTES + 200);
    expect(acl.slice(0, -1).flatMap((c) => c.split('; ').map((a) => a.split(' ').at(-1)))).toEqual(nets);
  });

  it('sends commands one connection each, in one exec, stopping at the first that answers', () => {
    const argv = silentCommandsArgv(['@1 add acl @2 /l.lst 10.0.0.0/8', '@1 commit acl @2 /l.lst']);
    expect(argv.slice(-3)).toEqual(['master-cli', '@1 add acl @2 /l.lst 10.0.0.0/8', '@1 commit acl @2 /l.lst']);
    expect(argv[4]).toContain('for c in "$@"');
  });

  it('reads an empty answer as success and anything else as the error', () => {
    expect(runtimeAnswerError('\n\n')).toBeUndefined();
    expect(runtimeAnswerError('Unknown ACL identifier.\n')).toBe('Unknown ACL identifier.');
  });
});
