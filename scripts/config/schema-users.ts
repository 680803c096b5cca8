/** The `users:` section of edge.yaml's schema. */
import type { MapField } from './schema-types.js';

export const USERS_SCHEMA: MapField = {
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
};
