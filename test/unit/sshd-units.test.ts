/** Keeping tunnels up on the user's machine: the systemd unit, the launchd agent, and their back-off. */
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../scripts/cli/errors.js';
import { renderUserService } from '../../scripts/report/connect-guide.js';
import { RESTART_POLICY, renderLaunchdPlist, renderSystemdUnit, restartDelaySec, serviceSshArgs } from '../../sshd/service-units.js';
import { demo, teams } from './fixtures/sshd/models.js';

const opts = { serverHost: 'edge.example.com' };

describe('systemd unit and launchd agent', () => {
  it('match the golden files for alice in teams', async () => {
    await expect(renderSystemdUnit(teams, 'alice', opts)).toMatchFileSnapshot('./fixtures/sshd/golden-units/teams-alice.service');
    await expect(renderLaunchdPlist(teams, 'alice', opts)).toMatchFileSnapshot('./fixtures/sshd/golden-units/teams-alice.plist');
  });

  it('run one ssh with every forward of the user, failing fast instead of prompting', () => {
    const args = serviceSshArgs(teams, 'alice', opts);
    expect(args.join(' ')).toContain(
      '-R /run/tunnels/alice/alice.example.com.sock:localhost:8080 -R /run/shares/alice-vnc/sock:localhost:8081 -L 15900:/run/shares/bob-db/sock alice@edge.example.com',
    );
    for (const o of ['BatchMode=yes', 'ExitOnForwardFailure=yes', 'ServerAliveInterval=15', 'ServerAliveCountMax=3', 'StrictHostKeyChecking=yes']) expect(args).toContain(o);
    expect(args.slice(args.indexOf('-i'), args.indexOf('-i') + 2)).toEqual(['-i', '~/.ssh/id_ed25519']);
  });

  it('restart always, never give up, and back off as configured', () => {
    const unit = renderSystemdUnit(demo, 'demo', opts);
    for (const line of [
      'Restart=always',
      'StartLimitIntervalSec=0',
      `RestartSec=${RESTART_POLICY.restartSec}`,
      `RestartSteps=${RESTART_POLICY.steps}`,
      `RestartMaxDelaySec=${RESTART_POLICY.maxDelaySec}`,
    ]) {
      expect(unit.split('\n')).toContain(line);
    }
    expect(renderLaunchdPlist(demo, 'demo', opts)).toContain('<key>KeepAlive</key>\n  <true/>');
  });

  it('waits as systemd computes it: RestartSec first, growing geometrically, capped at RestartMaxDelaySec', () => {
    const waits = [1, 2, 3, 4, 5, 6, 7].map((n) => Math.round(restartDelaySec(n) * 100) / 100);
    expect(waits).toEqual([2, 3.44, 5.91, 10.16, 17.45, 30, 30]);
  });

  it('refuses an unknown user', () => {
    expect(() => renderUserService(teams, 'mallory', 'systemd')).toThrow(UsageError);
  });
});
