/** `npm run status`: containers, routes with per-slot health, users, certificates; or one user's view. */

import { UsageError } from './cli/errors.js';
import { COMMON_HELP, parseFlags } from './cli/flags.js';
import { runScript } from './cli/run-script.js';
import { loadConfig } from './config/load-config.js';
import { ping } from './engine/index.js';
import { readStackStatus } from './live/stack-status.js';
import { readUserFacts } from './live/user-facts.js';
import { renderUserInstructions, renderUserService, renderUserSummary, userSummarySockets } from './report/connect-guide.js';
import { buildStatus, renderStatus } from './report/status.js';

const HELP = `usage: npm run status -- [options]

Shows the stack's containers, each route with the health of every tunnel slot (from HAProxy),
each user with their keys' expiry and connected slots, and each certificate: names, issuer,
expiry, days left, and the last renewal's result and error.

      --json              machine-readable output
  -u, --user NAME         NAME's view: what \`ssh NAME@server\` prints (routes, slots, certificate
                          days left, shares, keys), then the exact ssh commands, an ~/.ssh/config
                          block and the known_hosts line
      --systemd           with --user: a systemd user unit that keeps NAME's tunnels up
      --launchd           with --user: the same as a macOS LaunchAgent plist
      --server-host NAME  the public name users connect to (default: the user's first route host)
${COMMON_HELP}`;

await runScript(async (argv) => {
  const flags = parseFlags<{ json: boolean; user?: string; 'server-host'?: string; systemd: boolean; launchd: boolean }>(argv, {
    json: { type: 'boolean', default: false },
    user: { type: 'string', short: 'u' },
    'server-host': { type: 'string' },
    systemd: { type: 'boolean', default: false },
    launchd: { type: 'boolean', default: false },
  });
  if (flags.help) {
    console.log(HELP);
    return 0;
  }
  if ((flags.systemd || flags.launchd) && !flags.user) throw new UsageError('--systemd and --launchd need --user NAME');
  if (flags.systemd && flags.launchd) throw new UsageError('--systemd or --launchd, not both');
  const { model } = loadConfig(flags);
  const guide = flags['server-host'] ? { serverHost: flags['server-host'] } : {};
  if (flags.user && (flags.systemd || flags.launchd)) {
    console.log(renderUserService(model, flags.user, flags.systemd ? 'systemd' : 'launchd', guide));
    return 0;
  }
  await ping();
  if (flags.user) {
    const facts = await readUserFacts(model, userSummarySockets(model, flags.user));
    console.log(renderUserSummary(model, flags.user, { ...facts, now: new Date() }, guide));
    console.log(renderUserInstructions(model, flags.user, { ...guide, ...(facts.hostKey ? { hostKey: facts.hostKey } : {}) }));
    return 0;
  }
  const observed = await readStackStatus(model);
  const report = buildStatus(model, observed, new Date());
  console.log(flags.json ? JSON.stringify(report, null, 2) : renderStatus(report));
  return 0;
});
