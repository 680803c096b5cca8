/** Fields several sections of edge.yaml's schema share. */
import type { ArrayField, IntegerField, MapField, StringField } from './schema-types.js';

/** Two years, the longest HSTS max-age anyone asks for (the preload list's minimum is one). */
const MAX_HSTS = 63_072_000;

export const ALLOW_FIELD: ArrayField = {
  type: 'array',
  description: 'Only these client addresses get through (IPv4 or IPv6 addresses or CIDRs); everyone else gets 403 (TCP: the connection is closed).',
  minItems: 1,
  items: { type: 'string', description: 'An address or CIDR, e.g. 203.0.113.0/24 or 2001:db8::/32.' },
};

export const MAXCONN_FIELD: IntegerField = {
  type: 'integer',
  description: 'At most this many concurrent connections to the target (split over tunnel slots); more wait up to 10 s, then get 503.',
  minimum: 1,
  maximum: 100_000,
};

export const HSTS_FIELD: IntegerField = {
  type: 'integer',
  description: 'Strict-Transport-Security max-age in seconds; 0 sends none. Default: 86400 (one day) with acme.ca letsencrypt, otherwise 0.',
  minimum: 0,
  maximum: MAX_HSTS,
};

export const CLIENT_CA_FIELD: StringField = {
  type: 'string',
  description: 'mTLS: a PEM file of the CA whose client certificates get through; anything else gets a 403 page that says why. Relative to edge.yaml.',
  examples: ['./clients-ca.pem'],
};

export const BASIC_AUTH_FIELD: MapField = {
  type: 'map',
  description: 'HTTP basic authentication: user name -> crypt(3) hash (yescrypt, bcrypt, sha512-crypt), never a plain password. `npm run hash-password` makes one.',
  keyDescription: 'A user name: letters, digits, ".", "_" or "-".',
  values: { type: 'string', description: 'A crypt(3) hash, e.g. $6$… from `npm run hash-password` or $y$… from `mkpasswd`.' },
};
