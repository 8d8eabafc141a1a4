/**
 * Schedule expressions of EventBridge rules (`rate(5 minutes)`, `cron(0 12 * * ? *)`), in UTC, and
 * the next time one falls due. Pure.
 */

export type Schedule = { kind: 'rate'; periodMs: number } | { kind: 'cron'; fields: CronFields };

interface CronFields {
  minutes: Set<number>;
  hours: Set<number>;
  /** Days of the month; `last` for `L`. */
  daysOfMonth: Set<number> | 'any';
  lastDayOfMonth: boolean;
  months: Set<number>;
  /** Days of the week 1 (SUN) to 7 (SAT). */
  daysOfWeek: Set<number> | 'any';
  /** `6L`: the last such weekday of the month; `6#3`: the third. */
  nthWeekday?: { day: number; nth: number | 'last' };
  years: Set<number> | 'any';
}

const UNITS: Record<string, number> = {
  minute: 60_000,
  minutes: 60_000,
  hour: 3_600_000,
  hours: 3_600_000,
  day: 86_400_000,
  days: 86_400_000,
};

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const DAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

/** The schedule an expression describes, or undefined when EventBridge would refuse it. */
export function parseSchedule(expression: string): Schedule | undefined {
  const rate = /^rate\((\d+) ([a-z]+)\)$/.exec(expression);
  if (rate) {
    const n = Number(rate[1]);
    const unit = rate[2] as string;
    // AWS wants the singular unit for 1 and the plural otherwise.
    if (n < 1 || !Object.hasOwn(UNITS, unit) || (n === 1) !== !unit.endsWith('s')) return undefined;
    return { kind: 'rate', periodMs: n * (UNITS[unit] as number) };
  }
  const cron = /^cron\(([^)]*)\)$/.exec(expression);
  if (!cron) return undefined;
  const parts = (cron[1] as string).trim().split(/\s+/);
  if (parts.length !== 6) return undefined;
  const [min, hour, dom, month, dow, year] = parts as [string, string, string, string, string, string];
  // Exactly one of day-of-month and day-of-week must be `?`.
  if ((dom === '?') === (dow === '?')) return undefined;
  try {
    const fields: CronFields = {
      minutes: field(min, 0, 59),
      hours: field(hour, 0, 23),
      daysOfMonth: dom === '?' ? 'any' : dom === 'L' ? new Set() : field(dom, 1, 31),
      lastDayOfMonth: dom === 'L',
      months: field(month, 1, 12, MONTHS),
      daysOfWeek: 'any',
      years: year === '*' ? 'any' : field(year, 1970, 2199),
    };
    if (dow !== '?') {
      const nth = /^([1-7]|[A-Z]{3})(?:#([1-5])|(L))$/.exec(dow);
      if (nth) {
        const day = named(nth[1] as string, DAYS);
        fields.nthWeekday = { day, nth: nth[3] ? 'last' : Number(nth[2]) };
      } else {
        fields.daysOfWeek = field(dow, 1, 7, DAYS);
      }
    }
    return { kind: 'cron', fields };
  } catch {
    return undefined;
  }
}

function named(text: string, names: string[]): number {
  const i = names.indexOf(text.toUpperCase());
  if (i >= 0) return i + 1;
  if (!/^\d+$/.test(text)) throw new Error(text);
  return Number(text);
}

/** A cron field: `*`, values, ranges and steps, separated by commas. */
function field(text: string, lo: number, hi: number, names: string[] = []): Set<number> {
  const out = new Set<number>();
  for (const part of text.split(',')) {
    const [range, stepText] = part.split('/') as [string, string | undefined];
    const step = stepText === undefined ? 1 : Number(stepText);
    if (!Number.isInteger(step) || step < 1) throw new Error(part);
    let from = lo;
    let to = hi;
    if (range !== '*') {
      const [a, b] = range.split('-') as [string, string | undefined];
      from = named(a, names);
      to = b === undefined ? (stepText === undefined ? from : hi) : named(b, names);
    }
    if (from < lo || to > hi || from > to) throw new Error(part);
    for (let v = from; v <= to; v += step) out.add(v);
  }
  return out;
}

/** The first time strictly after `after` (ms) when the schedule falls due; `start` anchors rates. */
export function nextRun(schedule: Schedule, after: number, start: number): number | undefined {
  if (schedule.kind === 'rate') {
    const elapsed = Math.max(0, after - start);
    return start + (Math.floor(elapsed / schedule.periodMs) + 1) * schedule.periodMs;
  }
  const f = schedule.fields;
  const from = new Date(Math.floor(after / 60_000) * 60_000 + 60_000);
  // Look day by day for up to ~5 years; a cron with no date in that span never runs.
  const day = new Date(Date.UTC(from.getUTCFullYear(), from.getUTCMonth(), from.getUTCDate()));
  for (let d = 0; d < 5 * 366; d++, day.setUTCDate(day.getUTCDate() + 1)) {
    if (!dayMatches(f, day)) continue;
    for (const h of [...f.hours].sort((a, b) => a - b)) {
      for (const m of [...f.minutes].sort((a, b) => a - b)) {
        const t = day.getTime() + h * 3_600_000 + m * 60_000;
        if (t >= from.getTime()) return t;
      }
    }
  }
  return undefined;
}

function dayMatches(f: CronFields, day: Date): boolean {
  const year = day.getUTCFullYear();
  const month = day.getUTCMonth() + 1;
  const date = day.getUTCDate();
  const weekday = day.getUTCDay() + 1;
  const lastDate = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (f.years !== 'any' && !f.years.has(year)) return false;
  if (!f.months.has(month)) return false;
  if (f.lastDayOfMonth) return date === lastDate;
  if (f.daysOfMonth !== 'any') return f.daysOfMonth.has(date);
  if (f.nthWeekday) {
    if (weekday !== f.nthWeekday.day) return false;
    return f.nthWeekday.nth === 'last' ? date + 7 > lastDate : Math.ceil(date / 7) === f.nthWeekday.nth;
  }
  return f.daysOfWeek === 'any' || f.daysOfWeek.has(weekday);
}
