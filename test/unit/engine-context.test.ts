/**
 * Docker contexts as the docker CLI stores them (a temp DOCKER_CONFIG with the same layout:
 * contexts/meta/<sha256 of the name>/meta.json, contexts/tls/<same>/docker/*.pem, config.json's
 * currentContext), turned into the variables engineTarget reads.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { resolveDockerContext } from '../../scripts/engine/context.js';
import { describeEngine, engineTarget } from '../../scripts/engine/target.js';

const config = mkdtempSync(join(tmpdir(), 'tg-docker-config-'));
afterAll(() => rmSync(config, { recursive: true, force: true }));

/** Writes a context the way `docker context create` does. */
function context(name: string, endpoint: Record<string, unknown>, tls = false): string {
  const id = createHash('sha256').update(name).digest('hex');
  mkdirSync(join(config, 'contexts', 'meta', id), { recursive: true });
  writeFileSync(join(config, 'contexts', 'meta', id, 'meta.json'), JSON.stringify({ Name: name, Metadata: {}, Endpoints: { docker: endpoint } }));
  const dir = join(config, 'contexts', 'tls', id, 'docker');
  if (tls) {
    mkdirSync(dir, { recursive: true });
    for (const f of ['ca.pem', 'cert.pem', 'key.pem']) writeFileSync(join(dir, f), 'x');
  }
  return dir;
}

context('vps', { Host: 'ssh://ops@vps.example.com', SkipTLSVerify: false });
const tlsDir = context('edge-tls', { Host: 'tcp://edge.example.com:2376', SkipTLSVerify: false }, true);
context('lax', { Host: 'tcp://edge.example.com:2376', SkipTLSVerify: true });
context('empty', {});

describe('resolveDockerContext', () => {
  it('leaves the environment alone without a context, with the default one, or when DOCKER_HOST is set', () => {
    expect(resolveDockerContext({ DOCKER_CONFIG: config })).toEqual({ env: { DOCKER_CONFIG: config } });
    expect(resolveDockerContext({ DOCKER_CONFIG: config, DOCKER_CONTEXT: 'default' }).context).toBeUndefined();
    const env = { DOCKER_CONFIG: config, DOCKER_CONTEXT: 'vps', DOCKER_HOST: 'unix:///run/docker.sock' };
    expect(resolveDockerContext(env)).toEqual({ env });
  });

  it('takes DOCKER_CONTEXT, else config.json currentContext, and names it in status', () => {
    const byEnv = resolveDockerContext({ DOCKER_CONFIG: config, DOCKER_CONTEXT: 'vps' });
    expect(byEnv.env.DOCKER_HOST).toBe('ssh://ops@vps.example.com');
    const target = { ...engineTarget(byEnv.env), context: byEnv.context };
    expect(target).toMatchObject({ kind: 'ssh', host: 'vps.example.com', user: 'ops' });
    expect(describeEngine(target)).toBe('ssh://ops@vps.example.com (docker context "vps")');
    writeFileSync(join(config, 'config.json'), JSON.stringify({ auths: {}, currentContext: 'vps' }));
    expect(resolveDockerContext({ DOCKER_CONFIG: config }).context).toBe('vps');
    expect(resolveDockerContext({ HOME: join(config, 'nowhere') }).context).toBeUndefined();
    rmSync(join(config, 'config.json'));
  });

  it("uses a tcp:// context's own TLS files, not the shell's DOCKER_TLS_VERIFY/DOCKER_CERT_PATH", () => {
    const { env } = resolveDockerContext({ DOCKER_CONFIG: config, DOCKER_CONTEXT: 'edge-tls', DOCKER_CERT_PATH: '/elsewhere' });
    expect(engineTarget(env)).toEqual({ kind: 'tcp', host: 'edge.example.com', port: 2376, tls: { certPath: tlsDir }, url: 'tcp://edge.example.com:2376' });
  });

  it('refuses an unknown context, one without a host, and one that skips TLS verification, saying which', () => {
    expect(() => resolveDockerContext({ DOCKER_CONFIG: config, DOCKER_CONTEXT: 'nope' })).toThrow(
      /docker context "nope" \(DOCKER_CONTEXT\) does not exist: no .*meta\.json \(hint: docker context ls\)/,
    );
    expect(() => resolveDockerContext({ DOCKER_CONFIG: config, DOCKER_CONTEXT: 'empty' })).toThrow('names no Endpoints.docker.Host');
    expect(() => resolveDockerContext({ DOCKER_CONFIG: config, DOCKER_CONTEXT: 'lax' })).toThrow('skips TLS verification');
    writeFileSync(join(config, 'config.json'), '{ not json');
    expect(() => resolveDockerContext({ DOCKER_CONFIG: config })).toThrow(`${join(config, 'config.json')}:`);
    rmSync(join(config, 'config.json'));
  });
});
