/**
 * The nightly `npm run renew` in the current user's crontab: reads it with `crontab -l`, changes
 * only our line (cron-entry.ts does the text), writes it back with `crontab -`.
 */
import { $ } from 'zx';
import { ExitError } from '../cli/errors.js';
import { type CronJob, cronTimeOf, crontabFromListing, findCronEntry, pickCronTime, renderCronLine, withCronEntry, withoutCronEntry } from './cron-entry.js';

const run = $({ quiet: true, nothrow: true });

/** 127: the shell found no `crontab` (zx runs commands through bash). */
const MISSING = 127;

/** The job to install, minus its time (kept from an installed line, else chosen at random). */
export type CronRequest = Omit<CronJob, 'time'>;

export interface CronState {
  /** `crontab` is not installed: nothing can be read or written. */
  missing: boolean;
  /** Our line as installed now, if any. */
  installed?: string;
  /** The line `install` writes (the installed time kept). */
  line: string;
  crontab: string;
}

/** What the crontab holds for `req.project` now, and the line install would write. */
export async function readCronState(req: CronRequest): Promise<CronState> {
  const listing = await run`crontab -l`;
  if (listing.exitCode === MISSING) return { missing: true, line: renderCronLine({ ...req, time: pickCronTime(Math.random) }), crontab: '' };
  const crontab = crontabFromListing(listing);
  const installed = findCronEntry(crontab, req.project);
  const time = (installed && cronTimeOf(installed)) || pickCronTime(Math.random);
  return { missing: false, ...(installed ? { installed } : {}), line: renderCronLine({ ...req, time }), crontab };
}

/** Replaces the whole crontab; an empty one is removed (`crontab -` would wait on an empty stdin). */
async function writeCrontab(text: string): Promise<void> {
  const res = text.trim() === '' ? await run`crontab -r` : await $({ quiet: true, nothrow: true, input: text })`crontab -`;
  if (res.exitCode !== 0 && !/no crontab/i.test(res.stderr)) throw new ExitError(`crontab failed: ${(res.stderr || res.stdout).trim()}`);
}

/** Installs (or replaces) our line; other lines stay as they are. */
export async function installCronEntry(state: CronState, project: string): Promise<void> {
  await writeCrontab(withCronEntry(state.crontab, project, state.line));
}

/** Removes our line; other lines stay as they are. */
export async function removeCronEntry(state: CronState, project: string): Promise<void> {
  await writeCrontab(withoutCronEntry(state.crontab, project).crontab);
}
