/**
 * The ACME client for one pass: the account key from the `acme` volume (made once, 0600), and
 * acme-client's HTTP retries tuned so a pass is bounded: a few linear back-offs for network and
 * 5xx errors, and a CA's Retry-After honoured only up to a limit (beyond it, the host fails at
 * once with the time to come back, instead of a cron job sleeping for hours).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { get as httpsGet } from 'node:https';
import * as acme from 'acme-client';
import { MOUNTS } from '../../stacks/layout.js';
import { retryAfterSeconds } from '../retry-after.js';

const ACCOUNT_KEY_PATH = `${MOUNTS.acme}/account.key`;

/** The account key, created on first use; reused so the CA sees one account across runs. */
async function accountKey(): Promise<Buffer> {
  if (existsSync(ACCOUNT_KEY_PATH)) return readFileSync(ACCOUNT_KEY_PATH);
  const key = await acme.crypto.createPrivateEcdsaKey();
  // wx: never overwrite a key another run created meanwhile.
  writeFileSync(ACCOUNT_KEY_PATH, key, { mode: 0o600, flag: 'wx' });
  return key;
}

/** The last Retry-After the CA sent that was too long to wait for, per host (for its error message). */
export interface RetryAfterRecord {
  refused?: string;
  /** Forgets the last one: called before each host, so one host's rate limit never names another's. */
  reset(): void;
}

/**
 * acme-client retries 429/5xx/network errors itself (waiting Retry-After, else attempt × delay
 * seconds). Three attempts at 1 s steps keep a dead CA to ~6 s; a Retry-After above the bound
 * marks the request as out of attempts (acme-client reads `config.retryAttempt`), so it fails now.
 */
export function tuneRetries(maxRetryAfterSeconds: number): RetryAfterRecord {
  const record: RetryAfterRecord = {
    reset() {
      delete record.refused;
    },
  };
  const ax = acme.axios as unknown as {
    defaults: { acmeSettings: { retryMaxAttempts: number; retryDefaultDelay: number }; transformResponse: unknown[] };
  };
  ax.defaults.acmeSettings.retryMaxAttempts = 3;
  ax.defaults.acmeSettings.retryDefaultDelay = 1;
  const bound = function (this: { retryAttempt?: number }, data: unknown, headers: { get?: (k: string) => unknown }, status?: number) {
    const raw = headers?.get?.('retry-after');
    if (status === 429 || (status ?? 0) >= 500) {
      const seconds = retryAfterSeconds(raw, new Date());
      if (seconds !== undefined && seconds > maxRetryAfterSeconds) {
        record.refused = String(raw);
        this.retryAttempt = Number.MAX_SAFE_INTEGER;
      }
    }
    return data;
  };
  ax.defaults.transformResponse = [...ax.defaults.transformResponse, bound];
  return record;
}

/**
 * How a pending challenge or order is polled: acme-client's default first wait is 5 s, and a CA
 * usually decides in well under one (Pebble in ~0.1 s), so each issuance sat 5 s or more idle
 * (half of a first `up`'s issuance). Polls start at 250 ms and double to acme-client's 30 s cap;
 * 14 attempts give up after ~3.5 minutes, as its defaults (10 from 5 s) do. Three polls in the
 * first 2 s is about certbot's pace (one a second).
 */
const POLL_BACKOFF = { backoffMin: 250, backoffMax: 30_000, backoffAttempts: 14 } as const;

/** A client for the directory with the account key. */
export async function acmeClient(directoryUrl: string): Promise<acme.Client> {
  return new acme.Client({ directoryUrl, accountKey: await accountKey(), ...POLL_BACKOFF });
}

/** GET with acme-client's HTTP stack (same trust, same bounded retries); the JSON body. */
export async function getJson(url: string): Promise<Record<string, unknown>> {
  const res = await (acme.axios as unknown as { get(u: string, o: object): Promise<{ data: Record<string, unknown> }> }).get(url, {
    validateStatus: (s: number) => s === 200,
    timeout: 15_000,
  });
  return res.data;
}

/**
 * Finds the account of our key, or registers it. acme-client's `auto()` would "update" an
 * existing account with `{termsOfServiceAgreed}` alone, which Pebble (rightly) refuses as an
 * empty update: asking with `onlyReturnExisting` first makes the lookup a POST-as-GET.
 */
export async function ensureAccount(client: acme.Client, email?: string): Promise<void> {
  try {
    await client.createAccount({ onlyReturnExisting: true });
  } catch {
    await client.createAccount({ termsOfServiceAgreed: true, ...(email ? { contact: [`mailto:${email}`] } : {}) });
  }
}

function getOnce(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = httpsGet(url, { timeout: 10_000 }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('timeout', () => req.destroy(new Error('timed out after 10s'))).on('error', reject);
  });
}

/**
 * Checks the directory answers, with 3 attempts backing off 1 s, 2 s. Done with plain https
 * because acme-client, once its retries on a network error run out, throws a TypeError of its
 * own that hides the real cause (ENOTFOUND, ECONNREFUSED), which the operator needs to see.
 */
export async function probeDirectory(url: string): Promise<void> {
  let last: Error | undefined;
  for (let attempt = 1; attempt <= 3; attempt++) {
    try {
      const status = await getOnce(url);
      if (status === 200) return;
      last = new Error(`directory answered HTTP ${status}`);
    } catch (err) {
      last = err as Error;
    }
    if (attempt < 3) await new Promise((r) => setTimeout(r, attempt * 1000));
  }
  throw last!;
}
