import { UsageError } from '../../errors.js';
import { parseDuration } from '../../scenario/duration.js';

/** `--wrap-up`: how long an exercise stays up after its last phase, like `2m`, or `0` for none. */
export function parseWrapUp(text: string): number {
  if (text === '0') return 0;
  const d = parseDuration(text);
  if (!d.ok) {
    throw new UsageError('bad-wrap-up', `--wrap-up: ${d.error}`, {
      suggestions: ['e.g. --wrap-up 2m (responders validate their fix), or --wrap-up 0 to end at once'],
    });
  }
  return d.ms;
}

/** `--tick`: a controller interval such as `1s` or `250ms`, between 100 ms and 10 minutes. */
export function parseTick(text: string): number {
  const m = /^(\d+)(ms|s|m)$/.exec(text);
  const ms = m ? Number(m[1]) * (m[2] === 'ms' ? 1 : m[2] === 's' ? 1000 : 60_000) : NaN;
  if (!(ms >= 100 && ms <= 600_000)) {
    throw new UsageError(
      'bad-tick',
      `--tick must be a duration between 100ms and 10m, like 1s or 500ms; got '${text}'`,
    );
  }
  return ms;
}

/** `--time-scale`: how many times faster than the clock exercise time runs (1 to 3600; `3`, `2.5`). */
export function parseTimeScale(text: string): number {
  const n = /^\d+(\.\d+)?$/.test(text) ? Number(text) : NaN;
  if (!(n >= 1 && n <= 3600)) {
    throw new UsageError(
      'bad-time-scale',
      `--time-scale must be a number from 1 to 3600, like 3 (a 45-minute scenario in 15 minutes); got '${text}'`,
    );
  }
  return n;
}
