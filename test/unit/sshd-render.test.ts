/**
 * Golden files for everything the sshd container reads from the config volume. Review changes
 * to test/unit/fixtures/sshd/golden/ as text; e2e feeds each golden sshd_config to `sshd -t`.
 */
import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderSshdFiles } from '../../sshd/render.js';
import { MOUNTS, SSHD } from '../../stacks/layout.js';
import { full, MODELS, type ModelCase, teams } from './fixtures/sshd/models.js';

const goldenPath = (c: ModelCase, file: string) => `./fixtures/sshd/golden/${c}/${file.slice(`${MOUNTS.config}/sshd/`.length)}`;

describe('renderSshdFiles', () => {
  it('has a model case for every golden folder, and renders every file in it (no stale golden)', () => {
    const root = new URL('./fixtures/sshd/golden/', import.meta.url);
    expect(readdirSync(root).sort()).toEqual(Object.keys(MODELS).sort());
    for (const c of Object.keys(MODELS) as ModelCase[]) {
      const rendered = Object.keys(renderSshdFiles(MODELS[c])).map((p) => goldenPath(c, p).split('/').slice(5)[0]);
      expect(readdirSync(new URL(`${c}/`, root)).sort(), c).toEqual([...new Set(rendered)].sort());
    }
  });

  for (const c of Object.keys(MODELS) as ModelCase[]) {
    it(`matches the golden files for "${c}"`, async () => {
      const files = renderSshdFiles(MODELS[c]);
      for (const [path, text] of Object.entries(files)) await expect(text).toMatchFileSnapshot(goldenPath(c, path));
    });
  }

  it('renders sshd_config, the manifest and one authorized_keys per user, keys sorted', () => {
    const paths = Object.keys(renderSshdFiles(full));
    expect(paths).toEqual([`${SSHD.accounts}`, `${SSHD.authorizedKeysDir}/alice`, `${SSHD.authorizedKeysDir}/bob`, `${SSHD.config}`]);
  });

  it('is deterministic and does not depend on the order of users in the model', () => {
    const reversed = { ...full, users: [...full.users].reverse() };
    expect(JSON.stringify(renderSshdFiles(reversed))).toBe(JSON.stringify(renderSshdFiles(full)));
  });

  it('renders the CA keys and a principals file per user only with sshCA', () => {
    expect(Object.keys(renderSshdFiles(full)).filter((p) => p.includes('principals') || p === SSHD.userCaKeys)).toEqual([]);
    const files = renderSshdFiles(teams);
    expect(files[SSHD.userCaKeys]).toBe(`${teams.sshCA[0]}\n`);
    expect(files[`${SSHD.principalsDir}/dave`]).toMatch(/^restrict,port-forwarding dave$/m);
  });

  it('gives an expiring key an expiry-time in UTC (with Z: sshd would read it as local time)', () => {
    const alice = renderSshdFiles(teams)[`${SSHD.authorizedKeysDir}/alice`]!;
    expect(alice).toContain('restrict,port-forwarding,expiry-time="20261231000000Z" ecdsa-sha2-nistp256 ');
    expect(alice).toMatch(/^restrict,port-forwarding ssh-ed25519 /m);
  });

  it('prefixes every key with restrict,port-forwarding', () => {
    const alice = renderSshdFiles(full)[`${SSHD.authorizedKeysDir}/alice`]!;
    const keys = alice.split('\n').filter((l) => l && !l.startsWith('#'));
    expect(keys).toHaveLength(2);
    for (const k of keys) expect(k).toMatch(/^restrict,port-forwarding (ssh-ed25519|ecdsa-sha2-nistp256) AAAA/);
  });

  it('writes the manifest as sorted users with uids', () => {
    const manifest = JSON.parse(renderSshdFiles(full)[SSHD.accounts]!);
    expect(manifest.users.map((u: { name: string }) => u.name)).toEqual(['alice', 'bob']);
    expect(manifest.notice).not.toContain('\n');
  });
});

