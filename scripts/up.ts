/** `npm run up`: validate edge.yaml and converge the stack to it. */
import { COMMON_HELP, parseFlags, runScript } from './lib/cli.js';
import { planUp, up } from './lib/converge.js';
import { DEMO_HOST, demoKeyPath } from './lib/demo.js';
import { ping } from './lib/engine.js';
import { connectInstructions } from './lib/instructions.js';
import { loadConfig } from './lib/load-config.js';
import { renderPlan } from './lib/plan.js';
import { renderHostResult } from '../certs/report.js';
import { renderSummary } from './lib/summary.js';

const HELP = `usage: npm run up -- [options]

Validates edge.yaml and brings the stack to what it describes: builds the images if needed,
creates what is missing, reloads HAProxy and updates sshd users in place when only the
config changed. A second run with the same config changes nothing. Hosts still on their
self-signed placeholder then get a real certificate from the ACME CA, loaded without a restart;
if that fails the stack stays up on the placeholders and up exits 1 naming host and CA error.

  -n, --dry-run       validate and print the plan, change nothing
      --no-acme       do not obtain certificates (hosts keep their placeholder)
${COMMON_HELP}`;

await runScript(async (argv) => {
  const flags = parseFlags<{ 'dry-run': boolean; 'no-acme': boolean }>(argv, {
    'dry-run': { type: 'boolean', short: 'n', default: false },
    'no-acme': { type: 'boolean', default: false },
  });
  const acme = !flags['no-acme'];
  if (flags.help) return void console.log(HELP);
  const { model, source, demo } = loadConfig(flags);
  console.log(renderSummary(model, source));
  console.log('');
  if (flags['dry-run']) {
    await ping();
    console.log('plan:');
    console.log(renderPlan((await planUp(model, { acme })).ops));
    return;
  }
  const started = Date.now();
  const result = await up(model, (line) => console.log(line), new Date(), { acme });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  for (const r of result.acme?.results ?? []) console.log(`  certificate ${renderHostResult(r)}`);
  console.log(result.ops.length === 0 && !result.acme ? `nothing to do: the stack matches ${source} (${seconds}s)` : `done in ${seconds}s`);
  // The stack is up either way (placeholders keep serving HTTPS); a failed first issuance is
  // still a failure the operator must see, so the exit code says so.
  const failed = (result.acme?.results ?? []).filter((r) => r.result === 'failed' || r.rotated === false);
  if (failed.length) {
    for (const r of failed) console.error(`warning: no certificate for ${r.host}: ${r.error ?? r.rotationError}`);
    console.error('warning: the stack is up, serving self-signed placeholders for these hosts; fix the cause and run `npm run renew`');
  }
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
  return failed.length ? 1 : 0;
});
