import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { formatProblem } from '../../scripts/cli/errors.js';
import { validateConfig } from '../../scripts/config/validate.js';
import { ECDSA, ED25519, RSA1024, RSA2048 } from './fixtures/config/keys.js';

const users = `users:\n  alice:\n    keys: ["${ED25519}"]\n`;

/** Validates and returns the formatted problem lines. */
const problems = (text: string) => validateConfig(text, 'edge.yaml').problems.map(formatProblem);

// Each bad input with the one located message it must produce (a substring of the line).
const BAD: Array<[string, string, string]> = [
  ['YAML syntax error', 'routes: [\n  {host: a.example.com\n', 'edge.yaml:3:1 YAML syntax:'],
  ['tab indentation', 'project: x\n\tports: {}\n', 'edge.yaml:2:1 YAML syntax:'],
  ['duplicate key', 'project: a\nproject: b\n', 'edge.yaml:2:1 YAML syntax: Map keys must be unique'],
  ['top level is a list', '- a\n- b\n', 'edge.yaml:1:1 expected a mapping, got a list'],
  ['unknown top-level key, close', 'projcet: x\n', 'edge.yaml:1:1 projcet: unknown key "projcet" (hint: did you mean "project"?)'],
  ['unknown top-level key, far', 'frobnicate: 1\n', 'unknown key "frobnicate" (hint: allowed: project, ports, acme, users, routes, limits)'],
  ['unknown nested key', 'ports:\n  htps: 8443\n', 'edge.yaml:2:3 ports.htps: unknown key "htps" (hint: did you mean "https"?)'],
  ['unknown route key', `${users}routes:\n  - host: a.example.com\n    tunel: alice\n`, 'edge.yaml:6:5 routes[0].tunel: unknown key "tunel" (hint: did you mean "tunnel"?)'],
  ['port is a string', 'ports:\n  http: eighty\n', 'edge.yaml:2:9 ports.http: expected a whole number, got string "eighty"'],
  ['port zero', 'ports: {http: 0}\n', 'edge.yaml:1:15 ports.http: 0 is outside 1–65535'],
  ['port too big', 'ports: {ssh: 70000}\n', 'ports.ssh: 70000 is outside 1–65535'],
  ['two equal ports', 'ports: {http: 8080, https: 8080}\n', 'edge.yaml:1:28 ports.https: port 8080 is already used by ports.http'],
  ['default port clash', 'ports: {ssh: 443}\n', 'edge.yaml:1:14 ports.ssh: port 443 is already used by ports.https (hint: each published port must be different)'],
  ['project bad chars', 'project: My Edge\n', 'edge.yaml:1:10 project: "My Edge" does not match'],
  ['routes not a list', 'routes: {host: a}\n', 'edge.yaml:1:9 routes: expected a list, got a mapping'],
  ['route without host', `${users}routes:\n  - tunnel: alice\n`, 'edge.yaml:5:5 routes[0]: "host" is required'],
  ['tunnel names no user', `${users}routes:\n  - host: a.example.com\n    tunnel: alcie\n`, 'edge.yaml:6:13 routes[0].tunnel: names no user "alcie" (hint: did you mean "alice"?)'],
  ['both tunnel and upstream', `${users}routes:\n  - host: a.example.com\n    tunnel: alice\n    upstream: http://10.0.0.1\n`, 'routes[0]: has both "tunnel" and "upstream"'],
  ['neither tunnel nor upstream', 'routes:\n  - host: a.example.com\n', 'edge.yaml:2:5 routes[0]: has neither "tunnel" nor "upstream"'],
  [
    'duplicate host',
    'routes:\n  - {host: a.example.com, upstream: "http://10.0.0.1"}\n  - {host: a.example.com, upstream: "http://10.0.0.2"}\n',
    'edge.yaml:3:12 routes[1].host: duplicate host "a.example.com" (first at routes[0])',
  ],
  ['host with scheme', 'routes:\n  - {host: "https://a.example.com", upstream: "http://10.0.0.1"}\n', 'must be a bare DNS name'],
  ['host with underscore', 'routes:\n  - {host: my_app.example.com, upstream: "http://10.0.0.1"}\n', 'host "my_app.example.com" is not a valid DNS name (hint: label "my_app"'],
  ['host uppercase', 'routes:\n  - {host: A.example.com, upstream: "http://10.0.0.1"}\n', 'must be lowercase'],
  ['host label too long', `routes:\n  - {host: ${'a'.repeat(64)}.com, upstream: "http://10.0.0.1"}\n`, 'is not a valid DNS name'],
  ['upstream not a URL', 'routes:\n  - {host: a.example.com, upstream: "10.0.0.1:3000"}\n', 'routes[0].upstream: "10.0.0.1:3000" is not a URL (hint: e.g. http://192.168.1.20:3000)'],
  ['upstream ftp', 'routes:\n  - {host: a.example.com, upstream: "ftp://10.0.0.1"}\n', 'upstream scheme "ftp" is not supported'],
  ['upstream with path', 'routes:\n  - {host: a.example.com, upstream: "http://10.0.0.1/app"}\n', 'has a path or query'],
  ['upstream garbage', 'routes:\n  - {host: a.example.com, upstream: "http://"}\n', 'is not a URL'],
  ['replicas zero', `${users}routes:\n  - {host: a.example.com, tunnel: alice, replicas: 0}\n`, 'routes[0].replicas: 0 is outside 1–16'],
  ['replicas 17', `${users}routes:\n  - {host: a.example.com, tunnel: alice, replicas: 17}\n`, 'routes[0].replicas: 17 is outside 1–16'],
  ['replicas on upstream', 'routes:\n  - {host: a.example.com, upstream: "http://10.0.0.1", replicas: 2}\n', 'replicas only applies to tunnel routes'],
  ['user named root', `users:\n  root:\n    keys: ["${ED25519}"]\n`, 'edge.yaml:2:3 users.root: "root" is a reserved account name'],
  ['user name uppercase', `users:\n  Alice:\n    keys: ["${ED25519}"]\n`, 'edge.yaml:2:3 users.Alice: "Alice" cannot be a Unix account name'],
  ['user name too long', `users:\n  ${'a'.repeat(33)}:\n    keys: ["${ED25519}"]\n`, 'cannot be a Unix account name'],
  ['user without keys', 'users:\n  alice: {}\n', 'users.alice: "keys" is required'],
  ['user with empty keys', 'users:\n  alice: {keys: []}\n', 'users.alice.keys: needs at least 1 item(s)'],
  ['key is garbage', 'users:\n  alice:\n    keys: ["hello"]\n', 'edge.yaml:3:12 users.alice.keys[0]: not an OpenSSH public key (type "hello")'],
  ['private key pasted', 'users:\n  alice:\n    keys: ["-----BEGIN OPENSSH PRIVATE KEY----- b3Bl"]\n', 'users.alice.keys[0]: this is a private key'],
  ['truncated key', `users:\n  alice:\n    keys: ["${ED25519.slice(0, 40)}"]\n`, 'key is truncated or corrupt'],
  ['mismatched key type', `users:\n  alice:\n    keys: ["ssh-rsa ${ED25519.split(' ')[1]}"]\n`, 'the key says "ssh-rsa" but its body is a "ssh-ed25519" key'],
  ['weak rsa', `users:\n  alice:\n    keys: ["${RSA1024}"]\n`, 'RSA key of 1024 bits is too weak'],
  ['keys not a list', `users:\n  alice:\n    keys: "${ED25519}"\n`, 'users.alice.keys: expected a list, got string'],
  ['letsencrypt without email', 'acme: {ca: letsencrypt}\n', 'edge.yaml:1:7 acme: acme.email is required with ca "letsencrypt"'],
  ['default CA without email', 'project: x\n', 'acme: acme.email is required with ca "letsencrypt"'],
  ['staging without email', 'acme: {ca: letsencrypt-staging}\n', 'acme.email is required with ca "letsencrypt-staging"'],
  ['unknown CA', 'acme: {ca: letsencrpyt, email: a@b.io}\n', 'acme.ca: "letsencrpyt" is neither a known CA nor an https:// directory URL (hint: did you mean "letsencrypt"?)'],
  ['http directory URL', 'acme: {ca: "http://ca.internal/dir", email: a@b.io}\n', 'is neither a known CA nor an https:// directory URL'],
  ['bad email', 'acme: {ca: pebble, email: ops-at-example}\n', 'acme.email: "ops-at-example" is not an email address'],
  ['renewBeforeDays not a number', 'acme: {ca: pebble, renewBeforeDays: soon}\n', 'acme.renewBeforeDays: expected a whole number'],
  ['unknown challenge', 'acme: {ca: pebble, challenge: tls-alpn-01}\n', 'edge.yaml:1:31 acme.challenge: "tls-alpn-01" is not one of http-01, dns-01'],
  ['dns-01 without hook', 'acme: {ca: pebble, challenge: dns-01}\n', 'edge.yaml:1:7 acme: acme.dnsHook is required with challenge "dns-01" (hint: an executable called'],
  ['hook without dns-01', 'acme: {ca: pebble, dnsHook: ./hook.sh}\n', 'edge.yaml:1:29 acme.dnsHook: only applies with acme.challenge: dns-01'],
  ['hook is empty', 'acme: {ca: pebble, challenge: dns-01, dnsHook: " "}\n', 'acme.dnsHook: " " is not a file path'],
  ['hook is not a string', 'acme: {ca: pebble, challenge: dns-01, dnsHook: [a]}\n', 'acme.dnsHook: expected a string, got a list'],
  [
    'wildcard with http-01',
    'acme: {ca: pebble}\nroutes:\n  - {host: "*.example.com", upstream: "http://10.0.0.1"}\n',
    'edge.yaml:3:12 routes[0].host: wildcard host "*.example.com" needs the dns-01 challenge (hint: HTTP-01 cannot validate wildcards: set acme.challenge: dns-01',
  ],
  [
    'wildcard tunnel',
    `acme: {ca: pebble, challenge: dns-01, dnsHook: ./hook.sh}\n${users}routes:\n  - {host: "*.example.com", tunnel: alice}\n`,
    'edge.yaml:6:12 routes[0].host: wildcard host "*.example.com" cannot be served by a tunnel (hint: a tunnel serves one name: list each host (e.g. app.example.com)',
  ],
  [
    'two wildcard labels',
    `acme: {ca: pebble, challenge: dns-01, dnsHook: ./hook.sh}\nroutes:\n  - {host: "*.*.example.com", upstream: "http://10.0.0.1"}\n`,
    'routes[0].host: host "*.*.example.com" has more than one wildcard (hint: only one leading "*." label',
  ],
  [
    'inner wildcard',
    `acme: {ca: pebble, challenge: dns-01, dnsHook: ./hook.sh}\nroutes:\n  - {host: "a.*.example.com", upstream: "http://10.0.0.1"}\n`,
    'host "a.*.example.com" has a "*" that is not a leading "*." label',
  ],
  [
    'partial wildcard label',
    `acme: {ca: pebble, challenge: dns-01, dnsHook: ./hook.sh}\nroutes:\n  - {host: "*app.example.com", upstream: "http://10.0.0.1"}\n`,
    'host "*app.example.com" has a "*" that is not a leading "*." label',
  ],
  ['wildcard over a TLD', `acme: {ca: pebble, challenge: dns-01, dnsHook: ./hook.sh}\nroutes:\n  - {host: "*.com", upstream: "http://10.0.0.1"}\n`, 'wildcard "*.com" covers a whole top-level domain'],
  [
    'wildcard over a bad name',
    `acme: {ca: pebble, challenge: dns-01, dnsHook: ./hook.sh}\nroutes:\n  - {host: "*.my_app.example.com", upstream: "http://10.0.0.1"}\n`,
    'host "*.my_app.example.com" is not a valid DNS name (hint: label "my_app"',
  ],
  [
    'wildcard uppercase',
    `acme: {ca: pebble, challenge: dns-01, dnsHook: ./hook.sh}\nroutes:\n  - {host: "*.Example.com", upstream: "http://10.0.0.1"}\n`,
    'host "*.Example.com" must be lowercase (hint: write "*.example.com")',
  ],
  [
    'duplicate wildcard',
    `acme: {ca: pebble, challenge: dns-01, dnsHook: ./hook.sh}\nroutes:\n  - {host: "*.example.com", upstream: "http://10.0.0.1"}\n  - {host: "*.example.com", upstream: "http://10.0.0.2"}\n`,
    'edge.yaml:4:12 routes[1].host: duplicate host "*.example.com" (first at routes[0])',
  ],
];

