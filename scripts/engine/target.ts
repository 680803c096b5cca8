/**
 * Which Docker engine a command talks to, read the way the docker CLI reads it: `DOCKER_HOST`
 * (`unix://`, `ssh://[user@]host[:port]`, `tcp://host:port`) with `DOCKER_TLS_VERIFY` and
 * `DOCKER_CERT_PATH` for TLS (a docker context is turned into these first: context.ts). Pure:
 * the environment is passed in.
 */
import { UsageError } from '../cli/errors.js';

const DEFAULT_SOCKET = '/var/run/docker.sock';

/** The engine as the user named it; `url` is what `status` shows and `.state/` records. */
export type EngineTarget = (
  | { kind: 'local'; socket: string; url: string }
  | { kind: 'ssh'; host: string; user?: string; port?: number; url: string }
  | { kind: 'tcp'; host: string; port: number; tls?: { certPath: string }; url: string }
) & {
  /** The docker context it came from (scripts/engine/context.ts), when one was used. */
  context?: string;
};

type Env = Record<string, string | undefined>;

const isLoopback = (host: string) => host === 'localhost' || /^127\./.test(host) || host === '::1' || host === '[::1]';

function invalid(value: string, why: string): UsageError {
  return new UsageError(`DOCKER_HOST=${value}: ${why} (expected unix:///path, ssh://[user@]host[:port] or tcp://host:port)`);
}

/** The engine `env` names; the local socket when DOCKER_HOST is unset or empty. */
export function engineTarget(env: Env): EngineTarget {
  const value = env.DOCKER_HOST?.trim() ?? '';
  if (value === '') return { kind: 'local', socket: DEFAULT_SOCKET, url: `unix://${DEFAULT_SOCKET}` };
  if (value.startsWith('unix://')) {
    const socket = value.slice('unix://'.length) || DEFAULT_SOCKET;
    return { kind: 'local', socket, url: `unix://${socket}` };
  }
  let url: URL;
  try {
    url = new URL(value.includes('://') ? value : `tcp://${value}`);
  } catch {
    throw invalid(value, 'not a URL');
  }
  if (url.protocol !== 'ssh:' && url.protocol !== 'tcp:') throw invalid(value, `scheme ${url.protocol.replace(/:$/, '')} is not supported`);
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (!host) throw invalid(value, 'no host');
  if (url.pathname !== '' && url.pathname !== '/') throw invalid(value, 'a path is not supported');
  if (url.protocol === 'ssh:') {
    if (url.password) throw invalid(value, 'a password in the URL is not supported; use a key or ssh-agent');
    const user = decodeURIComponent(url.username);
    const port = url.port ? Number(url.port) : undefined;
    return { kind: 'ssh', host, ...(user ? { user } : {}), ...(port ? { port } : {}), url: `ssh://${user ? `${user}@` : ''}${url.host}` };
  }
  const tlsVerify = (env.DOCKER_TLS_VERIFY ?? '') !== '' && env.DOCKER_TLS_VERIFY !== '0';
  const port = url.port ? Number(url.port) : tlsVerify ? 2376 : 2375;
  if (!tlsVerify) {
    // A plain TCP engine is root on that machine for anyone who can reach the port: only over
    // loopback (e.g. the end of an `ssh -L` forward), never across a network.
    if (!isLoopback(host)) {
      throw new UsageError(`DOCKER_HOST=${value}: an engine over plain TCP gives anyone on the network root on it (hint: set DOCKER_TLS_VERIFY=1 and DOCKER_CERT_PATH, or use ssh://user@${host})`);
    }
    return { kind: 'tcp', host, port, url: `tcp://${url.hostname}:${port}` };
  }
  const certPath = env.DOCKER_CERT_PATH || `${env.HOME ?? ''}/.docker`;
  return { kind: 'tcp', host, port, tls: { certPath }, url: `tcp://${url.hostname}:${port}` };
}

/** The host users reach the edge at when the engine is remote; `undefined` for the local engine. */
export function remoteHost(target: EngineTarget): string | undefined {
  if (target.kind === 'local' || (target.kind === 'tcp' && isLoopback(target.host))) return undefined;
  return target.host;
}

/** How `status` names the engine: its URL, and for TCP whether TLS is verified. */
export function describeEngine(target: EngineTarget): string {
  const context = target.context ? ` (docker context "${target.context}")` : '';
  if (target.kind === 'tcp') return `${target.url} (${target.tls ? `TLS verified with ${target.tls.certPath}` : 'plain TCP on loopback'})${context}`;
  return `${target.url}${context}`;
}
