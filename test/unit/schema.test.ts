import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { EDGE_SCHEMA, toJsonSchema } from '../../scripts/config/schema.js';

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