describe('validateConfig rejects bad input with a located message', () => {
  it.each(BAD)('%s', (_name, text, expected) => {
    // Cases that are not about acme get a valid CA line first, so the default CA's missing email
    // is not reported too; the table's line numbers are for the text as written, so shift them.
    const prefix = !text.includes('acme') && !text.startsWith('project: x') && !text.startsWith('-');
    const input = prefix ? `acme: {ca: pebble}\n${text}` : text;
    const shifted = !prefix ? expected : expected.replace(/edge\.yaml:(\d+):/, (_m, l) => `edge.yaml:${Number(l) + 1}:`);
    expect(problems(input).join('\n')).toContain(shifted);
    // The same text that produced the problem yields no model (not merely the default CA's email).
    expect(validateConfig(input, 'edge.yaml').model).toBeUndefined();
  });
});

describe('validateConfig', () => {
  it('does not add "dnsHook only applies with dns-01" to an invalid challenge', () => {
    const found = problems('acme: {ca: pebble, challenge: dns01, dnsHook: ./hook.sh}\n');
    expect(found).toHaveLength(1);
    expect(found[0]).toContain('acme.challenge: "dns01" is not one of http-01, dns-01');
  });

  it('reports every problem, not just the first', () => {
    const found = problems('acme: {ca: pebble}\nports: {http: 0, https: x}\nroutes:\n  - {host: A, tunnel: nobody}\n');
    expect(found).toHaveLength(4);
  });

  it('accepts every key type and fills defaults', () => {
    const { model, problems: p } = validateConfig(
      `acme: {ca: pebble}\nusers:\n  alice:\n    keys: ["${ED25519}", "${ECDSA}", "${RSA2048}"]\n  bob:\n    keys: ["${ED25519}"]\nroutes:\n  - {host: z.example.com, upstream: "https://10.0.0.5"}\n  - {host: a.example.com, tunnel: alice, replicas: 2}\n`,
      'edge.yaml',
    );
    expect(p).toEqual([]);
    expect(model).toMatchObject({
      project: 'tunnelgate',
      ports: { http: 80, https: 443, ssh: 2222 },
      acme: { ca: 'pebble', directoryUrl: 'https://pebble:14000/dir', renewBeforeDays: 30 },
    });
    expect(model!.users.map((u) => [u.name, u.keys.length])).toEqual([
      ['alice', 3],
      ['bob', 1],
    ]);
    // Sorted by host so renderers are deterministic.
    expect(model!.routes).toEqual([
      { kind: 'tunnel', host: 'a.example.com', user: 'alice', replicas: 2 },
      { kind: 'upstream', host: 'z.example.com', upstream: { scheme: 'https', hostname: '10.0.0.5', port: 443, url: 'https://10.0.0.5' } },
    ]);
  });

  it('maps CA names and URLs to directories', () => {
    const dir = (ca: string) => validateConfig(`acme: {ca: "${ca}", email: ops@example.com}\n`, 'f').model?.acme;
    expect(dir('letsencrypt')).toMatchObject({ ca: 'letsencrypt', directoryUrl: 'https://acme-v02.api.letsencrypt.org/directory' });
    expect(dir('letsencrypt-staging')?.directoryUrl).toContain('acme-staging-v02');
    expect(dir('https://ca.internal:9000/acme/directory')).toMatchObject({ ca: 'custom', directoryUrl: 'https://ca.internal:9000/acme/directory' });
  });

  it('defaults to http-01 and keeps a dns-01 hook as written (loadConfig resolves it)', () => {
    expect(validateConfig('acme: {ca: pebble}\n', 'f').model?.acme).toEqual({ ca: 'pebble', directoryUrl: 'https://pebble:14000/dir', renewBeforeDays: 30, challenge: 'http-01' });
    expect(validateConfig('acme: {ca: pebble, challenge: dns-01, dnsHook: hooks/dns.sh}\n', 'f').model?.acme).toMatchObject({ challenge: 'dns-01', dnsHook: 'hooks/dns.sh' });
  });

  it('accepts a wildcard upstream with dns-01, beside explicit hosts under it and the bare domain', () => {
    const { model, problems: p } = validateConfig(
      `acme: {ca: pebble, challenge: dns-01, dnsHook: ./hook.sh}\n${users}routes:\n  - {host: "*.example.com", upstream: "http://10.0.0.1"}\n  - {host: app.example.com, tunnel: alice}\n  - {host: example.com, upstream: "http://10.0.0.2"}\n  - {host: "*.dev.example.com", upstream: "http://10.0.0.3"}\n`,
      'edge.yaml',
    );
    expect(p).toEqual([]);
    expect(model!.routes.map((r) => `${r.kind} ${r.host}`)).toEqual(['upstream *.dev.example.com', 'upstream *.example.com', 'tunnel app.example.com', 'upstream example.com']);
  });

  it('offers a located problem builder for the checks loadConfig makes', () => {
    const { problemAt } = validateConfig('acme:\n  ca: pebble\n  challenge: dns-01\n  dnsHook: ./nope.sh\n', 'edge.yaml');
    expect(formatProblem(problemAt(['acme', 'dnsHook'], 'gone', 'look'))).toBe('edge.yaml:4:12 acme.dnsHook: gone (hint: look)');
  });

  it('accepts edge.example.yaml as shipped', () => {
    const text = readFileSync(new URL('../../edge.example.yaml', import.meta.url), 'utf8');
    expect(validateConfig(text, 'edge.example.yaml').problems).toEqual([]);
  });

  it('treats an empty file as all defaults (and asks for the email the default CA needs)', () => {
    expect(problems('')).toEqual(['edge.yaml acme: acme.email is required with ca "letsencrypt" (hint: Let\'s Encrypt sends expiry notices there)']);
  });
});
