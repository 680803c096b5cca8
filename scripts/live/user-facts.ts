/**
 * What `status --user` reads from the running stack for one user: the server's host key, whether
 * a client listens on each of the user's sockets (asked inside sshd, as the login program does),
 * and the dates of the user's issued certificates.
 */
import { probeSocketsArgv } from '../../sshd/image-paths.js';
import type { EdgeModel } from '../../stacks/model.js';
import { containerName } from '../../stacks/services.js';
import * as engine from '../engine/index.js';
import { readCertificateFacts } from './certificate-facts.js';
import { readHostKey } from './server-host-key.js';

export interface UserFacts {
  hostKey?: string;
  /** Per socket path: listened on or not; absent when sshd could not be asked. */
  listening: Record<string, boolean>;
  /** notAfter of each issued certificate, by route host (placeholders are absent). */
  certificates: Record<string, Date>;
}

/** Reads the facts, probing `sockets` (a summary's, see summarySockets). Never throws for a stopped stack. */
export async function readUserFacts(model: EdgeModel, sockets: string[]): Promise<UserFacts> {
  const hostKey = await readHostKey(model.project);
  const listening: Record<string, boolean> = {};
  const probe = sockets.length ? await engine.exec(containerName(model.project, 'sshd'), probeSocketsArgv(sockets)).catch(() => undefined) : undefined;
  for (const line of probe?.exitCode === 0 ? probe.stdout.split('\n') : []) {
    const [flag, path] = [line.slice(0, 1), line.slice(2)];
    if (path) listening[path] = flag === '1';
  }
  const certificates: Record<string, Date> = {};
  const facts = await readCertificateFacts(containerName(model.project, 'haproxy'), model).catch(() => ({}));
  for (const [host, obs] of Object.entries(facts)) {
    // Issued certificates only, as the login summary (the renewer's metadata has a serial).
    if (obs.meta?.serial && obs.meta.notAfter) certificates[host] = new Date(obs.meta.notAfter);
  }
  return { ...(hostKey ? { hostKey } : {}), listening, certificates };
}
