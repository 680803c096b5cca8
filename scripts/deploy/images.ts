/**
 * The images tunnelgate builds from the repo, tagged by a hash of their build context, so an
 * unchanged context is never rebuilt and a changed one always is. Contexts are computed here
 * (they read the repo); building is the engine's.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { LABEL } from '../../stacks/labels.js';
import { REPO_ROOT } from '../config/repo.js';
import * as engine from '../engine/index.js';
import { bundleRenewer } from './renewer-bundle.js';

export const IMAGE_NAMES = ['base', 'haproxy', 'sshd', 'pebble', 'renewer'] as const;
export type ImageName = (typeof IMAGE_NAMES)[number];

/**
 * Images built on tunnelgate/base (stacks/base.Dockerfile: Debian with ca-certificates, whose
 * maintainer scripts take ~9 s) rather than on Debian: the base is built once, in parallel with
 * sshd's image, and these three after it. Their Dockerfiles take it as the build argument BASE.
 */
const BUILT_ON_BASE: ReadonlySet<ImageName> = new Set(['haproxy', 'renewer', 'pebble']);

/** What a build sends and the tag it gets (`tunnelgate/<name>:<12 hex of the content hash>`). */
export interface ImageContext {
  name: ImageName;
  /** Folder of the build context. */
  dir: string;
  /** The files of the folder that form the context. */
  files: string[];
  dockerfile: string;
  tag: string;
  /** The image it is built on (the build argument BASE), which must exist before it is built. */
  base?: { name: ImageName; tag: string };
}

interface ImageSource {
  /** Folder of the build context, relative to the repo. */
  dir: string;
  dockerfile: string;
  /** Which files of the folder belong to the context; TypeScript renderers run on the host, not in the image. */
  include: (rel: string) => boolean;
}

const notSource = (rel: string) => !rel.endsWith('.ts') && !rel.endsWith('.md');

