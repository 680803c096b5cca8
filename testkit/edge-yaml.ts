/** edge.yaml files for test stacks: written as a user would, then loaded through the real loader. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { tmp } from './tmp.js';

export interface EdgeSpec {
  project: string;
  ports: { http: number; https: number; ssh: number };
  /** The `acme:` mapping; default `{ca: pebble}`. */
  acme?: Record<string, string>;
  /** User name → public key lines. */
  users: Record<string, string[]>;
  routes: Array<Record<string, unknown>>;
  /** Further top-level keys as written (tcp, networks, hsts, offlinePage, …). */
  extra?: Record<string, unknown>;
}

/** Writes `<name>.yaml` into the kit's temp folder; returns its path. */
export function writeEdgeYaml(name: string, spec: EdgeSpec): string {
  const file = join(tmp, `${name}.yaml`);
  const doc = {
    project: spec.project,
    ports: spec.ports,
    acme: spec.acme ?? { ca: 'pebble' },
    users: Object.fromEntries(Object.entries(spec.users).map(([user, keys]) => [user, { keys }])),
    routes: spec.routes,
    ...(spec.extra ?? {}),
  };
  writeFileSync(file, stringify(doc));
  return file;
}
