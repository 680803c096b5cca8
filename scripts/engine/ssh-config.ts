/**
 * The part of OpenSSH's client configuration (`~/.ssh/config`) that decides where an
 * `ssh://` engine really is and how to log in: `Host` blocks with HostName, User, Port,
 * IdentityFile and UserKnownHostsFile, first value wins as in ssh_config(5). Enough for
 * `DOCKER_HOST=ssh://vps` with a `Host vps` alias to mean what the docker CLI (which runs `ssh`)
 * makes of it, `Include`d files too. Pure: the file's text and a reader for includes are passed in.
 */

export interface SshHostConfig {
  hostName?: string;
  user?: string;
  port?: number;
  /** In order of appearance; `~` is left for the caller to expand. */
  identityFiles: string[];
  userKnownHostsFiles: string[];
}

/** `*` and `?` glob as ssh_config(5) matches host patterns (case-insensitive). */
function globMatch(pattern: string, name: string): boolean {
  const re = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replaceAll('*', '.*')
    .replaceAll('?', '.');
  return new RegExp(`^${re}$`, 'i').test(name);
}

/** A `Host` line's patterns against an alias: any positive match and no negated one. */
export function hostPatternsMatch(patterns: string[], name: string): boolean {
  let matched = false;
  for (const p of patterns) {
    if (p.startsWith('!')) {
      if (globMatch(p.slice(1), name)) return false;
    } else if (globMatch(p, name)) matched = true;
  }
  return matched;
}

/** Splits a config line into keyword and arguments (`Key value`, `Key=value`, double quotes). */
function words(line: string): string[] {
  const out: string[] = [];
  const re = /"([^"]*)"|([^\s"=]+)/g;
  const text = line.replace(/^\s*(\S+?)\s*=\s*/, '$1 ');
  for (let m = re.exec(text); m; m = re.exec(text)) out.push(m[1] ?? m[2] ?? '');
  return out;
}

/** The texts of the files an `Include` argument names (glob expanded, sorted), as `ssh` reads them. */
export type IncludeReader = (pattern: string) => string[];

/** OpenSSH's READCONF_MAX_DEPTH: an Include loop ends here instead of forever. */
const MAX_INCLUDE_DEPTH = 16;

/**
 * The settings for `alias` from a config text. `Include` is followed through `include` where it
 * applies (at top level, or inside an active Host block, as ssh_config(5) says), and a `Host`
 * line inside an included file scopes only that file. `Match` blocks are skipped (they depend on
 * state this code does not have).
 */
export function resolveSshHost(configText: string, alias: string, include: IncludeReader = () => []): SshHostConfig {
  const out: SshHostConfig = { identityFiles: [], userKnownHostsFiles: [] };
  const read = (text: string, startActive: boolean, depth: number): void => {
    let active = startActive;
    for (const raw of text.split('\n')) {
      const line = raw.trim();
      if (line === '' || line.startsWith('#')) continue;
      const [keyword = '', ...args] = words(line);
      const key = keyword.toLowerCase();
      if (key === 'host') {
        active = hostPatternsMatch(args, alias);
        continue;
      }
      if (key === 'match') {
        active = false;
        continue;
      }
      if (!active || args.length === 0) continue;
      if (key === 'include') {
        if (depth >= MAX_INCLUDE_DEPTH) throw new Error(`~/.ssh/config: Include nested more than ${MAX_INCLUDE_DEPTH} deep`);
        for (const pattern of args) for (const included of include(pattern)) read(included, true, depth + 1);
        continue;
      }
      const value = args[0]!;
      if (key === 'hostname') out.hostName ??= value.replaceAll('%h', alias);
      else if (key === 'user') out.user ??= value;
      else if (key === 'port') out.port ??= Number(value);
      else if (key === 'identityfile') out.identityFiles.push(value);
      else if (key === 'userknownhostsfile' && out.userKnownHostsFiles.length === 0) out.userKnownHostsFiles.push(...args);
    }
  };
  read(configText, true, 0);
  return out;
}

/** `*` and `?` in the last part of a path against a folder's entries (what `Include config.d/*` needs). */
export function matchingNames(pattern: string, entries: string[]): string[] {
  return entries.filter((name) => !name.startsWith('.') && globMatch(pattern, name)).sort();
}
