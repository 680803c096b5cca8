/**
 * Carries out a plan, op by op, in order. It decides nothing: the plan said what, and each op here
 * is only how (which engine calls, in which order). Builds run in parallel with each other and
 * with the ops that do not need their image.
 */
import { createPlaceholderPem } from '../../certs/placeholder.js';
import { checkSshdConfigArgv, pruneSshdFilesArgv, syncUsersArgv } from '../../sshd/image-paths.js';
import { certPath, DEFAULT_CERT_NAME, HAPROXY_UID } from '../../stacks/layout.js';
import type { EdgeModel } from '../../stacks/model.js';
import { type AnyService, containerName, type Service } from '../../stacks/services.js';
import { ExitError } from '../cli/errors.js';
import * as engine from '../engine/index.js';
import { cleanupHaproxyFiles, reloadHaproxy, swapHaproxyFiles, waitHaproxyReady } from '../live/haproxy-control.js';
import { replaceRuntimeFiles } from '../live/haproxy-runtime.js';
import { type RenewalResult, runRenewal } from '../live/renewal.js';
import { waitSshdReady } from '../live/sshd-control.js';
import { buildWaits } from './build-waits.js';
import { renewalSetup } from './certificates.js';
import { filesHashPath, HAPROXY_MANIFEST_PATH, type ServiceFiles } from './files.js';
import { buildImageFrom, imageContext } from './images.js';
import { writeLoginSummaries } from './login.js';
import type { ObservedCerts, Op } from './plan.js';
import { describeOp } from './plan-text.js';
import type { DesiredStack } from './stack.js';

export interface ApplyContext {
  model: EdgeModel;
  stack: DesiredStack;
  files: ServiceFiles;
  now: Date;
  log: (line: string) => void;
  /** The certs volume as the plan observed it: what the login summaries show until this apply issues any. */
  certs?: ObservedCerts;
}

export interface ApplyResult {
  /** The `issue-certs` pass, when the plan had one. */
  issued?: RenewalResult;
}

const asFiles = (files: Record<string, string>): engine.FileToWrite[] => Object.entries(files).map(([path, content]) => ({ path, content }));

/** The desired container of a service (an optional one only exists when the plan asked for it). */
function specOf(ctx: ApplyContext, service: AnyService): engine.ContainerSpec {
  const spec = ctx.stack.containers[service];
  if (!spec) throw new Error(`the plan names ${service}, which the desired stack does not have`);
  return spec;
}

/** What records a service's files as applied, by path: their hash, and for haproxy their manifest. */
function appliedRecord(service: Service, ctx: ApplyContext): Record<string, string> {
  const hash = { [filesHashPath(service)]: `${ctx.files.hash[service]}\n` };
  return service === 'haproxy' ? { ...hash, [HAPROXY_MANIFEST_PATH]: `${JSON.stringify(ctx.files.haproxyManifest)}\n` } : hash;
}

/** The rendered haproxy files among `paths` (what an op names as changed), by path. */
function renderedHaproxy(paths: string[], ctx: ApplyContext): Record<string, string> {
  const rendered = ctx.files.files.haproxy;
  return Object.fromEntries(paths.filter((path) => path in rendered).map((path) => [path, rendered[path]!]));
}

/** A service's rendered files and the record of them as applied. */
async function writeServiceFiles(service: Service, ctx: ApplyContext): Promise<void> {
  await engine.putFiles(specOf(ctx, service).name, asFiles({ ...ctx.files.files[service], ...appliedRecord(service, ctx) }));
}

/**
 * Swaps in the files that changed (checked: a later reload or restart reads them), replaces the
 * changed maps and lists at run time, then cleans up and records. Only the changed files: with
 * a page per tunnel route, rewriting all of them cost 1,000 routes about 0.3 s.
 */
async function updateRoutes(o: Extract<Op, { op: 'update-routes' }>, ctx: ApplyContext): Promise<void> {
  const name = specOf(ctx, 'haproxy').name;
  const rendered = ctx.files.files.haproxy;
  await swapHaproxyFiles(name, renderedHaproxy(o.swap, ctx));
  const kinds = Object.fromEntries(Object.entries(ctx.files.haproxyManifest.runtime).map(([path, f]) => [path, f.kind]));
  await replaceRuntimeFiles(name, o.files, rendered, kinds);
  await cleanupHaproxyFiles(name, rendered, appliedRecord('haproxy', ctx));
}

