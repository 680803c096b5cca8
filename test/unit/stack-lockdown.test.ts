/**
 * What each container of the desired stack may see and do: the volume fence between haproxy,
 * sshd and the renewer; capabilities, no-new-privileges, read-only roots; limits from edge.yaml
 * with the compose file's defaults equal to the schema's.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { interpolate, renderStack } from '../../scripts/deploy/stack.js';
import { DEFAULT_CONTAINER_LIMITS, formatMemory, LIMITED_SERVICES } from '../../stacks/container-limits.js';
import type { EdgeModel } from '../../stacks/model.js';
import { demo } from './fixtures/haproxy/models.js';

const compose = readFileSync(new URL('../../stacks/edge.compose.yaml', import.meta.url), 'utf8');
const images = { haproxy: 'tunnelgate/haproxy:aaa', sshd: 'tunnelgate/sshd:bbb', pebble: 'tunnelgate/pebble:ccc' };
const stackOf = (model: EdgeModel) => renderStack(compose, model, { images, composePath: '/repo/stacks/edge.compose.yaml', workingDir: '/repo' });
const stack = stackOf(demo);
const mounts = (list: Array<{ volume: string; target: string; readOnly?: boolean }>) => list.map((m) => `${m.volume}:${m.target}${m.readOnly ? ':ro' : ''}`).sort();

describe('the volume fence', () => {
  it('haproxy mounts its config and the certificates, and the tunnels read-only', () => {
    expect(mounts(stack.containers.haproxy.mounts)).toEqual(['demo_certs:/certs', 'demo_haproxy-config:/config', 'demo_tunnels:/run/tunnels:ro']);
  });

  it('sshd mounts its config, the tunnels and its host keys: nothing of HAProxy', () => {
    expect(mounts(stack.containers.sshd.mounts)).toEqual(['demo_hostkeys:/hostkeys', 'demo_sshd-config:/config', 'demo_tunnels:/run/tunnels']);
  });

  it('haproxy and sshd share only the tunnels volume, writable for sshd alone', () => {
    const shared = stack.containers.haproxy.mounts.filter((h) => stack.containers.sshd.mounts.some((s) => s.volume === h.volume));
    expect(shared).toEqual([{ volume: 'demo_tunnels', target: '/run/tunnels', readOnly: true }]);
  });

  it('the renewer sees the certificates and the ACME account only; pebble no volume at all', () => {
    expect(mounts(stack.renewer.mounts)).toEqual(['demo_acme:/acme', 'demo_certs:/certs']);
    expect(stack.containers.pebble?.mounts).toEqual([]);
  });
});

describe('lockdown', () => {
  const all = { ...stack.containers, renewer: stack.renewer };

  it('every container: no-new-privileges, all capabilities dropped, read-only root', () => {
    for (const [service, spec] of Object.entries(all)) {
      expect({ service, securityOpt: spec.securityOpt, capDrop: spec.capDrop, readOnly: spec.readOnly }).toEqual({
        service,
        securityOpt: ['no-new-privileges:true'],
        capDrop: ['ALL'],
        readOnly: true,
      });
    }
  });

  it('gives back only the listed capabilities: none to haproxy and pebble', () => {
    expect(all.haproxy.capAdd).toBeUndefined();
    expect(all.pebble?.capAdd).toBeUndefined();
    expect(all.renewer.capAdd).toEqual(['CHOWN', 'DAC_READ_SEARCH']);
    expect(all.sshd.capAdd).toEqual(['SETUID', 'SETGID', 'SYS_CHROOT', 'CHOWN', 'FOWNER', 'FSETID', 'KILL', 'DAC_OVERRIDE']);
  });

  it('writable places are tmpfs; sshd /run is never world-writable', () => {
    expect(all.haproxy.tmpfs).toEqual({ '/run/haproxy': 'uid=990,gid=990,mode=0750,size=1m' });
    expect(all.sshd.tmpfs?.['/run']).toMatch(/^mode=0755,/);
    expect(Object.keys(all.renewer.tmpfs ?? {})).toEqual(['/run/renewer']);
  });
});

describe('container limits', () => {
  it('applies the defaults of edge.yaml to every container', () => {
    for (const service of LIMITED_SERVICES) {
      const spec = service === 'renewer' ? stack.renewer : stack.containers[service]!;
      const d = DEFAULT_CONTAINER_LIMITS[service];
      expect({ service, memory: spec.memory, pids: spec.pidsLimit, nofile: spec.ulimits?.nofile }).toEqual({ service, memory: d.memory, pids: d.pids, nofile: { soft: d.nofile, hard: d.nofile } });
    }
  });

  it('writes the same defaults in the compose file (for Compose users) as the schema has, as plain values', () => {
    const raw = parse(interpolate(compose, {})) as { services: Record<string, { mem_limit: string; pids_limit: number; ulimits: { nofile: number } }> };
    for (const service of LIMITED_SERVICES) {
      const d = DEFAULT_CONTAINER_LIMITS[service];
      const svc = raw.services[service]!;
      expect({ service, mem: svc.mem_limit, pids: svc.pids_limit, nofile: svc.ulimits.nofile }).toEqual({ service, mem: formatMemory(d.memory), pids: d.pids, nofile: d.nofile });
    }
  });

  it('takes limits from edge.yaml, and a changed limit changes only that container', () => {
    const limits = { ...demo.limits, containers: { ...demo.limits.containers, haproxy: { memory: 1024 * 1024 * 1024, pids: 512, nofile: 40000 } } };
    const other = stackOf({ ...demo, limits });
    expect(other.containers.haproxy).toMatchObject({ memory: 1024 * 1024 * 1024, pidsLimit: 512, ulimits: { nofile: { soft: 40000, hard: 40000 } } });
    expect(other.containers.haproxy.hash).not.toBe(stack.containers.haproxy.hash);
    expect(other.containers.sshd.hash).toBe(stack.containers.sshd.hash);
  });
});
