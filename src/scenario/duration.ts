/**
 * Durations in scenario files: `90s`, `10m`, `1h30m`, `2h`. Units go from hours to seconds, each at most
 * once, and the total must be positive. Kept as strings in a Scenario (so files and reports read the same)
 * and converted to milliseconds where time is computed.
 */
export const DURATION_PATTERN = /^(?=\d)(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/;

/** Longer than any game day; also keeps the arithmetic far from unsafe integers. */
export const MAX_DURATION_MS = 24 * 60 * 60 * 1000;

export type DurationResult = { ok: true; ms: number } | { ok: false; error: string };

export function parseDuration(text: string): DurationResult {
  const m = DURATION_PATTERN.exec(text);
  if (!m || text === '') return { ok: false, error: explainBadDuration(text) };
  const [hours, minutes, seconds] = [m[1], m[2], m[3]].map((part) => (part === undefined ? 0 : Number(part)));
  const ms = ((hours! * 60 + minutes!) * 60 + seconds!) * 1000;
  if (ms === 0) return { ok: false, error: `duration "${text}" is zero; it must be longer than that` };
  if (ms > MAX_DURATION_MS)
    return { ok: false, error: `duration "${text}" is longer than the maximum of 24h` };
  return { ok: true, ms };
}

/** Milliseconds of a duration already known to be valid; throws on an invalid one (a bug in the caller). */
export function durationMs(text: string): number {
  const r = parseDuration(text);
  if (!r.ok) throw new Error(`invalid duration reached durationMs: ${r.error}`);
  return r.ms;
}

/** The shortest spelling of a duration, e.g. 5_400_000 → `1h30m`; sub-second parts are dropped. */
export function formatDuration(ms: number): string {
  const total = Math.floor(ms / 1000);
  if (total <= 0) return '0s';
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  return `${h ? `${h}h` : ''}${m ? `${m}m` : ''}${s ? `${s}s` : ''}`;
}

function explainBadDuration(text: string): string {
  const shown = JSON.stringify(text);
  if (/^\d+$/.test(text)) return `duration ${shown} has no unit; write ${text}s, ${text}m or ${text}h`;
  if (/^(\d+[hms])+$/.test(text)) {
    return `duration ${shown} must list units from largest to smallest, each at most once (like 1h30m)`;
  }
  if (/^\d+(\.\d+)?[hms]$/.test(text) || /^\d*\.\d+/.test(text)) {
    return `duration ${shown} must use whole numbers (write 90m rather than 1.5h)`;
  }
  return `${shown} is not a duration; use whole numbers with units h, m, s, like 90s, 10m or 1h30m`;
}
