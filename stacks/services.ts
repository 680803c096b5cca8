/**
 * The services of stacks/edge.compose.yaml and the names Compose gives their containers. Part of
 * the contract in stacks/: the host side, the tests and the bench agree on these names.
 */

/** Long-running services every stack has. */
export const SERVICES = ['haproxy', 'sshd'] as const;
export type Service = (typeof SERVICES)[number];

/** Long-running services only some configs have: the embedded CA for `acme.ca: pebble`, the access log collector for `logs.access`. */
export const OPTIONAL_SERVICES = ['pebble', 'logger'] as const;
export type OptionalService = (typeof OPTIONAL_SERVICES)[number];
export type AnyService = Service | OptionalService;

/** A service's container name, as Compose names container number 1 of a project. */
export function containerName(project: string, service: AnyService): string {
  return `${project}-${service}-1`;
}
