/** `npm run up`: validate edge.yaml and converge the stack to it. */
import { renderHostResult } from '../certs/report.js';
import { COMMON_HELP, parseFlags } from './cli/flags.js';
import { runScript } from './cli/run-script.js';
import { demoKeyPath } from './config/demo.js';
import { loadConfig } from './config/load-config.js';
import { recordEngine } from './config/state-dir.js';
import { converge, planConvergence } from './deploy/converge.js';
import { checkExternalNetworks } from './deploy/external-networks.js';
import { renderPlan } from './deploy/plan-text.js';
import { engineInfo } from './engine/index.js';
import { readHostKey } from './live/server-host-key.js';
import { renderUpGuide } from './report/connect-guide.js';
import { keyExpiryWarnings } from './report/key-expiry.js';
import { renderSummary, renderWarnings } from './report/summary.js';

const HELP = `usage: npm run up -- [options]

Validates edge.yaml and brings the stack to what it describes: builds the images if needed,
creates what is missing, reloads HAProxy and updates sshd users in place when only the
config changed. A second run with the same config changes nothing. Hosts still on their
self-signed placeholder then get a real certificate from the ACME CA, loaded without a restart;
if that fails the stack stays up on the placeholders and up exits 1 naming host and CA error.

  -n, --dry-run       validate and print the plan (builds, placeholders and issuance
                      included), change nothing
      --no-acme       do not obtain certificates (hosts keep their placeholder)
${COMMON_HELP}`;

await runScript(async (argv) => {
  const flags = parseFlags<{ 'dry-run': boolean; 'no-acme': boolean }>(argv, {
    'dry-run': { type: 'boolean', short: 'n', default: false },
    'no-acme': { type: 'boolean', default: false },
  });
  if (flags.help) {
    console.log(HELP);
    return 0;
  }
  const acme = !flags['no-acme'];
  const { model, source, demo, locate } = loadConfig(flags);
  const engine = engineInfo();
  console.log(`${renderSummary(model, source)}\nengine:  ${engine.description}\n`);
  for (const warning of renderWarnings(model)) console.error(`warning: ${warning}`);
  await checkExternalNetworks(model, locate);
  for (const w of keyExpiryWarnings(model, new Date())) console.error(w);
  if (flags['dry-run']) {
    console.log(`plan:\n${renderPlan((await planConvergence(model, { acme })).ops)}`);
    return 0;
  }
  const started = Date.now();
  const result = await converge(model, (line) => console.log(line), new Date(), { acme });
  recordEngine(model.project, engine.url);
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  for (const r of result.issued?.results ?? []) console.log(`  certificate ${renderHostResult(r)}`);
  console.log(result.ops.length === 0 ? `nothing to do: the stack matches ${source} (${seconds}s)` : `done in ${seconds}s`);
  // The stack is up either way (placeholders keep serving HTTPS); a failed first issuance is
  // still a failure the operator must see, so the exit code says so.
  const failed = (result.issued?.results ?? []).filter((r) => r.result === 'failed' || r.rotated === false);
  for (const r of failed) console.error(`warning: no certificate for ${r.host}: ${r.error ?? r.rotationError}`);
  if (failed.length) console.error('warning: the stack is up, serving self-signed placeholders for these hosts; fix the cause and run `npm run renew`');
  const hostKey = await readHostKey(model.project);
  const guide = { ...(demo ? { demo: { keyPath: demoKeyPath() } } : {}), ...(hostKey ? { hostKey } : {}), ...(engine.remoteHost ? { serverHost: engine.remoteHost } : {}) };
  console.log(`\n${renderUpGuide(model, guide)}`);
  return failed.length ? 1 : 0;
});
