import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { LineCounter, type Node, parseDocument } from 'yaml';
import { formatProblem } from '../../scripts/cli/errors.js';
import { Problems } from '../../scripts/config/problems.js';
import { EDGE_SCHEMA, toJsonSchema } from '../../scripts/config/schema.js';
import type { Field } from '../../scripts/config/schema-types.js';
import { walkSchema } from '../../scripts/config/schema-walk.js';

describe('edge.schema.json', () => {
  it('is exactly what the validator schema generates (regenerate with `npm run schema`)', () => {
    const shipped = JSON.parse(readFileSync(new URL('../../edge.schema.json', import.meta.url), 'utf8'));
    expect(shipped).toEqual(toJsonSchema());
  });

  it('closes every object so editors flag unknown keys like the validator does', () => {
    const schema = toJsonSchema() as { additionalProperties: unknown; properties: Record<string, { additionalProperties?: unknown }> };
    expect(schema.additionalProperties).toBe(false);
    expect(schema.properties.ports?.additionalProperties).toBe(false);
    expect(Object.keys(schema.properties)).toEqual(Object.keys(EDGE_SCHEMA.properties));
  });
});

describe('the schema walk', () => {
  /** The problems the walk reports for `text` against `field`. */
  const walk = (text: string, field: Field): string[] => {
    const lines = new LineCounter();
    const doc = parseDocument(text, { lineCounter: lines });
    const out = new Problems('t.yaml', doc, lines);
    walkSchema(doc.contents as Node | null, field, [], out);
    return out.list.map(formatProblem);
  };
  const keyOrEntry: Field = {
    type: 'array',
    description: 'keys',
    items: {
      type: 'oneOf',
      description: 'a key line, or a key with options',
      oneOf: [
        { type: 'string', description: 'a line' },
        { type: 'object', description: 'with options', required: ['key'], properties: { key: { type: 'string', description: 'the line' }, on: { type: 'boolean', description: 'a flag' } } },
      ],
    },
  };

  it('takes either alternative of a oneOf, walking the one that matches the node', () => {
    expect(walk('- a\n- {key: b, on: true}\n', keyOrEntry)).toEqual([]);
    expect(walk('- {on: false}\n', keyOrEntry)).toEqual(['t.yaml:1:3 [0]: "key" is required (hint: the line)']);
    expect(walk('- {key: b, of: 1}\n', keyOrEntry)).toEqual(['t.yaml:1:12 [0].of: unknown key "of" (hint: did you mean "on"?)']);
  });

  it('names every alternative when none matches, and wants real booleans', () => {
    expect(walk('- [a]\n', keyOrEntry)).toEqual(['t.yaml:1:3 [0]: expected a string or a mapping, got a list']);
    expect(walk('- {key: b, on: "yes"}\n', keyOrEntry)).toEqual(['t.yaml:1:16 [0].on: expected true or false, got string "yes"']);
  });

  it('puts both into the JSON schema', () => {
    expect(toJsonSchema(keyOrEntry, false)).toMatchObject({ items: { oneOf: [{ type: 'string' }, { type: 'object', properties: { on: { type: 'boolean' } } }] } });
  });
});
