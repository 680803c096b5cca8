/** `npm run status`: containers, routes with per-slot health, users, certificates; or one user's connect instructions. */
import { SHOW_SERVERS_COMMAND, parseShowStat } from '../haproxy/runtime-api.js';
import { COMMON_HELP, parseFlags, runScript } from './lib/cli.js';
import { listContainers, ping } from './lib/engine.js';
import { masterCli } from './lib/haproxy-control.js';
import { connectInstructions } from './lib/instructions.js';
import { loadConfig } from './lib/load-config.js';
import { LABEL } from './lib/stack.js';
import { buildCertificates } from './lib/cert-status.js';
import { observeCertificates } from './lib/observe-certs.js';
import { buildStatus, renderStatus } from './lib/status-report.js';

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
  if (flags.help) return void console.log(HELP);
  const { model } = loadConfig(flags);
  await ping();
  if (flags.user) return void console.log(await connectInstructions(model, flags.user, { serverHost: flags['server-host'] }));
  const containers = await listContainers([`${LABEL.project}=${model.project}`]);
  const haproxy = containers.find((c) => c.labels[LABEL.service] === 'haproxy' && c.running);
  const servers = haproxy ? parseShowStat(await masterCli(haproxy.name, SHOW_SERVERS_COMMAND.trim())) : undefined;
  const certs = haproxy ? await observeCertificates(haproxy.name, model) : undefined;
  const report = buildStatus(
    model,
    containers.map((c) => ({ service: c.labels[LABEL.service] ?? '?', name: c.name, state: c.state, ...(c.running ? { startedAt: c.startedAt } : {}) })).sort((a, b) => a.service.localeCompare(b.service)),
    servers,
    buildCertificates(model, certs, new Date()),
  );
  console.log(flags.json ? JSON.stringify(report, null, 2) : renderStatus(report));
});
