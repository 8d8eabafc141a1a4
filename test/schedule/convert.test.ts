import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { Cron } from 'croner';
import { parseCron } from '../../src/schedule/cron.js';
import { eventBridgeCron, onCalendar, posixCron } from '../../src/schedule/convert.js';

function hasSystemdAnalyze(): boolean {
  try {
    execFileSync('systemd-analyze', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** The next few times a cron expression fires, in UTC, after `from` (croner, the foreground scheduler). */
function cronTimes(expr: string, from: Date, n: number): string[] {
  const job = new Cron(expr, { timezone: 'UTC', paused: true });
  const out: string[] = [];
  let t: Date | null = from;
  for (let i = 0; i < n && t; i++) {
    t = job.nextRun(t);
    if (t) out.push(t.toISOString().slice(0, 19));
  }
  job.stop();
  return out;
}

describe('drill schedules in each scheduler’s syntax', () => {
  const cases: Array<[string, string, string[], string]> = [
    ['0 9 * * 1-5', '0 9 * * 1-5', ['Mon..Fri *-*-* 09:00:00 UTC'], 'cron(0 9 ? * MON-FRI *)'],
    ['*/15 * * * *', '*/15 * * * *', ['*-*-* *:00/15:00 UTC'], 'cron(0/15 * * * ? *)'],
    ['@daily', '0 0 * * *', ['*-*-* 00:00:00 UTC'], 'cron(0 0 * * ? *)'],
    ['15 2 1 * *', '15 2 1 * *', ['*-*-01 02:15:00 UTC'], 'cron(15 2 1 * ? *)'],
    [
      '30 6 * JAN-MAR SUN,SAT',
      '30 6 * 1-3 0,6',
      ['Sun,Sat *-01..03-* 06:30:00 UTC'],
      'cron(30 6 ? 1-3 SUN,SAT *)',
    ],
    [
      '5-59/20 9-17 * * 7',
      '5-59/20 9-17 * * 0',
      ['Sun *-*-* 09..17:05/20:00 UTC'],
      'cron(5/20 9-17 ? * SUN *)',
    ],
  ];
  for (const [cron, posix, calendar, eventbridge] of cases) {
    it(`"${cron}": ${posix} | ${calendar.join(' + ')} | ${eventbridge}`, () => {
      const c = parseCron(cron);
      expect(posixCron(c)).to.equal(posix);
      expect(onCalendar(c)).to.deep.equal(calendar);
      expect(eventBridgeCron(c)).to.equal(eventbridge);
    });
  }

  it('a day of month OR a day of week (cron’s rule) becomes two OnCalendar= lines; EventBridge refuses it', () => {
    const c = parseCron('0 6 1,15 * MON');
    expect(posixCron(c)).to.equal('0 6 1,15 * 1');
    expect(onCalendar(c)).to.deep.equal(['*-*-01,15 06:00:00 UTC', 'Mon *-*-* 06:00:00 UTC']);
    expect(() => eventBridgeCron(c)).to.throw(/both the day of month and the day of week/);
  });

  it('anything else is a usage error that lists the accepted forms', () => {
    for (const bad of [
      'every day',
      '0 9 * *',
      '61 * * * *',
      '0 9 * * 1-5 2027',
      '0 9 * * MON-XYZ',
      '5-1 * * * *',
    ]) {
      let err: { exitCode?: number; code?: string; suggestions?: string[] } = {};
      try {
        parseCron(bad);
      } catch (e) {
        err = e as typeof err;
      }
      expect(err.code, bad).to.equal('bad-schedule');
      expect(err.exitCode).to.equal(2);
      expect(err.suggestions!.join('\n')).to.contain('0 9 * * 1-5').and.to.contain('@daily');
    }
  });

  (hasSystemdAnalyze() ? it : it.skip)(
    'systemd fires the OnCalendar= lines at the same times as the cron expression (systemd-analyze calendar)',
    () => {
      const from = new Date('2026-12-06T10:07:00Z');
      for (const cron of [
        '0 9 * * 1-5',
        '*/15 * * * *',
        '30 6 * JAN-MAR SUN,SAT',
        '0 6 1,15 * MON',
        '5-59/20 9-17 * * 7',
      ]) {
        const lines = onCalendar(parseCron(cron));
        const systemd = lines
          .flatMap((line) => {
            const out = execFileSync(
              'systemd-analyze',
              [
                'calendar',
                '--iterations=6',
                `--base-time=${from.toISOString().replace('T', ' ').slice(0, 19)} UTC`,
                line,
              ],
              { encoding: 'utf8', env: { ...process.env, TZ: 'UTC', SYSTEMD_COLORS: '0' } },
            );
            return [...out.matchAll(/(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d) UTC/g)].map((m) =>
              m[1]!.replace(' ', 'T'),
            );
          })
          .filter((t, i, all) => all.indexOf(t) === i)
          .sort()
          .slice(0, 6);
        expect(systemd, `${cron} → ${lines.join(' + ')}`).to.deep.equal(cronTimes(cron, from, 6));
      }
    },
  );
});
