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
import { projectOfText } from './project-name.js';
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

/** The text of --config, ./edge.yaml or the embedded demo; a file that cannot be read is a ConfigError. */
function readConfigText(opts: LoadOptions): { text: string; path: string; source: string; demo: boolean } {
  const cwd = opts.cwd ?? process.cwd();
  const path = opts.config ? resolve(cwd, opts.config) : resolve(cwd, 'edge.yaml');
  const source = opts.config ?? 'edge.yaml';
  if (existsSync(path)) {
    try {
      return { text: readFileSync(path, 'utf8'), path, source, demo: false };
    } catch (err) {
      throw new ConfigError([{ file: source, path: '', message: `cannot read: ${(err as Error).message}` }]);
    }
  }
  if (opts.config) throw new ConfigError([{ file: source, path: '', message: 'no such file', hint: 'check the --config path' }]);
  return { text: demoConfigText(ensureDemoKey()), path, source: '(embedded demo)', demo: true };
}

/** The only loader: reads, validates, then checks what needs the file system. */
export function loadConfig(opts: LoadOptions = {}): LoadedConfig {
  const cwd = opts.cwd ?? process.cwd();
  const { text, path, source, demo } = readConfigText(opts);
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

/** The project to act on, and the problems of a config that did not load (then only its project was used). */
export interface NamedProject {
  project: string;
  /** Every problem of the config; empty when it loaded. */
  ignored: ConfigProblem[];
}

/**
 * The project, even from a broken config, for `down`: --project, else the config's when it loads,
 * else its `project:` read on its own (the rest ignored). A ConfigError when none can be told.
 */
export function loadProjectName(opts: LoadOptions = {}): NamedProject {
  try {
    const { model } = loadConfig(opts);
    return { project: model.project, ignored: [] };
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    if (opts.project) return { project: opts.project, ignored: err.problems };
    let text: string;
    try {
      text = readConfigText(opts).text;
    } catch {
      throw err;
    }
    const named = projectOfText(text);
    if ('project' in named) return { project: named.project, ignored: err.problems };
    const file = opts.config ?? 'edge.yaml';
    throw new ConfigError([...err.problems, { file, path: 'project', message: `cannot tell the project: ${named.unreadable}`, hint: 'pass --project NAME' }]);
  }
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
