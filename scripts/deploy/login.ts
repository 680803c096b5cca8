/**
 * Writes the login summaries into the sshd container (the `update-login` op, and after a renewal
 * pass changed certificate dates): rendered with the certificate dates the plan observed, or as
 * they are at this moment when none are given, each file owned by its user and readable by
 * nobody else.
 */
import { pruneLoginFilesArgv } from '../../sshd/image-paths.js';
import type { EdgeModel } from '../../stacks/model.js';
import * as engine from '../engine/index.js';
import { filesHashPath, LOGIN_HASH_NAME, renderLoginState } from './files.js';
import { certsIn } from './observe.js';
import type { ObservedCerts } from './plan.js';

/** Renders and writes every user's summary (removing those of users gone), then records their hash. */
export async function writeLoginSummaries(model: EdgeModel, sshd: string, from: { certs?: ObservedCerts | undefined; container: string }): Promise<void> {
  const certs = from.certs ?? (await certsIn(from.container).catch(() => undefined));
  const { files, hash } = renderLoginState(model, certs);
  // The summaries and the removal of those of users gone touch different files: at once. The
  // hash after both, so a failure in either leaves them to the next `up`.
  const [, pruned] = await Promise.all([
    engine.putFiles(
      sshd,
      files.map((f) => ({ path: f.path, content: f.content, uid: f.uid, gid: 0, mode: 0o400 })),
    ),
    engine.exec(sshd, pruneLoginFilesArgv(files.map((f) => f.path))),
  ]);
  if (pruned.exitCode !== 0) throw new Error(`sshd (${sshd}): removing old login summaries failed: ${pruned.stderr.trim()}`);
  await engine.putFiles(sshd, [{ path: filesHashPath(LOGIN_HASH_NAME), content: `${hash}\n` }]);
}
