/**
 * Certificate updates without a reload, through the master CLI (`@1` = the current worker, at
 * admin level, so no stats socket is needed). A transaction is `set` then `commit` (or `abort`);
 * HAProxy holds one at a time, so callers serialize. Changes live in memory only: the same PEM
 * must also be written to the certs volume, or the next reload brings the old one back.
 * Commands are returned without their final newline (the transport adds it); a payload command
 * ends with its last payload line's newline, so that final newline makes the empty line that
 * ends the payload.
 */
import { cliArgument, masterPipeArgv } from './master-cli.js';

/** Makes the pending transaction of `path` live for new handshakes. */
export function commitSslCertCommand(path: string): string {
  return `@1 commit ssl cert ${cliArgument(path)}`;
}

/** Drops the pending transaction of `path`; needed after a failed step, or the next `set` is refused. */
export function abortSslCertCommand(path: string): string {
  return `@1 abort ssl cert ${cliArgument(path)}`;
}

/** What HAProxy currently serves for `path` (the committed state, not a pending transaction). */
export function showSslCertCommand(path: string): string {
  return `@1 show ssl cert ${cliArgument(path)}`;
}

/** Outcome of a set/commit/abort command: `message` is HAProxy's text, for errors. */
export interface CliOutcome {
  ok: boolean;
  message: string;
}

/**
 * What success looks like for each command (HAProxy 3.0.11 answers, see test fixtures). Failures
 * are many different texts ("Can't update …", "No ongoing transaction!", …), so match success.
 */
const SUCCESS = {
  set: /^Transaction (created|updated) for certificate /m,
  commit: /^Success!$/m,
  abort: /^Transaction aborted for certificate /m,
} as const;

/** Reads the answer to one certificate command. */
export function parseSslCertOutcome(command: keyof typeof SUCCESS, answer: string): CliOutcome {
  return { ok: SUCCESS[command].test(answer), message: answer.trim() };
}

/** The fields of `show ssl cert <path>` that renewal decisions need. */
export interface SslCertInfo {
  filename: string;
  serial: string;
  notBefore: Date;
  notAfter: Date;
  subject: string;
  issuer: string;
  /** DNS names from the Subject Alternative Name, without the `DNS:` prefix. */
  dnsNames: string[];
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** OpenSSL's `Dec  3 19:12:01 2026 GMT`, read without the locale-dependent Date parser. */
function opensslDate(text: string): Date {
  const m = /^(\w{3})\s+(\d{1,2}) (\d{2}):(\d{2}):(\d{2}) (\d{4}) GMT$/.exec(text.trim());
  const month = m ? MONTHS.indexOf(m[1]!) : -1;
  if (!m || month < 0) throw new Error(`unexpected certificate date: ${JSON.stringify(text)}`);
  return new Date(Date.UTC(Number(m[6]), month, Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5])));
}

/** Parses `show ssl cert <path>`; `undefined` when HAProxy does not know that certificate. */
export function parseShowSslCert(answer: string): SslCertInfo | undefined {
  const fields = new Map<string, string>();
  for (const line of answer.split('\n')) {
    const i = line.indexOf(': ');
    if (i > 0 && !fields.has(line.slice(0, i))) fields.set(line.slice(0, i), line.slice(i + 2).trim());
    else if (line.endsWith(':') && !fields.has(line.slice(0, -1))) fields.set(line.slice(0, -1), '');
  }
  const filename = fields.get('Filename');
  if (filename === undefined) return undefined;
  const get = (key: string) => {
    const value = fields.get(key);
    if (value === undefined) throw new Error(`show ssl cert ${filename}: no ${key} line`);
    return value;
  };
  const san = fields.get('Subject Alternative Name') ?? '';
  return {
    filename,
    serial: get('Serial'),
    notBefore: opensslDate(get('notBefore')),
    notAfter: opensslDate(get('notAfter')),
    subject: get('Subject'),
    issuer: get('Issuer'),
    dnsNames: san
      .split(/,\s*/)
      .filter((s) => s.startsWith('DNS:'))
      .map((s) => s.slice(4)),
  };
}

/**
 * argv that sends `set ssl cert <path> <<` + payload with the PEM read from that same path inside
 * the haproxy container: the private key goes from the certs volume straight to the master
 * socket and never through the host (or its logs). The payload ends at the first empty line, so
 * blank lines inside the PEM are dropped; PEM parsing does not need them.
 */
export function setSslCertFromFileArgv(path: string): string[] {
  const script = `printf '@1 set ssl cert %s <<\\n' "$1"; grep -v '^[[:space:]]*$' "$1"; printf '\\n'`;
  return masterPipeArgv('set-ssl-cert', script, [cliArgument(path)]);
}

/** Two certificate serials are the same number (HAProxy and Node differ in case and leading zeros). */
export function sameSerial(a: string, b: string): boolean {
  const norm = (s: string) =>
    s
      .toLowerCase()
      .replace(/[^0-9a-f]/g, '')
      .replace(/^0+/, '');
  return norm(a) === norm(b);
}
