/** Checks a YAML document's keys and types against the schema (scripts/config/schema.ts). */
import { isMap, isScalar, isSeq, type Node } from 'yaml';
import type { ConfigPath, Problems } from './problems.js';
import { suggest } from './rules.js';
import type { Field } from './schema-types.js';

const describe = (node: Node | null): string => {
  if (isMap(node)) return 'a mapping';
  if (isSeq(node)) return 'a list';
  if (isScalar(node)) return node.value === null ? 'nothing' : `${typeof node.value} ${JSON.stringify(node.value)}`;
  return 'something else';
};

/** The kind of YAML node a field expects, to pick a oneOf alternative and to word a mismatch. */
function kindOf(field: Field): string {
  switch (field.type) {
    case 'object':
    case 'map':
      return 'a mapping';
    case 'array':
      return 'a list';
    case 'integer':
      return 'a whole number';
    case 'oneOf':
      return field.oneOf.map(kindOf).join(' or ');
    default:
      return `a ${field.type}`;
  }
}

/** Whether `node` has the kind `field` expects (not whether its value is valid). */
function sameKind(node: Node, field: Field): boolean {
  switch (field.type) {
    case 'object':
    case 'map':
      return isMap(node);
    case 'array':
      return isSeq(node);
    case 'string':
      return isScalar(node) && typeof node.value === 'string';
    case 'integer':
      return isScalar(node) && typeof node.value === 'number';
    case 'boolean':
      return isScalar(node) && typeof node.value === 'boolean';
    case 'oneOf':
      return field.oneOf.some((f) => sameKind(node, f));
  }
}

/** Reports unknown keys, missing required keys and wrong types under `node`; null counts as absent. */
export function walkSchema(given: Node | null, field: Field, path: ConfigPath, out: Problems): void {
  // An alias is checked as what it stands for (plainValue in validate.ts bounded the expansion).
  const node = out.resolve(given);
  if (node === null || (isScalar(node) && node.value === null)) return;
  switch (field.type) {
    case 'object':
    case 'map': {
      if (!isMap(node)) {
        out.at(path, `expected a mapping, got ${describe(node)}`);
        return;
      }
      const seen = new Set<string>();
      for (const pair of node.items) {
        const keyNode = pair.key as Node;
        if (!isScalar(keyNode)) {
          out.at(path, `a key must be a plain name, got ${describe(keyNode)}`, undefined, keyNode);
          continue;
        }
        const key = String(keyNode.value);
        seen.add(key);
        if (field.type === 'map') {
          walkSchema(pair.value as Node, field.values, [...path, key], out);
        } else if (field.properties[key]) {
          walkSchema(pair.value as Node, field.properties[key], [...path, key], out);
        } else {
          const close = suggest(key, Object.keys(field.properties));
          out.at([...path, key], `unknown key "${key}"`, close ? `did you mean "${close}"?` : `allowed: ${Object.keys(field.properties).join(', ')}`, keyNode);
        }
      }
      if (field.type === 'object') {
        for (const req of field.required ?? []) if (!seen.has(req)) out.at(path, `"${req}" is required`, field.properties[req]?.description);
      }
      return;
    }
    case 'array':
      if (!isSeq(node)) {
        out.at(path, `expected a list, got ${describe(node)}`);
        return;
      }
      if (field.minItems && node.items.length < field.minItems) out.at(path, `needs at least ${field.minItems} item(s)`);
      node.items.forEach((item, i) => {
        walkSchema(item as Node, field.items, [...path, i], out);
      });
      return;
    case 'string':
      if (!isScalar(node) || typeof node.value !== 'string') {
        out.at(path, `expected a string, got ${describe(node)}`);
        return;
      }
      if (field.enum && !field.enum.includes(node.value)) out.at(path, `"${node.value}" is not one of ${field.enum.join(', ')}`);
      if (field.pattern && !new RegExp(field.pattern).test(node.value)) out.at(path, `"${node.value}" does not match ${field.pattern}`, field.description);
      return;
    case 'boolean':
      if (!isScalar(node) || typeof node.value !== 'boolean') {
        out.at(path, `expected true or false, got ${describe(node)}`);
      }
      return;
    case 'oneOf': {
      const match = field.oneOf.find((f) => sameKind(node, f));
      if (!match) {
        out.at(path, `expected ${kindOf(field)}, got ${describe(node)}`);
        return;
      }
      walkSchema(node, match, path, out);
      return;
    }
    case 'integer':
      if (!isScalar(node) || typeof node.value !== 'number' || !Number.isInteger(node.value)) {
        out.at(path, `expected a whole number, got ${describe(node)}`);
        return;
      }
      if (node.value < field.minimum || node.value > field.maximum) out.at(path, `${node.value} is outside ${field.minimum}–${field.maximum}`);
      return;
  }
}