const SOURCES: Record<Exclude<ImageName, 'renewer'>, ImageSource> = {
  base: { dir: 'stacks', dockerfile: 'base.Dockerfile', include: () => false },
  haproxy: { dir: 'haproxy', dockerfile: 'Dockerfile', include: notSource },
  sshd: { dir: 'sshd', dockerfile: 'Dockerfile', include: notSource },
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

const shortHash = (h: ReturnType<typeof createHash>) => h.digest('hex').slice(0, 12);
const cache = new Map<ImageName, ImageContext>();

/** Where the last renewer context is recorded, with the sources it was built from and their mtimes. */
const RENEWER_RECORD = join(tmpdir(), `tunnelgate-renewer-${process.getuid?.() ?? 'user'}-latest.json`);

interface RenewerRecord {
  context: ImageContext;
  /** Repo-relative input → mtime (ms) when bundled. */
  inputs: Record<string, number>;
}

const mtimeOf = (rel: string) => (existsSync(join(REPO_ROOT, rel)) ? statSync(join(REPO_ROOT, rel)).mtimeMs : -1);

/** The last context, if none of its sources changed since (a few hundred stat calls, no bundling). */
function unchangedRenewer(): ImageContext | undefined {
  if (!existsSync(RENEWER_RECORD)) return undefined;
  try {
    const record = JSON.parse(readFileSync(RENEWER_RECORD, 'utf8')) as RenewerRecord;
    const fresh = Object.entries(record.inputs).every(([rel, mtime]) => mtimeOf(rel) === mtime);
    return fresh && existsSync(join(record.context.dir, 'renewer.cjs')) ? record.context : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The renewer's build context: certs/Dockerfile and the bundled program, written to a temp
 * folder named after their hash. Hashing the bundle (not the sources) covers every input that
 * ends up in the image: our TypeScript, the locked acme-client, esbuild's own output. Bundling
 * costs about a third of a second, so the result is reused while no input has changed.
 */
async function renewerContext(): Promise<ImageContext> {
  const known = unchangedRenewer();
  if (known) return known;
  const dockerfile = readFileSync(join(REPO_ROOT, 'certs', 'Dockerfile'));
  const entrypoint = readFileSync(join(REPO_ROOT, 'certs', 'renewer-entrypoint.sh'));
  const bundle = await bundleRenewer(REPO_ROOT);
  const base = baseOf('renewer');
  const hash = shortHash(
    createHash('sha256')
      .update(dockerfile)
      .update('\0')
      .update(entrypoint)
      .update('\0')
      .update(bundle.code)
      .update('\0')
      .update(base?.tag ?? ''),
  );
  // Per user: another user's folder of the same name (root's, say, from an earlier `up`) is not writable.
  const dir = join(tmpdir(), `tunnelgate-renewer-${process.getuid?.() ?? 'user'}-${hash}`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'Dockerfile'), dockerfile);
  writeFileSync(join(dir, 'renewer-entrypoint.sh'), entrypoint);
  writeFileSync(join(dir, 'renewer.cjs'), bundle.code);
  const context: ImageContext = {
    name: 'renewer',
    dir,
    files: ['Dockerfile', 'renewer-entrypoint.sh', 'renewer.cjs'],
    dockerfile: 'Dockerfile',
    tag: `tunnelgate/renewer:${hash}`,
    ...(base ? { base } : {}),
  };
  const inputs = Object.fromEntries(['certs/Dockerfile', 'certs/renewer-entrypoint.sh', 'stacks/base.Dockerfile', 'package-lock.json', ...bundle.inputs].map((rel) => [rel, mtimeOf(rel)]));
  writeFileSync(RENEWER_RECORD, JSON.stringify({ context, inputs } satisfies RenewerRecord));
  return context;
}

/**
 * 12 hex digits of a hash over the names and contents of `files` (relative to `dir`), and the
 * tag of the image they are built on: an image tag's suffix (a new base is a new image).
 */
export function contentHash(dir: string, files: string[], baseTag = ''): string {
  const hash = createHash('sha256');
  for (const rel of files)
    hash
      .update(rel)
      .update('\0')
      .update(readFileSync(join(dir, rel)))
      .update('\0');
  return shortHash(hash.update(baseTag));
}

function sourceContext(name: Exclude<ImageName, 'renewer'>): ImageContext {
  const src = SOURCES[name];
  const dir = join(REPO_ROOT, src.dir);
  const files = listFiles(dir).filter((rel) => rel === src.dockerfile || src.include(rel));
  const base = baseOf(name);
  return { name, dir, files, dockerfile: src.dockerfile, tag: `tunnelgate/${name}:${contentHash(dir, files, base?.tag)}`, ...(base ? { base } : {}) };
}

function baseOf(name: ImageName): ImageContext['base'] {
  return BUILT_ON_BASE.has(name) ? { name: 'base', tag: sourceContext('base').tag } : undefined;
}

/** The context and tag of one image (computed once per process). */
export async function imageContext(name: ImageName): Promise<ImageContext> {
  let ctx = cache.get(name);
  if (!ctx) {
    ctx = name === 'renewer' ? await renewerContext() : sourceContext(name);
    cache.set(name, ctx);
  }
  return ctx;
}

/** Builds one image from its context (its base must exist); progress lines go to `onProgress`. */
export async function buildImageFrom(ctx: ImageContext, onProgress?: (line: string) => void): Promise<void> {
  await engine.buildImage({
    tag: ctx.tag,
    context: ctx.dir,
    files: ctx.files,
    dockerfile: ctx.dockerfile,
    labels: { [LABEL.image]: ctx.name },
    ...(ctx.base ? { buildArgs: { BASE: ctx.base.tag } } : {}),
    ...(onProgress ? { onProgress } : {}),
  });
}

/** Builds in flight in this process, by tag: images wanted at once (the tests' setup) share their base's build. */
const ensuring = new Map<string, Promise<boolean>>();

/** Builds the image (and its base first) when its tag is missing: for commands outside `up`'s plan (renew, the tests). */
export async function ensureImage(name: ImageName, onProgress?: (line: string) => void): Promise<{ tag: string; built: boolean }> {
  const ctx = await imageContext(name);
  let pending = ensuring.get(ctx.tag);
  if (!pending) {
    pending = (async () => {
      if (await engine.imageExists(ctx.tag)) return false;
      if (ctx.base) await ensureImage(ctx.base.name, onProgress);
      await buildImageFrom(ctx, onProgress);
      return true;
    })();
    ensuring.set(ctx.tag, pending);
    pending.catch(() => ensuring.delete(ctx.tag));
  }
  return { tag: ctx.tag, built: await pending };
}
