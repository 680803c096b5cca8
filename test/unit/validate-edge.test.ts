/**
 * The DMZ keys of edge.yaml (issue 9 and the routing part of issue 8): TLS modes, access rules,
 * app features, raw TCP routes, networks, HSTS and the offline page, each bad input with its one
 * located message, and the models good inputs become.
 */
import { describe, expect, it } from 'vitest';
import { formatProblem } from '../../scripts/cli/errors.js';
import { validateConfig } from '../../scripts/config/validate.js';
import { ED25519 } from './fixtures/config/keys.js';

const head = `acme: {ca: pebble}\nusers:\n  alice:\n    keys: ["${ED25519}"]\n`;
const route = (fields: string) => `${head}routes:\n  - {host: a.example.com, ${fields}}\n`;
const SHA512 = '$6$abcdefgh$Z7KfoKnKTSZrzo5VZ0YubGLQOj9ov6sHo9TmE3zIU/LHKhpE30zCnZ0mcIXYf9r9rQ4DYaXoxAFSPFlcWdxjB.';
const problems = (text: string) => validateConfig(text, 'edge.yaml').problems.map(formatProblem);

const BAD: Array<[string, string, string]> = [
  ['unknown tls mode', route('upstream: "http://app:80", tls: passthru'), 'edge.yaml:6:59 routes[0].tls: "passthru" is not one of terminate, reencrypt, passthrough'],
  ['passthrough to http', route('upstream: "http://app:80", tls: passthrough'), 'routes[0].tls: tls: passthrough forwards TLS untouched, but http:// is not TLS'],
  ['reencrypt to http', route('upstream: "http://app:80", tls: reencrypt'), 'routes[0].tls: tls: reencrypt needs an https:// upstream, not http://'],
  ['tcp upstream on an HTTP route', route('upstream: "tcp://app:22"'), 'routes[0].upstream: tcp:// upstreams are raw TCP'],
  ['basic auth on passthrough', route(`upstream: "https://app:443", tls: passthrough, basicAuth: {admin: "${SHA512}"}`), 'routes[0].basicAuth: does not apply to tls: passthrough'],
  ['headers on a passthrough tunnel', route('tunnel: alice, tls: passthrough, headers: {X-A: b}'), 'routes[0].headers: does not apply to tls: passthrough'],
  ['verify on plain http', route('upstream: "http://app:80", verify: false'), 'routes[0].verify: only applies when HAProxy speaks TLS to the target'],
  ['ca with verify false', route('upstream: "https://app:443", verify: false, ca: ./ca.pem'), 'routes[0].ca: is not used with verify: false'],
  ['sticky without replicas', route('tunnel: alice, sticky: true'), 'routes[0].sticky: pins browsers to one of several tunnel slots (hint: set replicas: 2 or more'],
  ['protocol on an upstream', route('upstream: "http://app:80", protocol: h2c'), 'routes[0].protocol: only applies to tunnel routes (hint: an upstream says it in its URL: h2c://host:port)'],
  ['h2c re-encrypted', route('tunnel: alice, protocol: h2c, tls: reencrypt'), 'routes[0].protocol: h2c is cleartext HTTP/2 and cannot be re-encrypted'],
  [
    'plain password',
    route('upstream: "http://app:80", basicAuth: {admin: hunter2}'),
    'routes[0].basicAuth.admin: is not a crypt(3) hash (plain-text passwords are not accepted) (hint: make one with `npm run hash-password`',
  ],
  ['md5 hash', route('upstream: "http://app:80", basicAuth: {admin: "$1$abc$def"}'), 'routes[0].basicAuth.admin: md5-crypt and DES hashes are too weak'],
  ['bad auth user', route(`upstream: "http://app:80", basicAuth: {"ad min": "${SHA512}"}`), 'routes[0].basicAuth.ad min: "ad min" cannot be a basic-auth user name'],
  ['bad CIDR', route('upstream: "http://app:80", allow: [10.0.0.0/8, 10.0.0.0/33]'), 'routes[0].allow[1]: "10.0.0.0/33" is not an IP address or CIDR'],
  ['allow not an address', route('upstream: "http://app:80", allow: [office]'), 'routes[0].allow[0]: "office" is not an IP address or CIDR'],
  ['empty allow', route('upstream: "http://app:80", allow: []'), 'routes[0].allow: needs at least 1 item(s)'],
  ['header name', route('upstream: "http://app:80", headers: {"X Frame": DENY}'), 'routes[0].headers.X Frame: "X Frame" is not a header name HAProxy accepts'],
  ['header that is hsts', route('upstream: "http://app:80", headers: {Strict-Transport-Security: max-age=1}'), 'Strict-Transport-Security is set by hsts (hint: use hsts: <seconds>)'],
  ['framing header', route('upstream: "http://app:80", headers: {Transfer-Encoding: chunked}'), 'Transfer-Encoding is managed by HTTP itself'],
  ['header with a newline', route('upstream: "http://app:80", headers: {X-A: "a\\nb"}'), 'the value of X-A must be printable ASCII'],
  ['health path', route('upstream: "http://app:80", health: {path: healthz}'), 'routes[0].health.path: "healthz" is not a request path'],
  ['health path with a quote', route('upstream: "http://app:80", health: {path: "/a\'b"}'), 'is not a request path'],
  ['negative hsts', route('upstream: "http://app:80", hsts: -1'), 'routes[0].hsts: -1 is outside 0–63072000'],
  ['global hsts', `${head}hsts: yes\n`, 'edge.yaml:5:7 hsts: expected a whole number, got string "yes"'],
  ['offline page', `${head}offlinePage: verbose\n`, 'offlinePage: "verbose" is not one of plain, instructions'],
  ['maxconn zero', route('upstream: "http://app:80", maxconn: 0'), 'routes[0].maxconn: 0 is outside 1–100000'],
  // Issue 8, item 7: HAProxy syntax in an upstream host, loopback upstreams, socket paths too long.
  ['HAProxy syntax in a host', route('upstream: "https://x),lower,concat(a"'), 'routes[0].upstream: upstream host "x),lower,concat(a" is not a host name or IP address'],
  ['quote in a host', route('upstream: "http://a\\"b:80"'), 'upstream host "a\\"b" is not a host name or IP address'],
  ['dollar in a host', route('upstream: "http://$HOME:80"'), 'upstream host "$HOME" is not a host name or IP address'],
  ['space in a host', route('upstream: "http://a b:80"'), 'upstream host "a b" is not a host name or IP address'],
  ['comma in an h2c host', route('upstream: "h2c://a,b:50051"'), 'upstream host "a,b" is not a host name or IP address'],
  ['127.0.0.1', route('upstream: "http://127.0.0.1:3000"'), 'upstream host "127.0.0.1" is a loopback address (hint: inside the HAProxy container that is HAProxy itself: use host'],
  ['localhost', route('upstream: "http://localhost:3000"'), 'upstream host "localhost" is a loopback address'],
  ['::1', route('upstream: "http://[::1]:3000"'), 'upstream host "::1" is a loopback address'],
  ['h2c without port', route('upstream: "h2c://grpc"'), 'upstream "h2c://grpc" needs a port'],
  [
    'socket path too long',
    `${head}routes:\n  - {host: ${'a'.repeat(40)}.${'b'.repeat(40)}.example.com, tunnel: alice, replicas: 16}\n`,
    `edge.yaml:6:12 routes[0].host: the tunnel socket /run/tunnels/alice/${'a'.repeat(40)}.${'b'.repeat(40)}.example.com.16.sock is 120 bytes, over the 107 a UNIX socket path can hold`,
  ],
  ['tcp port clash with ssh', `${head}tcp:\n  - {port: 2222, upstream: "tcp://git:22"}\n`, 'edge.yaml:6:12 tcp[0].port: port 2222 is already used by ports.ssh'],
  ['tcp ports twice', `${head}tcp:\n  - {port: 5432, tunnel: alice}\n  - {port: 5432, upstream: "tcp://db:5432"}\n`, 'edge.yaml:7:12 tcp[1].port: port 5432 is already used by tcp[0]'],
  [
    'tcp port 443 inside',
    `${head}ports: {https: 8443}\ntcp:\n  - {port: 443, upstream: "tcp://db:5432"}\n`,
    "tcp[0].port: port 443 is already used by HAProxy's own HTTPS listener inside its container",
  ],
  ['tcp with http upstream', `${head}tcp:\n  - {port: 2022, upstream: "http://git:22"}\n`, 'tcp[0].upstream: upstream scheme "http" is not supported here (hint: use tcp://)'],
  ['tcp upstream without port', `${head}tcp:\n  - {port: 2022, upstream: "tcp://git"}\n`, 'needs a port'],
  ['tcp loopback', `${head}tcp:\n  - {port: 2022, upstream: "tcp://127.0.0.1:22"}\n`, 'tcp[0].upstream: upstream host "127.0.0.1" is a loopback address'],
  ['tcp tunnel of nobody', `${head}tcp:\n  - {port: 2022, tunnel: alcie}\n`, 'tcp[0].tunnel: names no user "alcie" (hint: did you mean "alice"?)'],
  ['tcp both targets', `${head}tcp:\n  - {port: 2022, tunnel: alice, upstream: "tcp://git:22"}\n`, 'tcp[0]: has both "tunnel" and "upstream"'],
  ['tcp no port', `${head}tcp:\n  - {tunnel: alice}\n`, 'tcp[0]: "port" is required'],
  ['network name', `${head}networks: ["my net"]\n`, 'edge.yaml:5:12 networks[0]: "my net" is not a Docker network name'],
  ['network twice', `${head}networks: [a, a]\n`, 'networks[1]: network "a" is listed twice'],
];

