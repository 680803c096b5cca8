/** Shell lines run inside the bench's containers through the engine adapter (`docker exec`). */
import * as engine from '../../scripts/engine/index.js';

/** Runs `bash -c script` in a container; throws with its output when it exits non-zero. */
export async function sh(container: string, script: string): Promise<string> {
  const res = await engine.exec(container, ['bash', '-c', script], { user: 'root' });
  if (res.exitCode !== 0) throw new Error(`${container}: \`${script.slice(0, 120)}\` exited ${res.exitCode}: ${(res.stderr || res.stdout).trim().slice(-600)}`);
  return res.stdout;
}

/** Like `sh` but returns the exit code and both outputs instead of throwing. */
export async function shTry(container: string, script: string): Promise<{ exitCode: number; stdout: string; stderr: string }> {
  return engine.exec(container, ['bash', '-c', script], { user: 'root' });
}

/** Single-quotes a value for bash (the scripts are built as text for `bash -c`). */
export const q = (s: string | number) => `'${String(s).replace(/'/g, `'\\''`)}'`;
