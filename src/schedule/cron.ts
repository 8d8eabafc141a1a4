/**
 * Drill schedules: the cron expressions `sirs drill --schedule` accepts, parsed into the sets of minutes,
 * hours, days and months they match, so that one expression can be written for each scheduler a team
 * already runs (GitHub Actions, GitLab, systemd timers, EventBridge Scheduler). Pure functions.
 */
import { UsageError } from '../errors.js';

export type CronFieldName = 'minute' | 'hour' | 'dayOfMonth' | 'month' | 'dayOfWeek';

/** A field's matching values, ascending; `all` when it is `*` (which matters for day-of-month/week). */
export interface CronField {
  values: number[];
  all: boolean;
}

export interface CronSchedule {
  /** The expression as written (nicknames expanded). */
  expression: string;
  minute: CronField;
  hour: CronField;
  dayOfMonth: CronField;
  month: CronField;
  /** 0 (Sunday) to 6; a 7 in the expression is read as 0. */
  dayOfWeek: CronField;
}

const RANGES: Record<CronFieldName, [number, number]> = {
  minute: [0, 59],
  hour: [0, 23],
  dayOfMonth: [1, 31],
  month: [1, 12],
  dayOfWeek: [0, 7],
};
const ORDER: CronFieldName[] = ['minute', 'hour', 'dayOfMonth', 'month', 'dayOfWeek'];
const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
export const WEEKDAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];
const NICKNAMES: Record<string, string> = {
  '@hourly': '0 * * * *',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@weekly': '0 0 * * 0',
  '@monthly': '0 0 1 * *',
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
};

/** What `--schedule` accepts, for error messages and help. */
export const SCHEDULE_FORMS = [
  'five fields: minute hour day-of-month month day-of-week, e.g. "0 9 * * 1-5" (09:00 on weekdays)',
  '"*/30 * * * *" (every 30 minutes), "15 2 1 * *" (02:15 on the 1st of each month)',
  'each field: *, a number, a range (1-5), a list (1,3,5) or a step (*/15, 0-30/10); months JAN-DEC, days SUN-SAT',
  '@hourly, @daily, @weekly or @monthly',
];

function badSchedule(text: string, why: string): UsageError {
  return new UsageError('bad-schedule', `--schedule "${text}" is not a cron expression: ${why}`, {
    suggestions: SCHEDULE_FORMS,
  });
}

/** Parse a five-field cron expression (or a nickname); every problem is a usage error naming the forms. */
export function parseCron(text: string): CronSchedule {
  const expression = NICKNAMES[text.trim().toLowerCase()] ?? text.trim();
  const parts = expression.split(/\s+/);
  if (parts.length !== 5 || expression === '') {
    throw badSchedule(text, `it has ${expression === '' ? 0 : parts.length} field(s), not 5`);
  }
  const fields = {} as Record<CronFieldName, CronField>;
  const normalized = parts.join(' ');
  ORDER.forEach((name, i) => {
    fields[name] = parseField(text, name, parts[i]!);
  });
  if (fields.dayOfWeek.values.includes(7)) {
    fields.dayOfWeek.values = [...new Set(fields.dayOfWeek.values.map((d) => d % 7))].sort((a, b) => a - b);
  }
  return { expression: normalized, ...fields };
}

function parseField(text: string, name: CronFieldName, source: string): CronField {
  const [lo, hi] = RANGES[name];
  const names = name === 'month' ? MONTHS : name === 'dayOfWeek' ? WEEKDAYS : undefined;
  const value = (v: string): number => {
    const upper = v.toUpperCase();
    const named = names?.indexOf(upper) ?? -1;
    if (named >= 0) return named + (name === 'month' ? 1 : 0);
    if (!/^\d{1,2}$/.test(v)) throw badSchedule(text, `${label(name)} "${v}" is not a number`);
    const n = Number(v);
    if (n < lo || n > hi) throw badSchedule(text, `${label(name)} ${n} is outside ${lo}-${hi}`);
    return n;
  };
  const out = new Set<number>();
  for (const item of source.split(',')) {
    const m = /^([^/]+)(?:\/(\d{1,2}))?$/.exec(item);
    if (!m) throw badSchedule(text, `${label(name)} "${item}" is not *, a number, a range or a step`);
    const step = m[2] === undefined ? 1 : Number(m[2]);
    if (step < 1) throw badSchedule(text, `${label(name)} step must be at least 1`);
    let from: number;
    let to: number;
    if (m[1] === '*') [from, to] = [lo, name === 'dayOfWeek' ? 6 : hi];
    else if (m[1]!.includes('-')) {
      const [a, b, extra] = m[1]!.split('-');
      if (extra !== undefined || a === undefined || b === undefined)
        throw badSchedule(text, `${label(name)} range "${m[1]}" is not a-b`);
      [from, to] = [value(a), value(b)];
      if (from > to) throw badSchedule(text, `${label(name)} range "${m[1]}" goes backwards`);
    } else {
      from = value(m[1]!);
      to = m[2] === undefined ? from : name === 'dayOfWeek' ? 6 : hi;
    }
    for (let v = from; v <= to; v += step) out.add(v);
  }
  return { values: [...out].sort((a, b) => a - b), all: source === '*' };
}

function label(name: CronFieldName): string {
  return {
    minute: 'minute',
    hour: 'hour',
    dayOfMonth: 'day of month',
    month: 'month',
    dayOfWeek: 'day of week',
  }[name];
}

/** The full range of a field (day-of-week without the duplicate 7). */
export function fieldSpan(name: CronFieldName): [number, number] {
  const [lo, hi] = RANGES[name];
  return [lo, name === 'dayOfWeek' ? 6 : hi];
}
