/** `npm run status`: containers, routes with per-slot health, users, certificates; live with --watch; or one user's connect instructions. */
import { UsageError } from './cli/errors.js';
import { COMMON_HELP, parseFlags } from './cli/flags.js';
import { runScript } from './cli/run-script.js';
import { loadConfig } from './config/load-config.js';
import { recordedEngine } from './config/state-dir.js';
import { engineInfo, ping } from './engine/index.js';
import { readHostKey } from './live/server-host-key.js';
import { readStackStatus } from './live/stack-status.js';
import { watchStack } from './live/status-watch.js';
import { renderUserInstructions } from './report/connect-guide.js';
import { buildStatus, renderStatus } from './report/status.js';
import { renderWatchFrame, routeRates, type TrafficSample } from './report/watch.js';

const HELP = `usage: npm run status -- [options]

Shows the engine, the stack's containers, each route with the health of every tunnel slot
(from HAProxy), which users are connected, and each certificate: names, issuer, expiry, days
left, and the last renewal's result and error.

      --json              machine-readable output
  -w, --watch             a live view, refreshed every second: routes with requests and 5xx
                          per second and slot health, users connected, certificates; Ctrl-C
                          quits. Not on a terminal, it prints one plain block per refresh.
      --interval SECONDS  refresh interval of --watch (default 1)
  -u, --user NAME         print NAME's connect instructions: ssh command, ~/.ssh/config block,
                          known_hosts line
      --server-host NAME  the public name users connect to (default: the remote engine's host,
                          else the user's first route host)
${COMMON_HELP}`;

/** Terminal control: the alternate screen and a hidden cursor while watching, both undone on exit. */
const TTY = { enter: '\x1b[?1049h\x1b[?25l', frame: '\x1b[H\x1b[2J', leave: '\x1b[?25h\x1b[?1049l' };

await runScript(async (argv) => {
  const flags = parseFlags<{ json: boolean; watch: boolean; interval?: string; user?: string; 'server-host'?: string }>(argv, {
    json: { type: 'boolean', default: false },
    watch: { type: 'boolean', short: 'w', default: false },
    interval: { type: 'string' },
    user: { type: 'string', short: 'u' },
    'server-host': { type: 'string' },
  });
  if (flags.help) {
    console.log(HELP);
    return 0;
  }
  const intervalMs = Math.round(Number(flags.interval ?? '1') * 1000);
  if (!Number.isFinite(intervalMs) || intervalMs < 200) throw new UsageError(`--interval ${flags.interval}: expected seconds, at least 0.2`);
  const { model } = loadConfig(flags);
  await ping();
  const engine = engineInfo();
  if (flags.user) {
    const hostKey = await readHostKey(model.project);
    const serverHost = flags['server-host'] ?? engine.remoteHost;
    console.log(renderUserInstructions(model, flags.user, { ...(serverHost ? { serverHost } : {}), ...(hostKey ? { hostKey } : {}) }));
    return 0;
  }
  const recorded = recordedEngine(model.project);
  const engineFacts = { url: engine.url, ...(recorded ? { recorded } : {}) };
  if (!flags.watch) {
    const facts = await readStackStatus(model);
    const report = buildStatus(model, { ...facts, engine: engineFacts }, new Date());
    console.log(flags.json ? JSON.stringify(report, null, 2) : renderStatus(report));
    return 0;
  }
  const tty = Boolean(process.stdout.isTTY);
  const stop = new AbortController();
  // `on`, not `once`: a second Ctrl-C (tsx relays the first one too) must not kill us half-way.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => stop.abort());
  if (tty) process.stdout.write(TTY.enter);
  let prev: TrafficSample | undefined;
  try {
    await watchStack(model, {
      intervalMs,
      certificatesEveryMs: 30_000,
      signal: stop.signal,
      onTick: (tick) => {
        const report = buildStatus(model, tick.facts, new Date());
        const rates = tick.sample
          ? routeRates(
              report.routes.map((r) => r.host),
              prev,
              tick.sample,
            )
          : {};
        if (tick.sample) prev = tick.sample;
        const frame = renderWatchFrame(report, rates, { now: new Date(), engine: engine.url, tty, intervalMs, ...(tick.problem ? { problem: tick.problem } : {}) });
        process.stdout.write(tty ? `${TTY.frame}${frame}\n` : `${frame}\n\n`);
      },
    });
  } finally {
    if (tty) process.stdout.write(TTY.leave);
  }
  return 0;
});
