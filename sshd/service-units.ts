/**
 * Keeping a user's tunnels up on their machine: a systemd user unit (Linux) and a launchd agent
 * (macOS) that run one `ssh -N` with every forward of the user, and start it again whenever it
 * exits (server restarted, Wi-Fi dropped, laptop resumed), waiting longer after each quick failure.
 */
import type { EdgeModel } from '../stacks/model.js';
import { sshHostAlias } from './connect-instructions.js';
import { forwardArg, userForwards } from './user-forwards.js';

/**
 * systemd's restart policy for the unit: wait `restartSec` before the first restart, then
 * lengthen the wait step by step up to `maxDelaySec` (RestartSteps, systemd >= 254).
 */
export const RESTART_POLICY = { restartSec: 2, steps: 5, maxDelaySec: 30 } as const;

/**
 * The wait before restart number `n` (1 = the first), as systemd >= 254 computes it from
 * RestartSec, RestartSteps and RestartMaxDelaySec (src/core/service.c, service_restart_usec_next):
 * r_n = RestartSec * (RestartMaxDelaySec / RestartSec) ^ ((n - 1) / RestartSteps), capped.
 */
export function restartDelaySec(n: number): number {
  const { restartSec, steps, maxDelaySec } = RESTART_POLICY;
  if (n <= 1) return restartSec;
  if (n > steps) return maxDelaySec;
  return restartSec * (maxDelaySec / restartSec) ** ((n - 1) / steps);
}

export interface UnitOptions {
  serverHost: string;
  identityFile?: string;
}

/**
 * The ssh arguments (after `ssh`) of the unit: fail instead of prompting, exit when a forward
 * cannot be set up (so it is retried) or the server stops answering for 45 s.
 */
export function serviceSshArgs(model: EdgeModel, user: string, opts: UnitOptions): string[] {
  const { remote, local } = userForwards(model, user);
  const options = ['BatchMode=yes', 'ExitOnForwardFailure=yes', 'ServerAliveInterval=15', 'ServerAliveCountMax=3', 'ConnectTimeout=10', 'StrictHostKeyChecking=yes', 'IdentitiesOnly=yes'];
  return [
    '-N',
    ...options.flatMap((o) => ['-o', o]),
    // ssh expands ~ itself; neither systemd nor launchd would.
    '-i',
    opts.identityFile ?? '~/.ssh/id_ed25519',
    '-p',
    String(model.ports.ssh),
    ...[...remote, ...local].flatMap((f) => forwardArg(f).split(' ')),
    `${user}@${opts.serverHost}`,
  ];
}

/** The unit's (and agent's) name: `tunnelgate-<project>-<user>`. */
function serviceName(model: EdgeModel, user: string): string {
  return `tunnelgate-${sshHostAlias(model, user)}`;
}

/** A systemd user unit running `user`'s tunnels, with install instructions as comments. */
export function renderSystemdUnit(model: EdgeModel, user: string, opts: UnitOptions): string {
  const name = serviceName(model, user);
  const { restartSec, steps, maxDelaySec } = RESTART_POLICY;
  return `# ~/.config/systemd/user/${name}.service: ${user}'s tunnels on ${opts.serverHost}.
# Install:  systemctl --user daemon-reload && systemctl --user enable --now ${name}
# Also while logged out (servers, headless boxes):  loginctl enable-linger "$USER"
# Logs:     journalctl --user -u ${name}
# The server's key must be in ~/.ssh/known_hosts first (status --user prints the line).
[Unit]
Description=tunnelgate tunnels of ${user} on ${opts.serverHost}
Wants=network-online.target
After=network-online.target
# Never give up: a laptop may be offline for days.
StartLimitIntervalSec=0

[Service]
ExecStart=/usr/bin/ssh ${serviceSshArgs(model, user, opts).join(' ')}
Restart=always
# Back-off: ${restartSec} s before the first restart, longer after each one, at most ${maxDelaySec} s (systemd 254+;
# older versions ignore the last two lines and wait ${restartSec} s every time). systemd counts
# restarts until the unit is started by hand: \`systemctl --user restart ${name}\` resets it.
RestartSec=${restartSec}
RestartSteps=${steps}
RestartMaxDelaySec=${maxDelaySec}

[Install]
WantedBy=default.target
`;
}

const xml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** A launchd agent (macOS) running `user`'s tunnels: kept alive, restarted at most every 10 s. */
export function renderLaunchdPlist(model: EdgeModel, user: string, opts: UnitOptions): string {
  const name = serviceName(model, user);
  const args = ['/usr/bin/ssh', ...serviceSshArgs(model, user, opts)].map((a) => `    <string>${xml(a)}</string>`);
  return `<?xml version="1.0" encoding="UTF-8"?>
<!-- ~/Library/LaunchAgents/org.${name}.plist: ${xml(user)}'s tunnels on ${xml(opts.serverHost)}.
     Install: launchctl bootstrap gui/$(id -u) ~/Library/LaunchAgents/org.${name}.plist
     KeepAlive starts ssh again whenever it exits; ThrottleInterval waits until 10 s after the
     previous start, so a tunnel that ran for a while comes back at once and a failing one is
     retried every 10 s. -->
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<plist version="1.0">
<dict>
  <key>Label</key>
  <string>org.${name}</string>
  <key>ProgramArguments</key>
  <array>
${args.join('\n')}
  </array>
  <key>RunAtLoad</key>
  <true/>
  <key>KeepAlive</key>
  <true/>
  <key>ThrottleInterval</key>
  <integer>10</integer>
  <key>StandardErrorPath</key>
  <string>/tmp/${name}.log</string>
</dict>
</plist>
`;
}
