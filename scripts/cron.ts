/** `npm run cron -- install|remove|show`: the nightly `npm run renew` in the current user's crontab. */
import { dirname, join, resolve } from 'node:path';
import { $ } from 'zx';
import { COMMON_HELP, parseFlags, runScript } from './lib/cli.js';
import { cronMarker, crontabFromListing, cronTimeOf, findCronEntry, pickCronTime, renderCronLine, withCronEntry, withoutCronEntry, type CronJob } from './lib/cron.js';
import { ExitError, UsageError } from './lib/errors.js';
import { REPO_ROOT } from './lib/images.js';
import { loadConfig } from './lib/load-config.js';
import { stateDir } from './lib/state.js';

const HELP = `usage: npm run cron -- install|remove|show [options]

  install   add (or replace) one crontab line for this user that runs \`npm run renew\` every
            night at a random time between 01:00 and 05:59, output appended to
            .state/<project>/renew.log; a re-install keeps the time chosen first
  remove    take that line out; other crontab lines are left alone
  show      print the installed line, or the line install would add

--config and --project are passed on to renew.
${COMMON_HELP}`;

const run = $({ quiet: true, nothrow: true });

/** 127: the shell found no `crontab` (zx runs commands through bash). */
const MISSING = 127;

await runScript(async (argv) => {
  const flags = parseFlags(argv);
  if (flags.help) return void console.log(HELP);
  const action = flags.positionals[0];
  if (!['install', 'remove', 'show'].includes(action ?? '')) throw new UsageError(`expected install, remove or show, got ${action ? `"${action}"` : 'nothing'}`);
  // Loading validates: a cron job for a config that cannot load would fail every night.
  const { model } = loadConfig(flags);
  const project = model.project;

  const listing = await run`crontab -l`;
  const missing = listing.exitCode === MISSING;
  const current = missing ? '' : crontabFromListing(listing);
  const installed = findCronEntry(current, project);
  const job: CronJob = {
    project,
    repoDir: REPO_ROOT.replace(/\/$/, ''),
    ...(flags.config ? { config: resolve(flags.config) } : {}),
    ...(flags.project ? { projectFlag: flags.project } : {}),
    // The node running now (and the npm beside it) first: cron's own PATH rarely has them.
    path: [dirname(process.execPath), '/usr/local/bin', '/usr/bin', '/bin'].filter((d, i, all) => all.indexOf(d) === i).join(':'),
    // stateDir creates .state/<project>/ (0700): cron's `>>` cannot create a missing directory.
    logFile: join(stateDir(project), 'renew.log'),
    time: (installed && cronTimeOf(installed)) || pickCronTime(Math.random),
  };
  const line = renderCronLine(job);

  if (missing) {
    const manual = action === 'remove' ? 'remove the line ending in this comment by hand (crontab -e)' : 'add this line by hand (crontab -e)';
    console.error(`no crontab command on this machine (hint: apt-get install cron); ${manual}:\n${action === 'remove' ? cronMarker(project) : line}`);
    return action === 'show' ? 0 : 1;
  }

  if (action === 'show') {
    console.log(installed ? `installed:\n${installed}` : `not installed for project ${project}; install would add:\n${line}`);
    return 0;
  }
  if (action === 'remove' && !installed) return void console.log(`no tunnelgate renew entry for project ${project}; crontab unchanged`);
  if (action === 'install' && installed === line) return void console.log(`already installed, unchanged:\n${line}`);
  const next = action === 'install' ? withCronEntry(current, project, line) : withoutCronEntry(current, project).crontab;
  const write = await $({ quiet: true, nothrow: true, input: next })`crontab -`;
  if (write.exitCode !== 0) throw new ExitError(`crontab - failed: ${(write.stderr || write.stdout).trim()}`);
  if (action === 'remove') return void console.log(`removed the nightly renewal of project ${project}:\n${installed}`);
  console.log(`${installed ? 'replaced' : 'installed'} the nightly renewal (${String(job.time.hour).padStart(2, '0')}:${String(job.time.minute).padStart(2, '0')} local time), log in ${job.logFile}:\n${line}`);
});
