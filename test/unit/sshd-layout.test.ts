/**
 * The shell side of the sshd image cannot import layout.ts: check that its hard-coded paths,
 * ids and names agree with the TypeScript constants the renderer and the engine use.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { UID_RANGE } from '../../sshd/accounts.js';
import { SSHD_LIB_DIR } from '../../sshd/image-paths.js';
import { TUNNEL_USERS_GROUP } from '../../sshd/sshd-config.js';
import { MOUNTS, SSHD, TUNNELS_GID, TUNNELS_GROUP } from '../../stacks/layout.js';

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
  });
});
