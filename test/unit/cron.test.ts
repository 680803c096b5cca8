/** The crontab text functions behind `npm run cron`: the line, its time, and editing a crontab around it. */
import { describe, expect, it } from 'vitest';
import { type CronJob, cronMarker, cronTimeOf, crontabFromListing, findCronEntry, lineBreaksIn, pickCronTime, renderCronLine, withCronEntry, withoutCronEntry } from '../../scripts/live/cron-entry.js';

const job: CronJob = {
  project: 'edge',
  repoDir: '/srv/tunnelgate',
  config: '/etc/tunnelgate/edge.yaml',
  path: '/opt/node/bin:/usr/local/bin:/usr/bin:/bin',
  logFile: '/srv/tunnelgate/.state/edge/renew.log',
  time: { minute: 17, hour: 3 },
};
const LINE = renderCronLine(job);
const OTHERS = '# m h dom mon dow command\nMAILTO=ops@example.com\n0 * * * * /usr/local/bin/backup\n';

describe('renderCronLine', () => {
  it('runs npm run renew from the repo, with PATH, the log file and flags passed on, output appended to the log, then the marker', () => {
    expect(LINE).toBe(
      '17 3 * * * cd /srv/tunnelgate && PATH=/opt/node/bin:/usr/local/bin:/usr/bin:/bin npm_config_update_notifier=false npm run --silent renew -- --log-file /srv/tunnelgate/.state/edge/renew.log --config /etc/tunnelgate/edge.yaml >> /srv/tunnelgate/.state/edge/renew.log 2>&1 # tunnelgate renew edge',
    );
  });

  it('passes --project only when given', () => {
    expect(renderCronLine({ ...job, config: undefined })).toContain(' npm run --silent renew -- --log-file /srv/tunnelgate/.state/edge/renew.log >> ');
    expect(renderCronLine({ ...job, projectFlag: 'edge' })).toContain('--config /etc/tunnelgate/edge.yaml --project edge >> ');
  });

  it("carries the engine and state folder into cron's minimal environment", () => {
    const remote = renderCronLine({ ...job, env: { DOCKER_HOST: 'ssh://ops@vps', DOCKER_CERT_PATH: '/home/o/my certs' } });
    expect(remote).toContain("npm_config_update_notifier=false DOCKER_HOST=ssh://ops@vps DOCKER_CERT_PATH='/home/o/my certs' npm run");
  });

  it('quotes paths for sh and escapes % for cron', () => {
    const odd = renderCronLine({ ...job, repoDir: "/home/o'neil/my edge", logFile: '/var/log/renew-%d.log' });
    expect(odd).toContain(`cd '/home/o'\\''neil/my edge' && `);
    expect(odd).toContain('>> /var/log/renew-\\%d.log 2>&1');
  });
});

describe('line breaks', () => {
  it('are refused in every path, since crontab ends an entry at each newline', () => {
    expect(lineBreaksIn(job)).toEqual([]);
    expect(lineBreaksIn({ ...job, config: '/etc/edge\n* * * * * rm -rf ~/edge.yaml' })).toEqual(['--config']);
    expect(lineBreaksIn({ ...job, repoDir: '/srv/a\rb', logFile: '/x\n' })).toEqual(['the checkout path', 'the log file']);
    expect(() => renderCronLine({ ...job, config: '/etc/a\nb.yaml' })).toThrow('--config contains a line break');
  });
});

describe('pickCronTime', () => {
  it('chooses a minute 0–59 and an hour in 01–05 from the random source', () => {
    expect(pickCronTime(() => 0)).toEqual({ minute: 0, hour: 1 });
    expect(pickCronTime(() => 0.9999999)).toEqual({ minute: 59, hour: 5 });
    const seq = [0.5, 0.5];
    expect(pickCronTime(() => seq.shift()!)).toEqual({ minute: 30, hour: 3 });
  });

  it('reads back the time of an installed line', () => {
    expect(cronTimeOf(LINE)).toEqual({ minute: 17, hour: 3 });
    expect(cronTimeOf('@daily x')).toBeUndefined();
  });
});

describe('editing a crontab', () => {
  it('appends the line to other lines, keeping them byte for byte, ending in a newline', () => {
    expect(withCronEntry(OTHERS, 'edge', LINE)).toBe(`${OTHERS}${LINE}\n`);
    expect(withCronEntry('', 'edge', LINE)).toBe(`${LINE}\n`);
    expect(withCronEntry('0 * * * * x', 'edge', LINE)).toBe(`0 * * * * x\n${LINE}\n`);
  });

  it('replaces its own line in place (re-install), and collapses duplicates', () => {
    const old = renderCronLine({ ...job, time: { minute: 5, hour: 2 } });
    const tab = `${OTHERS}${old}\n30 2 * * * other\n${old}\n`;
    expect(withCronEntry(tab, 'edge', LINE)).toBe(`${OTHERS}${LINE}\n30 2 * * * other\n`);
    expect(withCronEntry(withCronEntry(OTHERS, 'edge', LINE), 'edge', LINE)).toBe(withCronEntry(OTHERS, 'edge', LINE));
  });

  it("never touches another project's line, even one whose name starts the same", () => {
    const other = renderCronLine({ ...job, project: 'edge2' });
    const tab = withCronEntry(`${other}\n`, 'edge', LINE);
    expect(tab).toBe(`${other}\n${LINE}\n`);
    expect(findCronEntry(tab, 'edge')).toBe(LINE);
    expect(findCronEntry(tab, 'edge2')).toBe(other);
    expect(withoutCronEntry(tab, 'edge')).toEqual({ crontab: `${other}\n`, removed: true });
  });

  it('removes only its line, and says when there was none', () => {
    expect(withoutCronEntry(`${OTHERS}${LINE}\n`, 'edge')).toEqual({ crontab: OTHERS, removed: true });
    expect(withoutCronEntry(OTHERS, 'edge')).toEqual({ crontab: OTHERS, removed: false });
    expect(withoutCronEntry(`${LINE}\n`, 'edge')).toEqual({ crontab: '', removed: true });
  });

  it('does not take a mention of the marker in the middle of a line for the entry', () => {
    const mention = `0 1 * * * echo "${cronMarker('edge')} is nightly" > /dev/null`;
    expect(findCronEntry(mention, 'edge')).toBeUndefined();
  });
});

describe('crontabFromListing', () => {
  it('treats "no crontab for user" as empty and other failures as errors', () => {
    expect(crontabFromListing({ exitCode: 0, stdout: OTHERS, stderr: '' })).toBe(OTHERS);
    expect(crontabFromListing({ exitCode: 1, stdout: '', stderr: 'no crontab for alice\n' })).toBe('');
    expect(() => crontabFromListing({ exitCode: 1, stdout: '', stderr: 'crontab: cannot open /var/spool/cron\n' })).toThrow('crontab -l failed: crontab: cannot open /var/spool/cron');
  });
});
