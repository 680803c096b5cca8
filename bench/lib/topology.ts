/**
 * The bench's containers on the tunnelgate stack's own network, so every path is the same shape
 * (load generator → veth → proxy → UNIX socket → sshd → veth → ssh client → nginx) and no
 * docker-proxy is on it:
 *   peers     the hand-configured HAProxy (:8443) and Caddy (:9443) in front of one socket, its sshd (:2222)
 *   client-a  nginx (the service every tunnel leads to), both `ssh -R` clients, the load generators
 *   client-b  a second client address for the probes
 * They carry the stack's project label (as one-offs, so `up` ignores them) and the run label,
 * so the stack's teardown removes them with everything else.
 */
import * as engine from '../../scripts/engine/index.js';
import { LABEL } from '../../stacks/labels.js';
import { containerName } from '../../stacks/services.js';
import { waitFor } from '../../testkit/wait.js';
import { q, sh, shTry } from './shell.js';

/** What the workloads need to reach each target from a client container. */
export interface Topology {
  peers: string;
  clients: [string, string];
  /** `host:443:address` for curl's --resolve towards the stack's HAProxy. */
  resolve: string;
  urls: Record<Target, string>;
  tunnels: Record<'baseline' | 'tunnelgate', TunnelSpec>;
}

export const TARGETS = ['direct', 'baseline', 'caddy', 'tunnelgate'] as const;
export type Target = (typeof TARGETS)[number];

/** The arguments of bench/baseline/conf/tunnel.sh for one tunnel. */
export interface TunnelSpec {
  name: string;
  key: string;
  dest: string;
  port: number;
  socket: string;
}

export const tunnelArgs = (t: TunnelSpec) => [t.name, t.key, t.dest, t.port, t.socket].map(q).join(' ');

interface StackFacts {
  project: string;
  network: string;
  host: string;
  user: string;
  /** The tunnelgate user's private key (OpenSSH format). */
  privateKey: string;
  image: string;
}

async function startContainer(facts: StackFacts, role: string, cmd: string): Promise<string> {
  const name = `${facts.project}-bench-${role}`;
  await engine.createContainer({
    name,
    image: facts.image,
    cmd: [cmd],
    labels: { [LABEL.project]: facts.project, [LABEL.oneoff]: 'True', [LABEL.testRun]: process.env.TUNNELGATE_TEST_RUN ?? facts.project },
    ports: [],
    mounts: [],
    network: facts.network,
    aliases: [`bench-${role}`],
    // Clients open a connection per request by the thousand: reuse TIME_WAIT ports.
    sysctls: { 'net.ipv4.tcp_tw_reuse': '1', 'net.ipv4.ip_local_port_range': '10000 65000' },
    restart: 'no',
  });
  await engine.startContainer(name);
  return name;
}

/** Starts (or restarts) a tunnel from client A; returns at once. */
async function startTunnel(client: string, t: TunnelSpec, sshOpts = ''): Promise<void> {
  await sh(client, `SSH_OPTS=${q(sshOpts)} /bench/tunnel.sh ${tunnelArgs(t)}`);
}

/** HTTP status of one request from a client (0 when it fails). */
export async function statusOf(client: string, url: string, resolve: string): Promise<number> {
  const res = await shTry(client, `curl -sk -o /dev/null -w '%{http_code}' --max-time 3 --resolve ${q(resolve)} ${q(url)}`);
  return Number(res.stdout.trim()) || 0;
}

/** Creates the three containers, opens both tunnels and waits until every target answers 200. */
export async function startTopology(facts: StackFacts): Promise<Topology> {
  const [peers, a, b] = await Promise.all([startContainer(facts, 'peers', 'peers'), startContainer(facts, 'client-a', 'client'), startContainer(facts, 'client-b', 'client')]);
  const [haproxyIp, sshdIp, peersIp] = await Promise.all([containerName(facts.project, 'haproxy'), containerName(facts.project, 'sshd'), peers].map((n) => engine.containerAddress(n, facts.network)));
  await engine.putFiles(a, [{ path: '/home/alice/.ssh/tg_key', content: facts.privateKey, mode: 0o600 }]);
  await sh(a, 'chown alice:alice /home/alice/.ssh/tg_key');
  for (const c of [a, b]) await sh(c, `echo ${q(`${haproxyIp} ${facts.host}`)} >> /etc/hosts`);
  const tunnels = {
    baseline: { name: 'bl', key: '/home/alice/.ssh/id_ed25519', dest: `alice@${peersIp}`, port: 2222, socket: '/run/tunnels/alice.sock' },
    tunnelgate: { name: 'tg', key: '/home/alice/.ssh/tg_key', dest: `${facts.user}@${sshdIp}`, port: 22, socket: `/run/tunnels/${facts.user}/${facts.host}.sock` },
  };
  // sshd in the peers container must be listening before alice connects.
  await waitFor(
    () => shTry(peers, 'ss -Hltn sport = :2222 | grep -q .'),
    (r) => r.exitCode === 0,
    20_000,
    50,
  );
  await startTunnel(a, tunnels.baseline);
  await startTunnel(a, tunnels.tunnelgate);
  const topology: Topology = {
    peers,
    clients: [a, b],
    resolve: `${facts.host}:443:${haproxyIp}`,
    urls: {
      direct: 'http://127.0.0.1:8080/hello',
      baseline: `https://${peersIp}:8443/hello`,
      caddy: `https://${peersIp}:9443/hello`,
      tunnelgate: `https://${facts.host}:443/hello`,
    },
    tunnels,
  };
  for (const t of TARGETS)
    await waitFor(
      () => statusOf(a, topology.urls[t], topology.resolve),
      (s) => s === 200,
      30_000,
      100,
    );
  return topology;
}
