/**
 * argv builders for swapping HAProxy's config files inside its container (`docker exec`): new
 * files beside the live ones, checked by `haproxy -c` before anything reloads. Pure: they only
 * build arrays; scripts/live/haproxy-control.ts runs them through the engine.
 */
import { HAPROXY } from '../stacks/layout.js';
import { ALLOW_DIR, CA_DIR } from './names.js';

/**
 * Moves each `<path>.new` over `<path>` (keeping `<path>.prev`), then checks the result with
 * `haproxy -c`. On a failed check every file is put back as it was and the exit is non-zero with
 * HAProxy's message, so a bad config never reaches a reload.
 */
const SWAP = `
cfg="$1"; shift
for f in "$@"; do
  rm -f "$f.prev"
  if [ -e "$f" ]; then cp -p "$f" "$f.prev"; fi
  mv "$f.new" "$f"
done
if out=$(haproxy -c -f "$cfg" 2>&1); then exit 0; fi
for f in "$@"; do
  if [ -e "$f.prev" ]; then mv "$f.prev" "$f"; else rm -f "$f"; fi
done
printf '%s\\n' "$out" >&2
exit 1
`;

export function swapFilesArgv(paths: string[]): string[] {
  return ['sh', '-c', SWAP, 'swap', HAPROXY.cfg, ...paths];
}

/** Puts the `.prev` copies back (after a reload HAProxy refused) and drops files that had none. */
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
