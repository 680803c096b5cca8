/**
 * wrk in a container on a stack's own network, so load reaches HAProxy without Docker's userland
 * proxy and stays off the host's ports: an image with Debian's wrk (built once, tagged by its
 * Dockerfile), one bounded run per call, its summary parsed.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as engine from '../scripts/engine/index.js';

const DOCKERFILE = 'FROM debian:trixie-slim\nRUN apt-get update && apt-get install -y --no-install-recommends wrk ca-certificates && rm -rf /var/lib/apt/lists/*\n';

/** The wrk image's tag, building it when missing. */
export async function wrkImage(): Promise<string> {
  const tag = `tunnelgate-bench/wrk:${createHash('sha256').update(DOCKERFILE).digest('hex').slice(0, 12)}`;
  if (await engine.imageExists(tag)) return tag;
  const dir = mkdtempSync(join(tmpdir(), 'tg-wrk-'));
  try {
    writeFileSync(join(dir, 'Dockerfile'), DOCKERFILE);
    await engine.buildImage({ tag, context: dir, files: ['Dockerfile'], dockerfile: 'Dockerfile', labels: {} });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return tag;
}

export interface WrkResult {
  requests: number;
  perSecond: number;
  /** Non-2xx/3xx responses and socket errors, as wrk reports them. */
  problems: string;
}

/** `wrk -t2 -c32 -d<seconds>s` against `url` with a Host header, from a container on `network`. */
export async function wrk(image: string, network: string, labels: Record<string, string>, url: string, host: string, seconds: number): Promise<WrkResult> {
  const res = await engine.runContainer({
    name: `tg-bench-wrk-${Date.now().toString(36)}`,
    image,
    cmd: ['wrk', '-t2', '-c32', `-d${seconds}s`, '-H', `Host: ${host}`, url],
    labels,
    ports: [],
    mounts: [],
    network,
    aliases: [],
    restart: 'no',
    timeoutMs: (seconds + 30) * 1000,
  });
  if (res.exitCode !== 0) throw new Error(`wrk exited ${res.exitCode}: ${res.stderr || res.stdout}`);
  const requests = Number(/(\d+) requests in/.exec(res.stdout)?.[1] ?? Number.NaN);
  const perSecond = Number(/Requests\/sec:\s+([\d.]+)/.exec(res.stdout)?.[1] ?? Number.NaN);
  const problems = [/Non-2xx or 3xx responses: \d+/.exec(res.stdout)?.[0], /Socket errors: .*/.exec(res.stdout)?.[0]].filter(Boolean).join(', ');
  return { requests, perSecond, problems };
}
