/**
 * The certs volume as the renewer sees it: read the current PEM and metadata, write new ones
 * atomically (temp name + rename, so HAProxy never reads half a file).
 */
import { randomBytes } from 'node:crypto';
import { chownSync, existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { certMetaPath, certPath, HAPROXY_UID } from '../../stacks/layout.js';
import { type CertMeta, parseCertMeta } from '../cert-meta.js';

const read = (path: string) => (existsSync(path) ? readFileSync(path, 'utf8') : undefined);

/** The host's PEM (fullchain + key) and metadata, each `undefined` when absent. */
export function readStored(host: string): { pem?: string; meta?: CertMeta } {
  return { pem: read(certPath(host)), meta: parseCertMeta(read(certMetaPath(host))) };
}

/**
 * Writes to a temporary name, then renames over `path`: a reader sees the old file or the new
 * one, never part of one. A failed write (a full disk) removes its temporary file, so no
 * truncated PEM is left behind, and the old file stays as it was.
 */
function writeAtomic(path: string, content: string, mode: number, uid?: number): void {
  const tmp = `${path}.tmp-${randomBytes(4).toString('hex')}`;
  try {
    writeFileSync(tmp, content, { mode });
    if (uid !== undefined) chownSync(tmp, uid, uid);
    renameSync(tmp, path);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
}

/** The new PEM: 0600, owned by HAProxy's uid (it holds the private key). */
export function writePem(host: string, pem: string): void {
  writeAtomic(certPath(host), pem, 0o600, HAPROXY_UID);
}

/** Metadata holds no secret: world-readable, so `status` can read it through any container. */
export function writeMeta(host: string, meta: CertMeta): void {
  writeAtomic(certMetaPath(host), `${JSON.stringify(meta, null, 2)}\n`, 0o644);
}
