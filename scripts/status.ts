/** `npm run status`: containers, routes with per-slot health, users, certificates; or one user's connect instructions. */
import { COMMON_HELP, parseFlags } from './cli/flags.js';
import { runScript } from './cli/run-script.js';
import { loadConfig } from './config/load-config.js';
import { ping } from './engine/index.js';
import { readHostKey } from './live/server-host-key.js';
import { readStackStatus } from './live/stack-status.js';
import { renderUserInstructions } from './report/connect-guide.js';
import { buildStatus, renderStatus } from './report/status.js';

const HELP = `usage: npm run status -- [options]

Shows the stack's containers, each route with the health of every tunnel slot (from HAProxy),
which users are connected, and each certificate: names, issuer, expiry, days left, and the
last renewal's result and error.

      --json              machine-readable output
  -u, --user NAME         print NAME's connect instructions: ssh command, ~/.ssh/config block,
                          known_hosts line
      --server-host NAME  the public name users connect to (default: the user's first route host)
${COMMON_HELP}`;

await runScript(async (argv) => {
  const flags = parseFlags<{ json: boolean; user?: string; 'server-host'?: string }>(argv, {
    json: { type: 'boolean', default: false },
    user: { type: 'string', short: 'u' },
    'server-host': { type: 'string' },
  });
  if (flags.help) {
    console.log(HELP);
    return 0;
  }
  const { model } = loadConfig(flags);
  await ping();
  if (flags.user) {
    const hostKey = await readHostKey(model.project);
    console.log(renderUserInstructions(model, flags.user, { ...(flags['server-host'] ? { serverHost: flags['server-host'] } : {}), ...(hostKey ? { hostKey } : {}) }));
    return 0;
  }
  const observed = await readStackStatus(model);
  const report = buildStatus(model, observed, new Date());
  console.log(flags.json ? JSON.stringify(report, null, 2) : renderStatus(report));
  return 0;
});
