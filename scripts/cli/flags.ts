/**
 * Flag parsing for every script: the common flags (--config, --project, --verbose, --help) plus
 * a script's own. Scripts stay thin: they parse flags here and compose library calls.
 */
import { type ParseArgsConfig, parseArgs } from 'node:util';
import { UsageError } from './errors.js';

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
  let parsed: ReturnType<typeof parseArgs>;
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
