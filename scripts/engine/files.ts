/**
 * Files in a container's filesystem and its volumes, through the archive API: works on created
 * and stopped containers too, so files can be in place before a container first starts.
 */
import { extract, pack } from 'tar-stream';
import { docker, engineCall } from './client.js';
import { exec } from './exec.js';
import type { FileToWrite } from './spec.js';

/** A tar archive of files, their paths relative to `base`. */
async function tarOf(base: string, files: FileToWrite[]): Promise<Buffer> {
  const tar = pack();
  for (const f of files) {
    const rel = base === '/' ? f.path.slice(1) : f.path.slice(base.length + 1);
    tar.entry({ name: rel, mode: f.mode ?? 0o644, uid: f.uid ?? 0, gid: f.gid ?? 0 }, typeof f.content === 'string' ? Buffer.from(f.content) : f.content);
  }
  tar.finalize();
  const chunks: Buffer[] = [];
  for await (const c of tar) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

/**
 * Writes files (absolute paths) into a container, with their modes and owners. Each file goes
 * through the mount point that holds it: the engine checks the extraction directory, so an
 * archive unpacked at `/` is refused by a container with a read-only root even when every file
 * lands in a writable volume.
 */
export async function putFiles(name: string, files: FileToWrite[]): Promise<void> {
  await engineCall('write files into', name, async () => {
    const c = docker().getContainer(name);
    const mounts = ((await c.inspect()).Mounts ?? []).map((m) => m.Destination).sort((a, b) => b.length - a.length);
    const groups = new Map<string, FileToWrite[]>();
    for (const f of files) {
      const base = mounts.find((m) => f.path.startsWith(`${m}/`)) ?? '/';
      groups.set(base, [...(groups.get(base) ?? []), f]);
    }
    for (const [base, group] of groups) await c.putArchive(await tarOf(base, group), { path: base });
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

/** A folder for readDirsRunning: its path, and the name ending of the entries whose text is wanted ('' for all). */
export interface DirWanted {
  path: string;
  suffix: string;
}

/**
 * Prints, for each (folder, suffix) pair of its arguments, `D\0folder\0` when the folder opens,
 * then `F\0name\0text\0` per entry (text only of regular files ending in suffix). Perl, since
 * perl-base is essential in every Debian image and one process reads every folder.
 */
const LIST_DIRS = `
while (my ($d, $suffix) = splice(@ARGV, 0, 2)) {
  opendir(my $h, $d) or next;
  print "D\\0$d\\0";
  for my $n (sort grep { $_ ne '.' && $_ ne '..' } readdir $h) {
    my $text = '';
    if (-f "$d/$n" && ($suffix eq '' || substr($n, -length($suffix)) eq $suffix) && open(my $f, '<', "$d/$n")) { local $/; $text = <$f> // ''; }
    print "F\\0$n\\0$text\\0";
  }
}
`;

/**
 * What readDir gives, for several folders of a running container in one `docker exec`, read as
 * the container's own user: each archive round trip costs the engine about 0.1 s, and observing a
 * stack read three of them on every `up`. A folder that does not open is missing from the result.
 */
export async function readDirsRunning(name: string, dirs: DirWanted[]): Promise<Record<string, DirListing>> {
  const res = await exec(name, ['perl', '-e', LIST_DIRS.trim(), '--', ...dirs.flatMap((d) => [d.path, d.suffix])]);
  if (res.exitCode !== 0) throw new Error(`listing ${dirs.map((d) => d.path).join(', ')} in ${name} failed: ${res.stderr.trim()}`);
  const fields = res.stdout.split('\0');
  const out: Record<string, DirListing> = {};
  let current: DirListing | undefined;
  for (let i = 0; i + 1 < fields.length; ) {
    if (fields[i] === 'D') {
      current = { names: [], contents: {} };
      out[fields[i + 1]!] = current;
      i += 2;
    } else if (fields[i] === 'F' && current && i + 2 < fields.length) {
      const entry = fields[i + 1]!;
      current.names.push(entry);
      if (fields[i + 2]) current.contents[entry] = fields[i + 2]!;
      i += 3;
    } else throw new Error(`listing folders in ${name}: unexpected output at field ${i}`);
  }
  return out;
}
