/** `npm run up`: validate edge.yaml and converge the stack to it. */
import { COMMON_HELP, parseFlags, runScript } from './lib/cli.js';
import { planUp, up } from './lib/converge.js';
import { DEMO_HOST, demoKeyPath } from './lib/demo.js';
import { ping } from './lib/engine.js';
import { connectInstructions } from './lib/instructions.js';
import { loadConfig } from './lib/load-config.js';
import { renderPlan } from './lib/plan.js';
import { renderSummary } from './lib/summary.js';

const HELP = `usage: npm run up -- [options]

Validates edge.yaml and brings the stack to what it describes: builds the images if needed,
creates what is missing, reloads HAProxy and updates sshd users in place when only the
config changed. A second run with the same config changes nothing.

  -n, --dry-run       validate and print the plan, change nothing
${COMMON_HELP}`;

await runScript(async (argv) => {
  const flags = parseFlags<{ 'dry-run': boolean }>(argv, { 'dry-run': { type: 'boolean', short: 'n', default: false } });
  if (flags.help) return void console.log(HELP);
  const { model, source, demo } = loadConfig(flags);
  console.log(renderSummary(model, source));
  console.log('');
  if (flags['dry-run']) {
    await ping();
    console.log('plan:');
    console.log(renderPlan((await planUp(model)).ops));
    return;
  }
  const started = Date.now();
  const result = await up(model, (line) => console.log(line));
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  console.log(result.ops.length === 0 ? `nothing to do: the stack matches ${source} (${seconds}s)` : `done in ${seconds}s`);
  if (demo) {
    const key = demoKeyPath();
    console.log(`
Demo is up. Open a tunnel from this machine to a local web server on port 8000:
  python3 -m http.server 8000 &
  ssh -N -i ${key} -p ${model.ports.ssh} -o StrictHostKeyChecking=accept-new \\
      -R /run/tunnels/demo/${DEMO_HOST}.sock:localhost:8000 demo@localhost
Then:
  curl -k https://${DEMO_HOST}:${model.ports.https}/
Until the tunnel is open, that URL answers 503 with these instructions.`);
    console.log(`\n${await connectInstructions(model, 'demo', { identityFile: key })}`);
  } else {
    for (const r of model.routes) console.log(`  https://${r.host}${model.ports.https === 443 ? '' : `:${model.ports.https}`}/ -> ${r.kind === 'tunnel' ? `tunnel of ${r.user}` : r.upstream.url}`);
    if (model.users.length) console.log(`\nConnect instructions per user: npm run status -- --user <name>`);
  }
});
