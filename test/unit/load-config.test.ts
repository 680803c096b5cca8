/**
 * loadConfig's file-system checks, which the pure validator cannot make: the dns-01 hook is
 * resolved against edge.yaml's directory and must be an executable file.
 */
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../scripts/cli/errors.js';
import { loadConfig } from '../../scripts/config/load-config.js';

const root = mkdtempSync(join(tmpdir(), 'tg-load-config-'));
mkdirSync(join(root, 'site'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** Writes site/edge.yaml with the given hook line and returns loadConfig's error text, or the hook. */
function load(hook: string): string {
  writeFileSync(join(root, 'site', 'edge.yaml'), `acme:\n  ca: pebble\n  challenge: dns-01\n  dnsHook: ${hook}\n`);
  try {
    return loadConfig({ config: 'site/edge.yaml', cwd: root }).model.acme.dnsHook!;
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
}

describe('loadConfig and acme.dnsHook', () => {
  it('resolves the hook against the directory of edge.yaml, not the working directory', () => {
    writeFileSync(join(root, 'site', 'hook.sh'), '#!/bin/sh\n', { mode: 0o755 });
    expect(load('./hook.sh')).toBe(join(root, 'site', 'hook.sh'));
  });

  it('reports a missing hook at its line, with the resolved path', () => {
    expect(load('./nope.sh')).toBe(`site/edge.yaml:4:12 acme.dnsHook: "./nope.sh" does not exist (resolved to ${join(root, 'site', 'nope.sh')}) (hint: the path is relative to edge.yaml's directory)`);
  });

  it('reports a hook that is not executable, with the chmod to run', () => {
    writeFileSync(join(root, 'site', 'plain.sh'), '#!/bin/sh\n');
    chmodSync(join(root, 'site', 'plain.sh'), 0o644);
    expect(load('plain.sh')).toContain(`acme.dnsHook: "plain.sh" is not executable (resolved to ${join(root, 'site', 'plain.sh')}) (hint: chmod +x ${join(root, 'site', 'plain.sh')})`);
  });

  it('reports a directory', () => {
    expect(load('.')).toContain('acme.dnsHook: "." is not a file');
  });

  it('takes an absolute path as it is', () => {
    const abs = join(root, 'site', 'hook.sh');
    expect(load(abs)).toBe(abs);
  });
});

describe('loadConfig and the CA files routes name', () => {
  const CA = '-----BEGIN CERTIFICATE-----\nMIIBlzCCAT2gAwIBAgIULNTTJQsvIp31gpuu\n-----END CERTIFICATE-----\n';
  /** Writes site/edge.yaml with one route naming `file` as its clientCA; the model's PEM, or the error. */
  function loadCa(file: string): string {
    writeFileSync(join(root, 'site', 'edge.yaml'), `acme: {ca: pebble}\nroutes:\n  - host: admin.example.com\n    upstream: http://app:80\n    clientCA: ${file}\n`);
    try {
      const route = loadConfig({ config: 'site/edge.yaml', cwd: root }).model.routes[0]!;
      return `${route.clientCA?.file}\n${route.clientCA?.pem}`;
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      return (err as Error).message;
    }
  }

  it("reads the certificates relative to edge.yaml's directory", () => {
    writeFileSync(join(root, 'site', 'clients.pem'), `# the office CA\n${CA}`);
    expect(loadCa('./clients.pem')).toBe(`${join(root, 'site', 'clients.pem')}\n${CA}`);
  });

  it('reports a missing file, a file without certificates and one with a private key, located', () => {
    expect(loadCa('./nope.pem')).toContain(`site/edge.yaml:5:15 routes[0].clientCA: "./nope.pem" does not exist (resolved to ${join(root, 'site', 'nope.pem')})`);
    writeFileSync(join(root, 'site', 'empty.pem'), 'hello\n');
    expect(loadCa('./empty.pem')).toContain('routes[0].clientCA: "./empty.pem" holds no PEM certificate');
    writeFileSync(join(root, 'site', 'key.pem'), `${CA}-----BEGIN PRIVATE KEY-----\nabc\n-----END PRIVATE KEY-----\n`);
    expect(loadCa('./key.pem')).toContain('routes[0].clientCA: "./key.pem" contains a private key');
  });
});
