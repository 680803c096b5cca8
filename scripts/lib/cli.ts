/**
 * Flag parsing and the one top-level error handler every script uses. Scripts stay thin: they
 * parse flags here and compose library calls.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { ConfigError, EngineError, ExitError, UsageError } from './errors.js';

export interface CommonFlags {
  config?: string;
  project?: string;
  verbose: boolean;
  help: boolean;
}

type Options = NonNullable<ParseArgsConfig['options']>;

const COMMON: Options = {
  config: { type: 'string', short: 'c' },
  project: { type: 'string', short: 'p' },
  verbose: { type: 'boolean', short: 'v', default: false },
  help: { type: 'boolean', short: 'h', default: false },
};

export const COMMON_HELP = `  -c, --config FILE   edge.yaml to use (default ./edge.yaml, else the embedded demo)
  -p, --project NAME  Compose project name (overrides the file's "project")
  -v, --verbose       show stack traces on errors
  -h, --help          this help`;

/** Parses argv with the common flags plus `extra`; unknown flags are a UsageError (exit 2). */
export function parseFlags<T extends Record<string, unknown>>(argv: string[], extra: Options = {}): CommonFlags & T & { positionals: string[] } {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: { ...COMMON, ...extra }, allowPositionals: true, strict: true });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const values = parsed.values as Record<string, unknown>;
  if (typeof values.project === 'string' && !/^[a-z0-9][a-z0-9_-]*$/.test(values.project)) {
    throw new UsageError(`--project "${values.project}" must be lowercase letters, digits, _ or - (a Compose project name)`);
  }
  return { ...(values as CommonFlags & T), positionals: parsed.positionals };
}

/**
 * Runs a script body: maps typed errors to one clear line (stack only with --verbose) and the
 * exit code: 0 done, 1 runtime failure, 2 bad config or usage.
 */
export async function runScript(body: (argv: string[]) => Promise<number | void>): Promise<void> {
  const argv = process.argv.slice(2).filter((a) => a !== '--');
  const verbose = argv.includes('--verbose') || argv.includes('-v');
  try {
    process.exitCode = (await body(argv)) ?? 0;
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(`error: invalid configuration (${err.problems.length} problem${err.problems.length === 1 ? '' : 's'}):`);
      console.error(err.message.split('\n').map((l) => `  ${l}`).join('\n'));
    } else if (err instanceof UsageError) {
      console.error(`error: ${err.message} (see --help)`);
    } else if (err instanceof EngineError || err instanceof ExitError) {
      console.error(`error: ${err.message}`);
    } else {
      console.error(`error: ${err instanceof Error ? err.message : String(err)}`);
    }
    if (verbose && err instanceof Error && err.stack) console.error(err.stack);
    process.exitCode = (err as { exitCode?: number }).exitCode ?? 1;
  }
}
