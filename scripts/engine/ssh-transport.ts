/**
 * The Docker API over SSH, as the docker CLI does it for `DOCKER_HOST=ssh://…`: one SSH
 * connection (ssh2, no `ssh` binary) per process, and per HTTP connection one channel running
 * `docker system dial-stdio` on the remote machine, which pipes it to that machine's engine.
 * Host keys are checked against known_hosts (strict: a remote engine is root on that machine);
 * keys come from ssh-agent and the identity files ~/.ssh/config (and what it Includes) names
 * (else the default ones).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { Agent } from 'node:http';
import { homedir, userInfo } from 'node:os';
import { basename, dirname, isAbsolute, join } from 'node:path';
import type { Duplex } from 'node:stream';
import ssh2 from 'ssh2';
import { EngineError } from '../cli/errors.js';
import { checkHostKey, hostKeyAlgorithms, keysFor, knownHostsName } from './known-hosts.js';
import { matchingNames, resolveSshHost } from './ssh-config.js';

/** Where and how to log in, after ~/.ssh/config. */
export interface SshEndpoint {
  /** The real host name or address (an alias resolved through HostName). */
  host: string;
  port: number;
  user: string;
  identityFiles: string[];
  knownHostsFiles: string[];
  agentSocket?: string;
}

const expand = (path: string, home: string) => (path.startsWith('~/') ? join(home, path.slice(2)) : path);
const readIf = (path: string) => (existsSync(path) ? readFileSync(path, 'utf8') : '');

/**
 * The texts an `Include` of ~/.ssh/config names: `~` is the home, a relative path is under
 * ~/.ssh, and `*`/`?` in the file name match that folder's files, sorted, as glob(3) would.
 */
function includedFiles(pattern: string, home: string): string[] {
  const path = isAbsolute(expand(pattern, home)) ? expand(pattern, home) : join(home, '.ssh', pattern);
  const dir = dirname(path);
  const names = /[*?]/.test(basename(path)) ? matchingNames(basename(path), existsSync(dir) ? readdirSync(dir) : []) : [basename(path)];
  return names.map((name) => readIf(join(dir, name)));
}

/** The endpoint for `ssh://[user@]alias[:port]`, with ~/.ssh/config applied as `ssh` would. */
export function resolveSshEndpoint(target: { host: string; user?: string; port?: number }, env: NodeJS.ProcessEnv): SshEndpoint {
  const home = env.HOME || homedir();
  const conf = resolveSshHost(readIf(join(home, '.ssh', 'config')), target.host, (pattern) => includedFiles(pattern, home));
  const identities = conf.identityFiles.length ? conf.identityFiles : ['~/.ssh/id_ed25519', '~/.ssh/id_ecdsa', '~/.ssh/id_rsa'];
  const known = conf.userKnownHostsFiles.length ? conf.userKnownHostsFiles : ['~/.ssh/known_hosts', '~/.ssh/known_hosts2'];
  return {
    host: conf.hostName ?? target.host,
    port: target.port ?? conf.port ?? 22,
    user: target.user ?? conf.user ?? env.USER ?? userInfo().username,
    identityFiles: identities.map((f) => expand(f, home)).filter((f) => existsSync(f)),
    knownHostsFiles: [...known.map((f) => expand(f, home)), '/etc/ssh/ssh_known_hosts'],
    ...(env.SSH_AUTH_SOCK ? { agentSocket: env.SSH_AUTH_SOCK } : {}),
  };
}

/** sshd's default MaxSessions is 10 channels per connection: stay below it (http queues the rest). */
const MAX_CHANNELS = 8;

/** The auth methods to try, agent first (it also holds passphrase-protected keys). */
function authMethods(ep: SshEndpoint): Array<Record<string, unknown>> {
  const methods: Array<Record<string, unknown>> = [];
  if (ep.agentSocket) methods.push({ type: 'agent', username: ep.user, agent: ep.agentSocket });
  for (const file of ep.identityFiles) {
    const key = ssh2.utils.parseKey(readFileSync(file));
    // An encrypted key cannot be used without a passphrase prompt; ssh-agent can hold it.
    if (!(key instanceof Error)) methods.push({ type: 'publickey', username: ep.user, key: readFileSync(file) });
  }
  return methods;
}

/** An http.Agent whose connections are `docker system dial-stdio` channels of one SSH connection. */
export class SshDockerAgent extends Agent {
  private conn?: Promise<ssh2.Client>;
  /** Channels the HTTP layer holds on to (keep-alive sockets it parked are unref'd). */
  private referenced = 0;
  private readonly where: string;

