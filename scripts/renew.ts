/** `npm run renew`: one ACME pass for the stack's certificates, made for a nightly cron. */
import { renderHostResult } from '../certs/report.js';
import { COMMON_HELP, parseFlags } from './cli/flags.js';
import { runScript } from './cli/run-script.js';
import { loadConfig } from './config/load-config.js';
import { notifyRenewal, renewCertificates } from './deploy/certificates.js';
import { startLogFile } from './live/renew-log.js';
import type { RenewalOutcome } from './live/renewal.js';

const HELP = `usage: npm run renew -- [options]

Checks every route's certificate and renews those that are due (less than acme.renewBeforeDays
left, less than a third of a short lifetime, or the CA's ARI window open), then loads them into
the running HAProxy without a reload. Prints one line per certificate: renewed / not due / failed
and why. Exit 0 when nothing failed, 1 otherwise (the old certificate then stays in service).
With \`notify\` in edge.yaml, a JSON report goes to its command and/or webhook when a
certificate failed, the pass could not run, or one has fewer than notify.daysLeft days left.

      --force         renew every certificate, due or not
      --host NAME     only this route host (repeatable)
      --json          print the results as JSON instead of lines
      --log-file FILE the file cron appends this run's output to: start the run with a
                      timestamped header and keep the file bounded (over 1 MiB it moves to
                      FILE.1, replacing the previous one)
${COMMON_HELP}`;

/** Sends notify's alert if there is one; false when a delivery failed (said on stderr). */
async function tell(model: Parameters<typeof notifyRenewal>[0], pass: { results: RenewalOutcome[]; error?: string }, log: (l: string) => void): Promise<boolean> {
  const deliveries = await notifyRenewal(model, { ...pass, now: new Date() }).catch((err: Error) => [{ to: 'notify', ok: false, detail: err.message }]);
  for (const d of deliveries) (d.ok ? log : console.error)(`${d.ok ? 'notified' : 'error: notifying failed:'} ${d.to} (${d.detail})`);
  if (deliveries.some((d) => !d.ok)) {
    console.error('error: the renewal report did not reach every notify receiver');
    return false;
  }
  return true;
}

function line(r: RenewalOutcome): string {
  const base = renderHostResult(r);
  if (r.rotated === false) return `${base}\n         but not loaded into HAProxy (next reload will): ${r.rotationError}`;
  return base;
}

await runScript(async (argv) => {
  const flags = parseFlags<{ force: boolean; json: boolean; host?: string[]; 'log-file'?: string }>(argv, {
    force: { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
    host: { type: 'string', multiple: true },
    'log-file': { type: 'string' },
  });
  if (flags.help) {
    console.log(HELP);
    return 0;
  }
  if (flags['log-file']) console.log(startLogFile(flags['log-file'], new Date()));
  const { model } = loadConfig(flags);
  const log = flags.json ? (l: string) => console.error(l) : (l: string) => console.log(l);
  let result: Awaited<ReturnType<typeof renewCertificates>>;
  try {
    result = await renewCertificates(model, { force: flags.force, ...(flags.host ? { hosts: flags.host } : {}), log });
  } catch (err) {
    // A pass that cannot run is exactly what must not fail silently.
    await tell(model, { results: [], error: (err as Error).message.split('\n')[0] ?? 'unknown error' }, log);
    throw err;
  }
  if (flags.json) console.log(JSON.stringify({ ok: result.ok, results: result.results }, null, 2));
  else if (result.results.length === 0) console.log('no routes, no certificates');
  else for (const r of result.results) console.log(line(r));
  const delivered = await tell(model, { results: result.results }, log);
  return result.ok && delivered ? 0 : 1;
});
