/**
 * The renewer container's program: one ACME pass over the hosts it is given, then exactly one
 * JSON report line on stdout (diagnostics go to stderr) and exit 1 when any host failed.
 */
import * as acme from 'acme-client';
import { RENEWER } from '../../stacks/layout.js';
import { certFacts } from '../cert-info.js';
import { attemptMeta, renewedMeta } from '../cert-meta.js';
import { decideRenewal } from '../renewal-window.js';
import type { HostResult, RenewerInput } from '../report.js';
import { acmeClient, ensureAccount, getJson, probeDirectory, type RetryAfterRecord, tuneRetries } from './acme-session.js';
import { fetchRenewalWindow } from './ari.js';
import { readStored, writeMeta, writePem } from './cert-store.js';
import { startResponder } from './http01.js';
import { issueCertificate } from './issue.js';

const log = (line: string) => process.stderr.write(`${line}\n`);

/** Writes a host's metadata; on failure (a full disk) says so instead of throwing. */
function recordMeta(host: string, meta: Parameters<typeof writeMeta>[1]): string | undefined {
  try {
    writeMeta(host, meta);
    return undefined;
  } catch (err) {
    return `its metadata could not be written: ${(err as Error).message}`;
  }
}

/** Decides and, when due, renews one host; never throws (a failure is a result). */
async function renewHost(
  host: string,
  input: RenewerInput,
  ctx: { client?: acme.Client; clientError?: string; renewalInfo?: string; tokens: Map<string, string>; retries: RetryAfterRecord },
): Promise<HostResult> {
  const stored = readStored(host);
  let facts: ReturnType<typeof certFacts> | undefined;
  try {
    facts = stored.pem ? certFacts(stored.pem) : undefined;
  } catch {
    facts = undefined; // an unreadable PEM is treated as missing: it must be replaced
  }
  const needsAri = !input.force && facts && !facts.isPlaceholder;
  const ari = needsAri ? await fetchRenewalWindow(ctx.renewalInfo, stored.pem!) : {};
  if (ari.note) log(`[${host}] ${ari.note}`);
  const decision = decideRenewal({
    now: new Date(),
    ...(facts ? { notBefore: facts.notBefore, notAfter: facts.notAfter } : {}),
    renewBeforeDays: input.renewBeforeDays,
    ...(ari.window ? { ari: ari.window } : {}),
    force: input.force,
    isPlaceholder: facts?.isPlaceholder ?? false,
  });
  const current = facts && !facts.isPlaceholder ? { serial: facts.serial, notAfter: facts.notAfter.toISOString(), issuer: facts.issuer } : {};
  if (!decision.due) {
    const unrecorded = recordMeta(host, attemptMeta(stored.meta, [host], 'not-due', new Date()));
    if (unrecorded) return { host, result: 'failed', reason: decision.reason, error: unrecorded, ...current };
    return { host, result: 'not-due', reason: decision.reason, ...current };
  }
  // A failure keeps the old PEM in service untouched; only the attempt is recorded (if the disk lets us).
  const failed = (error: string): HostResult => {
    const unrecorded = recordMeta(host, attemptMeta(stored.meta, [host], 'failed', new Date(), error));
    return { host, result: 'failed', reason: decision.reason, error: unrecorded ? `${error}; ${unrecorded}` : error, ...current };
  };
  const started = Date.now();
  let issued: Awaited<ReturnType<typeof issueCertificate>>;
  try {
    if (!ctx.client) throw new Error(ctx.clientError ?? 'no ACME client');
    issued = await issueCertificate(ctx.client, host, input, ctx.tokens, log);
  } catch (err) {
    let error = ctx.clientError ?? `${input.directoryUrl}: ${(err as Error).message}`;
    if (ctx.retries.refused) error += ` (rate limited: the CA asks to retry after ${ctx.retries.refused})`;
    return failed(error);
  }
  const fresh = certFacts(issued.pem);
  // PEM first, then metadata: a crash in between leaves a new certificate with old metadata,
  // never metadata describing a certificate that is not there.
  try {
    writePem(host, issued.pem);
  } catch (err) {
    return failed(`issued serial ${fresh.serial}, but writing its PEM failed: ${(err as Error).message}`);
  }
  const unrecorded = recordMeta(host, renewedMeta([host], fresh, input.directoryUrl, new Date()));
  if (unrecorded) log(`[${host}] warning: ${unrecorded}`);
  log(`[${host}] issued serial ${fresh.serial} in ${Date.now() - started} ms`);
  return { host, result: 'renewed', reason: decision.reason, serial: fresh.serial, notAfter: fresh.notAfter.toISOString(), issuer: fresh.issuer };
}

async function main(): Promise<number> {
  const input = JSON.parse(process.env.TUNNELGATE_RENEWER_INPUT ?? '') as RenewerInput;
  if (process.env.TUNNELGATE_RENEWER_DEBUG) acme.setLogger(log);
  const retries = tuneRetries(input.maxRetryAfterSeconds ?? 120);
  const tokens = new Map<string, string>();
  const server = input.challenge === 'http-01' ? await startResponder(RENEWER.port, tokens) : undefined;
  const ctx: Parameters<typeof renewHost>[2] = { tokens, retries };
  try {
    await probeDirectory(input.directoryUrl);
    ctx.client = await acmeClient(input.directoryUrl);
    const data = await getJson(input.directoryUrl);
    await ensureAccount(ctx.client, input.email);
    if (typeof data.renewalInfo === 'string') ctx.renewalInfo = data.renewalInfo;
  } catch (err) {
    // Unreachable CA: every due host fails with this error; hosts not due are still reported.
    ctx.clientError = `CA ${input.directoryUrl} unreachable: ${(err as Error).message}`;
    delete ctx.client;
  }
  const results: HostResult[] = [];
  // One host at a time: HTTP-01 tokens of different orders never mix, and CA load stays low.
  for (const host of input.hosts) {
    retries.reset();
    results.push(await renewHost(host, input, ctx));
  }
  server?.close();
  process.stdout.write(`${JSON.stringify({ results })}\n`);
  return results.some((r) => r.result === 'failed') ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (err: Error) => {
    log(`renewer: ${err.stack ?? err.message}`);
    process.exit(2);
  },
);
