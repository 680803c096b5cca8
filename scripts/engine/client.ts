/**
 * The Docker engine client: dockerode is imported in scripts/engine/ and nowhere else. Every call
 * goes through `engineCall`, so a failure names the operation and the object it was done to.
 */
import Docker from 'dockerode';
import { EngineError } from '../cli/errors.js';

let client: Docker | undefined;

/** The shared client; honours DOCKER_HOST like the docker CLI does. */
export function docker(): Docker {
  client ??= new Docker();
  return client;
}

/** Fails with a clear EngineError when no engine answers. */
export async function ping(): Promise<void> {
  try {
    await docker().ping();
  } catch (err) {
    throw new EngineError('reach the Docker engine', 'engine', err, 'Is dockerd running? Try `docker info`.');
  }
}

/** Runs one engine call, turning its failure into an EngineError naming the operation and target. */
export async function engineCall<T>(operation: string, target: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof EngineError) throw err;
    throw new EngineError(operation, target, err);
  }
}

/** Docker's label filter for list calls: every label given as `key=value` or `key`. */
export const labelFilter = (labels: string[]) => JSON.stringify({ label: labels });
