/**
 * A lab for the edge e2e tests: a stack of its own (project, free ports), Docker networks and
 * containers of the test run (the client image as stand-in services and as clients on other
 * networks), and the stack's HAProxy seen from outside. Everything carries the run's labels.
 */
import { connect } from 'node:net';
import { inject } from 'vitest';
import { masterCliArgv } from '../../haproxy/master-cli.js';
import { loadConfig } from '../../scripts/config/load-config.js';
import { converge } from '../../scripts/deploy/converge.js';
import { teardown } from '../../scripts/deploy/teardown.js';
import { CLIENT_DIR, ensureClientImage } from '../../testkit/client-image.js';
import { type EdgeSpec, writeEdgeYaml } from '../../testkit/edge-yaml.js';
import { freePort } from '../../testkit/net.js';
import { waitFor } from '../../testkit/wait.js';
import { run, testLabels } from './support-haproxy.js';

export interface Ran {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** The first line a TCP server on loopback sends (an SSH server's version banner). */
function banner(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    socket.setTimeout(2000, () => socket.destroy(new Error('no banner')));
    socket.once('data', (b) => {
      resolve(b.toString());
      socket.destroy();
    });
    socket.on('error', reject);
    socket.on('close', () => resolve(''));
  });
}

export class EdgeLab {
  readonly project: string;
  ports = { http: 0, https: 0, ssh: 0 };
  image = '';
  readonly log: string[] = [];
  private readonly containers: string[] = [];
  private readonly networks: string[] = [];

  constructor(name: string) {
    process.env.TUNNELGATE_TEST_RUN = inject('runId');
    this.project = `tg-${name}-${inject('runId')}`.replace(/[^a-z0-9-]/g, '-');
  }

  /** Free ports, the client image. */
  async init(): Promise<void> {
    this.ports = { http: await freePort(), https: await freePort(), ssh: await freePort() };
    this.image = await ensureClientImage();
  }

  get haproxy(): string {
    return `${this.project}-haproxy-1`;
  }

  /** A bridge network of this test run, `<project>-<name>`. */
  async network(name: string): Promise<string> {
    const full = `${this.project}-${name}`;
    const res = await run`docker network create ${testLabels()} ${full}`;
    if (res.exitCode !== 0) throw new Error(`docker network create ${full}: ${res.stderr}`);
    this.networks.push(full);
    return full;
  }

  /**
   * A stand-in service (testkit/client/services.mjs) on `network` as `alias`; `mounts` are
   * host folders mounted read-only (`host:container`).
   */
  async service(alias: string, network: string, specs: string[], mounts: string[] = []): Promise<string> {
    const volumes = [`${CLIENT_DIR}:/svc:ro`, ...mounts.map((m) => `${m}:ro`)].flatMap((v) => ['-v', v]);
    const name = `${this.project}-svc-${alias}`;
    const res = await run`docker run -d ${testLabels()} --name ${name} --network ${network} --network-alias ${alias} -e ${`NAME=${alias}`} ${volumes} ${this.image} node /svc/services.mjs ${specs}`;
    if (res.exitCode !== 0) throw new Error(`starting ${alias}: ${res.stderr}`);
    this.containers.push(name);
    return name;
  }

  /** Runs `argv` in a throwaway client container on `network` (curl, openssl, socat, wrk). */
  async client(network: string, argv: string[], mounts: string[] = []): Promise<Ran> {
    const volumes = mounts.flatMap((m) => ['-v', `${m}:ro`]);
    const res = await run`docker run --rm ${testLabels()} --network ${network} ${volumes} ${this.image} ${argv}`;
    return { exitCode: res.exitCode ?? -1, stdout: res.stdout, stderr: res.stderr };
  }

  /** The IPv4 address of `container` on `network`. */
  async address(container: string, network: string): Promise<string> {
    const res = await run`docker inspect -f ${`{{(index .NetworkSettings.Networks "${network}").IPAddress}}`} ${container}`;
    if (!res.stdout.trim()) throw new Error(`${container} has no address on ${network}: ${res.stderr}`);
    return res.stdout.trim();
  }

  /**
   * Writes edge.yaml for this project and converges to it (ACME off: placeholders serve HTTPS),
   * then waits for sshd's banner: a fresh sshd makes its host keys first, and an `ssh -R` opened
   * before that is closed at once.
   */
  async up(name: string, spec: Omit<EdgeSpec, 'project' | 'ports'>) {
    const file = writeEdgeYaml(`${this.project}-${name}`, { project: this.project, ports: this.ports, ...spec });
    const result = await converge(loadConfig({ config: file }).model, (l) => this.log.push(l));
    await waitFor(
      () => banner(this.ports.ssh),
      (b) => b.startsWith('SSH-2.0-'),
    );
    return result;
  }

  /** The edge.yaml path `up` would write for `name`, to run the scripts against it. */
  file(name: string, spec: Omit<EdgeSpec, 'project' | 'ports'>): string {
    return writeEdgeYaml(`${this.project}-${name}`, { project: this.project, ports: this.ports, ...spec });
  }

  /** One master CLI command to the stack's HAProxy. */
  async cli(command: string): Promise<string> {
    return (await run`docker exec ${this.haproxy} ${masterCliArgv(command)}`).stdout;
  }

  /** How many times the master has reloaded (`show proc`), to prove a change needed none. */
  async reloads(): Promise<number> {
    const m = /master\s+(\d+)/.exec(await this.cli('show proc'));
    if (!m) throw new Error('no master line in show proc');
    return Number(m[1]);
  }

  async teardown(): Promise<void> {
    if (this.containers.length) await run`docker rm -f ${this.containers}`;
    await teardown(this.project, { volumes: true, log: (l) => this.log.push(l) });
    for (const n of this.networks) await run`docker network rm ${n}`;
  }
}
