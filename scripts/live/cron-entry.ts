/**
 * The nightly renewal as a crontab entry, as text: choosing its time, rendering the line, and
 * putting it into (or taking it out of) a crontab without touching the other lines. Pure; the
 * `crontab` binary is run by scripts/cron.ts.
 *
 * One entry per project, one line, identified by a trailing marker comment. cron hands the whole
 * command to /bin/sh, where ` # …` is a comment, so the marker costs nothing at run time and the
 * entry can never be split from it (a marker on its own line could be left behind by a hand edit,
 * and then the next line, someone else's, would be taken for ours).
 */

/** The comment that ends our line; project names are [a-z0-9_-], so one project never matches another. */
export function cronMarker(project: string): string {
  return `# tunnelgate renew ${project}`;
}

export interface CronTime {
  minute: number;
  hour: number;
}

/** Hours of the quiet window (01:00–05:59 local time), when a nightly pass disturbs nobody. */
const QUIET_HOURS = [1, 2, 3, 4, 5] as const;

/**
 * A random minute and hour in the quiet window, chosen once at install: spreads everyone's
 * renewals over the night instead of hitting the CA at midnight (Let's Encrypt asks for this).
 * `random` returns [0, 1) like Math.random.
 */
export function pickCronTime(random: () => number): CronTime {
  const minute = Math.min(59, Math.floor(random() * 60));
  const hour = QUIET_HOURS[Math.min(QUIET_HOURS.length - 1, Math.floor(random() * QUIET_HOURS.length))]!;
  return { minute, hour };
}

export interface CronJob {
  project: string;
  /** The repository: `npm run renew` runs there. */
  repoDir: string;
  /** Absolute edge.yaml, passed as --config; none: the repo's ./edge.yaml (or the demo). */
  config?: string;
  /** Passed as --project only when the user gave it, so the file's project stays in charge. */
  projectFlag?: string;
  /** PATH for the job: cron's default (/usr/bin:/bin) rarely holds the node that runs tunnelgate. */
  path: string;
  /**
   * Variables cron's minimal environment lacks but the run needs, in this order: the engine
   * (DOCKER_HOST, DOCKER_TLS_VERIFY, DOCKER_CERT_PATH) and where the state folder is.
   */
  env?: Record<string, string>;
  /** Where stdout and stderr are appended. */
  logFile: string;
  time: CronTime;
}

/** A word for /bin/sh: bare when safe, else single-quoted. */
function sh(word: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`;
}

/**
 * The parts of a job that hold a line break, by the name a user knows them by. crontab(5) ends an
 * entry at every newline, quoted or not: the rest of a path would become an entry of its own.
 */
export function lineBreaksIn(job: Omit<CronJob, 'time'>): string[] {
  const parts: Record<string, string | undefined> = {
    '--config': job.config,
    '--project': job.projectFlag,
    'the checkout path': job.repoDir,
    'the log file': job.logFile,
    PATH: job.path,
    ...Object.fromEntries(Object.entries(job.env ?? {}).map(([k, v]) => [`$${k}`, v])),
  };
  return Object.entries(parts)
    .filter(([, value]) => value !== undefined && /[\r\n]/.test(value))
    .map(([name]) => name);
}

/**
 * The crontab line: `M H * * * cd <repo> && PATH=… npm run renew -- --log-file <log> … >> <log> 2>&1 # marker`.
 * `--log-file` makes renew start with a timestamped header and keep the log bounded; npm's
 * update notice is turned off so it never lands in the log. Refuses line breaks.
 */
export function renderCronLine(job: CronJob): string {
  const broken = lineBreaksIn(job);
  if (broken.length) throw new Error(`${broken.join(', ')} contains a line break: it cannot be part of a crontab line`);
  const args = ['--log-file', job.logFile, ...(job.config ? ['--config', job.config] : []), ...(job.projectFlag ? ['--project', job.projectFlag] : [])];
  const renew = ['npm', 'run', '--silent', 'renew', '--', ...args].map(sh).join(' ');
  const env = [`PATH=${sh(job.path)}`, 'npm_config_update_notifier=false', ...Object.entries(job.env ?? {}).map(([k, v]) => `${k}=${sh(v)}`)].join(' ');
  const command = `cd ${sh(job.repoDir)} && ${env} ${renew} >> ${sh(job.logFile)} 2>&1`;
  // cron turns an unescaped % into a newline (stdin for the command); paths may contain one.
  return `${job.time.minute} ${job.time.hour} * * * ${command.replaceAll('%', '\\%')} ${cronMarker(job.project)}`;
}

const isOurs = (line: string, project: string) => line.trimEnd().endsWith(` ${cronMarker(project)}`);

const lines = (crontab: string) => crontab.split('\n').filter((l, i, all) => !(i === all.length - 1 && l === ''));

/** Our line for `project`, if the crontab has one. */
export function findCronEntry(crontab: string, project: string): string | undefined {
  return lines(crontab).find((l) => isOurs(l, project));
}

/** The minute and hour of an installed line, so a re-install keeps the time chosen first. */
export function cronTimeOf(line: string): CronTime | undefined {
  const m = /^(\d{1,2}) (\d{1,2}) /.exec(line);
  return m ? { minute: Number(m[1]), hour: Number(m[2]) } : undefined;
}

/** The crontab with `line` as the project's only entry: replaced in place if present, else appended. */
export function withCronEntry(crontab: string, project: string, line: string): string {
  const out: string[] = [];
  let placed = false;
  for (const l of lines(crontab)) {
    if (!isOurs(l, project)) out.push(l);
    else if (!placed) {
      out.push(line);
      placed = true;
    }
  }
  if (!placed) out.push(line);
  // crontab(1) rejects a last line without a newline.
  return `${out.join('\n')}\n`;
}

/** The crontab without the project's entry, and whether there was one. Other lines stay as they are. */
export function withoutCronEntry(crontab: string, project: string): { crontab: string; removed: boolean } {
  const all = lines(crontab);
  const kept = all.filter((l) => !isOurs(l, project));
  return { crontab: kept.length ? `${kept.join('\n')}\n` : '', removed: kept.length !== all.length };
}

/**
 * The current crontab from `crontab -l`'s result. It exits 1 with "no crontab for <user>" when
 * there is none: that is an empty crontab, not an error. Anything else is thrown.
 */
export function crontabFromListing(res: { exitCode: number | null; stdout: string; stderr: string }): string {
  if (res.exitCode === 0) return res.stdout;
  if (/no crontab for/i.test(res.stderr)) return '';
  throw new Error(`crontab -l failed: ${(res.stderr || res.stdout).trim() || `exit ${res.exitCode}`}`);
}
