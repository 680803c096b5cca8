/**
 * The npm-run entry points as a user runs them: `scripts/<name>.ts` in one node process with
 * tsx's loader, with the environment the test gives (DOCKER_HOST, HOME, …), bounded in time.
 * One process, not the `tsx` CLI: that CLI relays Ctrl-C to a child and, when the child has not
 * answered within 30 ms (a busy CI machine), SIGKILLs it and exits 130 itself; a user's
 * `node bin/tunnelgate.mjs` is one process too.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const REPO = fileURLToPath(new URL('../../', import.meta.url));
/** `node` with tsx's loader: the TypeScript source runs as it is, in this one process. */
export const NODE_TSX = [process.execPath, '--import', 'tsx'] as const;

export interface CliResult {
  exitCode: number | null;
  stdout: string;
  stderr: string;
}

/** A running script: its output so far, and its end. */
export interface CliProcess {
  child: ChildProcess;
  /** Ctrl-C as a terminal sends it: SIGINT to the whole process group (npm and node alike). */
  interrupt: () => void;
  stdout: () => string;
  stderr: () => string;
  done: Promise<CliResult>;
}

/** Starts `scripts/<script>.ts` with `args`; `env` is added to this process's environment. */
export function startCli(script: string, args: string[], env: Record<string, string> = {}): CliProcess {
  // Its own process group, like a foreground job in a terminal.
  const child = spawn(NODE_TSX[0], [...NODE_TSX.slice(1), `scripts/${script}.ts`, ...args], { cwd: REPO, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (b: Buffer) => (stdout += b.toString()));
  child.stderr?.on('data', (b: Buffer) => (stderr += b.toString()));
  const done = new Promise<CliResult>((resolve) => child.on('close', (code) => resolve({ exitCode: code, stdout, stderr })));
  const interrupt = () => {
    if (child.pid !== undefined && child.exitCode === null) process.kill(-child.pid, 'SIGINT');
  };
  return { child, interrupt, stdout: () => stdout, stderr: () => stderr, done };
}

/** Runs a script to its end; killed (and failing) after `timeoutMs`. */
export async function runCli(script: string, args: string[], env: Record<string, string> = {}, timeoutMs = 90_000): Promise<CliResult> {
  const p = startCli(script, args, env);
  const timer = setTimeout(() => {
    if (p.child.pid !== undefined) process.kill(-p.child.pid, 'SIGKILL');
  }, timeoutMs);
  const res = await p.done;
  clearTimeout(timer);
  if (res.exitCode === null) throw new Error(`scripts/${script}.ts ${args.join(' ')} did not finish within ${timeoutMs / 1000}s:\n${res.stdout}\n${res.stderr}`);
  return res;
}
