/**
 * The images tunnelgate builds from the repo, tagged by a hash of their build context so an
 * unchanged context is never rebuilt and a changed one always is.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildImage, imageExists } from './engine.js';

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
  renewer: { dir: 'certs', dockerfile: 'Dockerfile', include: (rel) => rel !== 'pebble.Dockerfile' && !rel.endsWith('.md') },
  pebble: { dir: 'certs', dockerfile: 'pebble.Dockerfile', include: (rel) => rel === 'pebble.Dockerfile' },
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

/** The context files and the tag (`tunnelgate/<name>:<12 hex of their content hash>`). */
export function imageContext(name: ImageName): { dir: string; files: string[]; tag: string } {
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
  const spec = IMAGES[name];
  await buildImage({
    tag: ctx.tag,
    context: ctx.dir,
    files: ctx.files,
    dockerfile: spec.dockerfile,
    labels: { 'org.tunnelgate.image': name },
    onProgress,
  });
  return { tag: ctx.tag, built: true };
}
