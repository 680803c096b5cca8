/**
 * `renew` as a whole: which hosts, whether the stack can take a pass now, the renewer image, and
 * the pass itself (scripts/live/renewal.ts). `up` reaches the same pass through its plan.
 */
import { LABEL } from '../../stacks/labels.js';
import { type EdgeModel, terminatedRoutes } from '../../stacks/model.js';
import { containerName } from '../../stacks/services.js';
import { ExitError, UsageError } from '../cli/errors.js';
import * as engine from '../engine/index.js';
import { type Delivery, deliverAlert } from '../live/notify.js';
import { type RenewalOutcome, type RenewalResult, type RenewalSetup, runRenewal } from '../live/renewal.js';
import { renewalAlert } from '../report/renewal-alert.js';
import { desiredStack, extraLabels } from './desired.js';
import { ensureImage } from './images.js';
import { writeLoginSummaries } from './login.js';
import type { DesiredStack } from './stack.js';

/** The renewer's place in a desired stack: its image, volumes, network and the containers it serves. */
export function renewalSetup(stack: DesiredStack, image: string, pebbleRunning: boolean): RenewalSetup {
  return {
    image,
    ...stack.renewer,
    haproxy: stack.containers.haproxy.name,
    ...(pebbleRunning ? { pebble: containerName(stack.project, 'pebble') } : {}),
    labels: extraLabels(),
  };
}

/** The route hosts to look at: all of them, or the subset asked for (each must be a route). */
function selectHosts(model: EdgeModel, only?: string[]): string[] {
  const all = [...new Set(terminatedRoutes(model).map((r) => r.host))].sort();
  if (!only?.length) return all;
  const unknown = only.filter((h) => !all.includes(h));
  if (unknown.length) throw new UsageError(`--host ${unknown.join(', ')}: not a route in edge.yaml (routes: ${all.join(', ') || 'none'})`);
  return only;
}

export interface RenewOptions {
  force: boolean;
  /** Only these route hosts (default: every route). */
  hosts?: string[];
  log: (line: string) => void;
}

/** One pass over the model's certificates against the running stack (`npm run renew`). */
export async function renewCertificates(model: EdgeModel, opts: RenewOptions): Promise<RenewalResult> {
  await engine.ping();
  const hosts = selectHosts(model, opts.hosts);
  const containers = await engine.listContainers([`${LABEL.project}=${model.project}`]);
  const running = (service: string) => containers.filter((c) => c.labels[LABEL.service] === service && c.running);
  if (running('haproxy').length === 0) throw new ExitError(`haproxy of project ${model.project} is not running: run \`npm run up\` first`);
  if (hosts.length === 0) return { results: [], ok: true, passMs: 0 };
  // Two passes at once (cron and an `up`, say) would both answer as `renewer` and each could
  // receive the other's challenges: refuse to start a second one.
  const busy = running('renewer');
  if (busy.length > 0) throw new ExitError(`another renewal is running for project ${model.project} (container ${busy.map((c) => c.name).join(', ')}); try again when it has finished`);
  const { tag } = await ensureImage('renewer', (l) => {
    if (/^Step \d+\/\d+/.test(l)) opts.log(`  renewer: ${l}`);
  });
  // A stopped Pebble is not an error here: the pass then fails per host with the CA's error,
  // like any unreachable CA, and the old certificates stay.
  const pebbleRunning = model.acme.ca === 'pebble' && running('pebble').length > 0;
  const stack = desiredStack(model, { haproxy: '', sshd: '' });
  const result = await runRenewal(model, renewalSetup(stack, tag, pebbleRunning), { force: opts.force, hosts, log: opts.log });
  // A tunnel user's login shows their certificate's days left: give sshd the new dates.
  const tunnelHosts = new Set(model.routes.filter((r) => r.kind === 'tunnel').map((r) => r.host));
  const sshd = running('sshd')[0];
  if (sshd && result.results.some((r) => r.result === 'renewed' && tunnelHosts.has(r.host))) {
    await writeLoginSummaries(model, sshd.name, { container: stack.containers.haproxy.name });
  }
  return result;
}

/**
 * Tells `notify` about a pass that failed, could not run (`error`), or left a certificate with
 * fewer than notify.daysLeft days; nothing when all is well or `notify` is not configured.
 */
export async function notifyRenewal(model: EdgeModel, pass: { results: RenewalOutcome[]; error?: string; now: Date }): Promise<Delivery[]> {
  if (!model.notify) return [];
  const alert = renewalAlert(model.notify, { project: model.project, engine: engine.engineInfo().url, ...pass });
  return alert ? deliverAlert(model.notify, alert) : [];
}
