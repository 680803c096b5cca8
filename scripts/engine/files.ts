/**
 * Files in a container's filesystem and its volumes, through the archive API: works on created
 * and stopped containers too, so files can be in place before a container first starts.
 */
import { extract, pack } from 'tar-stream';
import { docker, engineCall } from './client.js';
import type { FileToWrite } from './spec.js';

/** Writes files (absolute paths) into a container, with their modes and owners. */
export async function putFiles(name: string, files: FileToWrite[]): Promise<void> {
  await engineCall('write files into', name, async () => {
    const tar = pack();
    for (const f of files) {
      tar.entry({ name: f.path.replace(/^\//, ''), mode: f.mode ?? 0o644, uid: f.uid ?? 0, gid: f.gid ?? 0 }, typeof f.content === 'string' ? Buffer.from(f.content) : f.content);
    }
    tar.finalize();
    const chunks: Buffer[] = [];
    for await (const c of tar) chunks.push(c as Buffer);
    await docker().getContainer(name).putArchive(Buffer.concat(chunks), { path: '/' });
  });
}

/** A folder's entries: every name, and the text of those `wanted` asks for. */
export interface DirListing {
  names: string[];
  contents: Record<string, string>;
}

/**
 * Lists the entries directly in a folder of a container (running or stopped, volumes included)
 * and reads the small files `wanted` selects; the other files' bytes are skipped unread.
 */
export async function readDir(name: string, path: string, wanted: (entry: string) => boolean = () => false): Promise<DirListing> {
  return engineCall(`list ${path} in`, name, async () => {
    const archive = await docker()
      .getContainer(name)
      .getArchive({ path: `${path.replace(/\/$/, '')}/.` });
    const listing: DirListing = { names: [], contents: {} };
    const ex = extract();
    ex.on('entry', (header, stream, next) => {
      const rel = header.name.replace(/^\.\/?/, '');
      const direct = rel !== '' && !rel.includes('/');
      if (direct) listing.names.push(rel);
      const chunks: Buffer[] = [];
      if (direct && wanted(rel)) stream.on('data', (c: unknown) => chunks.push(c as Buffer));
      else stream.resume();
      stream.on('end', () => {
        if (chunks.length) listing.contents[rel] = Buffer.concat(chunks).toString('utf8');
        next();
      });
    });
    await new Promise<void>((resolve, reject) => {
      ex.on('finish', resolve);
      ex.on('error', reject);
      (archive as NodeJS.ReadableStream).pipe(ex);
    });
    listing.names.sort();
    return listing;
  });
}
