/**
 * The reading side of `status --watch`: every interval, the containers and HAProxy's server
 * states and counters (one master CLI command); certificates less often, since they change only
 * when the renewer runs. A failed read is reported in the tick, and the next one tries again.
 */
import { parseShowStat } from '../../haproxy/runtime-api.js';
import { parseBackendCounters, SHOW_BACKENDS_AND_SERVERS_COMMAND } from '../../haproxy/stat-counters.js';
import type { EdgeModel } from '../../stacks/model.js';
import type { StackFacts } from '../report/status.js';
import type { TrafficSample } from '../report/watch.js';
import { readCertificateFacts } from './certificate-facts.js';
import { masterCli } from './haproxy-control.js';
import { readContainers } from './stack-status.js';

interface WatchTick {
  facts: StackFacts;
  sample?: TrafficSample;
  problem?: string;
}

export interface WatchOptions {
  intervalMs: number;
  /** How often certificates are read again. */
  certificatesEveryMs: number;
  signal: AbortSignal;
  onTick: (tick: WatchTick) => void;
}

/** Sleeps `ms`, or less when `signal` aborts. */
function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

/** Reads the stack every interval until `signal` aborts. */
export async function watchStack(model: EdgeModel, opts: WatchOptions): Promise<void> {
  let certificates: StackFacts['certificates'];
  let certificatesAt = 0;
  let last: StackFacts = { containers: [] };
  while (!opts.signal.aborted) {
    const started = Date.now();
    try {
      const { containers, haproxy } = await readContainers(model.project);
      if (!haproxy) {
        last = { containers };
        opts.onTick({ facts: last, problem: 'haproxy is not running' });
      } else {
        if (!certificates || started - certificatesAt >= opts.certificatesEveryMs) {
          certificates = await readCertificateFacts(haproxy, model);
          certificatesAt = started;
        }
        const stat = await masterCli(haproxy, SHOW_BACKENDS_AND_SERVERS_COMMAND);
        last = { containers, servers: parseShowStat(stat), certificates };
        opts.onTick({ facts: last, sample: { at: Date.now(), counters: parseBackendCounters(stat) } });
      }
    } catch (err) {
      opts.onTick({ facts: last, problem: (err as Error).message.split('\n')[0] ?? 'read failed' });
    }
    await pause(Math.max(0, opts.intervalMs - (Date.now() - started)), opts.signal);
  }
}
