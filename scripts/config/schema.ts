/**
 * The single source of edge.yaml's shape, one section per file. The validator walks it for keys
 * and types, and `toJsonSchema` turns it into edge.schema.json for editors, so the two cannot
 * drift. Rules that span several keys (references, duplicates, key parsing) live in validate-*.ts.
 */
import { ACME_SCHEMA } from './schema-acme.js';
import { LIMITS_SCHEMA } from './schema-limits.js';
import { ROUTES_SCHEMA } from './schema-routes.js';
import { type Field, type ObjectField, portField } from './schema-types.js';
import { USERS_SCHEMA } from './schema-users.js';

export { CA_NAMES } from './schema-acme.js';

export const EDGE_SCHEMA: ObjectField = {
  type: 'object',
  description: 'tunnelgate edge configuration, schema v1.',
  properties: {
    project: {
      type: 'string',
      description: 'Compose project name: labels every container, network and volume; isolates stacks.',
      default: 'tunnelgate',
      pattern: '^[a-z0-9][a-z0-9_-]*$',
    },
    ports: {
      type: 'object',
      description: 'Host ports the stack publishes.',
      properties: {
        http: portField('HTTP (redirects to HTTPS, serves ACME HTTP-01)', 80),
        https: portField('HTTPS', 443),
        ssh: portField('the tunnel SSH server', 2222),
      },
    },
    acme: ACME_SCHEMA,
    users: USERS_SCHEMA,
    routes: ROUTES_SCHEMA,
    limits: LIMITS_SCHEMA,
  },
};

function pick<T extends object>(obj: T, keys: string[]): Record<string, unknown> {
  const rec = obj as Record<string, unknown>;
  return Object.fromEntries(keys.filter((k) => rec[k] !== undefined).map((k) => [k, rec[k]]));
}

/** JSON Schema (draft 2020-12) for editor completion, generated from EDGE_SCHEMA. */
export function toJsonSchema(field: Field = EDGE_SCHEMA, root = true): Record<string, unknown> {
  const out: Record<string, unknown> = root ? { $schema: 'https://json-schema.org/draft/2020-12/schema', title: 'edge.yaml' } : {};
  out.description = field.description;
  switch (field.type) {
    case 'string':
      Object.assign(out, { type: 'string' }, pick(field, ['default', 'enum', 'pattern', 'examples']));
      break;
    case 'integer':
      Object.assign(out, { type: 'integer' }, pick(field, ['default', 'minimum', 'maximum']));
      break;
    case 'boolean':
      Object.assign(out, { type: 'boolean' }, pick(field, ['default']));
      break;
    case 'array':
      Object.assign(out, { type: 'array', items: toJsonSchema(field.items, false) }, pick(field, ['minItems']));
      break;
    case 'object':
      out.type = 'object';
      out.properties = Object.fromEntries(Object.entries(field.properties).map(([k, f]) => [k, toJsonSchema(f, false)]));
      if (field.required) out.required = [...field.required];
      out.additionalProperties = false;
      break;
    case 'map':
      out.type = 'object';
      out.propertyNames = { description: field.keyDescription };
      out.additionalProperties = toJsonSchema(field.values, false);
      break;
    case 'oneOf':
      out.oneOf = field.oneOf.map((f) => toJsonSchema(f, false));
      break;
  }
  return out;
}
