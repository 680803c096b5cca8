/**
 * One ACME pass in a short-lived renewer container on the stack network, then every renewed
 * certificate rotated into the running HAProxy. `renew` runs it for every route; `up` for the
 * hosts still on their placeholder.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { type HostResult, parseRenewalReport, type RenewerInput } from '../../certs/report.js';
import { LABEL } from '../../stacks/labels.js';
import type { EdgeModel } from '../../stacks/model.js';
import { ExitError } from '../cli/errors.js';
import * as engine from '../engine/index.js';
import { rotateCertificate } from './cert-rotation.js';
import { preparePebble } from './pebble.js';

/**
 * Where the renewer's entrypoint (certs/renewer-entrypoint.sh) writes the operator's DNS hook,
 * handed over in an environment variable: its root filesystem is read-only, so no file can be
 * copied in before it starts.
 */
const HOOK_PATH = '/run/renewer/dns-hook';

/** Where and how the renewer runs: from the desired stack (mounts, lockdown), with the containers it talks to. */
export interface RenewalSetup extends Omit<engine.ContainerSpec, 'name' | 'image' | 'labels' | 'ports' | 'restart'> {
  image: string;
  /** The running haproxy container the new certificates are rotated into. */
  haproxy: string;
  /** The embedded CA's container when it runs (its listener CA is handed to the renewer). */
  pebble?: string;
  /** Labels besides Compose's (the test-run id). */
  labels: Record<string, string>;
}

export interface RenewalOptions {
  force: boolean;
  /** The route hosts to look at. */
  hosts: string[];
  log: (line: string) => void;
  /** Seconds to wait after the DNS hook's `set` (DNS-01 only). */
  dnsPropagationSeconds?: number;
}

/** A host's outcome after the pass and the rotation into HAProxy. */
export interface RenewalOutcome extends HostResult {
  /** For `renewed`: loaded into the running HAProxy (false: on disk only, with `rotationError`). */
  rotated?: boolean;
  rotationError?: string;
}

export interface RenewalResult {
  results: RenewalOutcome[];
  ok: boolean;
  /** Wall time of the renewer container run. */
  passMs: number;
}

/** The renewer's environment for this model: its input, Pebble's listener CA, the DNS hook. */
async function renewerEnv(model: EdgeModel, setup: RenewalSetup, opts: RenewalOptions): Promise<string[]> {
  const env: string[] = [];
  if (setup.pebble) env.push(`TUNNELGATE_EXTRA_CA=${await preparePebble(setup.pebble)}`);
  const { challenge, dnsHook } = model.acme;
  if (challenge === 'dns-01' && dnsHook) env.push(`TUNNELGATE_DNS_HOOK=${readFileSync(dnsHook).toString('base64')}`);
  const input: RenewerInput = {
    hosts: opts.hosts,
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
  return env;
}

/** Runs one pass for `opts.hosts` and rotates what was renewed. The stack must be up. */
export async function runRenewal(model: EdgeModel, setup: RenewalSetup, opts: RenewalOptions): Promise<RenewalResult> {
  const env = await renewerEnv(model, setup, opts);
  const name = `${model.project}-renewer-run-${randomBytes(6).toString('hex')}`;
  const n = opts.hosts.length;
  opts.log(`renewer: checking ${n} certificate${n === 1 ? '' : 's'} with ${model.acme.directoryUrl}${opts.force ? ' (forced)' : ''}`);
  const started = Date.now();
  const { image, haproxy: _haproxy, pebble: _pebble, labels, ...spec } = setup;
  const run = await engine.runContainer({
    ...spec,
    name,
    image,
    labels: { [LABEL.project]: model.project, [LABEL.service]: 'renewer', [LABEL.oneoff]: 'True', ...labels },
    env,
    ports: [],
    restart: 'no',
    timeoutMs: 10 * 60_000,
  });
  const passMs = Date.now() - started;
  let report: ReturnType<typeof parseRenewalReport>;
  try {
    report = parseRenewalReport(run.stdout);
  } catch (err) {
    throw new ExitError(`renewer exited ${run.exitCode} without a usable report: ${(err as Error).message}\n${run.stderr.trim().split('\n').slice(-10).join('\n')}`);
  }
  const results: RenewalOutcome[] = [];
  for (const r of report.results) {
    if (r.result !== 'renewed') {
      results.push(r);
      continue;
    }
    try {
      await rotateCertificate(setup.haproxy, r.host, r.serial);
      results.push({ ...r, rotated: true });
    } catch (err) {
      results.push({ ...r, rotated: false, rotationError: (err as Error).message });
    }
  }
  return { results, ok: results.every((r) => r.result !== 'failed' && r.rotated !== false), passMs };
}
