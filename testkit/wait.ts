/** Waiting on a condition instead of sleeping: polls, and fails loudly with the last value seen. */

/** Polls `fn` until `check` passes; throws with the last reply (or error) after `timeoutMs`. */
export async function waitFor<T>(fn: () => Promise<T>, check: (v: T) => boolean, timeoutMs = 15_000, everyMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T | Error | undefined;
  while (Date.now() < deadline) {
    try {
      last = await fn();
      if (check(last)) return last;
    } catch (err) {
      last = err as Error;
    }
    await new Promise((r) => setTimeout(r, everyMs));
  }
  throw new Error(`condition not met within ${timeoutMs}ms; last: ${last instanceof Error ? last.message : JSON.stringify(last)?.slice(0, 300)}`);
}
