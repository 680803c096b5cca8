/**
 * Resource limits of each container (edge.yaml `limits.containers`): memory, processes and open
 * files. Part of the contract in stacks/: the schema takes its defaults from here, the desired
 * stack turns them into container settings, and HAProxy's renderer derives `maxconn` from them,
 * so the three can never disagree. The figures behind the defaults are in README "Security".
 */

/** Every service that runs as a container, the one-off renewer included. */
export const LIMITED_SERVICES = ['haproxy', 'sshd', 'renewer', 'pebble'] as const;
export type LimitedService = (typeof LIMITED_SERVICES)[number];

export interface ContainerLimits {
  /** Memory limit in bytes (swap included: the container gets no swap beyond it). */
  memory: number;
  /** Most processes and threads at once. */
  pids: number;
  /** Open files per process (soft = hard limit). */
  nofile: number;
}

const MiB = 1024 * 1024;

/**
 * Defaults sized from `npm run bench:limits` on the 2-core test VM (figures in README "Security"):
 * - haproxy: nofile 20000 gives maxconn 9000. A connection cost 28 KiB idle (TLS) and 32 KiB with
 *   a request in flight, so 9000 of them take about 280 MiB over a 17 MiB base; 768m also covers
 *   an old worker still holding its connections after a reload. Processes: master, worker and its
 *   threads (3), plus old workers draining after reloads (mworker-max-reloads 50).
 * - sshd: a tunnel connection cost 1.8 MiB and two processes, so 512m holds about 270 of them;
 *   1024 processes leave room for those and 100 unauthenticated ones (MaxStartups). One busy
 *   tunnel holds a descriptor per request in flight (1000 in flight: 1010 files), so nofile stays
 *   above HAProxy's maxconn.
 * - renewer: one Node process and the DNS hook; pebble: the test CA and its DNS server.
 */
export const DEFAULT_CONTAINER_LIMITS: Record<LimitedService, ContainerLimits> = {
  haproxy: { memory: 768 * MiB, pids: 256, nofile: 20000 },
  sshd: { memory: 512 * MiB, pids: 1024, nofile: 16384 },
  renewer: { memory: 256 * MiB, pids: 64, nofile: 1024 },
  pebble: { memory: 256 * MiB, pids: 128, nofile: 1024 },
};

/** `512m` / `1g` (Compose's `mem_limit` notation, binary units) in bytes; `undefined` otherwise. */
export function parseMemory(text: string): number | undefined {
  const m = /^([1-9][0-9]*)([mMgG])$/.exec(text);
  if (!m) return undefined;
  return Number(m[1]) * (/[gG]/.test(m[2]!) ? 1024 * MiB : MiB);
}

/** The limits as Compose writes them: `512m`, `1g`. */
export function formatMemory(bytes: number): string {
  return bytes % (1024 * MiB) === 0 ? `${bytes / (1024 * MiB)}g` : `${Math.round(bytes / MiB)}m`;
}

/**
 * HAProxy's global `maxconn` for its `nofile`: a proxied connection holds two descriptors (client
 * and server), and HAProxy refuses to start when it cannot raise its limit to about
 * 2 x maxconn + listeners + checks (`maxconn 20000` under nofile 20000 failed with "Cannot raise
 * FD limit to 40053"). 45 % leaves a tenth of the descriptors for listeners, checks and logs.
 */
export function haproxyMaxconn(limits: ContainerLimits): number {
  return Math.floor(limits.nofile * 0.45);
}
