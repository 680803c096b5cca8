/**
 * The one top-level handler every script runs its body in: typed errors become one clear line
 * (the stack only with --verbose) and an exit code: 0 done, 1 runtime failure, 2 bad config or usage.
 */
import { ConfigError, UsageError } from './errors.js';

/** The exit code an error asks for (ConfigError and UsageError: 2), else 1. */
function exitCodeOf(err: unknown): number {
  const code = (err as { exitCode?: unknown })?.exitCode;
  return typeof code === 'number' ? code : 1;
}

function describe(err: unknown): string {
  if (err instanceof ConfigError) {
    const n = err.problems.length;
    return `error: invalid configuration (${n} problem${n === 1 ? '' : 's'}):\n${err.message
      .split('\n')
      .map((l) => `  ${l}`)
      .join('\n')}`;
  }
  if (err instanceof UsageError) return `error: ${err.message} (see --help)`;
  return `error: ${err instanceof Error ? err.message : String(err)}`;
}

/** Runs a script body with process.argv (minus npm's `--`) and sets process.exitCode. */
export async function runScript(body: (argv: string[]) => Promise<number | undefined>): Promise<void> {
  const argv = process.argv.slice(2).filter((a) => a !== '--');
  const verbose = argv.includes('--verbose') || argv.includes('-v');
  try {
    process.exitCode = (await body(argv)) ?? 0;
  } catch (err) {
    console.error(describe(err));
    if (verbose && err instanceof Error && err.stack) console.error(err.stack);
    process.exitCode = exitCodeOf(err);
  }
}
