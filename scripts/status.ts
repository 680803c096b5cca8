/** `npm run status`: containers, routes with per-slot health, users, certificates; live with --watch; or one user's view. */
import { UsageError } from './cli/errors.js';
import { COMMON_HELP, parseFlags } from './cli/flags.js';
import { runScript } from './cli/run-script.js';
import { loadConfig } from './config/load-config.js';
import { recordedEngine } from './config/state-dir.js';
import { engineInfo, ping } from './engine/index.js';
import { readStackStatus } from './live/stack-status.js';
import { watchStack } from './live/status-watch.js';
import { readUserFacts } from './live/user-facts.js';
import { renderUserInstructions, renderUserService, renderUserSummary, userSummarySockets } from './report/connect-guide.js';
import { buildStatus, renderStatus } from './report/status.js';
import { renderWatchFrame, routeRates, type TrafficSample } from './report/watch.js';

const HELP = `usage: npm run status -- [options]

Shows the engine, the stack's containers, each route with the health of every tunnel slot
(from HAProxy), each user with their keys' expiry and connected slots, and each certificate:
names, issuer, expiry, days left, and the last renewal's result and error.

      --json              machine-readable output
  -w, --watch             a live view, refreshed every second: routes with requests and 5xx
                          per second and slot health, users connected, certificates; Ctrl-C
                          quits. Not on a terminal, it prints one plain block per refresh.
      --interval SECONDS  refresh interval of --watch (default 1)
  -u, --user NAME         NAME's view: what \`ssh NAME@server\` prints (routes, slots, certificate
                          days left, shares, keys), then the exact ssh commands, an ~/.ssh/config
                          block and the known_hosts line
      --systemd           with --user: a systemd user unit that keeps NAME's tunnels up
      --launchd           with --user: the same as a macOS LaunchAgent plist
      --server-host NAME  the public name users connect to (default: the remote engine's host,
                          else the user's first route host)
${COMMON_HELP}`;

/** Terminal control: the alternate screen and a hidden cursor while watching, both undone on exit. */
const TTY = { enter: '\x1b[?1049h\x1b[?25l', frame: '\x1b[H\x1b[2J', leave: '\x1b[?25h\x1b[?1049l' };

await runScript(async (argv) => {
  const flags = parseFlags<{ json: boolean; watch: boolean; interval?: string; user?: string; 'server-host'?: string; systemd: boolean; launchd: boolean }>(argv, {
    json: { type: 'boolean', default: false },
    watch: { type: 'boolean', short: 'w', default: false },
    interval: { type: 'string' },
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
  const intervalMs = Math.round(Number(flags.interval ?? '1') * 1000);
  if (!Number.isFinite(intervalMs) || intervalMs < 200) throw new UsageError(`--interval ${flags.interval}: expected seconds, at least 0.2`);
  const { model } = loadConfig(flags);
  const engine = engineInfo();
  const serverHost = flags['server-host'] ?? engine.remoteHost;
  const guide = serverHost ? { serverHost } : {};
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
  // `on`, not `once`: a second Ctrl-C (a wrapper may relay the first one too) must not kill us half-way.
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
