/**
 * The `up` pipeline shared by the script and the tests: model → images → desired stack → observe
 * → plan → apply.
 */
import { apply } from './apply.js';
import * as engine from './engine.js';
import { renderServiceFiles, type ServiceFiles } from './files.js';
import { desiredStack } from './desired.js';
import { ensureImage, imageContext, type ImageName } from './images.js';
import type { EdgeModel } from './model.js';
import { observe } from './observe.js';
import { plan, type Op } from './plan.js';
import { hostsNeedingCertificates, renew, type RenewResult } from './renew.js';
import type { DesiredStack } from './stack.js';

export interface Planned {
  desired: DesiredStack;
  files: ServiceFiles;
  ops: Op[];
}

export interface UpOptions {
  /**
   * Obtain certificates for hosts still on their placeholder after applying (`--no-acme` turns
   * it off). Off by default for library callers; scripts/up.ts turns it on. With `acme.ca:
   * pebble` it also brings the embedded CA into the stack.
   */
  acme?: boolean;
}

/** Whether the embedded CA belongs to the stack for this model and options. */
const wantsPebble = (model: EdgeModel, opts: UpOptions) => Boolean(opts.acme) && model.acme.ca === 'pebble';

/** Computes the plan without building or changing anything (image tags come from content hashes). */
export async function planUp(model: EdgeModel, opts: UpOptions = {}): Promise<Planned> {
  const images = { haproxy: imageContext('haproxy').tag, sshd: imageContext('sshd').tag, ...(wantsPebble(model, opts) ? { pebble: imageContext('pebble').tag } : {}) };
  const desired = desiredStack(model, images);
  const files = renderServiceFiles(model);
  const observed = await observe(model.project);
  return { desired, files, ops: plan(desired, files, observed) };
}

export interface UpResult extends Planned {
  built: string[];
  /** The bootstrap pass for hosts on placeholders (absent when ACME was off or nothing needed it). */
  acme?: RenewResult;
}

/** Builds missing images, then plans and applies. */
export async function up(model: EdgeModel, log: (line: string) => void, now = new Date(), opts: UpOptions = {}): Promise<UpResult> {
  await engine.ping();
  const built: string[] = [];
  const names: ImageName[] = ['haproxy', 'sshd', ...(wantsPebble(model, opts) ? (['pebble', 'renewer'] as const) : opts.acme ? (['renewer'] as const) : [])];
  for (const name of names) {
    const tag = imageContext(name).tag;
    if (await engine.imageExists(tag)) continue;
    log(`building image ${tag} (first run or changed Dockerfile; takes a minute or two)`);
    const started = Date.now();
    await ensureImage(name, (line) => {
      if (/^Step \d+\/\d+/.test(line)) log(`  ${name}: ${line}`);
    });
    built.push(name);
    log(`  built ${tag} in ${((Date.now() - started) / 1000).toFixed(1)}s`);
  }
  const planned = await planUp(model, opts);
  await apply(planned.ops, { desired: planned.desired, files: planned.files, now, log });
  if (!opts.acme) return { ...planned, built };
  // Placeholders stay in service until the real certificate is rotated in (no restart). A valid
  // certificate is never re-issued here: only hosts HAProxy serves a placeholder for are asked.
  const hosts = await hostsNeedingCertificates(model, planned.desired.containers.haproxy.name);
  if (hosts.length === 0) return { ...planned, built };
  const acme = await renew(model, { force: false, hosts, log });
  return { ...planned, built, acme };
}
