/** `npm run logs`: the access log (edge.yaml `logs.access`), all routes or one, once or following. */

import { UsageError } from './cli/errors.js';
import { COMMON_HELP, parseFlags } from './cli/flags.js';
import { runScript } from './cli/run-script.js';
import { loadConfig } from './config/load-config.js';
import { ping } from './engine/index.js';
import { readAccessLog } from './live/access-log.js';
import { formatAccessLine, matchesRoute, parseAccessLine, routeNeedle } from './report/access-log.js';

const HELP = `usage: npm run logs -- [options]

Prints the access log: one line per request (time, client, method, host and path, status,
bytes, total time, backend/slot, termination state). Needs logs: {access: true} in edge.yaml.

  -r, --route HOST    only requests of this route
  -f, --follow        keep printing new requests until Ctrl-C
  -n, --lines N       how many past lines to print first (default 50)
      --json          print HAProxy's JSON lines as they are
${COMMON_HELP}`;

await runScript(async (argv) => {
  const flags = parseFlags<{ route?: string; follow: boolean; lines?: string; json: boolean }>(argv, {
    route: { type: 'string', short: 'r' },
    follow: { type: 'boolean', short: 'f', default: false },
    lines: { type: 'string', short: 'n' },
    json: { type: 'boolean', default: false },
  });
  if (flags.help) {
    console.log(HELP);
    return 0;
  }
  const lines = flags.lines === undefined ? 50 : Number(flags.lines);
  if (!Number.isInteger(lines) || lines < 0) throw new UsageError(`--lines ${flags.lines}: expected a whole number`);
  const { model } = loadConfig(flags);
  const route = flags.route;
  if (route && !model.routes.some((r) => r.host === route)) throw new UsageError(`--route ${route}: not a route in edge.yaml (routes: ${model.routes.map((r) => r.host).join(', ') || 'none'})`);
  await ping();
  const stop = new AbortController();
  // `on`, not `once`: a second Ctrl-C (tsx relays the first one too) must not kill us half-way.
  process.on('SIGINT', () => stop.abort());
  await readAccessLog(model.project, { lines, ...(route ? { needle: routeNeedle(route) } : {}), ...(flags.follow ? { follow: stop.signal } : {}) }, (raw) => {
    const line = parseAccessLine(raw);
    if (matchesRoute(line, route)) console.log(flags.json ? line.raw : formatAccessLine(line));
  });
  return 0;
});
