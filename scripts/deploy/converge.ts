/**
 * `up` as a pipeline, shared by the script, the tests and the bench: model → desired state →
 * observe → plan → apply. `planConvergence` stops before apply (`up --dry-run`).
 */
import type { EdgeModel } from '../../stacks/model.js';
import * as engine from '../engine/index.js';
import { type ApplyResult, apply } from './apply.js';
import { type ComposeSource, desiredStack } from './desired.js';
import { type LoginFiles, renderLoginState, renderServiceFiles, type ServiceFiles } from './files.js';
import { type ImageName, imageContext } from './images.js';
import { observe } from './observe.js';
import { type DesiredState, type ObservedCerts, type Op, plan } from './plan.js';
import type { DesiredStack } from './stack.js';

export interface ConvergeOptions {
  /**
   * Obtain certificates for hosts still on their placeholder (`--no-acme` turns it off). Off by
   * default for library callers; scripts/up.ts turns it on. With `acme.ca: pebble` it also
   * brings the embedded CA into the stack.
   */
  acme?: boolean;
  /** The compose file to realise; default this checkout's (the migration test realises an earlier one). */
  compose?: ComposeSource;
}

export interface Planned {
  stack: DesiredStack;
  files: ServiceFiles;
  ops: Op[];
  /** The certs volume as observed for this plan (the login summaries' dates were planned from it). */
  certs?: ObservedCerts;
}

/** The desired state for a model: stack, files and the images it needs (the login summaries' hash is set after observing). */
async function desiredState(model: EdgeModel, opts: ConvergeOptions): Promise<{ state: Omit<DesiredState, 'loginHash'>; files: ServiceFiles }> {
  const acme = Boolean(opts.acme);
  const withPebble = acme && model.acme.ca === 'pebble';
  const names: ImageName[] = ['haproxy', 'sshd', ...(withPebble ? (['pebble'] as const) : []), ...(acme ? (['renewer'] as const) : [])];
  const contexts = await Promise.all(names.map((n) => imageContext(n)));
  const images: DesiredState['images'] = Object.fromEntries(contexts.map((c) => [c.name, c.tag]));
  const imageBases: DesiredState['imageBases'] = {};
  for (const c of contexts)
    if (c.base) {
      images[c.base.name] = c.base.tag;
      imageBases[c.name] = c.base.name;
    }
  const stack = desiredStack(model, { haproxy: images.haproxy ?? '', sshd: images.sshd ?? '', ...(images.pebble ? { pebble: images.pebble } : {}) }, opts.compose);
  const files = renderServiceFiles(model);
  const tunnelHosts = model.routes.filter((r) => r.kind === 'tunnel').map((r) => r.host);
  return { state: { stack, filesHash: files.hash, certHosts: files.certHosts, haproxyManifest: files.haproxyManifest, tunnelHosts, images, imageBases, acme }, files };
}

/** Computes the plan without changing anything (image tags come from content hashes). */
export async function planConvergence(model: EdgeModel, opts: ConvergeOptions = {}): Promise<Planned> {
  await engine.ping();
  const { state, files } = await desiredState(model, opts);
  const observed = await observe(state.stack, Object.values(state.images));
  // Login summaries show certificate dates: they are known once the certs volume was read.
  const login: LoginFiles = renderLoginState(model, observed.certs);
  return { stack: state.stack, files, ops: plan({ ...state, loginHash: login.hash }, observed), ...(observed.certs ? { certs: observed.certs } : {}) };
}

export interface ConvergeResult extends Planned, ApplyResult {}

/** Plans and applies: after it, the stack matches the model. */
export async function converge(model: EdgeModel, log: (line: string) => void, now = new Date(), opts: ConvergeOptions = {}): Promise<ConvergeResult> {
  const planned = await planConvergence(model, opts);
  const result = await apply(planned.ops, { model, stack: planned.stack, files: planned.files, now, log, ...(planned.certs ? { certs: planned.certs } : {}) });
  return { ...planned, ...result };
}
