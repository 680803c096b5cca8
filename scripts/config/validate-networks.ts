/** The `networks:` key: external Docker networks HAProxy joins. Whether they exist is `up`'s check. */
import type { Problems } from './problems.js';

/** Docker's own rule for network names. */
const NETWORK_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/;

/** The network names, in file order, each once. */
export function validateNetworks(raw: unknown, out: Problems): string[] {
  const names: string[] = [];
  (Array.isArray(raw) ? raw : []).forEach((name, i) => {
    if (typeof name !== 'string') return;
    if (!NETWORK_NAME.test(name)) out.at(['networks', i], `"${name}" is not a Docker network name`, 'letters, digits, "_", "." and "-", starting with a letter or digit');
    else if (names.includes(name)) out.at(['networks', i], `network "${name}" is listed twice`);
    else names.push(name);
  });
  return names;
}
