/**
 * The single source of edge.yaml's shape. The validator walks it for keys and types, and
 * `toJsonSchema` turns it into edge.schema.json for editors, so the two cannot drift.
 * Rules that span several keys (references, duplicates, key parsing) live in validate.ts.
 */

export type Field = StringField | IntegerField | ArrayField | ObjectField | MapField;

interface Common {
  description: string;
}
interface StringField extends Common {
  type: 'string';
  default?: string;
  enum?: readonly string[];
  pattern?: string;
  examples?: string[];
}
interface IntegerField extends Common {
  type: 'integer';
  default?: number;
  minimum: number;
  maximum: number;
}
interface ArrayField extends Common {
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
interface MapField extends Common {
  type: 'map';
  keyDescription: string;
  values: Field;
}

export const CA_NAMES = ['letsencrypt', 'letsencrypt-staging', 'pebble'] as const;

const CHALLENGES = ['http-01', 'dns-01'] as const;

const port = (what: string, dflt: number): IntegerField => ({
  type: 'integer',
  description: `Host port published for ${what}.`,
  default: dflt,
  minimum: 1,
  maximum: 65535,
});

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
        http: port('HTTP (redirects to HTTPS, serves ACME HTTP-01)', 80),
        https: port('HTTPS', 443),
        ssh: port('the tunnel SSH server', 2222),
      },
    },
    acme: {
      type: 'object',
      description: 'How certificates are obtained.',
      properties: {
        ca: {
          type: 'string',
          description: 'letsencrypt | letsencrypt-staging | pebble (embedded test CA) | an https:// ACME directory URL.',
          default: 'letsencrypt',
          examples: [...CA_NAMES, 'https://acme.example.net/directory'],
        },
        email: {
          type: 'string',
          description: "Account contact; required for the Let's Encrypt CAs.",
        },
        renewBeforeDays: {
          type: 'integer',
          description: 'Renew when fewer days than this remain.',
          default: 30,
          minimum: 1,
          maximum: 365,
        },
        challenge: {
          type: 'string',
          description: 'How the CA checks that you control a name: http-01 (answered through HAProxy on the http port) or dns-01 (a TXT record published by dnsHook; required for wildcard hosts).',
          default: 'http-01',
          enum: CHALLENGES,
        },
        dnsHook: {
          type: 'string',
          description:
            "dns-01 only, then required: an executable (path relative to edge.yaml's directory) called `set <fqdn> <value>` and `clear <fqdn> <value>` to publish and remove the _acme-challenge TXT record.",
          examples: ['./dns-hook.sh'],
        },
      },
    },
    users: {
      type: 'map',
      description: 'Tunnel accounts on the SSH server, by Unix user name.',
      keyDescription: 'A Unix account name: lowercase letter first, then lowercase letters, digits, _ or -, at most 32.',
      values: {
        type: 'object',
        description: 'One tunnel user.',
        required: ['keys'],
        properties: {
          keys: {
            type: 'array',
            description: 'OpenSSH public keys (ed25519, ecdsa, rsa >= 2048 bits), as in authorized_keys.',
            minItems: 1,
            items: { type: 'string', description: 'One public key line.' },
          },
        },
      },
    },
    routes: {
      type: 'array',
      description: 'Hostnames served on HTTPS and where each one goes.',
      items: {
        type: 'object',
        description: 'One hostname: exactly one of tunnel or upstream.',
        required: ['host'],
        properties: {
          host: {
            type: 'string',
            description:
              'The DNS name served (lowercase), or a wildcard *.<domain> for every single label under domain (upstream routes with acme.challenge dns-01 only; an explicit host under it wins).',
            examples: ['app.example.com', '*.example.com'],
          },
          tunnel: { type: 'string', description: "A user's name: served by that user's reverse SSH tunnel(s)." },
          replicas: {
            type: 'integer',
            description: 'Tunnel slots, load-balanced: <host>.sock, <host>.2.sock ... <host>.N.sock.',
            default: 1,
            minimum: 1,
            maximum: 16,
          },
          upstream: { type: 'string', description: 'A static upstream: http://host:port or https://host:port.' },
        },
      },
    },
  },
};

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
  }
  return out;
}

function pick<T extends object>(obj: T, keys: string[]): Record<string, unknown> {
  const rec = obj as Record<string, unknown>;
  return Object.fromEntries(keys.filter((k) => rec[k] !== undefined).map((k) => [k, rec[k]]));
}
