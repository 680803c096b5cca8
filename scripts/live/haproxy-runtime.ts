/**
 * Route changes a running HAProxy takes without a reload: map and ACL files replaced through the
 * runtime API, each atomically (see haproxy/runtime-maps.ts). The files on disk are swapped in
 * first (checked by `haproxy -c`), so a later reload reads the same contents.
 */
import { silentCommandsArgv } from '../../haproxy/master-cli.js';
import { fillAndCommitCommands, parsePrepared, prepareCommand, type RuntimeKind, runtimeAnswerError } from '../../haproxy/runtime-maps.js';
import { ExitError } from '../cli/errors.js';
import * as engine from '../engine/index.js';
import { masterCli } from './haproxy-control.js';

/** Replaces the live contents of one map or ACL file with `lines`: prepare, then the rest in one exec. */
async function replaceOne(container: string, kind: RuntimeKind, path: string, lines: string[]): Promise<void> {
  const version = parsePrepared(await masterCli(container, prepareCommand(kind, path)));
  const res = await engine.exec(container, silentCommandsArgv(fillAndCommitCommands(kind, path, version, lines)));
  const error = res.exitCode !== 0 ? res.stderr.trim() || `exit ${res.exitCode}` : runtimeAnswerError(res.stdout);
  if (error) throw new ExitError(`haproxy (${container}): replacing ${kind} ${path} failed: ${error}`);
}

/** Replaces the live contents of each file in `paths` with its lines in `files` (kind by `kinds`), all at once. */
export async function replaceRuntimeFiles(container: string, paths: string[], files: Record<string, string>, kinds: Record<string, RuntimeKind>): Promise<void> {
  // Every path checked before any replacement starts: none is left running unawaited.
  const kindOf = (path: string): RuntimeKind => {
    const kind = kinds[path];
    if (!kind) throw new Error(`${path} is not a map or ACL file`);
    return kind;
  };
  const jobs = paths.map((path) => ({ path, kind: kindOf(path), lines: (files[path] ?? '').split('\n').filter((l) => l !== '') }));
  await Promise.all(jobs.map((j) => replaceOne(container, j.kind, j.path, j.lines)));
}