/** Placeholder PEMs for `hosts`: self-signed, the private key readable by HAProxy only. */
async function writePlaceholders(hosts: string[], ctx: ApplyContext): Promise<void> {
  const files = await Promise.all(
    hosts.map(async (host) => ({
      path: certPath(host),
      content: await createPlaceholderPem(host === DEFAULT_CERT_NAME ? 'default.invalid' : host, ctx.now),
      mode: 0o600,
      uid: HAPROXY_UID,
      gid: HAPROXY_UID,
    })),
  );
  await engine.putFiles(specOf(ctx, 'haproxy').name, files);
}

/** Creates a container and, for haproxy and sshd, writes its config files before its first start. */
async function create(service: AnyService, ctx: ApplyContext): Promise<void> {
  await engine.createContainer(specOf(ctx, service));
  if (service === 'haproxy' || service === 'sshd') await writeServiceFiles(service, ctx);
}

/**
 * Applies new sshd files to the running container: accounts, share groups and directories synced
 * live; connections of removed users, keys, CAs and share memberships ended (sync-users.sh); sshd
 * re-reads its config.
 */
async function updateUsers(ctx: ApplyContext): Promise<void> {
  const name = specOf(ctx, 'sshd').name;
  await engine.putFiles(name, asFiles(ctx.files.files.sshd));
  await engine.exec(name, pruneSshdFilesArgv(Object.keys(ctx.files.files.sshd)));
  const res = await engine.exec(name, syncUsersArgv());
  if (res.exitCode !== 0) throw new ExitError(`sshd (${name}): updating users failed: ${(res.stderr || res.stdout).trim()}`);
  for (const line of `${res.stdout}\n${res.stderr}`.trim().split('\n')) if (line.trim()) ctx.log(`  ${line}`);
  // sshd re-execs itself on SIGHUP: a config it rejects would stop the container and every
  // tunnel with it, so check first. Established sessions are separate processes and stay.
  const check = await engine.exec(name, checkSshdConfigArgv());
  if (check.exitCode !== 0) throw new ExitError(`sshd (${name}) rejected the new sshd_config; not reloaded:\n${(check.stderr || check.stdout).trim()}`);
  await engine.signalContainer(name, 'SIGHUP');
  await engine.putFiles(name, asFiles(appliedRecord('sshd', ctx)));
}

/**
 * Starts the plan's builds, all at once but each after its base; returns them by image name.
 * Each carries a handler already, so a failure is not unhandled before an op waits for it.
 */
function startBuilds(ops: Array<Extract<Op, { op: 'build' }>>, ctx: ApplyContext): Map<string, Promise<void>> {
  const one = async (o: Extract<Op, { op: 'build' }>) => {
    const started = Date.now();
    await buildImageFrom(await imageContext(o.target), (line) => {
      if (/^Step \d+\/\d+/.test(line)) ctx.log(`  ${o.target}: ${line}`);
    });
    ctx.log(`  built ${o.tag} in ${((Date.now() - started) / 1000).toFixed(1)}s`);
  };
  const builds = new Map<string, Promise<void>>();
  for (const o of ops) {
    const build = (o.after ? (builds.get(o.after) ?? Promise.resolve()) : Promise.resolve()).then(() => one(o));
    build.catch(() => {});
    builds.set(o.target, build);
  }
  return builds;
}