describe('sshd_config', () => {
  const config = renderSshdFiles(full)[SSHD.config]!;
  const directives = new Map<string, string>();
  for (const line of config.split('\n')) {
    const m = /^(\w+) (.*)$/.exec(line);
    // sshd takes the first value of a keyword: a later duplicate would be silently ignored.
    if (m && m[1] !== 'HostKey') {
      expect(directives.has(m[1]!), `${m[1]} appears twice`).toBe(false);
      directives.set(m[1]!, m[2]!);
    }
  }

  it.each([
    ['AuthenticationMethods', 'publickey'],
    ['PasswordAuthentication', 'no'],
    ['KbdInteractiveAuthentication', 'no'],
    ['PermitRootLogin', 'no'],
    ['UsePAM', 'yes'],
    ['PermitTTY', 'no'],
    ['AllowAgentForwarding', 'no'],
    ['X11Forwarding', 'no'],
    ['PermitTunnel', 'no'],
    ['AllowTcpForwarding', 'remote'],
    ['PermitListen', 'none'],
    ['PermitOpen', 'none'],
    ['AllowStreamLocalForwarding', 'remote'],
    ['StreamLocalBindUnlink', 'yes'],
    ['StreamLocalBindMask', '0117'],
    ['ClientAliveInterval', '15'],
    ['ClientAliveCountMax', '3'],
    ['AuthorizedKeysFile', `${SSHD.authorizedKeysDir}/%u`],
    ['AllowGroups', 'tgusers'],
    ['PermitUserEnvironment', 'no'],
    ['GatewayPorts', 'no'],
    ['PerSourcePenalties', 'authfail:5s noauth:1s grace-exceeded:20s max:5m min:15s'],
    ['MaxStartups', '20:30:100'],
    ['PerSourceMaxStartups', '10'],
    ['KexAlgorithms', 'mlkem768x25519-sha256,sntrup761x25519-sha512,curve25519-sha256,curve25519-sha256@libssh.org'],
    ['HostKeyAlgorithms', 'ssh-ed25519,rsa-sha2-512,rsa-sha2-256'],
    ['MACs', 'hmac-sha2-256-etm@openssh.com,hmac-sha2-512-etm@openssh.com,umac-128-etm@openssh.com'],
    ['ForceCommand', '/usr/local/lib/tunnelgate/login'],
    ['LogLevel', 'VERBOSE'],
    ['Port', String(SSHD.port)],
  ])('sets %s %s', (key, value) => {
    expect(directives.get(key)).toBe(value);
  });

  it('points every HostKey into the hostkeys volume', () => {
    const hostKeys = config.split('\n').filter((l) => l.startsWith('HostKey '));
    expect(hostKeys).toEqual(['ed25519', 'rsa'].map((t) => `HostKey ${MOUNTS.hostkeys}/ssh_host_${t}_key`));
  });

  it('has no Match block and no TrustedUserCAKeys without shares and sshCA', () => {
    expect(config).not.toMatch(/^Match |TrustedUserCAKeys/m);
  });
});

describe('sshd_config with shares, sshCA and limits', () => {
  const config = renderSshdFiles(teams)[SSHD.config]!;

  it('opens -L for each share user to exactly the sockets of their shares, in Match blocks at the end', () => {
    const tail = config.slice(config.indexOf('\nMatch '));
    expect(tail.split('\n').filter((l) => l.startsWith('Match '))).toEqual(['Match User alice', 'Match User bob', 'Match User dave']);
    expect(tail).toContain('Match User bob\n    AllowTcpForwarding yes\n    AllowStreamLocalForwarding yes\n    PermitOpen [/run/shares/alice-vnc/sock]:*\n');
    // Nothing global after the first Match (it would only apply inside it).
    expect(tail.split('\n').filter((l) => /^\w/.test(l) && !l.startsWith('Match '))).toEqual([]);
  });

  it('trusts the CA file and names the principals file', () => {
    expect(config).toMatch(new RegExp(`^TrustedUserCAKeys ${SSHD.userCaKeys}$`, 'm'));
    expect(config).toMatch(new RegExp(`^AuthorizedPrincipalsFile ${SSHD.principalsDir}/%u$`, 'm'));
  });

  it('writes the limits and turns penalties off when asked', () => {
    expect(config).toMatch(/^MaxStartups 10:50:60$/m);
    expect(config).toMatch(/^PerSourceMaxStartups 5$/m);
    expect(config).toMatch(/^PerSourcePenalties no$/m);
    expect(JSON.parse(renderSshdFiles(teams)[SSHD.accounts]!).tunnelsPerUser).toBe(4);
  });
});
