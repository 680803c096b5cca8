/** The `shares:` section of edge.yaml's schema: private sockets between users, nothing public. */
import type { ArrayField } from './schema-types.js';

/** A share name: it names a directory and a Unix group (`tgs-<name>`, at most 32 characters). */
export const SHARE_NAME_PATTERN = '^[a-z0-9]([a-z0-9-]{0,26}[a-z0-9])?$';

export const SHARES_SCHEMA: ArrayField = {
  type: 'array',
  description: 'Private shares: a socket /run/shares/<name>/sock that one user binds (ssh -R) and only the listed users may connect to (ssh -L). Nothing is published.',
  items: {
    type: 'object',
    description: 'One share.',
    required: ['name', 'owner', 'with'],
    properties: {
      name: {
        type: 'string',
        description: 'The share name: lowercase letters, digits and inner hyphens, at most 28 characters. The socket is /run/shares/<name>/sock.',
        pattern: SHARE_NAME_PATTERN,
        examples: ['alice-vnc'],
      },
      owner: { type: 'string', description: 'The only user who may bind the socket (ssh -R /run/shares/<name>/sock:localhost:<port>).' },
      with: {
        type: 'array',
        description: 'The only users who may connect to it (ssh -L <port>:/run/shares/<name>/sock). Removing a user here ends their connections that carry it.',
        minItems: 1,
        items: { type: 'string', description: 'A user name from users:.' },
      },
    },
  },
};