async function applyOne(o: Exclude<Op, { op: 'build' }>, ctx: ApplyContext, result: ApplyResult): Promise<void> {
  switch (o.op) {
    case 'create-network':
      return engine.createNetwork(o.target, ctx.stack.network.labels);
    case 'create-volume':
      return engine.createVolume(o.target, ctx.stack.volumes.find((v) => v.name === o.target)?.labels ?? {});
    case 'remove-volume':
      return engine.removeVolume(o.target);
    case 'create':
      return create(o.target, ctx);
    case 'recreate':
      await engine.stopContainer(specOf(ctx, o.target).name);
      await engine.removeContainer(specOf(ctx, o.target).name);
      return create(o.target, ctx);
    case 'write-files':
      return writeServiceFiles(o.target, ctx);
    case 'start':
      await engine.startContainer(specOf(ctx, o.target).name);
      if (o.target === 'haproxy') await waitHaproxyReady(specOf(ctx, 'haproxy').name);
      if (o.target === 'sshd') await waitSshdReady(specOf(ctx, 'sshd').name);
      return;
    case 'remove':
      return engine.removeContainer(containerName(ctx.stack.project, o.target));
    case 'placeholder-certs':
      return writePlaceholders(o.hosts, ctx);
    case 'reload': {
      const name = specOf(ctx, 'haproxy').name;
      const rendered = ctx.files.files.haproxy;
      const changed = renderedHaproxy(o.files, ctx);
      // The reload checks the config (and rolls back), so no `haproxy -c` first.
      await swapHaproxyFiles(name, changed, { check: false });
      return reloadHaproxy(name, changed, { record: appliedRecord('haproxy', ctx), rendered });
    }
    case 'update-routes':
      return updateRoutes(o, ctx);
    case 'update-users':
      return updateUsers(ctx);
    case 'update-login':
      // The planned certificates, so the summaries match the hash the plan compared (and 1,000
      // certificates' metadata are not read twice); after an issuance, the volume as it is now.
      return writeLoginSummaries(ctx.model, specOf(ctx, 'sshd').name, { container: specOf(ctx, 'haproxy').name, certs: result.issued ? undefined : ctx.certs });
    case 'issue-certs': {
      const setup = renewalSetup(ctx.stack, (await imageContext('renewer')).tag, Boolean(ctx.stack.containers.pebble));
      result.issued = await runRenewal(ctx.model, setup, { force: false, hosts: o.hosts, log: ctx.log });
      return;
    }
  }
}

/** Ops that change only a running HAProxy (its files, certificates and runtime state). */
const HAPROXY_LIVE: ReadonlySet<Op['op']> = new Set(['placeholder-certs', 'reload', 'update-routes']);

/**
 * Runs the ops in order, logging each the way `up --dry-run` prints it. Two exceptions to one at
 * a time. Builds start together (each after its base) and the ops that only add go on meanwhile,
 * each waiting for the image it runs on (`buildWaits`), so a first `up` creates the network,
 * volumes, sshd and HAProxy while the renewer's image is still building (3–5 s of a cold `up` on
 * a 2-core VM); nothing that already ran is touched before every build has succeeded.
 * And login summaries (sshd's volume, planned from the certificates observed) are written while
 * the HAProxy ops right after them run, since neither waits for the other (at 1,000 routes that
 * took 0.3–0.5 s off adding a route).
 */
export async function apply(ops: Op[], ctx: ApplyContext): Promise<ApplyResult> {
  const result: ApplyResult = {};
  const buildOps = ops.filter((o): o is Extract<Op, { op: 'build' }> => o.op === 'build');
  for (const b of buildOps) ctx.log(describeOp(b));
  const builds = startBuilds(buildOps, ctx);
  const waits = buildWaits(ops, ctx.stack);
  let beside: Promise<void> | undefined;
  for (const [i, o] of ops.entries()) {
    if (o.op === 'build') continue;
    if (beside && !HAPROXY_LIVE.has(o.op)) {
      await beside;
      beside = undefined;
    }
    const wait = waits[i];
    await (wait === 'all' ? Promise.all(builds.values()) : wait && builds.get(wait));
    if (o.op === 'update-login' && !result.issued && HAPROXY_LIVE.has(ops[i + 1]?.op as Op['op'])) {
      ctx.log(describeOp(o));
      beside = applyOne(o, ctx, result);
      // Awaited below; until then a failure must not count as unhandled.
      beside.catch(() => {});
      continue;
    }
    ctx.log(describeOp(o));
    await applyOne(o, ctx, result);
  }
  // A build no op waited for (an image only later commands use) must still have worked.
  await Promise.all(builds.values());
  await beside;
  return result;
}
