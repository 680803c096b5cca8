/**
 * Master CLI builders and parsers, checked against answers captured from the real
 * tunnelgate/haproxy image (HAProxy 3.0.11) in fixtures/haproxy/cli/.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { cliArgument, masterCliArgv } from '../../haproxy/master-cli.js';
import { parseReload, parseShowStat } from '../../haproxy/runtime-api.js';
import { abortSslCertCommand, commitSslCertCommand, parseShowSslCert, parseSslCertOutcome, sameSerial, setSslCertFromFileArgv, showSslCertCommand } from '../../haproxy/runtime-certs.js';
import { HAPROXY } from '../../stacks/layout.js';

const captured = (name: string) => readFileSync(new URL(`./fixtures/haproxy/cli/${name}`, import.meta.url), 'utf8');

describe('master CLI transport', () => {
  it('pipes the command, with the newline that ends it, into socat on the master socket', () => {
    const argv = masterCliArgv('show proc');
    expect(argv.slice(0, 4)).toEqual(['env', `MASTER=${HAPROXY.masterSocket}`, 'sh', '-c']);
    expect(argv[4]).toBe('{ printf "%s\\n" "$1"; } | socat -t 30 stdio "unix-connect:$MASTER"');
    expect(argv.slice(5)).toEqual(['master-cli', 'show proc']);
  });

  it('refuses arguments that would split a command', () => {
    expect(cliArgument('/certs/a.example.com.pem')).toBe('/certs/a.example.com.pem');
    for (const bad of ['', 'a b', 'a;show proc', 'a\nb']) expect(() => cliArgument(bad)).toThrow(/CLI argument/);
  });
});

describe('parseReload', () => {
  it('reads Success=1 and the startup log', () => {
    const r = parseReload(captured('reload-ok.txt'));
    expect(r.ok).toBe(true);
    expect(r.log).toContain('[NOTICE]   (1) : Loading success.');
  });

  it('reads Success=0 and keeps the error lines that explain it', () => {
    const r = parseReload(captured('reload-fail.txt'));
    expect(r.ok).toBe(false);
    expect(r.log.join('\n')).toMatch(/unknown keyword 'bogus-keyword'/);
    expect(r.log.at(-1)).toBe('[WARNING]  (1) : Loading failure!');
  });

  it('throws on an answer that is not a reload answer (e.g. cut short)', () => {
    expect(() => parseReload('')).toThrow(/unexpected answer to reload/);
  });
});

describe('parseShowStat', () => {
  it('returns one row per server with status and last check', () => {
    const rows = parseShowStat(captured('show-stat-full.csv'));
    expect(rows.map((r) => `${r.backend}/${r.server} ${r.status} ${r.checkStatus}`)).toEqual([
      'acme/renewer no check ',
      'be_alice.example.com/slot1 UP L4OK',
      'be_alice.example.com/slot2 DOWN SOCKERR',
      'be_alice.example.com/slot3 DOWN SOCKERR',
      'be_bob.example.com/slot1 DOWN SOCKERR',
      'be_nas.example.com/upstream MAINT (resolution) ',
      'be_router.example.com/upstream no check ',
      'be_wiki.example.com/upstream no check ',
    ]);
    expect(rows[2]).toMatchObject({ checkDesc: 'Socket error', lastCheck: 'General socket error (No such file or directory)' });
  });

  it('finds columns by name and honours quoted fields', () => {
    const csv = '# svname,pxname,last_chk,status,check_status,check_desc\ns1,"be,x",,UP,L4OK,"a ""b"", c"\nBACKEND,be,,UP,,\n';
    expect(parseShowStat(csv)).toEqual([{ backend: 'be,x', server: 's1', status: 'UP', checkStatus: 'L4OK', checkDesc: 'a "b", c', lastCheck: '' }]);
  });
});

describe('certificate commands', () => {
  const _pem = '-----BEGIN CERTIFICATE-----\nAAA\n-----END CERTIFICATE-----\n\n-----BEGIN PRIVATE KEY-----\nBBB\n-----END PRIVATE KEY-----\n';

  it('sends the PEM from its own file, blank lines dropped, ended by an empty line', () => {
    const argv = setSslCertFromFileArgv('/certs/a.pem');
    expect(argv.at(-1)).toBe('/certs/a.pem');
    expect(argv[4]).toContain(`grep -v '^[[:space:]]*$' "$1"`);
    expect(argv[4]).toMatch(/^\{ printf '@1 set ssl cert %s <<\\n' "\$1"; .*; printf '\\n'; \} \| socat /);
    expect(() => setSslCertFromFileArgv('/certs/a b.pem')).toThrow(/CLI argument/);
  });

  it('compares serials as numbers (case and leading zeros differ between HAProxy and Node)', () => {
    expect(sameSerial('00AB12', 'ab12')).toBe(true);
    expect(sameSerial('0AB12', 'ab13')).toBe(false);
  });

  it('builds the other transaction commands', () => {
    expect(commitSslCertCommand('/certs/a.pem')).toBe('@1 commit ssl cert /certs/a.pem');
    expect(abortSslCertCommand('/certs/a.pem')).toBe('@1 abort ssl cert /certs/a.pem');
    expect(showSslCertCommand('/certs/a.pem')).toBe('@1 show ssl cert /certs/a.pem');
  });

  it('tells success from failure in real answers', () => {
    const cases: Array<[Parameters<typeof parseSslCertOutcome>[0], string, boolean]> = [
      ['set', 'set-ssl-cert.txt', true],
      ['set', 'set-ssl-cert-bad.txt', false],
      ['set', 'set-ssl-cert-busy.txt', false],
      ['set', 'set-ssl-cert-unknown.txt', false],
      ['commit', 'commit-ssl-cert.txt', true],
      ['commit', 'commit-no-tx.txt', false],
      ['abort', 'abort-ssl-cert.txt', true],
    ];
    for (const [command, file, ok] of cases) expect(parseSslCertOutcome(command, captured(file)), file).toMatchObject({ ok });
    expect(parseSslCertOutcome('set', captured('set-ssl-cert-busy.txt')).message).toMatch(/ongoing transaction/);
  });
});

describe('parseShowSslCert', () => {
  it('reads serial, validity, subject and issuer of a self-signed certificate', () => {
    expect(parseShowSslCert(captured('show-ssl-cert.txt'))).toEqual({
      filename: '/certs/demo.localhost.pem',
      serial: '359E97A124AFE8A7C349B6B4C52A080AB3E418F0',
      notBefore: new Date('2026-11-23T19:12:01Z'),
      notAfter: new Date('2026-12-23T19:12:01Z'),
      subject: '/CN=demo.localhost',
      issuer: '/CN=demo.localhost',
      dnsNames: [],
    });
  });

  it('reads the leaf (not the chain) of a CA-signed certificate with several names', () => {
    const info = parseShowSslCert(captured('show-ssl-cert-chain.txt'))!;
    expect(info.issuer).toBe('/CN=Test CA');
    expect(info.subject).toBe('/CN=demo.localhost');
    expect(info.dnsNames).toEqual(['demo.localhost', 'www.demo.localhost']);
    expect(info.notAfter.toISOString()).toBe('2027-02-21T19:15:25.000Z');
  });

  it('returns undefined for a certificate HAProxy does not know', () => {
    expect(parseShowSslCert(captured('show-ssl-cert-unknown.txt'))).toBeUndefined();
  });
});
