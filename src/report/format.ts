/** Small formatting shared by the report model's sentences, the templates' helpers and the charts. */

/** Exercise time as people say it: 45s, 2m05s, 1h02m03s (negative: before the controller started). */
export function formatMs(ms: number | undefined | null): string {
  if (ms === undefined || ms === null || !Number.isFinite(ms)) return '—';
  const sign = ms < 0 ? '−' : '';
  let s = Math.round(Math.abs(ms) / 1000);
  if (s < 60 && Math.abs(ms) < 10_000 && Math.abs(ms) % 1000 !== 0)
    return `${sign}${(Math.abs(ms) / 1000).toFixed(1)}s`;
  const h = Math.floor(s / 3600);
  s -= h * 3600;
  const m = Math.floor(s / 60);
  s -= m * 60;
  if (h)
    return `${sign}${h}h${m || s ? `${String(m).padStart(2, '0')}m` : ''}${s ? `${String(s).padStart(2, '0')}s` : ''}`;
  if (m) return `${sign}${m}m${s ? `${String(s).padStart(2, '0')}s` : ''}`;
  return `${sign}${s}s`;
}

/** Points with at most one decimal. */
export function formatPoints(n: number): string {
  return String(Math.round(n * 10) / 10);
}

/** +12.5 / −5 / 0. */
export function formatSigned(n: number): string {
  const v = Math.round(n * 10) / 10;
  if (v > 0) return `+${v}`;
  if (v < 0) return `−${Math.abs(v)}`;
  return '0';
}

/** An ISO time as `YYYY-MM-DD HH:MM:SS UTC`, or the input when it is not a time. */
export function formatTime(iso: string | undefined): string {
  if (!iso) return '—';
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return iso;
  return `${new Date(t).toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}
