/**
 * Which engine a command talks to (DOCKER_HOST, DOCKER_TLS_VERIFY, DOCKER_CERT_PATH), and the
 * two OpenSSH files an ssh:// engine is reached through: ~/.ssh/config and known_hosts.
 */
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { checkHostKey, hostKeyAlgorithms, keysFor, knownHostsName } from '../../scripts/engine/known-hosts.js';
import { matchingNames, resolveSshHost } from '../../scripts/engine/ssh-config.js';
import { describeEngine, engineTarget, remoteHost } from '../../scripts/engine/target.js';

describe('engineTarget', () => {
  it('is the local socket without DOCKER_HOST, or with a unix:// one', () => {
    expect(engineTarget({})).toEqual({ kind: 'local', socket: '/var/run/docker.sock', url: 'unix:///var/run/docker.sock' });
    expect(engineTarget({ DOCKER_HOST: 'unix:///run/user/1000/docker.sock' })).toMatchObject({ kind: 'local', socket: '/run/user/1000/docker.sock' });
    expect(remoteHost(engineTarget({}))).toBeUndefined();
  });

  it('reads ssh://[user@]host[:port]', () => {
    expect(engineTarget({ DOCKER_HOST: 'ssh://ops@vps.example.com:2200' })).toEqual({ kind: 'ssh', host: 'vps.example.com', user: 'ops', port: 2200, url: 'ssh://ops@vps.example.com:2200' });
    expect(engineTarget({ DOCKER_HOST: 'ssh://vps' })).toEqual({ kind: 'ssh', host: 'vps', url: 'ssh://vps' });
    expect(remoteHost(engineTarget({ DOCKER_HOST: 'ssh://ops@vps' }))).toBe('vps');
  });

  it('reads tcp:// with TLS from DOCKER_TLS_VERIFY and DOCKER_CERT_PATH (port 2376 by default)', () => {
    const t = engineTarget({ DOCKER_HOST: 'tcp://203.0.113.5', DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: '/home/o/.docker/vps' });
    expect(t).toEqual({ kind: 'tcp', host: '203.0.113.5', port: 2376, tls: { certPath: '/home/o/.docker/vps' }, url: 'tcp://203.0.113.5:2376' });
    expect(describeEngine(t)).toBe('tcp://203.0.113.5:2376 (TLS verified with /home/o/.docker/vps)');
    expect(engineTarget({ DOCKER_HOST: 'tcp://edge:2376', DOCKER_TLS_VERIFY: '1', HOME: '/home/o' })).toMatchObject({ tls: { certPath: '/home/o/.docker' } });
  });

  it('allows plain TCP only on loopback (an ssh -L forward), where it is not remote', () => {
    expect(engineTarget({ DOCKER_HOST: 'tcp://127.0.0.1:2375' })).toEqual({ kind: 'tcp', host: '127.0.0.1', port: 2375, url: 'tcp://127.0.0.1:2375' });
    expect(remoteHost(engineTarget({ DOCKER_HOST: 'tcp://127.0.0.1:2375' }))).toBeUndefined();
    expect(() => engineTarget({ DOCKER_HOST: 'tcp://203.0.113.5:2375' })).toThrow(
      /plain TCP gives anyone on the network root on it \(hint: set DOCKER_TLS_VERIFY=1 and DOCKER_CERT_PATH, or use ssh:\/\/user@203\.0\.113\.5\)/,
    );
    expect(() => engineTarget({ DOCKER_HOST: 'tcp://203.0.113.5:2376', DOCKER_TLS_VERIFY: '0' })).toThrow(/plain TCP/);
  });

  it('names what is wrong with a DOCKER_HOST it cannot use', () => {
    expect(() => engineTarget({ DOCKER_HOST: 'npipe:////./pipe/docker_engine' })).toThrow('DOCKER_HOST=npipe:////./pipe/docker_engine: scheme npipe is not supported');
    expect(() => engineTarget({ DOCKER_HOST: 'ssh://ops:secret@vps' })).toThrow('a password in the URL is not supported');
    expect(() => engineTarget({ DOCKER_HOST: 'ssh://vps/x' })).toThrow('a path is not supported');
  });
});

