/**
 * The only reader of edge.yaml: finds the file (or the embedded demo), validates it, and throws
 * a ConfigError listing every located problem.
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { demoConfigText, ensureDemoKey } from './demo.js';
import { ConfigError } from './errors.js';
import type { EdgeModel } from './model.js';
import { validateConfig } from './validate.js';

export interface LoadedConfig {
  model: EdgeModel;
  /** The file read, or `(embedded demo)`. */
  source: string;
  demo: boolean;
}

export interface LoadOptions {
  /** --config; without it ./edge.yaml, then the embedded demo. */
  config?: string;
  /** --project overrides the file's project. */
  project?: string;
  cwd?: string;
}

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
  const { model, problems } = validateConfig(text, source);
  if (!model) throw new ConfigError(problems);
  if (opts.project) model.project = opts.project;
  return { model, source, demo };
}
