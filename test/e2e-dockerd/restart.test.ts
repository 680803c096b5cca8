/**
 * Fault (b): the Docker engine restarts under continuous HTTPS load through a tunnel. Nothing
 * runs `up`: the restart policy brings every container back, the reconnecting client re-opens
 * its tunnel, `status` reports the stack healthy, and no certificate or key is lost. Restarting
 * dockerd stops every container on the engine, so this runs on its own (`npm run test:dockerd`;
 * on a shared machine under an exclusive lock) and .ci/run runs it after `npm test`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { $ } from 'zx';
import * as engine from '../../scripts/engine/index.js';
import { restartDockerd } from '../../testkit/dockerd.js';
import { get, served } from '../../testkit/net.js';
import { waitFor } from '../../testkit/wait.js';
import { countOutage, faultTable, type LoadedStack, upUnderLoad } from '../e2e/support-faults.js';

const HOST = 'site.dockerd.test';
const run = $({ quiet: true, nothrow: true });
let stack: LoadedStack;

const exec = async (s: string, script: string) => (await engine.exec(`${stack.project}-${s}-1`, ['sh', '-c', script])).stdout.trim();
/** Hashes of the PEMs and host keys, read inside the containers. */
const secrets = async () => ({ pems: await exec('haproxy', 'sha256sum /certs/*.pem'), hostKeys: await exec('sshd', 'sha256sum /hostkeys/*') });

beforeAll(async () => {
  // Restarting dockerd stops every container on the engine: only when asked for by name.
  if (process.env.TUNNELGATE_RESTART_DOCKERD !== '1') throw new Error('restarts dockerd: run it with `npm run test:dockerd` (TUNNELGATE_RESTART_DOCKERD=1), on a machine or under a lock you own');
  stack = await upUnderLoad('dockerd', HOST, 'back by itself');
});

afterAll(async () => {
  await stack?.close();
});

describe('(b) dockerd restarts', () => {
  it('the stack comes back by itself, status says healthy, nothing is lost', async () => {
    const before = { ...(await secrets()), serial: (await get(stack.ports.https, HOST)).serial };
    const t0 = Date.now();
    const { how } = await restartDockerd();
    const engineBack = Date.now();
    // Back: HTTPS through the re-opened tunnel, with no `up` in between.
    const body = await served(stack.ports.https, HOST, 120_000);
    const back = Date.now();
    expect(body).toBe('back by itself');
    const counted = await countOutage(stack.load, t0, back);
    console.log(`\n${faultTable([{ fault: 'dockerd restart', recovered: `${((back - t0) / 1000).toFixed(1)} s`, ...counted }])}`);
    console.log(`(engine answering again after ${((engineBack - t0) / 1000).toFixed(1)} s; restarted as: ${how})`);

    type Status = {
      containers: Array<{ service: string; state: string }>;
      routes: Array<{ host: string; slots: Array<{ connected: boolean }> }>;
      certificates: Array<{ host: string; issuer: string; daysLeft?: number }>;
    };
    const status = await waitFor(
      async () => {
        const res = await run`node bin/tunnelgate.mjs status --config ${stack.file} --json`;
        return res.exitCode === 0 ? (JSON.parse(res.stdout) as Status) : undefined;
      },
      (s) => Boolean(s?.routes.find((r) => r.host === HOST)?.slots.every((slot) => slot.connected)),
      30_000,
      500,
    );
    expect(status!.containers.map((c) => `${c.service} ${c.state}`).sort()).toEqual(['haproxy running', 'pebble running', 'sshd running']);
    expect(status!.certificates.find((c) => c.host === HOST)).toMatchObject({ issuer: expect.stringMatching(/Pebble/), daysLeft: expect.any(Number) });
    expect({ ...(await secrets()), serial: (await get(stack.ports.https, HOST)).serial }).toEqual(before);
  }, 300_000);
});
