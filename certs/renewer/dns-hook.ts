/** Runs the operator's DNS-01 hook: `<hook> set|clear <fqdn> <value>`. */
import { execFile } from 'node:child_process';

/** `_acme-challenge.<domain>.` for an authorization's identifier (a wildcard's is its base domain). */
export function challengeFqdn(domain: string): string {
  return `_acme-challenge.${domain.replace(/^\*\./, '').replace(/\.$/, '')}.`;
}

/** Runs the hook (60s bound); a non-zero exit is an error carrying the hook's stderr. */
export function runDnsHook(hook: string, action: 'set' | 'clear', fqdn: string, value: string): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile(hook, [action, fqdn, value], { timeout: 60_000 }, (err, _stdout, stderr) => {
      if (err) reject(new Error(`DNS hook "${action} ${fqdn}" failed: ${(stderr || err.message).trim().slice(0, 300)}`));
      else resolve();
    });
  });
}
