/** Images: whether a tag exists, and building one from a context folder. */
import { EngineError } from '../cli/errors.js';
import { docker, engineCall } from './client.js';
import type { BuildRequest } from './spec.js';

export async function imageExists(tag: string): Promise<boolean> {
  try {
    await docker().getImage(tag).inspect();
    return true;
  } catch {
    return false;
  }
}

/** Builds an image. A failed build still "finishes" in the Docker API: look for an `error` entry. */
export async function buildImage(req: BuildRequest): Promise<void> {
  const what = `build image ${req.tag}`;
  // The last lines of build output go into the error: they say which step failed and why.
  const tail: string[] = [];
  const stream = await engineCall(what, req.tag, () =>
    docker().buildImage(
      { context: req.context, src: req.files },
      { t: req.tag, dockerfile: req.dockerfile, labels: req.labels, ...(req.buildArgs ? { buildargs: req.buildArgs } : {}), rm: true, forcerm: true },
    ),
  );
  const output: Array<{ error?: string; errorDetail?: { message?: string } }> = await engineCall(
    what,
    req.tag,
    () =>
      new Promise((resolve, reject) => {
        docker().modem.followProgress(
          stream,
          (err: Error | null, res: unknown[]) => (err ? reject(err) : resolve(res as never)),
          (event: { stream?: string }) => {
            for (const line of (event.stream ?? '').split('\n')) {
              if (!line.trim()) continue;
              tail.push(line);
              if (tail.length > 15) tail.shift();
              req.onProgress?.(line);
            }
          },
        );
      }),
  );
  const failed = output.find((e) => e.error);
  if (failed) throw new EngineError(what, req.tag, new Error(`${failed.errorDetail?.message ?? failed.error}\n  last output:\n    ${tail.join('\n    ')}`));
}
