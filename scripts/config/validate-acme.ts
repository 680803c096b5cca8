/** The `acme:` section: which CA, contact, renewal window, challenge and DNS hook. */
import { PEBBLE } from '../../stacks/layout.js';
import type { AcmeChallenge, AcmeModel } from '../../stacks/model.js';
import { int, obj, type Problems, str } from './problems.js';
import { suggest } from './rules.js';
import { CA_NAMES } from './schema.js';

const CA_DIRECTORIES: Record<(typeof CA_NAMES)[number], string> = {
  letsencrypt: 'https://acme-v02.api.letsencrypt.org/directory',
  'letsencrypt-staging': 'https://acme-staging-v02.api.letsencrypt.org/directory',
  // The embedded Pebble container, by its name on the stack network.
  pebble: PEBBLE.directoryUrl,
};

/** The acme model from the raw section, reporting every problem into `out`. */
export function validateAcme(raw: unknown, out: Problems): AcmeModel {
  const acme = obj(raw);
  const caText = str(acme.ca) ?? 'letsencrypt';
  let ca: AcmeModel['ca'] = 'custom';
  let directoryUrl = caText;
  if ((CA_NAMES as readonly string[]).includes(caText)) {
    ca = caText as AcmeModel['ca'];
    directoryUrl = CA_DIRECTORIES[caText as (typeof CA_NAMES)[number]];
  } else if (!/^https:\/\/[^\s/]+(\/\S*)?$/.test(caText) || !URL.canParse(caText)) {
    const close = suggest(caText, [...CA_NAMES]);
    out.at(['acme', 'ca'], `"${caText}" is neither a known CA nor an https:// directory URL`, close ? `did you mean "${close}"?` : `use ${CA_NAMES.join(', ')} or https://…/directory`);
  }
  const email = str(acme.email);
  if (ca.startsWith('letsencrypt') && !email) out.at(['acme'], `acme.email is required with ca "${caText}"`, "Let's Encrypt sends expiry notices there");
  if (email !== undefined && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) out.at(['acme', 'email'], `"${email}" is not an email address`);
  // The schema walk reported a value outside the enum; go on as http-01 so wildcard hosts are still checked.
  const challenge: AcmeChallenge = str(acme.challenge) === 'dns-01' ? 'dns-01' : 'http-01';
  const dnsHook = str(acme.dnsHook);
  if (challenge === 'dns-01' && dnsHook === undefined) {
    out.at(['acme'], 'acme.dnsHook is required with challenge "dns-01"', 'an executable called `set|clear <fqdn> <value>` that publishes the TXT record, e.g. ./dns-hook.sh');
  }
  // Only for a valid http-01: with an invalid challenge the enum error already says what is wrong.
  const challengeValid = acme.challenge === undefined || acme.challenge === 'http-01' || acme.challenge === 'dns-01';
  if (challenge !== 'dns-01' && challengeValid && dnsHook !== undefined) out.at(['acme', 'dnsHook'], 'only applies with acme.challenge: dns-01', 'set acme.challenge: dns-01, or remove dnsHook');
  // Existence and the executable bit need the file system: loadConfig checks them.
  if (dnsHook !== undefined && (dnsHook.trim() === '' || /[\0\n\r]/.test(dnsHook)))
    out.at(['acme', 'dnsHook'], `${JSON.stringify(dnsHook)} is not a file path`, 'e.g. ./dns-hook.sh, relative to edge.yaml');
  return {
    ca,
    directoryUrl,
    ...(email ? { email } : {}),
    renewBeforeDays: int(acme.renewBeforeDays, 30),
    challenge,
    ...(dnsHook !== undefined ? { dnsHook } : {}),
  };
}
