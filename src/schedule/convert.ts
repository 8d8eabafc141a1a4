/**
 * One cron schedule in each scheduler's own syntax: POSIX cron (GitHub Actions, GitLab pipeline
 * schedules), systemd's OnCalendar= and EventBridge's six-field cron(). All run in UTC here.
 *
 * Standard cron matches a day when its day of month OR its day of week matches, if both are restricted;
 * systemd ANDs them (so such a schedule becomes two OnCalendar= lines, which a timer ORs) and EventBridge
 * cannot express it at all (one of the two must be `?`).
 */
import { UsageError } from '../errors.js';
import { fieldSpan, WEEKDAYS, type CronField, type CronFieldName, type CronSchedule } from './cron.js';

interface Style {
  range: string;
  /** A step that runs to the end of the field: `*\/15` (POSIX, when it starts at the bottom) or `0/15`. */
  step: (start: number, step: number, lo: number, hi: number) => string;
  value: (n: number) => string;
}

const POSIX: Style = {
  range: '-',
  step: (start, step, lo, hi) => (start === lo ? `*/${step}` : `${start}-${hi}/${step}`),
  value: String,
};

/** A field's values as compactly as the style allows: `*`, `*\/15`, `1-5`, `0,30`, `1-3,7`. */
function compact(name: CronFieldName, values: readonly number[], style: Style, star = '*'): string {
  const [lo, hi] = fieldSpan(name);
  if (values.length === hi - lo + 1) return star;
  if (values.length >= 3) {
    const step = values[1]! - values[0]!;
    const even = values.every((v, i) => i === 0 || v - values[i - 1]! === step);
    if (even && step > 1 && values.at(-1)! + step > hi) return style.step(values[0]!, step, lo, hi);
  }
  const parts: string[] = [];
  for (let i = 0; i < values.length;) {
    let j = i;
    while (j + 1 < values.length && values[j + 1] === values[j]! + 1) j++;
    if (j - i >= 2) parts.push(`${style.value(values[i]!)}${style.range}${style.value(values[j]!)}`);
    else for (let k = i; k <= j; k++) parts.push(style.value(values[k]!));
    i = j + 1;
  }
  return parts.join(',');
}

/** Both day fields restricted: cron's "either" rule applies. */
function eitherDay(c: CronSchedule): boolean {
  return !c.dayOfMonth.all && !c.dayOfWeek.all;
}

/** The schedule as a five-field POSIX cron line (GitHub Actions, GitLab), numbers only. */
export function posixCron(c: CronSchedule): string {
  const f = (name: CronFieldName, field: CronField) => compact(name, field.values, POSIX);
  return [
    f('minute', c.minute),
    f('hour', c.hour),
    c.dayOfMonth.all ? '*' : f('dayOfMonth', c.dayOfMonth),
    f('month', c.month),
    c.dayOfWeek.all ? '*' : f('dayOfWeek', c.dayOfWeek),
  ].join(' ');
}

const SYSTEMD_DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

/** systemd OnCalendar= values (a timer fires at any of them), in UTC. */
export function onCalendar(c: CronSchedule): string[] {
  const two = (n: number) => String(n).padStart(2, '0');
  const style: Style = { range: '..', step: (start, step) => `${two(start)}/${step}`, value: two };
  const time = `${compact('hour', c.hour.values, style)}:${compact('minute', c.minute.values, style)}:00`;
  const month = compact('month', c.month.values, style);
  const days = (field: CronField) => compact('dayOfMonth', field.values, style);
  // Day-of-week ranges in systemd never wrap, and steps mean nothing for weekdays: ranges and lists only.
  const weekdays = compact('dayOfWeek', c.dayOfWeek.values, {
    range: '..',
    step: () => c.dayOfWeek.values.map((d) => SYSTEMD_DAYS[d]!).join(','),
    value: (d) => SYSTEMD_DAYS[d]!,
  });
  const byDate = `*-${month}-${c.dayOfMonth.all ? '*' : days(c.dayOfMonth)} ${time} UTC`;
  const byWeekday = `${weekdays} *-${month}-* ${time} UTC`;
  if (eitherDay(c)) return [byDate, byWeekday];
  return [c.dayOfWeek.all ? byDate : byWeekday];
}

/** EventBridge Scheduler's `cron(minutes hours day-of-month month day-of-week year)`, evaluated in UTC. */
export function eventBridgeCron(c: CronSchedule): string {
  if (eitherDay(c)) {
    throw new UsageError(
      'schedule-not-expressible',
      `EventBridge cannot run "${c.expression}": it restricts both the day of month and the day of week`,
      { suggestions: ['use * for one of them (EventBridge needs ? in one of the two day fields)'] },
    );
  }
  const style: Style = { range: '-', step: (start, step) => `${start}/${step}`, value: String };
  const weekdays = compact('dayOfWeek', c.dayOfWeek.values, {
    range: '-',
    step: () => c.dayOfWeek.values.map((d) => WEEKDAYS[d]!).join(','),
    value: (d) => WEEKDAYS[d]!,
  });
  return `cron(${[
    compact('minute', c.minute.values, style),
    compact('hour', c.hour.values, style),
    c.dayOfWeek.all ? compact('dayOfMonth', c.dayOfMonth.values, style) : '?',
    compact('month', c.month.values, style),
    c.dayOfWeek.all ? '?' : weekdays,
    '*',
  ].join(' ')})`;
}
