/**
 * Puts renewed certificates into the running HAProxy through the runtime API (`set ssl cert` +
 * `commit ssl cert` via the master CLI): no reload, no restart, so no connection is touched and
 * no old worker lingers; new handshakes get the new certificate at once. The PEM on disk was
 * already replaced by the renewer, so a later reload loads the same certificate.
 */
import {
  abortSslCertCommand,
  commitSslCertCommand,
  parseShowSslCert,
  parseSslCertOutcome,
  type SslCertInfo,
  sameSerial,
  setSslCertFromFileArgv,
  showSslCertCommand,
} from '../../haproxy/runtime-certs.js';
import { certPath } from '../../stacks/layout.js';
import { ExitError } from '../cli/errors.js';
import * as engine from '../engine/index.js';
import { masterCli } from './haproxy-control.js';

// HAProxy holds one certificate transaction at a time: rotations in this process queue here.
let queue: Promise<unknown> = Promise.resolve();

/** What HAProxy serves for a host's certificate path right now (`undefined`: not loaded). */
async function servedCertificate(container: string, host: string): Promise<SslCertInfo | undefined> {
  return parseShowSslCert(await masterCli(container, showSslCertCommand(certPath(host))));
}

async function rotate(container: string, host: string, expectSerial?: string): Promise<void> {
  const path = certPath(host);
  const set = await engine.exec(container, setSslCertFromFileArgv(path));
  const setOutcome = parseSslCertOutcome('set', set.stdout);
  const fail = async (step: string, message: string) => {
    await masterCli(container, abortSslCertCommand(path)).catch(() => undefined);
    throw new ExitError(`haproxy (${container}): ${step} ssl cert ${path} failed: ${message || set.stderr.trim() || 'no answer'}; the previous certificate stays in service until the next reload`);
  };
  if (set.exitCode !== 0 || !setOutcome.ok) return fail('set', setOutcome.message);
  const commit = parseSslCertOutcome('commit', await masterCli(container, commitSslCertCommand(path)));
  if (!commit.ok) return fail('commit', commit.message);
  // Trust, but verify: the committed certificate is the one the renewer wrote.
  if (expectSerial) {
    const served = await servedCertificate(container, host);
    if (!served) throw new ExitError(`haproxy (${container}): after commit, ${path} is not loaded at all (expected serial ${expectSerial})`);
    if (!sameSerial(served.serial, expectSerial)) throw new ExitError(`haproxy (${container}): after commit, ${path} serves serial ${served.serial}, expected ${expectSerial}`);
  }
}

/** Rotates one host's certificate into the running HAProxy (serialized); throws ExitError on failure. */
export function rotateCertificate(container: string, host: string, expectSerial?: string): Promise<void> {
  const next = queue.then(() => rotate(container, host, expectSerial));
  queue = next.catch(() => undefined);
  return next;
}