describe('resolveSshHost', () => {
  const config = [
    '# laptop',
    'Host vps edge-*',
    '    HostName 203.0.113.5',
    '    User ops',
    '    Port 2200',
    '    IdentityFile ~/.ssh/vps_ed25519',
    'Host *',
    '    User nobody',
    '    IdentityFile ~/.ssh/id_ed25519',
    '    UserKnownHostsFile ~/.ssh/known_hosts ~/.ssh/known_hosts.d/all',
    'Match host x',
    '    User matched',
  ].join('\n');

  it('takes the first value of each keyword from every matching Host block, as ssh does', () => {
    expect(resolveSshHost(config, 'vps')).toEqual({
      hostName: '203.0.113.5',
      user: 'ops',
      port: 2200,
      identityFiles: ['~/.ssh/vps_ed25519', '~/.ssh/id_ed25519'],
      userKnownHostsFiles: ['~/.ssh/known_hosts', '~/.ssh/known_hosts.d/all'],
    });
    expect(resolveSshHost(config, 'edge-2').hostName).toBe('203.0.113.5');
    expect(resolveSshHost(config, 'other')).toMatchObject({ user: 'nobody', identityFiles: ['~/.ssh/id_ed25519'] });
    expect(resolveSshHost('Host * !vps\n  User x\n', 'vps').user).toBeUndefined();
    expect(resolveSshHost('Host=vps\n  HostName=%h.example.com\n', 'vps').hostName).toBe('vps.example.com');
  });

  it('follows Include at top level and inside an active Host block, with Host lines scoped to the included file', () => {
    const files: Record<string, string[]> = {
      'config.d/*': ['Host vps\n  HostName 203.0.113.7\n  Port 2201\n', 'Host other\n  User someone\n'],
      work: ['User ops\n'],
      loop: ['Include loop\n'],
    };
    const include = (pattern: string) => files[pattern] ?? [];
    // Included first, so its values win; the Host * block after the include still applies.
    const conf = resolveSshHost('Include config.d/*\nHost *\n  User nobody\n  Port 22\n', 'vps', include);
    expect(conf).toMatchObject({ hostName: '203.0.113.7', port: 2201, user: 'nobody' });
    // Conditional: only inside a Host block that matches.
    expect(resolveSshHost('Host vps\n  Include work\n', 'vps', include).user).toBe('ops');
    expect(resolveSshHost('Host other\n  Include work\n', 'vps', include).user).toBeUndefined();
    expect(() => resolveSshHost('Include loop\n', 'vps', include)).toThrow('Include nested more than 16 deep');
    expect(matchingNames('*.conf', ['b.conf', 'a.conf', '.hidden.conf', 'notes'])).toEqual(['a.conf', 'b.conf']);
  });
});

describe('known_hosts', () => {
  const ed = 'AAAAC3NzaC1lZDI1NTE5AAAAIHc0bWt1bm5lbGdhdGV0ZXN0a2V5Zm9yZGVtbzAx';
  const other = 'AAAAC3NzaC1lZDI1NTE5AAAAIE90aGVyb3RoZXJvdGhlcm90aGVyb3RoZXJvdGhlcjAx';
  const salt = Buffer.from('0123456789abcdef0123');
  const hashed = (name: string) => `|1|${salt.toString('base64')}|${createHmac('sha1', salt).update(name).digest('base64')}`;
  const text = [
    `vps.example.com,203.0.113.5 ssh-ed25519 ${ed}`,
    `[vps.example.com]:2200 ssh-rsa AAAAB3NzaC1yc2E`,
    `${hashed('[10.1.2.3]:2222')} ssh-ed25519 ${ed}`,
    `*.lan ecdsa-sha2-nistp256 AAAAE2VjZHNh`,
    `@revoked * ssh-ed25519 ${other}`,
  ].join('\n');

  it('finds keys by name, [name]:port, hashed names and patterns', () => {
    expect(knownHostsName('vps.example.com', 22)).toBe('vps.example.com');
    expect(keysFor(text, 'vps.example.com').map((k) => k.type)).toEqual(['ssh-ed25519', 'ssh-ed25519']);
    expect(keysFor(text, '[vps.example.com]:2200').map((k) => k.type)).toEqual(['ssh-rsa', 'ssh-ed25519']);
    expect(keysFor(text, '[10.1.2.3]:2222')[0]?.key).toBe(ed);
    expect(keysFor(text, 'nas.lan')[0]?.type).toBe('ecdsa-sha2-nistp256');
    expect(hostKeyAlgorithms(keysFor(text, '[vps.example.com]:2200'))).toEqual(['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa']);
  });

  it('accepts the known key only: unknown host, changed key and revoked key all stop the connection', () => {
    const blob = (b64: string) => Buffer.from(b64, 'base64');
    expect(checkHostKey(keysFor(text, 'vps.example.com'), blob(ed))).toBe('known');
    expect(checkHostKey(keysFor(text, 'unknown.example.com'), blob(ed))).toBe('unknown');
    expect(checkHostKey(keysFor(text, '[10.1.2.3]:2222'), blob('AAAAC3NzaC1lZDI1NTE5AAAAIFdyb25nd3Jvbmd3cm9uZ3dyb25nd3Jvbmd3cm9uZzAx'))).toBe('changed');
    expect(checkHostKey(keysFor(text, 'vps.example.com'), blob(other))).toBe('revoked');
  });
});
