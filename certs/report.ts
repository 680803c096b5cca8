/**
 * The contract between the host and the renewer container: the input it is started with and
 * the one JSON line it prints. Pure (shared by both sides; imports nothing of acme-client).
 */

/** What one renewer run is asked to do (passed as JSON in TUNNELGATE_RENEWER_INPUT). */
export interface RenewerInput {
  hosts: string[];
  directoryUrl: string;
  email?: string;
  renewBeforeDays: number;
  force: boolean;
  challenge: 'http-01' | 'dns-01';
  /** Path of the DNS-01 hook inside the container (`<hook> set|clear <fqdn> <value>`). */
  dnsHook?: string;
  /** Seconds to wait after the hook's `set` before asking the CA to validate. */
  dnsPropagationSeconds?: number;
  /**
   * Base URL of HAProxy's :80 on the stack network (`http://haproxy:80`): before telling the CA,
   * the renewer fetches its own token through it, which proves the route works end to end.
   */
  selfCheckBase?: string;
  /** Upper bound for honouring a CA's Retry-After; a longer one fails the host at once. */
  maxRetryAfterSeconds?: number;
}

type HostResultKind = 'renewed' | 'not-due' | 'failed';

/** One certificate's outcome. */
export interface HostResult {
  host: string;
  result: HostResultKind;
  /** Why it was (not) renewed: days left, ARI window, forced, placeholder. */
  reason: string;
  serial?: string;
  notAfter?: string;
  issuer?: string;
  /** The CA's (or hook's) error, for `failed`. */
  error?: string;
}

/** The renewer's stdout: exactly one line of this. */
export interface RenewalReport {
  results: HostResult[];
}

const KINDS: HostResultKind[] = ['renewed', 'not-due', 'failed'];

/**
 * Reads the report from the renewer's stdout (the last line that parses; anything before it is
 * noise from a library). Throws when there is none or it does not have the expected shape.
 */
export function parseRenewalReport(stdout: string): RenewalReport {
  const lines = stdout
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.startsWith('{'));
  for (const line of lines.reverse()) {
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      continue;
    }
    const results = (value as { results?: unknown }).results;
    if (!Array.isArray(results)) continue;
    for (const r of results as HostResult[]) {
      if (typeof r?.host !== 'string' || !KINDS.includes(r.result) || typeof r.reason !== 'string') {
        throw new Error(`renewer report has a malformed entry: ${JSON.stringify(r).slice(0, 200)}`);
      }
    }
    return { results: results as HostResult[] };
  }
  throw new Error(`renewer printed no report${stdout.trim() ? `: ${JSON.stringify(stdout.trim().slice(-300))}` : ''}`);
}

/** `renewed   a.example.com  serial 1f…, until 2027-02-01 (forced (--force))`: one line per certificate. */
export function renderHostResult(r: HostResult): string {
  const label = r.result === 'not-due' ? 'not due' : r.result;
  const detail = r.result === 'failed' ? `${r.reason}: ${r.error ?? 'unknown error'}` : r.result === 'renewed' ? `${r.reason}; serial ${r.serial}, valid until ${r.notAfter?.slice(0, 10)}` : r.reason;
  return `${label.padEnd(8)} ${r.host}  ${detail}`;
}