describe('validateConfig rejects bad DMZ input with a located message', () => {
  it.each(BAD)('%s', (_name, text, expected) => {
    expect(problems(text).join('\n')).toContain(expected);
    expect(validateConfig(text, 'edge.yaml').model).toBeUndefined();
  });
});

describe('validateConfig builds the DMZ model', () => {
  it('takes the example of issue 9 as written', () => {
    const text = `${head}networks: [myapp_default]
routes:
  - {host: vault.example.com, upstream: "https://vault:8200", tls: passthrough}
  - {host: nas.example.com, upstream: "https://nas.lan:5001", tls: reencrypt, verify: false}
  - host: admin.example.com
    upstream: http://host:9000
    clientCA: ./clients-ca.pem
    basicAuth: {admin: "${SHA512}"}
    allow: [203.0.113.0/24, "2001:db8::/32"]
  - {host: alice.example.com, tunnel: alice, tls: passthrough}
tcp:
  - {port: 2022, upstream: "tcp://gitea:22"}
  - {port: 5432, tunnel: alice}
`;
    const { model, problems: p } = validateConfig(text, 'edge.yaml');
    expect(p).toEqual([]);
    expect(model!.networks).toEqual(['myapp_default']);
    expect(model!.routes).toEqual([
      {
        kind: 'upstream',
        host: 'admin.example.com',
        upstream: { scheme: 'http', hostname: 'host', port: 9000, url: 'http://host:9000' },
        clientCA: { file: './clients-ca.pem', pem: '' },
        basicAuth: [{ user: 'admin', hash: SHA512 }],
        allow: ['203.0.113.0/24', '2001:db8::/32'],
      },
      { kind: 'tunnel', host: 'alice.example.com', user: 'alice', replicas: 1, tls: 'passthrough' },
      { kind: 'upstream', host: 'nas.example.com', tls: 'reencrypt', verify: false, upstream: { scheme: 'https', hostname: 'nas.lan', port: 5001, url: 'https://nas.lan:5001' } },
      { kind: 'upstream', host: 'vault.example.com', tls: 'passthrough', upstream: { scheme: 'https', hostname: 'vault', port: 8200, url: 'https://vault:8200' } },
    ]);
    expect(model!.tcp).toEqual([
      { kind: 'upstream', port: 2022, upstream: { scheme: 'tcp', hostname: 'gitea', port: 22, url: 'tcp://gitea:22' } },
      { kind: 'tunnel', port: 5432, user: 'alice' },
    ]);
  });

  it('re-encrypts every https upstream, and reads h2c, IPv6 and app options', () => {
    const text = `${head}routes:
  - {host: a.example.com, upstream: "https://app"}
  - {host: b.example.com, upstream: "h2c://grpc:50051", health: {path: /healthz}, maxconn: 10}
  - {host: c.example.com, upstream: "http://[FD00::5]:8080"}
  - {host: d.example.com, tunnel: alice, replicas: 2, sticky: true, protocol: h2c, headers: {X-Frame-Options: DENY, Content-Security-Policy: "default-src 'self'"}}
`;
    const routes = validateConfig(text, 'edge.yaml').model!.routes;
    expect(routes[0]).toMatchObject({ tls: 'reencrypt', upstream: { scheme: 'https', port: 443 } });
    expect(routes[1]).toMatchObject({ upstream: { scheme: 'h2c', port: 50051 }, health: { path: '/healthz' }, maxconn: 10 });
    expect(routes[2]).toMatchObject({ upstream: { hostname: 'fd00::5', port: 8080, url: 'http://[fd00::5]:8080' } });
    expect(routes[3]).toMatchObject({
      sticky: true,
      protocol: 'h2c',
      headers: [
        { name: 'Content-Security-Policy', value: "default-src 'self'" },
        { name: 'X-Frame-Options', value: 'DENY' },
      ],
    });
  });

  it("sends HSTS by default with Let's Encrypt only, never on passthrough, and lets a route or the file change it", () => {
    const hsts = (text: string) => Object.fromEntries(validateConfig(text, 'e').model!.routes.map((r) => [r.host, r.hsts]));
    const routes =
      'routes:\n  - {host: a.example.com, upstream: "http://app:80"}\n  - {host: b.example.com, upstream: "https://b:443", tls: passthrough}\n  - {host: c.example.com, upstream: "http://c:80", hsts: 0}\n';
    expect(hsts(`acme: {ca: letsencrypt, email: a@example.com}\n${routes}`)).toEqual({ 'a.example.com': 86400, 'b.example.com': undefined, 'c.example.com': undefined });
    expect(hsts(`acme: {ca: letsencrypt-staging, email: a@example.com}\n${routes}`)).toEqual({ 'a.example.com': undefined, 'b.example.com': undefined, 'c.example.com': undefined });
    expect(hsts(`acme: {ca: pebble}\nhsts: 600\n${routes}`)).toEqual({ 'a.example.com': 600, 'b.example.com': undefined, 'c.example.com': undefined });
  });

  it('lets a passthrough wildcard go without dns-01 (no certificate of ours), and keeps the offline page plain by default', () => {
    const { model, problems: p } = validateConfig(`acme: {ca: pebble}\nroutes:\n  - {host: "*.k8s.example.com", upstream: "tcp://ingress:443", tls: passthrough}\n`, 'e');
    expect(p).toEqual([]);
    expect(model!.offlinePage).toBeUndefined();
    expect(validateConfig(`acme: {ca: pebble}\nofflinePage: instructions\n`, 'e').model!.offlinePage).toBe('instructions');
  });
});
