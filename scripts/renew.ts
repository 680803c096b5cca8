/** `npm run renew`: one ACME pass for the stack's certificates, made for a nightly cron. */
import { renderHostResult } from '../certs/report.js';
import { COMMON_HELP, parseFlags } from './cli/flags.js';
import { runScript } from './cli/run-script.js';
import { loadConfig } from './config/load-config.js';
import { renewCertificates } from './deploy/certificates.js';
import type { RenewalOutcome } from './live/renewal.js';

const HELP = `usage: npm run renew -- [options]

Checks every route's certificate and renews those that are due (less than acme.renewBeforeDays
left, less than a third of a short lifetime, or the CA's ARI window open), then loads them into
the running HAProxy without a reload. Prints one line per certificate: renewed / not due / failed
and why. Exit 0 when nothing failed, 1 otherwise (the old certificate then stays in service).

      --force         renew every certificate, due or not
      --host NAME     only this route host (repeatable)
      --json          print the results as JSON instead of lines
${COMMON_HELP}`;

function line(r: RenewalOutcome): string {
  const base = renderHostResult(r);
  if (r.rotated === false) return `${base}\n         but not loaded into HAProxy (next reload will): ${r.rotationError}`;
  return base;
}

await runScript(async (argv) => {
  const flags = parseFlags<{ force: boolean; json: boolean; host?: string[] }>(argv, {
    force: { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
    host: { type: 'string', multiple: true },
  });
  if (flags.help) {
    console.log(HELP);
    return 0;
  }
  const { model } = loadConfig(flags);
  const log = flags.json ? (l: string) => console.error(l) : (l: string) => console.log(l);
  const result = await renewCertificates(model, { force: flags.force, ...(flags.host ? { hosts: flags.host } : {}), log });
  if (flags.json) console.log(JSON.stringify({ ok: result.ok, results: result.results }, null, 2));
  else if (result.results.length === 0) console.log('no routes, no certificates');
  else for (const r of result.results) console.log(line(r));
  return result.ok ? 0 : 1;
});
