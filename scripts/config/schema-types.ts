/**
 * The vocabulary edge.yaml's schema is written in: enough of JSON Schema for this file, with a
 * description on every field (it becomes the editor's hover text and the validator's hints).
 */

export type Field = StringField | IntegerField | BooleanField | ArrayField | ObjectField | MapField | OneOfField;

interface Common {
  description: string;
}
export interface StringField extends Common {
  type: 'string';
  default?: string;
  enum?: readonly string[];
  pattern?: string;
  examples?: string[];
}
export interface IntegerField extends Common {
  type: 'integer';
  default?: number;
  minimum: number;
  maximum: number;
}
interface BooleanField extends Common {
  type: 'boolean';
  default?: boolean;
}
export interface ArrayField extends Common {
  type: 'array';
  items: Field;
  minItems?: number;
}
export interface ObjectField extends Common {
  type: 'object';
  properties: Record<string, Field>;
  required?: readonly string[];
}
/** An object with free keys (user names) and one value shape. */
export interface MapField extends Common {
  type: 'map';
  keyDescription: string;
  values: Field;
}
/**
 * One of several shapes, told apart by the YAML node's kind (a string, a mapping, a list, …):
 * e.g. a key that is either a plain line or `{key, expires}`. Each alternative must have a
 * different `type` (the walk picks the alternative by it).
 */
interface OneOfField extends Common {
  type: 'oneOf';
  oneOf: readonly Field[];
}

/** A published host port. */
export function portField(what: string, dflt?: number): IntegerField {
  return { type: 'integer', description: `Host port published for ${what}.`, ...(dflt !== undefined ? { default: dflt } : {}), minimum: 1, maximum: 65535 };
}
