/**
 * Continuous HTTPS load for fault tests: a few clients, each opening a new TLS connection per
 * request (as independent visitors do), every outcome kept with its time so a test can count the
 * requests that failed around a fault.
 */
import { get } from './net.js';

interface Sample {
  /** When the request started and ended (ms since the epoch). */
  start: number;
  end: number;
  /** HTTP status, 0 when the connection failed. */
  status: number;
}

export interface Load {
  samples: Sample[];
  /** Requests that overlapped [from, to] (started before `to`, ended after `from`) and how many of them did not get a 200. */
  count: (from: number, to: number) => { requests: number; failed: number };
  stop: () => Promise<void>;
}

/** Starts `clients` loops of GET https://<host>/ on loopback `port` until stopped. */
export function httpsLoad(port: number, host: string, clients = 4): Load {
  const samples: Sample[] = [];
  let running = true;
  const client = async () => {
    while (running) {
      const start = Date.now();
      const status = await get(port, host)
        .then((r) => r.status)
        .catch(() => 0);
      samples.push({ start, end: Date.now(), status });
      // A refused connection fails in microseconds: pace retries so a dead port is not spun on.
      if (status === 0) await new Promise((r) => setTimeout(r, 20));
    }
  };
  const loops = Array.from({ length: clients }, client);
  return {
    samples,
    count: (from, to) => {
      const window = samples.filter((s) => s.end >= from && s.start <= to);
      return { requests: window.length, failed: window.filter((s) => s.status !== 200).length };
    },
    stop: async () => {
      running = false;
      await Promise.all(loops);
    },
  };
}
