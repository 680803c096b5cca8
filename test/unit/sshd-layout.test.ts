/**
 * The shell side of the sshd image cannot import layout.ts: check that its hard-coded paths,
 * ids and names agree with the TypeScript constants the renderer and the engine use.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SHARE_NAME_PATTERN } from '../../scripts/config/schema-shares.js';
import { SHARE_GID_RANGE, UID_RANGE } from '../../sshd/accounts.js';
import { LOGIN_PROGRAM, SSHD_LIB_DIR } from '../../sshd/image-paths.js';
import { TUNNEL_USERS_GROUP } from '../../sshd/sshd-config.js';
import { MOUNTS, SHARES_ROOT, SSHD, TUNNELS_GID, TUNNELS_GROUP } from '../../stacks/layout.js';

const read = (f: string) => readFileSync(new URL(`../../sshd/${f}`, import.meta.url), 'utf8');

describe('sshd image files agree with layout.ts', () => {
  it('Dockerfile: groups, gids, install dir', () => {
    const df = read('Dockerfile');
    expect(df).toContain(`groupadd --gid ${TUNNELS_GID} ${TUNNELS_GROUP}`);
    expect(df).toMatch(new RegExp(`groupadd --gid \\d+ ${TUNNEL_USERS_GROUP}`));
    expect(df).toContain(`${SSHD_LIB_DIR}/`);
    expect(df).toMatch(/^FROM debian:trixie-slim$/m);
  });

  it('entrypoint.sh: config path', () => {
    expect(read('entrypoint.sh')).toContain(`config=${SSHD.config}`);
  });

  it('hostkeys.sh: hostkeys volume', () => {
    expect(read('hostkeys.sh')).toContain(`HOSTKEYS_DIR:-${MOUNTS.hostkeys}}`);
  });

  it('sync-users.sh: manifest, socket root, marker group, uid range', () => {
    const sh = read('sync-users.sh');
    expect(sh).toContain(`ACCOUNTS_MANIFEST:-${SSHD.accounts}}`);
    expect(sh).toContain(`root=${MOUNTS.tunnels}`);
    expect(sh).toContain(`marker=${TUNNEL_USERS_GROUP}`);
    expect(sh).toContain(`uid_min=${UID_RANGE.min}`);
    expect(sh).toContain(`uid_max=${UID_RANGE.max}`);
    expect(sh).toContain(`shares=${SHARES_ROOT}`);
    expect(sh).toContain(`login=$lib/login`);
    expect(LOGIN_PROGRAM).toBe(`${SSHD_LIB_DIR}/login`);
    expect(sh).toContain(`gid_min=${SHARE_GID_RANGE.min}`);
    expect(sh).toContain(`gid_max=${SHARE_GID_RANGE.max}`);
    // The manifest check accepts exactly the share names edge.yaml accepts.
    expect(sh).toContain(`test("${SHARE_NAME_PATTERN}")`);
  });

  it('end-sessions.sh: config dir and share gid range; login: summaries dir', () => {
    const sh = read('end-sessions.sh');
    expect(sh).toContain(`config=${MOUNTS.config}/sshd`);
    expect(`${MOUNTS.config}/sshd/authorized_keys`).toBe(SSHD.authorizedKeysDir);
    expect(`${MOUNTS.config}/sshd/user_ca.pub`).toBe(SSHD.userCaKeys);
    expect(sh).toContain(`gid_min=${SHARE_GID_RANGE.min}`);
    expect(sh).toContain(`gid_max=${SHARE_GID_RANGE.max}`);
    expect(read('login')).toContain(`"${SSHD.loginDir}/$user"`);
  });

  it('pam-sshd: the hooks it runs are the ones the image installs', () => {
    const pam = read('pam-sshd');
    expect(pam).toContain(`pam_exec.so quiet stdout ${SSHD_LIB_DIR}/conn-limit`);
    expect(pam).toContain(`pam_exec.so quiet ${SSHD_LIB_DIR}/session-record`);
    expect(read('Dockerfile')).toMatch(/^COPY .*\bconn-limit session-record login\b.* \/usr\/local\/lib\/tunnelgate\/$/m);
  });
});
