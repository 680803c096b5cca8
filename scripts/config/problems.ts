/**
 * Located problems: each one carries the file, line, column and YAML path of the node it is about,
 * so every message reads `edge.yaml:8:13 routes[0].tunnel: problem (hint: …)`.
 */
import { type Document, isAlias, type LineCounter, type Node } from 'yaml';
import type { ConfigProblem } from '../cli/errors.js';

/** A YAML path: keys and list indexes, e.g. `['routes', 1, 'host']`. */
export type ConfigPath = Array<string | number>;

/** `routes[1].host` for `['routes', 1, 'host']`. */
function formatPath(path: ConfigPath): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');
}

/** Collects problems, locating each at the deepest YAML node of its path that exists. */
export class Problems {
  readonly list: ConfigProblem[] = [];
  constructor(
    private readonly file: string,
    private readonly doc: Document,
    private readonly lines: LineCounter,
  ) {}

  /** One located problem, not recorded. */
  locate(path: ConfigPath, message: string, hint?: string, node?: Node | null): ConfigProblem {
    let target = node ?? undefined;
    for (let n = path.length; !target && n >= 0; n--) {
      const found = n === 0 ? this.doc.contents : this.doc.getIn(path.slice(0, n), true);
      if (found && typeof found === 'object' && 'range' in found) target = found as Node;
    }
    const offset = target?.range?.[0];
    const pos = offset === undefined ? undefined : this.lines.linePos(offset);
    return { file: this.file, line: pos?.line, col: pos?.col, path: formatPath(path), message, ...(hint ? { hint } : {}) };
  }

  /** Records a located problem. */
  at(path: ConfigPath, message: string, hint?: string, node?: Node | null): void {
    this.list.push(this.locate(path, message, hint, node));
  }

  /** The node an alias (`*name`) stands for (other nodes as they are); null when its anchor is unknown. */
  resolve(node: Node | null): Node | null {
    return isAlias(node) ? ((node.resolve(this.doc) as Node | undefined) ?? null) : node;
  }

  /** The key node of a mapping entry (to point at a user's name rather than its value). */
  keyNode(path: ConfigPath, key: string): Node | undefined {
    const map = this.doc.getIn(path, true) as { items?: Array<{ key: unknown }> } | undefined;
    return map?.items?.find((p) => (p.key as { value?: unknown })?.value === key)?.key as Node | undefined;
  }
}

// Narrowing helpers over the plain JS value; types were already reported by the schema walk.
export const obj = (v: unknown): Record<string, unknown> => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {});
export const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
export const int = (v: unknown, dflt: number): number => (typeof v === 'number' && Number.isInteger(v) ? v : dflt);
