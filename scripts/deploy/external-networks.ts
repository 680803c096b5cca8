/**
 * The external networks edge.yaml asks HAProxy to join must exist before `up` changes anything:
 * Docker would only fail half-way through, at the container's creation.
 */
import type { EdgeModel } from '../../stacks/model.js';
import { ConfigError } from '../cli/errors.js';
import type { LoadedConfig } from '../config/load-config.js';
import * as engine from '../engine/index.js';

/** Throws a located ConfigError (exit 2) naming every `networks:` entry the engine does not have. */
export async function checkExternalNetworks(model: EdgeModel, locate: LoadedConfig['locate']): Promise<void> {
  const names = model.networks ?? [];
  const exists = await Promise.all(names.map((n) => engine.networkExists(n)));
  const problems = names
    .map((name, i) =>
      exists[i] ? undefined : locate(['networks', i], `network "${name}" does not exist on this Docker engine`, 'start the Compose project that owns it first, or `docker network create` it'),
    )
    .filter((p) => p !== undefined);
  if (problems.length) throw new ConfigError(problems);
}
