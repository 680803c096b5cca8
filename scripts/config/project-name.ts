/**
 * The project a possibly broken edge.yaml names, read without validating the rest: enough for
 * `down` to find and stop a stack whose config no longer loads. Pure.
 */
import { isMap, isScalar, parseDocument } from 'yaml';
import { EDGE_SCHEMA } from './schema.js';

const PROJECT = EDGE_SCHEMA.properties.project as { default: string; pattern: string };

/** The project (`project:`, else the default when the file plainly has none), or why it cannot be told. */
export function projectOfText(text: string): { project: string } | { unreadable: string } {
  const doc = parseDocument(text, { logLevel: 'silent', uniqueKeys: false });
  const contents = doc.contents;
  if (contents === null || (isScalar(contents) && contents.value === null)) {
    return doc.errors.length === 0 ? { project: PROJECT.default } : { unreadable: 'the file cannot be parsed' };
  }
  if (!isMap(contents)) return { unreadable: 'the file is not a mapping' };
  const entries = contents.items.filter((p) => isScalar(p.key) && p.key.value === 'project');
  if (entries.length > 1) return { unreadable: '"project" appears more than once' };
  const entry = entries[0];
  // No `project:` in a file that parses is the default; in one that does not, it may be hidden by the damage.
  if (!entry) return doc.errors.length === 0 ? { project: PROJECT.default } : { unreadable: 'no "project" could be read' };
  const value = isScalar(entry.value) ? entry.value.value : undefined;
  if (typeof value !== 'string' || !new RegExp(PROJECT.pattern).test(value)) return { unreadable: '"project" is not a valid project name' };
  return { project: value };
}
