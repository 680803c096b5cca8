/**
 * argv builders for swapping HAProxy's config files inside its container (`docker exec`): new
 * files beside the live ones, swapped in, checked by `haproxy -c` (put back when it fails)
 * before anything reloads. Pure: they only build arrays; scripts/live/haproxy-control.ts runs
 * them through the engine.
 */
import { HAPROXY } from '../stacks/layout.js';
import { ALLOW_DIR, CA_DIR } from './names.js';

/**
 * One process for the whole swap, however many files: with a page per tunnel route, a shell
 * loop forking rm, cp and mv per file took 0.7–1.1 s for 1,000 routes, Perl takes milliseconds
 * (perl-base is essential in every Debian image). `<path>.prev` is a hard link to the old file,
 * so the rename of `<path>.new` over `<path>` is atomic and the old content stays for a restore.
 */
const perl = (script: string, args: string[]) => ['perl', '-e', script.trim(), '--', ...args];

/** Moves each `<path>.new` over `<path>` (keeping `<path>.prev`). Run as root: the config files are root-owned. */
const SWAP = `
for my $f (@ARGV) {
  unlink "$f.prev";
  if (-e $f) { link($f, "$f.prev") or die "swap: keeping $f: $!\n"; }
  rename("$f.new", $f) or die "swap: $f.new: $!\n";
}
`;

export function swapFilesArgv(paths: string[]): string[] {
  return perl(SWAP, paths);
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
for my $f (@ARGV) {
  if (-e "$f.prev") { rename("$f.prev", $f) or die "restore: $f: $!\n"; } else { unlink $f; }
}
`;

export function restoreFilesArgv(paths: string[]): string[] {
  return perl(RESTORE, paths);
}

/**
 * Removes the `.prev` copies, and any page, allow list or CA file no longer rendered (a running
 * HAProxy read them at startup; a route removed at run time never needs its files again).
 */
const CLEANUP = `
my ($pages, $allow, $ca) = splice(@ARGV, 0, 3);
my %keep = map { $_ => 1 } @ARGV;
for my $f (glob("$pages/*.html"), glob("$pages/*.prev"), glob("$allow/*.lst"), glob("$ca/*.pem")) {
  unlink $f unless $keep{$f};
}
unlink "$_.prev" for @ARGV;
`;

export function cleanupArgv(paths: string[]): string[] {
  return perl(CLEANUP, [HAPROXY.pagesDir, ALLOW_DIR, CA_DIR, ...new Set(paths)]);
}