  constructor(private readonly ep: SshEndpoint) {
    // maxTotalSockets counts the idle keep-alive channels too: with maxSockets alone, http opened a
    // ninth channel beside eight idle ones, which waited here forever for one to close (observe's
    // parallel archive reads over ssh:// ended the process with exit 13, nothing left to run).
    super({ keepAlive: true, maxSockets: MAX_CHANNELS, maxTotalSockets: MAX_CHANNELS });
    this.where = `ssh://${ep.user}@${ep.host}:${ep.port}`;
  }

  private fail(why: string, hint?: string): EngineError {
    return new EngineError('connect to the Docker engine', this.where, new Error(why), hint);
  }

  private connect(): Promise<ssh2.Client> {
    const ep = this.ep;
    const name = knownHostsName(ep.host, ep.port);
    const known = ep.knownHostsFiles.flatMap((f) => keysFor(readIf(f), name));
    const sshCmd = `ssh${ep.port === 22 ? '' : ` -p ${ep.port}`} ${ep.user}@${ep.host}`;
    if (hostKeyAlgorithms(known).length === 0) {
      return Promise.reject(this.fail(`no host key for ${name} in ${ep.knownHostsFiles.join(', ')}`, `run \`${sshCmd} true\` once, check the fingerprint, and accept it`));
    }
    const auth = authMethods(ep);
    if (auth.length === 0) return Promise.reject(this.fail('no SSH key to log in with', 'start ssh-agent (SSH_AUTH_SOCK), or name an unencrypted key with IdentityFile in ~/.ssh/config'));
    return new Promise((resolve, reject) => {
      const conn = new ssh2.Client();
      let verdict = 'unknown';
      conn.on('ready', () => resolve(conn));
      conn.on('error', (err) => {
        this.conn = undefined;
        if (verdict === 'changed' || verdict === 'revoked')
          reject(this.fail(`the host key of ${name} is ${verdict === 'changed' ? 'not the one known_hosts has (it changed, or someone is in between)' : 'revoked'}`, `check with \`${sshCmd}\``));
        else if ((err as { level?: string }).level === 'client-authentication')
          reject(this.fail(`${ep.user}@${ep.host} refused every key offered`, `\`${sshCmd} docker info\` must work without a password`));
        else reject(this.fail(err.message));
      });
      conn.on('close', () => {
        this.conn = undefined;
      });
      conn.connect({
        host: ep.host,
        port: ep.port,
        username: ep.user,
        readyTimeout: 20_000,
        authHandler: auth as never,
        algorithms: { serverHostKey: hostKeyAlgorithms(known) as never },
        hostVerifier: (key: Buffer) => {
          verdict = checkHostKey(known, key);
          return verdict === 'known';
        },
      });
    });
  }

  /** The TCP socket of the SSH connection keeps the process alive only while a channel is in use. */
  private refCount(delta: number, conn: ssh2.Client): void {
    this.referenced += delta;
    const sock = (conn as unknown as { _sock?: { ref(): void; unref(): void } })._sock;
    if (this.referenced > 0) sock?.ref();
    else sock?.unref();
  }

  private async channel(): Promise<Duplex> {
    this.conn ??= this.connect();
    const conn = await this.conn;
    // Held from before the channel opens: an unref'd socket would let the process exit mid-call.
    this.refCount(1, conn);
    let stream: ssh2.ClientChannel;
    try {
      stream = await new Promise<ssh2.ClientChannel>((resolve, reject) =>
        conn.exec('docker system dial-stdio', (err, s) => (err ? reject(this.fail(`opening a channel failed: ${err.message}`)) : resolve(s))),
      );
    } catch (err) {
      this.refCount(-1, conn);
      throw err;
    }
    let stderr = '';
    stream.stderr.on('data', (b: Buffer) => {
      if (stderr.length < 2000) stderr += b.toString();
    });
    stream.on('exit', (code: number | null) => {
      if (code) (stream as unknown as Duplex).destroy(this.fail(`\`docker system dial-stdio\` exited ${code}: ${stderr.trim()}`, `\`ssh ${this.ep.user}@${this.ep.host} docker info\` must work`));
    });
    let held = true;
    const shim = stream as unknown as Record<string, unknown>;
    shim.ref = () => {
      if (!held) this.refCount(1, conn);
      held = true;
    };
    shim.unref = () => {
      if (held) this.refCount(-1, conn);
      held = false;
    };
    for (const noop of ['setKeepAlive', 'setNoDelay', 'setTimeout']) shim[noop] = () => stream;
    stream.once('close', () => {
      if (held) this.refCount(-1, conn);
      held = false;
    });
    return stream as unknown as Duplex;
  }

  /** Called by http for each new connection: a channel, created asynchronously. */
  override createConnection(_options: unknown, cb: (err: Error | null, socket?: Duplex) => void): undefined {
    this.channel().then(
      (s) => cb(null, s),
      (err: Error) => cb(err),
    );
    return undefined;
  }
}
