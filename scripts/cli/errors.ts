/**
 * Typed errors. Each script has one top-level handler (`runScript` in cli.ts) that maps them to
 * one printed line and an exit code: 2 for bad config or usage, 1 for runtime failures.
 */

/** One located problem in edge.yaml. */
export interface ConfigProblem {
  file: string;
  line?: number;
  col?: number;
  /** YAML path like `routes[1].tunnel`; empty for the document itself. */
  path: string;
  message: string;
  hint?: string;
}

/**
 * Text from edge.yaml as it may appear in a message: control characters (a line break in a quoted
 * value would split the one-problem-per-line output) as escapes, and at most `max` characters.
 */
function printable(text: string, max = 400): string {
  const escaped = text.replace(/[\p{Cc}\u2028\u2029]/gu, (c) => (c === '\n' ? '\\n' : c === '\t' ? '\\t' : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`));
  return escaped.length > max ? `${escaped.slice(0, max)}…` : escaped;
}

/** One problem on one line: `edge.yaml:8:13 routes[0].tunnel: problem (hint: …)`. */
export function formatProblem(p: ConfigProblem): string {
  const where = p.line ? `${p.file}:${p.line}:${p.col ?? 1}` : p.file;
  const path = p.path ? ` ${printable(p.path, 200)}:` : '';
  return `${where}${path} ${printable(p.message)}${p.hint ? ` (hint: ${printable(p.hint)})` : ''}`;
}

/** A config that cannot be used; carries every problem found, not just the first. */
export class ConfigError extends Error {
  readonly exitCode = 2;
  constructor(readonly problems: ConfigProblem[]) {
    super(problems.map(formatProblem).join('\n'));
    this.name = 'ConfigError';
  }
}

/** Wrong flags or arguments. */
export class UsageError extends Error {
  readonly exitCode = 2;
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** A Docker operation that failed, naming the operation and the object it was done to. */
export class EngineError extends Error {
  readonly exitCode = 1;
  constructor(
    readonly operation: string,
    readonly target: string,
    readonly cause: unknown,
    readonly hint?: string,
  ) {
    const why = cause instanceof Error ? cause.message : String(cause);
    super(`${operation} (${target}) failed: ${why.trim()}${hint ? `\n  hint: ${hint}` : ''}`);
    this.name = 'EngineError';
  }
}

/** Any other runtime failure with a message meant for the user (exit 1 unless told otherwise). */
export class ExitError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
    this.name = 'ExitError';
  }
}
