/**
 * Docker contexts, read the way the docker CLI reads them: without `DOCKER_HOST`, the context named
 * by `DOCKER_CONTEXT`, else the `currentContext` of `$DOCKER_CONFIG/config.json` (default
 * `~/.docker`), gives the engine. A context lives in `contexts/meta/<sha256 of its name>/meta.json`
 * (its `Endpoints.docker.Host`), its TLS files in `contexts/tls/<same>/docker/` (ca.pem,
 * cert.pem, key.pem). The result is the environment `engineTarget` already understands, so a
 * context and the variables it stands for behave the same.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { UsageError } from '../cli/errors.js';

type Env = Record<string, string | undefined>;

/** The default context is the local engine, as with no context at all. */
const DEFAULT_CONTEXT = 'default';

const configDir = (env: Env) => env.DOCKER_CONFIG || join(env.HOME ?? '', '.docker');

function readJson(path: string): unknown {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new UsageError(`${path}: ${(err as Error).message}`);
  }
}

/** The context the docker CLI would use, and where the name came from; none without DOCKER_CONTEXT or currentContext. */
function contextName(env: Env): { name: string; from: string } | undefined {
  if (env.DOCKER_CONTEXT) return { name: env.DOCKER_CONTEXT, from: 'DOCKER_CONTEXT' };
  const config = join(configDir(env), 'config.json');
  if (!existsSync(config)) return undefined;
  const current = (readJson(config) as { currentContext?: unknown }).currentContext;
  return typeof current === 'string' && current !== '' ? { name: current, from: `currentContext in ${config}` } : undefined;
}

/**
 * `env` with the context applied (DOCKER_HOST, and for TLS DOCKER_TLS_VERIFY and DOCKER_CERT_PATH,
 * from the context; the variables' own TLS settings do not mix in) and the context's name. `env`
 * itself when DOCKER_HOST is set (it wins, as in the docker CLI) or no context but the default
 * is chosen.
 */
export function resolveDockerContext(env: Env): { env: Env; context?: string } {
  if (env.DOCKER_HOST?.trim()) return { env };
  const chosen = contextName(env);
  if (!chosen || chosen.name === DEFAULT_CONTEXT) return { env };
  const id = createHash('sha256').update(chosen.name).digest('hex');
  const meta = join(configDir(env), 'contexts', 'meta', id, 'meta.json');
  if (!existsSync(meta)) throw new UsageError(`docker context "${chosen.name}" (${chosen.from}) does not exist: no ${meta} (hint: docker context ls)`);
  const docker = (readJson(meta) as { Endpoints?: { docker?: { Host?: unknown; SkipTLSVerify?: unknown } } }).Endpoints?.docker;
  if (typeof docker?.Host !== 'string' || docker.Host === '') throw new UsageError(`docker context "${chosen.name}": ${meta} names no Endpoints.docker.Host`);
  if (docker.SkipTLSVerify === true)
    throw new UsageError(`docker context "${chosen.name}" skips TLS verification, which would let anyone between here and the engine act as it (hint: give the context the engine's CA)`);
  const tls = join(configDir(env), 'contexts', 'tls', id, 'docker');
  const withTls = docker.Host.startsWith('tcp://') && existsSync(join(tls, 'ca.pem')) ? { DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: tls } : {};
  return { env: { ...env, DOCKER_TLS_VERIFY: undefined, DOCKER_CERT_PATH: undefined, DOCKER_HOST: docker.Host, ...withTls }, context: chosen.name };
}
