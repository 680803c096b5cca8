/** `npm run hash-password`: a crypt(3) hash for edge.yaml's `basicAuth`, never the password itself. */
import { randomBytes } from 'node:crypto';
import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';
import { UsageError } from './cli/errors.js';
import { parseFlags } from './cli/flags.js';
import { runScript } from './cli/run-script.js';
import { DEFAULT_ROUNDS, saltFrom, sha512Crypt } from './config/sha512-crypt.js';

const HELP = `usage: npm run --silent hash-password [-- --rounds N]

Reads a password (asked twice on a terminal, else the first line of stdin) and prints its
SHA-512-crypt hash ($6$…) for edge.yaml:

  basicAuth: {admin: "<the hash>"}

HAProxy checks it with crypt(3) on every request it has not seen in the last 5 minutes: about
1.5 ms of CPU at the default ${DEFAULT_ROUNDS} rounds. yescrypt hashes (\`mkpasswd\` from the whois
package) work too and are slower to crack, at ~14 ms each.

      --rounds N      SHA-512-crypt rounds (1000–999999999, default ${DEFAULT_ROUNDS})
  -h, --help          this help`;

/** One line from the terminal without echoing it. */
function askHidden(prompt: string): Promise<string> {
  const muted = new Writable({ write: (_chunk, _enc, done) => done() });
  const rl = createInterface({ input: process.stdin, output: muted, terminal: true });
  process.stderr.write(prompt);
  return new Promise((resolve) =>
    rl.question('', (answer) => {
      rl.close();
      process.stderr.write('\n');
      resolve(answer);
    }),
  );
}

async function firstLineOfStdin(): Promise<string> {
  let text = '';
  for await (const chunk of process.stdin) text += chunk;
  return text.split(/\r?\n/)[0] ?? '';
}

await runScript(async (argv) => {
  const flags = parseFlags<{ rounds?: string }>(argv, { rounds: { type: 'string' } });
  if (flags.help) {
    console.log(HELP);
    return 0;
  }
  const rounds = flags.rounds === undefined ? DEFAULT_ROUNDS : Number(flags.rounds);
  if (!Number.isInteger(rounds) || rounds < 1000 || rounds > 999_999_999) throw new UsageError('--rounds must be a whole number from 1000 to 999999999');
  let password: string;
  if (process.stdin.isTTY) {
    password = await askHidden('password: ');
    if ((await askHidden('again: ')) !== password) throw new UsageError('the two passwords differ');
  } else password = await firstLineOfStdin();
  if (password === '') throw new UsageError('an empty password protects nothing');
  console.log(sha512Crypt(password, saltFrom(randomBytes(16)), rounds));
  return 0;
});
