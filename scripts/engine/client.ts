/**
 * The Docker engine client: dockerode is imported in scripts/engine/ and nowhere else. Every call
 * goes through `engineCall`, so a failure names the operation and the object it was done to.
 * The engine is the one DOCKER_HOST names (scripts/engine/target.ts), local or remote.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type DockerClient from 'dockerode';
import { EngineError, UsageError } from '../cli/errors.js';
import { resolveDockerContext } from './context.js';
import { Docker } from './dockerode.js';
import { resolveSshEndpoint, SshDockerAgent } from './ssh-transport.js';
import { describeEngine, type EngineTarget, engineTarget, remoteHost } from './target.js';

let client: DockerClient | undefined;
let current: { target: EngineTarget; host?: string } | undefined;

/** The TLS files of a `tcp://` engine (docker CLI names: ca.pem, cert.pem, key.pem). */
function tlsFiles(certPath: string): { ca: Buffer; cert: Buffer; key: Buffer } {
  const read = (name: string) => {
    const path = join(certPath, name);
    if (!existsSync(path)) throw new UsageError(`DOCKER_TLS_VERIFY is set but ${path} does not exist (hint: DOCKER_CERT_PATH names the folder with ca.pem, cert.pem and key.pem)`);
    return readFileSync(path);
  };
  return { ca: read('ca.pem'), cert: read('cert.pem'), key: read('key.pem') };
}

function connect(): { docker: DockerClient; target: EngineTarget; host?: string } {
  const { env, context } = resolveDockerContext(process.env);
  const target: EngineTarget = { ...engineTarget(env), ...(context ? { context } : {}) };
  switch (target.kind) {
    case 'local':
      return { docker: new Docker({ socketPath: target.socket }), target };
    case 'ssh': {
      const ep = resolveSshEndpoint(target, env);
      // Plain HTTP inside the SSH channel; the host name only fills the Host header.
      return { docker: new Docker({ protocol: 'http', host: ep.host, agent: new SshDockerAgent(ep) } as DockerClient.DockerOptions), target, host: ep.host };
    }
    case 'tcp': {
      const tls = target.tls ? { protocol: 'https' as const, ...tlsFiles(target.tls.certPath) } : { protocol: 'http' as const };
      const host = remoteHost(target);
      return { docker: new Docker({ host: target.host, port: target.port, ...tls }), target, ...(host ? { host } : {}) };
    }
  }
}

/** The shared client for the engine DOCKER_HOST names (the local socket by default). */
export function docker(): DockerClient {
  if (!client) {
    const made = connect();
    client = made.docker;
    current = { target: made.target, ...(made.host ? { host: made.host } : {}) };
  }
  return client;
}

/** Which engine this process talks to: its URL as `status` shows it, and the remote host if any. */
export interface EngineInfo {
  url: string;
  description: string;
  /** The machine the engine runs on, as users reach it (ssh aliases resolved); absent when local. */
  remoteHost?: string;
}

/** The engine's identity (connects lazily, so it can be asked before the first call). */
export function engineInfo(): EngineInfo {
  docker();
  const { target, host } = current!;
  return { url: target.url, description: describeEngine(target), ...(host ? { remoteHost: host } : {}) };
}

/** Fails with a clear EngineError when no engine answers. */
export async function ping(): Promise<void> {
  try {
    await docker().ping();
  } catch (err) {
    if (err instanceof EngineError || err instanceof UsageError) throw err;
    const remote = current?.target.kind !== 'local';
    throw new EngineError('reach the Docker engine', current?.target.url ?? 'engine', err, remote ? 'Does `docker -H $DOCKER_HOST info` work from here?' : 'Is dockerd running? Try `docker info`.');
  }
}

/** Runs one engine call, turning its failure into an EngineError naming the operation and target. */
export async function engineCall<T>(operation: string, target: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof EngineError || err instanceof UsageError) throw err;
    throw new EngineError(operation, target, err);
  }
}

/** Docker's label filter for list calls: every label given as `key=value` or `key`. */
export const labelFilter = (labels: string[]) => JSON.stringify({ label: labels });
