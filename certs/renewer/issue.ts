/**
 * Issues one certificate: a fresh ECDSA P-256 key, a CSR for the host, acme-client's `auto()`
 * with HTTP-01 (our responder, self-checked through HAProxy) or DNS-01 (the operator's hook).
 */
import * as acme from 'acme-client';
import type { RenewerInput } from '../report.js';
import { challengeFqdn, runDnsHook } from './dns-hook.js';
import { selfCheck } from './http01.js';

export interface Issued {
  /** fullchain + private key, as HAProxy loads it. */
  pem: string;
}

type Authz = { identifier: { value: string } };
type Challenge = { type: string; token: string };

/** Runs one order for `host`; throws the CA's (or the hook's) error. */
export async function issueCertificate(client: acme.Client, host: string, input: RenewerInput, tokens: Map<string, string>, log: (l: string) => void): Promise<Issued> {
  if (host.startsWith('*.') && input.challenge !== 'dns-01') throw new Error('a wildcard certificate needs acme.challenge: dns-01');
  const key = await acme.crypto.createPrivateEcdsaKey();
  // Passing the key matters: without it createCsr makes an RSA key of its own.
  const [, csr] = await acme.crypto.createCsr({ altNames: [host] }, key);
  const dns = input.challenge === 'dns-01';
  if (dns && !input.dnsHook) throw new Error('acme.challenge is dns-01 but no acme.dnsHook is set');
  const cert = await client.auto({
    csr,
    ...(input.email ? { email: input.email } : {}),
    termsOfServiceAgreed: true,
    challengePriority: [input.challenge],
    // HTTP-01 is checked by selfCheck() below instead (see its comment); DNS-01 is waited for
    // with a propagation delay, since only the CA's resolvers matter.
    skipChallengeVerification: true,
    challengeCreateFn: async (authz: Authz, challenge: Challenge, keyAuthorization: string) => {
      if (dns) {
        const fqdn = challengeFqdn(authz.identifier.value);
        log(`[${host}] dns hook: set ${fqdn}`);
        await runDnsHook(input.dnsHook!, 'set', fqdn, keyAuthorization);
        await new Promise((r) => setTimeout(r, (input.dnsPropagationSeconds ?? 0) * 1000));
        return;
      }
      tokens.set(challenge.token, keyAuthorization);
      if (input.selfCheckBase) await selfCheck(input.selfCheckBase, authz.identifier.value, challenge.token, keyAuthorization);
    },
    challengeRemoveFn: async (authz: Authz, challenge: Challenge, keyAuthorization: string) => {
      if (dns) await runDnsHook(input.dnsHook!, 'clear', challengeFqdn(authz.identifier.value), keyAuthorization);
      else tokens.delete(challenge.token);
    },
  });
  const chain = cert.endsWith('\n') ? cert : `${cert}\n`;
  return { pem: chain + key.toString() };
}
