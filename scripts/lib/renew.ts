/**
 * `renew`: one ACME pass in a short-lived renewer container on the stack network, then every
 * renewed certificate rotated into the running HAProxy. Also the bootstrap `up` runs for hosts
 * that are still on their placeholder.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { parseRenewalReport, type HostResult, type RenewerInput } from '../../certs/report.js';
import { PLACEHOLDER_ISSUER } from '../../certs/placeholder-issuer.js';
import { rotateCertificate, servedCertificate } from './cert-rotation.js';
import { desiredStack, extraLabels } from './desired.js';
import * as engine from './engine.js';
import { ExitError, UsageError } from './errors.js';
import { ensureImage } from './images.js';
import type { EdgeModel } from './model.js';
import { observe } from './observe.js';
import { preparePebble } from './pebble.js';
import { LABEL } from './stack.js';

/** Inside the renewer: the operator's DNS hook and Pebble's listener CA, copied in before start. */
const HOOK_PATH = '/hooks/dns-hook';
const EXTRA_CA_PATH = '/etc/tunnelgate/extra-ca.pem';

export interface RenewOptions {
  force: boolean;
  /** Only these route hosts (default: every route). */
  hosts?: string[];
  log: (line: string) => void;
  /** Seconds to wait after the DNS hook's `set` (DNS-01 only). */
  dnsPropagationSeconds?: number;
}

/** A host's outcome after the pass and the rotation into HAProxy. */
export interface RenewOutcome extends HostResult {
  /** For `renewed`: loaded into the running HAProxy (false: on disk only, with `rotationError`). */
  rotated?: boolean;
  rotationError?: string;
}

export interface RenewResult {
  results: RenewOutcome[];
  ok: boolean;
  /** Wall time of the renewer container run. */
  passMs: number;
}

/** The route hosts to look at: all of them, or the subset asked for (each must be a route). */
function selectHosts(model: EdgeModel, only?: string[]): string[] {
  const all = [...new Set(model.routes.map((r) => r.host))].sort();
  if (!only?.length) return all;
  const unknown = only.filter((h) => !all.includes(h));
  if (unknown.length) throw new UsageError(`--host ${unknown.join(', ')}: not a route in edge.yaml (routes: ${all.join(', ') || 'none'})`);
  return only;
}

/** Runs one pass for `model`'s hosts and rotates what was renewed. Needs the stack to be up. */
export async function renew(model: EdgeModel, opts: RenewOptions): Promise<RenewResult> {
  await engine.ping();
  const hosts = selectHosts(model, opts.hosts);
  const observed = await observe(model.project);
  const haproxy = observed.raw.haproxy;
  if (!haproxy?.running) throw new ExitError(`haproxy of project ${model.project} is not running: run \`npm run up\` first`);
  if (hosts.length === 0) return { results: [], ok: true, passMs: 0 };
  // Two passes at once (cron and an `up`, say) would both answer as `renewer` and each could
  // receive the other's challenges: refuse to start a second one.
  const running = (await engine.listContainers([`${LABEL.project}=${model.project}`, `${LABEL.service}=renewer`])).filter((c) => c.running);
  if (running.length > 0) throw new ExitError(`another renewal is running for project ${model.project} (container ${running.map((c) => c.name).join(', ')}); try again when it has finished`);

  const { tag } = await ensureImage('renewer', (l) => /^Step \d+\/\d+/.test(l) && opts.log(`  renewer: ${l}`));
  const files: engine.FileToWrite[] = [];
  const env: string[] = [];
  if (model.acme.ca === 'pebble') {
    const pebble = observed.raw.pebble;
    // A stopped Pebble is not an error here: the pass then fails per host with the CA's error,
    // like any unreachable CA, and the old certificates stay.
    if (pebble?.running) {
      files.push({ path: EXTRA_CA_PATH, content: await preparePebble(pebble.name) });
      env.push(`NODE_EXTRA_CA_CERTS=${EXTRA_CA_PATH}`);
    }
  }
  const { challenge, dnsHook } = model.acme;
  if (challenge === 'dns-01' && dnsHook) files.push({ path: HOOK_PATH, content: readFileSync(dnsHook), mode: 0o755 });
  const input: RenewerInput = {
    hosts,
    directoryUrl: model.acme.directoryUrl,
    ...(model.acme.email ? { email: model.acme.email } : {}),
    renewBeforeDays: model.acme.renewBeforeDays,
    force: opts.force,
    challenge,
    ...(dnsHook ? { dnsHook: HOOK_PATH } : {}),
    ...(challenge === 'dns-01' ? { dnsPropagationSeconds: opts.dnsPropagationSeconds ?? (model.acme.ca === 'pebble' ? 0 : 30) } : {}),
    selfCheckBase: 'http://haproxy:80',
  };
  env.push(`TUNNELGATE_RENEWER_INPUT=${JSON.stringify(input)}`);

  const desired = desiredStack(model, { haproxy: '', sshd: '' });
  const name = `${model.project}-renewer-run-${randomBytes(6).toString('hex')}`;
  opts.log(`renewer: checking ${hosts.length} certificate${hosts.length === 1 ? '' : 's'} with ${model.acme.directoryUrl}${opts.force ? ' (forced)' : ''}`);
  const started = Date.now();
  const run = await engine.runContainer({
    name,
    image: tag,
    labels: { [LABEL.project]: model.project, [LABEL.service]: 'renewer', [LABEL.oneoff]: 'True', ...extraLabels() },
    env,
    ports: [],
    mounts: desired.renewer.mounts,
    network: desired.renewer.network,
    aliases: desired.renewer.aliases,
    restart: 'no',
    files,
    timeoutMs: 10 * 60_000,
  });
  const passMs = Date.now() - started;
  let report;
  try {
    report = parseRenewalReport(run.stdout);
  } catch (err) {
    throw new ExitError(`renewer exited ${run.exitCode} without a usable report: ${(err as Error).message}\n${run.stderr.trim().split('\n').slice(-10).join('\n')}`);
  }
  const results: RenewOutcome[] = [];
  for (const r of report.results) {
    if (r.result !== 'renewed') {
      results.push(r);
      continue;
    }
    try {
      await rotateCertificate(haproxy.name, r.host, r.serial);
      results.push({ ...r, rotated: true });
    } catch (err) {
      results.push({ ...r, rotated: false, rotationError: (err as Error).message });
    }
  }
  return { results, ok: results.every((r) => r.result !== 'failed' && r.rotated !== false), passMs };
}

/**
 * Route hosts whose served certificate is missing or the placeholder: what `up` must obtain.
 * Asks the running HAProxy (what clients actually get), not the files.
 */
export async function hostsNeedingCertificates(model: EdgeModel, haproxyContainer: string): Promise<string[]> {
  const out: string[] = [];
  for (const host of [...new Set(model.routes.map((r) => r.host))].sort()) {
    const served = await servedCertificate(haproxyContainer, host).catch(() => undefined);
    if (!served || served.issuer.includes(PLACEHOLDER_ISSUER)) out.push(host);
  }
  return out;
}
