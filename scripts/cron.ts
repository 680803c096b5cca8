/** `npm run cron -- install|remove|show`: the nightly `npm run renew` in the current user's crontab. */
import { dirname, join, resolve } from 'node:path';
import { UsageError } from './cli/errors.js';
import { COMMON_HELP, parseFlags } from './cli/flags.js';
import { runScript } from './cli/run-script.js';
import { loadConfig } from './config/load-config.js';
import { REPO_ROOT } from './config/repo.js';
import { stateDir } from './config/state-dir.js';
import { cronMarker, lineBreaksIn } from './live/cron-entry.js';
import { type CronRequest, installCronEntry, readCronState, removeCronEntry } from './live/crontab.js';

const HELP = `usage: npm run cron -- install|remove|show [options]

  install   add (or replace) one crontab line for this user that runs \`npm run renew\` every
            night at a random time between 01:00 and 05:59, output appended to
            .state/<project>/renew.log (a timestamped header per run, kept under 2 MiB);
            a re-install keeps the time chosen first. DOCKER_HOST (with DOCKER_TLS_VERIFY
            and DOCKER_CERT_PATH), DOCKER_CONTEXT and DOCKER_CONFIG are written into the
            line, so the nightly run reaches the same engine; for ssh:// it has no ssh-agent,
            so use an IdentityFile without a passphrase in ~/.ssh/config
  remove    take that line out; other crontab lines are left alone
  show      print the installed line, or the line install would add

--config and --project are passed on to renew.
${COMMON_HELP}`;

/** What the nightly run needs from this shell's environment: the engine it talks to and the state folder. */
function cronEnv(env: NodeJS.ProcessEnv): Record<string, string> {
  const names = ['DOCKER_HOST', 'DOCKER_TLS_VERIFY', 'DOCKER_CERT_PATH', 'DOCKER_CONTEXT', 'DOCKER_CONFIG', 'TUNNELGATE_STATE'] as const;
  return Object.fromEntries(names.flatMap((n) => (env[n] ? [[n, n === 'DOCKER_CERT_PATH' || n === 'DOCKER_CONFIG' || n === 'TUNNELGATE_STATE' ? resolve(env[n]) : env[n]]] : [])));
}

await runScript(async (argv) => {
  const flags = parseFlags(argv);
  if (flags.help) {
    console.log(HELP);
    return 0;
  }
  const action = flags.positionals[0];
  if (action !== 'install' && action !== 'remove' && action !== 'show') throw new UsageError(`expected install, remove or show, got ${action ? `"${action}"` : 'nothing'}`);
  // Loading validates: a cron job for a config that cannot load would fail every night.
  const { model } = loadConfig(flags);
  const project = model.project;
  const req: CronRequest = {
    project,
    repoDir: REPO_ROOT.replace(/\/$/, ''),
    ...(flags.config ? { config: resolve(flags.config) } : {}),
    ...(flags.project ? { projectFlag: flags.project } : {}),
    // The node running now (and the npm beside it) first: cron's own PATH rarely has them.
    path: [dirname(process.execPath), '/usr/local/bin', '/usr/bin', '/bin'].filter((d, i, all) => all.indexOf(d) === i).join(':'),
    // stateDir creates .state/<project>/ (0700): cron's `>>` cannot create a missing directory.
    logFile: join(stateDir(project), 'renew.log'),
    env: cronEnv(process.env),
  };
  const broken = lineBreaksIn(req);
  if (broken.length) throw new UsageError(`${broken.join(', ')} contains a line break, which would split the crontab line into two entries; rename or move it`);
  const state = await readCronState(req);
  if (state.missing) {
    const manual = action === 'remove' ? 'remove the line ending in this comment by hand (crontab -e)' : 'add this line by hand (crontab -e)';
    console.error(`no crontab command on this machine (hint: apt-get install cron); ${manual}:\n${action === 'remove' ? cronMarker(project) : state.line}`);
    return action === 'show' ? 0 : 1;
  }
  if (action === 'show') {
    console.log(state.installed ? `installed:\n${state.installed}` : `not installed for project ${project}; install would add:\n${state.line}`);
    return 0;
  }
  if (action === 'remove') {
    if (!state.installed) {
      console.log(`no tunnelgate renew entry for project ${project}; crontab unchanged`);
      return 0;
    }
    await removeCronEntry(state, project);
    console.log(`removed the nightly renewal of project ${project}:\n${state.installed}`);
    return 0;
  }
  if (state.installed === state.line) {
    console.log(`already installed, unchanged:\n${state.line}`);
    return 0;
  }
  await installCronEntry(state, project);
  const [minute, hour] = state.line.split(' ');
  console.log(`${state.installed ? 'replaced' : 'installed'} the nightly renewal (${hour?.padStart(2, '0')}:${minute?.padStart(2, '0')} local time), log in ${req.logFile}:\n${state.line}`);
  return 0;
});
