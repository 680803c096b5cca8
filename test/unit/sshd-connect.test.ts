/** Connection instructions users copy from: golden text, plus the pieces tests can pin exactly. */
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../scripts/cli/errors.js';
import { renderUserInstructions } from '../../scripts/report/connect-guide.js';
import { knownHostsLine, renderConnectInstructions } from '../../sshd/connect-instructions.js';
import { demo, full, HOST_KEY, teams } from './fixtures/sshd/models.js';

describe('renderConnectInstructions', () => {
  const known = knownHostsLine('edge.example.com', 22, `${HOST_KEY} root@sshd`);

  it('matches the golden text for demo (no host key yet, port 2222)', async () => {
    await expect(renderConnectInstructions(demo, 'demo', { serverHost: 'localhost' })).toMatchFileSnapshot('./fixtures/sshd/golden-connect/demo-demo.txt');
  });

  it('matches the golden text for alice in full (two routes, replicas, host key)', async () => {
    const text = renderConnectInstructions(full, 'alice', { serverHost: 'edge.example.com', knownHostsLine: known, identityFile: '~/.ssh/alice_ed25519' });
    await expect(text).toMatchFileSnapshot('./fixtures/sshd/golden-connect/full-alice.txt');
  });

  it('gives one ssh -N -R command per route, for slot 1', () => {
    const text = renderConnectInstructions(full, 'alice', { serverHost: 'edge.example.com' });
    const commands = text.split('\n').filter((l) => l.startsWith('ssh '));
    expect(commands).toEqual([
      'ssh -N -R /run/tunnels/alice/api.example.com.sock:localhost:8080 -i ~/.ssh/id_ed25519 -o ExitOnForwardFailure=yes alice@edge.example.com',
      'ssh -N -R /run/tunnels/alice/app.example.com.sock:localhost:8081 -i ~/.ssh/id_ed25519 -o ExitOnForwardFailure=yes alice@edge.example.com',
    ]);
    expect(text).toContain('#   -R /run/tunnels/alice/api.example.com.3.sock:localhost:8080');
  });

  it('writes the ssh config block with the forwards and the hardening options', () => {
    const text = renderConnectInstructions(demo, 'demo', { serverHost: 'tunnel.example.org' });
    for (const line of [
      'Host demo-demo',
      '    HostName tunnel.example.org',
      '    Port 2222',
      '    User demo',
      '    IdentitiesOnly yes',
      '    StrictHostKeyChecking yes',
      '    ExitOnForwardFailure yes',
      '    ServerAliveInterval 15',
      '    ServerAliveCountMax 3',
      '    Ciphers aes128-gcm@openssh.com,chacha20-poly1305@openssh.com',
      '    RemoteForward /run/tunnels/demo/demo.localhost.sock localhost:8080',
    ])
      expect(text.split('\n')).toContain(line);
  });

  it('rejects a user that is not in the model: a usage error naming the users there are', () => {
    expect(() => renderUserInstructions(demo, 'mallory', { serverHost: 'x' })).toThrow(UsageError);
    expect(() => renderUserInstructions(demo, 'mallory')).toThrow('no user "mallory" in edge.yaml (users: demo)');
    expect(() => renderConnectInstructions(demo, 'mallory', { serverHost: 'x' })).toThrow(/no user "mallory"/);
  });

  it('builds the known_hosts line from the host key for the server name', () => {
    const text = renderUserInstructions(demo, 'demo', { hostKey: `${HOST_KEY}\n` });
    expect(text).toContain(`[localhost]:${demo.ports.ssh} ${HOST_KEY.split(' ').slice(0, 2).join(' ')}`);
  });
});

describe('knownHostsLine', () => {
  it('brackets the host when the port is not 22, and drops the key comment', () => {
    expect(knownHostsLine('localhost', 2222, `${HOST_KEY} root@abc`)).toBe(`[localhost]:2222 ${HOST_KEY}`);
    expect(knownHostsLine('edge.example.com', 22, HOST_KEY)).toBe(`edge.example.com ${HOST_KEY}`);
  });
});

describe('connect instructions with shares', () => {
  it('matches the golden text for alice in teams: her tunnel, the share she binds, the one she reaches', async () => {
    await expect(renderConnectInstructions(teams, 'alice', { serverHost: 'edge.example.com' })).toMatchFileSnapshot('./fixtures/sshd/golden-connect/teams-alice.txt');
  });

  it('gives -R for an owned share and -L for a share of someone else, also in the config block', () => {
    const lines = renderConnectInstructions(teams, 'alice', { serverHost: 'edge.example.com' }).split('\n');
    expect(lines).toContain('ssh -N -R /run/shares/alice-vnc/sock:localhost:8081 -p 2222 -i ~/.ssh/id_ed25519 -o ExitOnForwardFailure=yes alice@edge.example.com');
    expect(lines).toContain('ssh -N -L 15900:/run/shares/bob-db/sock -p 2222 -i ~/.ssh/id_ed25519 -o ExitOnForwardFailure=yes alice@edge.example.com');
    expect(lines).toContain('    RemoteForward /run/shares/alice-vnc/sock localhost:8081');
    expect(lines).toContain('    LocalForward 15900 /run/shares/bob-db/sock');
  });
});
