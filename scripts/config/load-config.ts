/**
 * The only reader of edge.yaml: finds the file (or the embedded demo), validates it, and throws
 * a ConfigError listing every located problem; then checks what needs the file system (the
 * acme.dnsHook and notify.command executables).
 */
import { accessSync, constants, existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { EdgeModel } from '../../stacks/model.js';
import { ConfigError, type ConfigProblem } from '../cli/errors.js';
import { demoConfigText, ensureDemoKey } from './demo.js';
import { readPemFiles } from './pem-files.js';
import { type ValidationResult, validateConfig } from './validate.js';

export interface LoadedConfig {
  model: EdgeModel;
  /** The file read, or `(embedded demo)`. */
  source: string;
  demo: boolean;
  /** A problem located in the file read, for checks made later (e.g. `networks` that do not exist). */
  locate: ValidationResult['problemAt'];
}

export interface LoadOptions {
  /** --config; without it ./edge.yaml, then the embedded demo. */
  config?: string;
  /** --project overrides the file's project. */
  project?: string;
  cwd?: string;
}

/** The only loader: reads, validates, then checks what needs the file system. */
export function loadConfig(opts: LoadOptions = {}): LoadedConfig {
  const cwd = opts.cwd ?? process.cwd();
  const path = opts.config ? resolve(cwd, opts.config) : resolve(cwd, 'edge.yaml');
  let text: string;
  let source = opts.config ?? 'edge.yaml';
  let demo = false;
  if (existsSync(path)) {
    try {
      text = readFileSync(path, 'utf8');
    } catch (err) {
      throw new ConfigError([{ file: source, path: '', message: `cannot read: ${(err as Error).message}` }]);
    }
  } else if (opts.config) {
    throw new ConfigError([{ file: source, path: '', message: 'no such file', hint: 'check the --config path' }]);
  } else {
    text = demoConfigText(ensureDemoKey());
    source = '(embedded demo)';
    demo = true;
  }
  const validated = validateConfig(text, source);
  const { model, problems, problemAt } = validated;
  if (!model) throw new ConfigError(problems);
  // Executables and PEM files are relative to the file, not the shell's directory, so `--config
  // other/edge.yaml` finds other/dns-hook.sh; the embedded demo has none.
  const base = demo ? cwd : dirname(path);
  const fsProblems: ConfigProblem[] = readPemFiles(model, base, validated);
  if (model.acme.dnsHook !== undefined) {
    const hook = resolve(base, model.acme.dnsHook);
    const problem = checkExecutable(hook, model.acme.dnsHook, ['acme', 'dnsHook'], problemAt);
    if (problem) fsProblems.push(problem);
    model.acme.dnsHook = hook;
  }
  if (model.notify?.command !== undefined) {
    const command = resolve(base, model.notify.command);
    const problem = checkExecutable(command, model.notify.command, ['notify', 'command'], problemAt);
    if (problem) fsProblems.push(problem);
    model.notify.command = command;
  }
  if (fsProblems.length) throw new ConfigError(fsProblems);
  if (opts.project) model.project = opts.project;
  return { model, source, demo, locate: problemAt };
}

/** A hook or command must be a file that can run; the message shows where a relative path led. */
function checkExecutable(abs: string, written: string, at: string[], problemAt: ValidationResult['problemAt']): ConfigProblem | undefined {
  const where = abs === written ? '' : ` (resolved to ${abs})`;
  let isFile: boolean;
  try {
    isFile = statSync(abs).isFile();
  } catch {
    return problemAt(at, `"${written}" does not exist${where}`, "the path is relative to edge.yaml's directory");
  }
  if (!isFile) return problemAt(at, `"${written}" is not a file${where}`);
  try {
    accessSync(abs, constants.X_OK);
  } catch {
    return problemAt(at, `"${written}" is not executable${where}`, `chmod +x ${abs}`);
  }
  return undefined;
}
