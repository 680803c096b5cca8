/**
 * Restarting the Docker engine, for the dockerd fault test: as systemd runs it when it does, else
 * exactly as the running dockerd was started (how .ci/run starts it): the same command line,
 * environment, working directory, log file and resource limits, detached. Needs root. It stops
 * every container on the engine: only for a machine (or an exclusive lock) the caller owns.
 */
import { spawn } from 'node:child_process';
import { existsSync, openSync, readFileSync, readlinkSync } from 'node:fs';
import { $ } from 'zx';

const run = $({ quiet: true, nothrow: true });

/** How the running dockerd was started, read from /proc. */
interface Launch {
  pid: number;
  argv: string[];
  env: Record<string, string>;
  cwd: string;
  log: string;
  /** `prlimit` options repeating its open-files and processes limits. */
  limits: string[];
}

function launchOf(pid: number): Launch {
  const split = (file: string) => readFileSync(`/proc/${pid}/${file}`, 'utf8').split('\0').filter(Boolean);
  const env = Object.fromEntries(split('environ').map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]));
  const limitsText = readFileSync(`/proc/${pid}/limits`, 'utf8');
  const limit = (what: string, flag: string) => {
    const m = new RegExp(`^${what}\\s+(\\S+)\\s+(\\S+)`, 'm').exec(limitsText);
    return m ? [`--${flag}=${m[1]}:${m[2]}`] : [];
  };
  return {
    pid,
    argv: split('cmdline'),
    env,
    cwd: readlinkSync(`/proc/${pid}/cwd`),
    log: readlinkSync(`/proc/${pid}/fd/1`),
    limits: [...limit('Max open files', 'nofile'), ...limit('Max processes', 'nproc')],
  };
}

async function until(what: string, ok: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await ok()) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`dockerd restart: ${what} within ${timeoutMs / 1000}s`);
}

/** Stops dockerd and starts it again; resolves when the engine answers. Returns how it was started. */
export async function restartDockerd(): Promise<{ how: string }> {
  if ((await run`systemctl is-active docker`).exitCode === 0) {
    const res = await run`systemctl restart docker`;
    if (res.exitCode !== 0) throw new Error(`systemctl restart docker: ${res.stderr}`);
    await until('the engine did not answer', async () => (await run`docker info`).exitCode === 0, 120_000);
    return { how: 'systemctl restart docker' };
  }
  const pids = (await run`pidof dockerd`).stdout.trim().split(/\s+/).filter(Boolean).map(Number);
  if (pids.length !== 1) throw new Error(`dockerd restart: expected one dockerd, found ${pids.length}`);
  const launch = launchOf(pids[0]!);
  process.kill(launch.pid, 'SIGTERM');
  // dockerd stops every container (each with its stop timeout) before it exits.
  await until('dockerd did not exit', async () => !existsSync(`/proc/${launch.pid}`), 120_000);
  const out = openSync(launch.log, 'a');
  const hasPrlimit = (await run`command -v prlimit`).exitCode === 0;
  const [cmd, ...args] = hasPrlimit ? ['prlimit', ...launch.limits, '--', ...launch.argv] : launch.argv;
  spawn(cmd!, args, { cwd: launch.cwd, env: launch.env, detached: true, stdio: ['ignore', out, out] }).unref();
  await until('the engine did not answer', async () => (await run`docker info`).exitCode === 0, 120_000);
  return { how: `${launch.argv.join(' ')} (cwd ${launch.cwd}, log ${launch.log}, ${launch.limits.join(' ')})` };
}
