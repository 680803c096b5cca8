/**
 * The tunnelgate stack the bench measures: its own project (`tg-perf-*`), one user, one tunnel
 * route, brought up with the same converge() as `up`, labelled like the tests' stacks and removed
 * afterwards, volumes included.
 */
import { randomBytes } from 'node:crypto';
import { loadConfig } from '../../scripts/config/load-config.js';
import { converge } from '../../scripts/deploy/converge.js';
import type { EdgeModel } from '../../stacks/model.js';
import { writeEdgeYaml } from '../../testkit/edge-yaml.js';
import { keyPair } from '../../testkit/keys.js';
import { freePort } from '../../testkit/net.js';

export const HOST = 'bench.localhost';
export const USER = 'bench';

export interface BenchStack {
  project: string;
  network: string;
  ports: { http: number; https: number; ssh: number };
  key: ReturnType<typeof keyPair>;
  /** edge.yaml of the stack as first brought up. */
  file: string;
  model: EdgeModel;
  /** Writes an edge.yaml with extra routes on top of the bench route; returns its path. */
  withRoutes: (name: string, extra: Array<Record<string, string | number>>) => string;
}

/** Picks a project and ports, writes edge.yaml and marks every resource with the run label. */
export async function defineStack(): Promise<BenchStack> {
  const project = `tg-perf-${randomBytes(3).toString('hex')}`;
  process.env.TUNNELGATE_TEST_RUN = project;
  const ports = { http: await freePort(), https: await freePort(), ssh: await freePort() };
  const key = keyPair(USER);
  const withRoutes = (name: string, extra: Array<Record<string, string | number>>) =>
    writeEdgeYaml(name, { project, ports, users: { [USER]: [key.pub] }, routes: [{ host: HOST, tunnel: USER }, ...extra] });
  const file = withRoutes('bench', []);
  return { project, network: `${project}_edge`, ports, key, file, model: loadConfig({ config: file }).model, withRoutes };
}

/** Converges the stack to an edge.yaml; returns the wall time in ms and the number of ops. */
export async function applyFile(file: string, acme = false): Promise<{ ms: number; ops: number }> {
  const { model } = loadConfig({ config: file });
  const t = performance.now();
  const res = await converge(model, () => {}, new Date(), { acme });
  return { ms: performance.now() - t, ops: res.ops.length };
}
