/** Everything `status` shows, read from the running stack: containers, HAProxy's server states, certificates. */
import { parseShowStat, SHOW_SERVERS_COMMAND } from '../../haproxy/runtime-api.js';
import { LABEL } from '../../stacks/labels.js';
import type { EdgeModel } from '../../stacks/model.js';
import * as engine from '../engine/index.js';
import type { StackFacts } from '../report/status.js';
import { readCertificateFacts } from './certificate-facts.js';
import { masterCli } from './haproxy-control.js';

/** The project's long-running containers, by service, and the running haproxy's name if any. */
export async function readContainers(project: string): Promise<{ containers: StackFacts['containers']; haproxy?: string }> {
  const list = await engine.listContainers([`${LABEL.project}=${project}`, `${LABEL.oneoff}=False`]);
  const containers = list
    .map((c) => ({ service: c.labels[LABEL.service] ?? '?', name: c.name, state: c.state, ...(c.running ? { startedAt: c.startedAt } : {}) }))
    .sort((a, b) => a.service.localeCompare(b.service));
  const haproxy = list.find((c) => c.labels[LABEL.service] === 'haproxy' && c.running)?.name;
  return { containers, ...(haproxy ? { haproxy } : {}) };
}

/** One read of the project's containers, and of HAProxy when it runs. */
export async function readStackStatus(model: EdgeModel): Promise<StackFacts> {
  const { containers, haproxy } = await readContainers(model.project);
  if (!haproxy) return { containers };
  const [stat, certificates] = await Promise.all([masterCli(haproxy, SHOW_SERVERS_COMMAND), readCertificateFacts(haproxy, model)]);
  return { containers, servers: parseShowStat(stat), certificates };
}
