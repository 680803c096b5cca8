/**
 * The images tunnelgate builds from the repo, tagged by a hash of their build context so an
 * unchanged context is never rebuilt and a changed one always is.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildImage, imageExists } from './engine.js';
import { bundleRenewer } from './renewer-bundle.js';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

export type ImageName = 'haproxy' | 'sshd' | 'renewer' | 'pebble';

interface ImageSpec {
  /** Folder of the build context, relative to the repo. */
  dir: string;
  dockerfile: string;
  /** Which files of the folder belong to the context; TypeScript renderers run on the host, not in the image. */
  include: (rel: string) => boolean;
}

const notSource = (rel: string) => !rel.endsWith('.ts') && !rel.endsWith('.md');

export const IMAGES: Record<ImageName, ImageSpec> = {
  haproxy: { dir: 'haproxy', dockerfile: 'Dockerfile', include: notSource },
  sshd: { dir: 'sshd', dockerfile: 'Dockerfile', include: notSource },
  // The renewer's context is generated (Dockerfile + the esbuild bundle): see renewerContext().
  renewer: { dir: 'certs', dockerfile: 'Dockerfile', include: () => false },
  pebble: { dir: 'certs', dockerfile: 'pebble.Dockerfile', include: (rel) => rel === 'pebble-entrypoint.sh' },
};

function listFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const full = join(d, name);
      if (statSync(full).isDirectory()) walk(full);
      else out.push(relative(dir, full));
    }
  };
  walk(dir);
  return out.sort();
}

type Context = { dir: string; files: string[]; tag: string };
let renewerCache: Context | undefined;

/**
 * The renewer's build context: certs/Dockerfile and the bundled program, written to a temp
 * folder named after their hash. Hashing the bundle (not the sources) covers every input that
 * ends up in the image: our TypeScript, the locked acme-client, esbuild's own output.
 */
function renewerContext(): Context {
  if (renewerCache) return renewerCache;
  const dockerfile = readFileSync(join(REPO_ROOT, 'certs', 'Dockerfile'));
  const bundle = bundleRenewer(REPO_ROOT);
  const hash = createHash('sha256').update(dockerfile).update('\0').update(bundle).digest('hex').slice(0, 12);
  const dir = join(tmpdir(), `tunnelgate-renewer-${hash}`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'Dockerfile'), dockerfile);
  writeFileSync(join(dir, 'renewer.cjs'), bundle);
  renewerCache = { dir, files: ['Dockerfile', 'renewer.cjs'], tag: `tunnelgate/renewer:${hash}` };
  return renewerCache;
}

/** The context files and the tag (`tunnelgate/<name>:<12 hex of their content hash>`). */
export function imageContext(name: ImageName): Context {
  if (name === 'renewer') return renewerContext();
  const spec = IMAGES[name];
  const dir = join(REPO_ROOT, spec.dir);
  const files = listFiles(dir).filter((rel) => rel === spec.dockerfile || spec.include(rel));
  const hash = createHash('sha256');
  for (const rel of files) hash.update(rel).update('\0').update(readFileSync(join(dir, rel))).update('\0');
  return { dir, files, tag: `tunnelgate/${name}:${hash.digest('hex').slice(0, 12)}` };
}

/**
 * Builds the image when its tag is missing; returns the tag and whether a build ran.
 * Progress lines go to `onProgress`.
 */
export async function ensureImage(name: ImageName, onProgress?: (line: string) => void): Promise<{ tag: string; built: boolean }> {
  const ctx = imageContext(name);
  if (await imageExists(ctx.tag)) return { tag: ctx.tag, built: false };
  await buildImage({
    tag: ctx.tag,
    context: ctx.dir,
    files: ctx.files,
    dockerfile: IMAGES[name].dockerfile,
    labels: { 'org.tunnelgate.image': name },
    onProgress,
  });
  return { tag: ctx.tag, built: true };
}
