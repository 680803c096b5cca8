/**
 * What the fault tests share: a stack with a real certificate and a tunnel served through a
 * reconnecting client, under continuous HTTPS load; and the table of what each fault cost.
 */
import { inject } from 'vitest';
import { loadConfig } from '../../scripts/config/load-config.js';
import { converge } from '../../scripts/deploy/converge.js';
import { teardown } from '../../scripts/deploy/teardown.js';
import type { EdgeModel } from '../../stacks/model.js';
import { writeEdgeYaml } from '../../testkit/edge-yaml.js';
import { keyPair } from '../../testkit/keys.js';
import { httpsLoad, type Load } from '../../testkit/load.js';
import { freePort, localService, served } from '../../testkit/net.js';
import { persistentTunnel } from '../../testkit/ssh.js';
import { waitFor } from '../../testkit/wait.js';

export interface LoadedStack {
  project: string;
  ports: { http: number; https: number; ssh: number };
  /** edge.yaml of the stack. */
  file: string;
  model: EdgeModel;
  load: Load;
  /** How many times the tunnel client has (re)started ssh. */
  tunnelStarts: () => number;
  /** Stops load and client, removes the stack and its volumes. */
  close: () => Promise<void>;
}

/**
 * Brings up `<name>` (ACME from the embedded Pebble, one tunnel route to `host` answered with
 * `body`), opens the tunnel with a reconnecting client and starts the load. `beforeUp` runs once
 * the project is named, before `up` (e.g. to create a volume of its own).
 */
export async function upUnderLoad(name: string, host: string, body: string, beforeUp: (project: string) => Promise<void> = async () => {}): Promise<LoadedStack> {
  process.env.TUNNELGATE_TEST_RUN = inject('runId');
  const project = `tg-${name}-${inject('runId')}`.replace(/[^a-z0-9-]/g, '-');
  const ports = { http: await freePort(), https: await freePort(), ssh: await freePort() };
  const service = await localService(body);
  const alice = keyPair(`${name}-alice`);
  const file = writeEdgeYaml(name, { project, ports, users: { alice: [alice.pub] }, routes: [{ host, tunnel: 'alice' }] });
  const model = loadConfig({ config: file }).model;
  await beforeUp(project);
  const res = await converge(model, () => {}, new Date(), { acme: true });
  if (res.issued?.results[0]?.result !== 'renewed') throw new Error(`first issuance failed: ${JSON.stringify(res.issued?.results)}`);
  const client = persistentTunnel(ports.ssh, 'alice', alice.path, `/run/tunnels/alice/${host}.sock`, service.port);
  if ((await served(ports.https, host)) !== body) throw new Error('the tunnel serves something else');
  const load = httpsLoad(ports.https, host);
  return {
    project,
    ports,
    file,
    model,
    load,
    tunnelStarts: client.starts,
    close: async () => {
      await load.stop();
      await client.stop();
      service.server.close();
      await teardown(project, { volumes: true, log: () => {} });
    },
  };
}

export interface FaultRow {
  fault: string;
  /** Time until serving again, or what recovery means for this fault. */
  recovered: string;
  requests: number;
  failed: number;
}

/** Waits until each load client has begun a request a second after `back`, then counts [t0, back + 1 s]. */
export async function countOutage(load: Load, t0: number, back: number): Promise<{ requests: number; failed: number }> {
  await waitFor(
    async () => load.samples.filter((s) => s.start > back + 1000).length,
    (n) => n >= 4,
    15_000,
  );
  return load.count(t0, back + 1000);
}

/** The printed table: one row per fault. */
export function faultTable(rows: FaultRow[]): string {
  const head = `${'fault'.padEnd(40)}${'back serving'.padStart(14)}${'requests'.padStart(10)}${'failed'.padStart(8)}`;
  return [head, ...rows.map((r) => `${r.fault.padEnd(40)}${r.recovered.padStart(14)}${String(r.requests).padStart(10)}${String(r.failed).padStart(8)}`)].join('\n');
}
