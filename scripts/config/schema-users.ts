/** The `users:` and `sshCA:` sections of edge.yaml's schema: who may open tunnels, and with what. */
import type { ArrayField, MapField } from './schema-types.js';

const KEY_LINE = 'One public key line, as in a .pub file: ssh-ed25519 AAAA… comment.';

export const USERS_SCHEMA: MapField = {
  type: 'map',
  description: 'Tunnel accounts on the SSH server, by Unix user name.',
  keyDescription: 'A Unix account name: lowercase letter first, then lowercase letters, digits, _ or -, at most 32.',
  values: {
    type: 'object',
    description: 'One tunnel user: at least one key, unless sshCA is set (then certificates alone may log in).',
    properties: {
      keys: {
        type: 'array',
        description: 'OpenSSH public keys (ed25519, ecdsa, rsa >= 2048 bits), as in authorized_keys; a key that should stop working is written {key, expires}.',
        items: {
          type: 'oneOf',
          description: 'A public key line, or {key, expires} for a key that stops working at a given time.',
          oneOf: [
            { type: 'string', description: KEY_LINE },
            {
              type: 'object',
              description: 'A key that expires: refused from `expires` on.',
              required: ['key', 'expires'],
              properties: {
                key: { type: 'string', description: KEY_LINE },
                expires: {
                  type: 'string',
                  description: 'When the key stops working: a date (YYYY-MM-DD, meaning 00:00 UTC of that day) or an RFC 3339 time (YYYY-MM-DDTHH:MM:SSZ or with an offset).',
                  examples: ['2026-12-31', '2026-12-31T17:00:00Z'],
                },
              },
            },
          ],
        },
      },
    },
  },
};

export const SSH_CA_SCHEMA: ArrayField = {
  type: 'array',
  description:
    "Public keys of SSH certificate authorities. A user certificate signed by one of them logs in as the user named in its principals (sshd's TrustedUserCAKeys); its validity interval is honoured.",
  items: { type: 'string', description: 'One CA public key line: ssh-ed25519 AAAA… team-ca.' },
};
