/**
 * How the host reaches HAProxy's master CLI: `docker exec <haproxy> sh -c '… | socat …'`, the
 * command on stdin, the answer on stdout. Pure: argv builders only.
 *
 * Transport fact (measured): after stdin's EOF socat waits only 0.5s (its `-t` default) for the
 * answer; a reload of a 30 000-backend config answered after 6.5s, so without a larger `-t` the
 * answer is silently empty. HAProxy closes the connection once it has answered, so a long `-t`
 * costs nothing when the answer is quick.
 */
import { HAPROXY } from '../stacks/layout.js';

/** How long socat waits for the master's answer after sending the command. */
export const MASTER_ANSWER_TIMEOUT_S = 30;

/** The shell pipe end that sends stdin to the master socket ($MASTER) and prints the answer. */
const TO_MASTER = `socat -t ${MASTER_ANSWER_TIMEOUT_S} stdio "unix-connect:$MASTER"`;

/** argv running a shell `script` with `args` as $1…, $MASTER set to the master socket. */
function withMaster(name: string, script: string, args: string[]): string[] {
  return ['env', `MASTER=${HAPROXY.masterSocket}`, 'sh', '-c', script, name, ...args];
}

/** argv running `script` (whose output goes to the master CLI) with `args` as $1…, $MASTER set. */
export function masterPipeArgv(name: string, script: string, args: string[]): string[] {
  return withMaster(name, `{ ${script}; } | ${TO_MASTER}`, args);
}

/** Sends one command to the master CLI (prefix `@1 ` to reach the current worker). */
export function masterCliArgv(command: string): string[] {
  return masterPipeArgv('master-cli', 'printf "%s\\n" "$1"', [command]);
}

/**
 * argv sending each of `commands` on its own connection to the master CLI, in order, in one
 * `docker exec`: for commands that answer nothing when they succeed. It stops at the first that
 * answers and prints that answer (HAProxy's error). One connection per command, because the
 * master CLI closes the connection after one command (or one `;`-separated line).
 */
export function silentCommandsArgv(commands: string[]): string[] {
  const script = `for c in "$@"; do out=$(printf '%s\\n' "$c" | ${TO_MASTER}); if [ -n "$out" ]; then printf '%s\\n' "$out"; exit 0; fi; done`;
  return withMaster('master-cli', script, commands);
}

/** Rejects arguments that would split or end a CLI command (`;`, whitespace, newlines). */
export function cliArgument(value: string): string {
  if (value === '' || /[\s;\\#]/.test(value)) throw new Error(`not usable as a HAProxy CLI argument: ${JSON.stringify(value)}`);
  return value;
}
