/**
 * argv builders for swapping HAProxy's config files inside its container (`docker exec`): new
 * files beside the live ones, swapped in, checked by `haproxy -c` (put back when it fails)
 * before anything reloads. Pure: they only build arrays; scripts/live/haproxy-control.ts runs
 * them through the engine.
 */
import { HAPROXY } from '../stacks/layout.js';
import { ALLOW_DIR, CA_DIR } from './names.js';

/**
 * Moves each `<path>.new` over `<path>` (keeping `<path>.prev`). Run as root: the config files
 * are root-owned so the haproxy process cannot change them.
 */
const SWAP = `
for f in "$@"; do
  rm -f "$f.prev"
  if [ -e "$f" ]; then cp -p "$f" "$f.prev"; fi
  mv "$f.new" "$f"
done
`;

export function swapFilesArgv(paths: string[]): string[] {
  return ['sh', '-c', SWAP, 'swap', ...paths];
}

/**
 * `haproxy -c` on the swapped-in config. Run as HAProxy's own user, which is how HAProxy reads
 * its files: the private keys (0600, HAProxy's uid) are readable to it, and root in the
 * container has no capability to read other users' files.
 */
export function checkConfigArgv(): string[] {
  return ['haproxy', '-c', '-f', HAPROXY.cfg];
}

/** Puts the `.prev` copies back (after a failed check or a refused reload) and drops files that had none. */
const RESTORE = `
for f in "$@"; do
  if [ -e "$f.prev" ]; then mv "$f.prev" "$f"; else rm -f "$f"; fi
done
`;

export function restoreFilesArgv(paths: string[]): string[] {
  return ['sh', '-c', RESTORE, 'restore', ...paths];
}

/**
 * Removes the `.prev` copies, and any page, allow list or CA file no longer rendered (a running
 * HAProxy read them at startup; a route removed at run time never needs its files again).
 */
export function cleanupArgv(paths: string[]): string[] {
  const keep = new Set(paths);
  return [
    'sh',
    '-c',
    'pages="$1"; allow="$2"; ca="$3"; shift 3; for f in "$pages"/*.html "$pages"/*.prev "$allow"/*.lst "$ca"/*.pem; do [ -e "$f" ] || continue; case " $* " in *" $f "*) ;; *) rm -f "$f";; esac; done; for f in "$@"; do rm -f "$f.prev"; done',
    'cleanup',
    HAPROXY.pagesDir,
    ALLOW_DIR,
    CA_DIR,
    ...[...keep],
  ];
}
