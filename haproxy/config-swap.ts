/**
 * argv builders for swapping HAProxy's config files inside its container (`docker exec`): new
 * files written beside the live ones and swapped in, in one process, checked by `haproxy -c`
 * (put back when it fails) before anything reloads. Pure: they only build arrays; scripts/live/haproxy-control.ts runs
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

/**
 * Files for SWAP and CLEANUP to write, as their stdin: per file a line `<bytes> <path>`, then
 * its content. Through the exec that swaps or cleans up, not the archive API: an archive write
 * costs the engine about 0.1 s on its own, as much as the whole exec.
 */
export function filesPayload(files: Record<string, string>): string {
  return Object.entries(files)
    .map(([path, content]) => `${Buffer.byteLength(content)} ${path}\n${content}`)
    .join('');
}

/** Perl reading filesPayload from stdin, and writing a file (its folder made when missing). */
const FILES_IN = `
use File::Path qw(make_path);
binmode STDIN;
sub files_in {
  my @files;
  while (defined(my $head = <STDIN>)) {
    chomp $head;
    my ($len, $path) = split / /, $head, 2;
    die "files: bad header '$head'\n" unless defined $path && $len =~ /^\\d+$/;
    my $got = read(STDIN, my $data, $len);
    die "files: $path: short read\n" unless defined $got && $got == $len;
    push @files, [$path, $data];
  }
  return @files;
}
sub write_file {
  my ($path, $data) = @_;
  (my $dir = $path) =~ s{/[^/]*$}{};
  make_path($dir) if $dir ne '' && !-d $dir;
  open(my $f, '>', $path) or die "write $path: $!\n";
  binmode $f;
  print $f $data;
  close($f) or die "write $path: $!\n";
}
`;

/**
 * Writes each file of its stdin (filesPayload) as `<path>.new`, then moves each over `<path>`
 * (keeping `<path>.prev`). Run as root: the config files are root-owned.
 */
const SWAP = `
${FILES_IN}
my @files = files_in();
write_file("$_->[0].new", $_->[1]) for @files;
for my $f (map { $_->[0] } @files) {
  unlink "$f.prev";
  if (-e $f) { link($f, "$f.prev") or die "swap: keeping $f: $!\n"; }
  rename("$f.new", $f) or die "swap: $f.new: $!\n";
}
`;

/** argv swapping in the files given on stdin (filesPayload). */
export function swapFilesArgv(): string[] {
  return perl(SWAP, []);
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
 * HAProxy read them at startup; a route removed at run time never needs its files again); then
 * writes the files on its stdin (filesPayload; the record of what was applied), each whole or not
 * at all.
 */
const CLEANUP = `
${FILES_IN}
my ($pages, $allow, $ca) = splice(@ARGV, 0, 3);
my %keep = map { $_ => 1 } @ARGV;
for my $f (glob("$pages/*.html"), glob("$pages/*.prev"), glob("$allow/*.lst"), glob("$ca/*.pem")) {
  unlink $f unless $keep{$f};
}
unlink "$_.prev" for @ARGV;
for my $file (files_in()) {
  write_file("$file->[0].new", $file->[1]);
  rename("$file->[0].new", $file->[0]) or die "write $file->[0]: $!\n";
}
`;

export function cleanupArgv(paths: string[]): string[] {
  return perl(CLEANUP, [HAPROXY.pagesDir, ALLOW_DIR, CA_DIR, ...new Set(paths)]);
}
