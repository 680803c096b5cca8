/**
 * A cold `npm run up`, as a whole process: the first `up` on a machine without tunnelgate's
 * images, so it builds all four (haproxy, sshd, pebble, renewer) and asks the embedded CA for
 * the first certificate. Every tunnelgate/* image is removed first, every tag, so no layer of an
 * earlier build can serve as cache; that is only done when no container uses one of them
 * (another stack running here): then it says so and measures nothing. The images it builds
 * stay, so the machine is warm again afterwards.
 */
import { $ } from 'zx';
import { REPO_ROOT } from '../../scripts/config/repo.js';
import { teardown } from '../../scripts/deploy/teardown.js';
import { defineStack } from './stack.js';

export interface ColdRecord {
  /** Wall time of `npm run up` from no images to serving, in ms; absent when not measured. */
  ms?: number;
  /** How many images were removed first. */
  removed: number;
  /** Build lines `up` printed (`built tunnelgate/haproxy:… in 31.2s`). */
  builds: string[];
  /** Why nothing was measured, or the last line `up` printed. */
  said: string;
}

const docker = $({ quiet: true, nothrow: true });

async function ourImages(): Promise<string[]> {
  const out = (await docker`docker images --format {{.Repository}}:{{.Tag}} tunnelgate/*`).stdout;
  return out.split('\n').filter((l) => l.startsWith('tunnelgate/') && !l.startsWith('tunnelgate/bench:'));
}

export async function coldUp(): Promise<ColdRecord> {
  const images = await ourImages();
  const users = (await docker`docker ps -a --format {{.Names}}\t{{.Image}}`).stdout
    .split('\n')
    .filter((l) => images.includes(l.split('\t')[1] ?? ''))
    .map((l) => l.split('\t')[0]);
  if (users.length) return { removed: 0, builds: [], said: `not measured: containers use tunnelgate's images (${users.join(', ')}); take those stacks down first` };
  if (images.length) await docker`docker rmi ${images}`;
  // Intermediate layers of earlier builds are the classic builder's cache: gone too.
  await docker`docker image prune -f`;
  const stack = await defineStack();
  try {
    const t = performance.now();
    const res = await $({ cwd: REPO_ROOT, quiet: true, nothrow: true })`npm run --silent up -- --config ${stack.file}`;
    const ms = performance.now() - t;
    const lines = res.stdout.split('\n');
    const builds = lines.filter((l) => /^\s+built /.test(l)).map((l) => l.trim());
    if (res.exitCode !== 0) return { removed: images.length, builds, said: `up exited ${res.exitCode}: ${res.stderr.trim().slice(-300)}` };
    return { ms, removed: images.length, builds, said: lines.find((l) => l.startsWith('done in')) ?? lines.filter((l) => l.trim()).pop() ?? '' };
  } finally {
    await teardown(stack.project, { volumes: true, log: () => {} });
  }
}
