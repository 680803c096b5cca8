/**
 * Carries out a plan, op by op, in order. No decisions here beyond "how" (the plan said "what").
 */
import { createPlaceholderPem } from '../../certs/placeholder.js';
import { checkSshdConfigArgv, pruneAuthorizedKeysArgv, syncUsersArgv } from '../../sshd/image-paths.js';
import * as engine from './engine.js';
import { ExitError } from './errors.js';
import { filesHashPath, type ServiceFiles } from './files.js';
import { reloadHaproxy, swapHaproxyFiles, waitHaproxyReady } from './haproxy-control.js';
import { certName, certPath, HAPROXY_UID, MOUNTS, SSHD } from './layout.js';
import type { Op } from './plan.js';
import { containerName, type AnyService, type DesiredStack, type Service } from './stack.js';

export interface ApplyContext {
  desired: DesiredStack;
  files: ServiceFiles;
  now: Date;
  log: (line: string) => void;
}

const asFiles = (files: Record<string, string>): engine.FileToWrite[] => Object.entries(files).map(([path, content]) => ({ path, content }));

/** Placeholder PEMs for hosts that have none yet: the private key readable by HAProxy only. */
async function placeholderFiles(hosts: string[], now: Date): Promise<engine.FileToWrite[]> {
  return Promise.all(
    hosts.map(async (host) => ({
      path: certPath(host),
      content: await createPlaceholderPem(host === '_default' ? 'default.invalid' : host, now),
      mode: 0o600,
      uid: HAPROXY_UID,
      gid: HAPROXY_UID,
    })),
  );
}

/** Writes everything a fresh container needs before its first start. */
async function provision(service: Service, ctx: ApplyContext): Promise<void> {
  const name = ctx.desired.containers[service].name;
  const files = asFiles(ctx.files.files[service]);
  if (service === 'haproxy') {
    const present = new Set((await engine.listDir(name, MOUNTS.certs)).map((n) => n.replace(/\.pem$/, '')));
    const missing = ctx.files.certHosts.filter((h) => !present.has(certName(h)));
    if (missing.length) ctx.log(`  placeholder certificates: ${missing.join(', ')}`);
    files.push(...(await placeholderFiles(missing, ctx.now)));
  }
  files.push({ path: filesHashPath(service), content: `${ctx.files.hash[service]}\n` });
  await engine.putFiles(name, files);
}

/** The desired container of a service (an optional one only exists when the plan asked for it). */
const specOf = (ctx: ApplyContext, service: AnyService) => ctx.desired.containers[service]!;

async function create(service: AnyService, ctx: ApplyContext): Promise<void> {
  const spec = specOf(ctx, service);
  await engine.createContainer(spec);
  // Pebble needs no files: it makes its own keys at start.
  if (service !== 'pebble') await provision(service, ctx);
  await engine.startContainer(spec.name);
  if (service === 'haproxy') await waitHaproxyReady(spec.name);
}

/** Applies new sshd files to the running container: accounts synced live, sshd re-reads its config. */
async function updateUsers(ctx: ApplyContext): Promise<void> {
  const name = ctx.desired.containers.sshd.name;
  await engine.putFiles(name, asFiles(ctx.files.files.sshd));
  const users = Object.keys(ctx.files.files.sshd).filter((p) => p.startsWith(`${SSHD.authorizedKeysDir}/`)).map((p) => p.slice(SSHD.authorizedKeysDir.length + 1));
  await engine.exec(name, pruneAuthorizedKeysArgv(users));
  const res = await engine.exec(name, syncUsersArgv());
  if (res.exitCode !== 0) throw new ExitError(`sshd (${name}): updating users failed: ${(res.stderr || res.stdout).trim()}`);
  for (const line of res.stdout.trim().split('\n')) if (line.trim()) ctx.log(`  ${line}`);
  // sshd re-execs itself on SIGHUP: a config it rejects would stop the container and every
  // tunnel with it, so check first. Established sessions are separate processes and stay.
  const check = await engine.exec(name, checkSshdConfigArgv());
  if (check.exitCode !== 0) throw new ExitError(`sshd (${name}) rejected the new sshd_config; not reloaded:\n${(check.stderr || check.stdout).trim()}`);
  await engine.signalContainer(name, 'SIGHUP');
  await engine.putFiles(name, [{ path: filesHashPath('sshd'), content: `${ctx.files.hash.sshd}\n` }]);
}

export async function apply(ops: Op[], ctx: ApplyContext): Promise<void> {
  for (const o of ops) {
    ctx.log(`${o.op} ${o.target} (${o.cause})`);
    switch (o.op) {
      case 'create-network':
        await engine.createNetwork(o.target, ctx.desired.network.labels);
        break;
      case 'create-volume':
        await engine.createVolume(o.target, ctx.desired.volumes.find((v) => v.name === o.target)!.labels);
        break;
      case 'create':
        await create(o.target, ctx);
        break;
      case 'recreate':
        await engine.stopContainer(specOf(ctx, o.target).name);
        await engine.removeContainer(specOf(ctx, o.target).name);
        await create(o.target, ctx);
        break;
      case 'remove':
        await engine.removeContainer(containerName(ctx.desired.project, o.target));
        break;
      case 'start':
        if (o.target === 'haproxy' || o.target === 'sshd') await provision(o.target, ctx);
        await engine.startContainer(specOf(ctx, o.target).name);
        if (o.target === 'haproxy') await waitHaproxyReady(ctx.desired.containers.haproxy.name);
        break;
      case 'placeholder-certs':
        await engine.putFiles(ctx.desired.containers.haproxy.name, await placeholderFiles(o.hosts, ctx.now));
        break;
      case 'reload': {
        const name = ctx.desired.containers.haproxy.name;
        await swapHaproxyFiles(name, ctx.files.files.haproxy);
        await reloadHaproxy(name, ctx.files.files.haproxy);
        await engine.putFiles(name, [{ path: filesHashPath('haproxy'), content: `${ctx.files.hash.haproxy}\n` }]);
        break;
      }
      case 'update-users':
        await updateUsers(ctx);
        break;
    }
  }
}
