/**
 * Inline SVG charts for the HTML report, drawn from the model's numbers; every piece of text in them
 * (tooltips included) is HTML-escaped here. No script, no external reference: the page stays one
 * self-contained file that prints.
 *
 * The timeline of a scenario: one bar per phase from the start to when it was met (green on target,
 * amber late, grey hatched never), its target as a dashed line; below, markers for hints, acks
 * (red when wrong), steady-state breaches (red band until restored), and the responders' calls: all of
 * them as a histogram, those that touched the scenario's resources in blue, the first touch marked.
 */
import { cap, escapeHtml, MAX_VALUE } from './escape.js';
import { formatMs } from './format.js';
import type { ExerciseReport, ScenarioReport, Trend } from './schema.js';

const W = 900;
const LEFT = 110;
const RIGHT = 30;
const PLOT = W - LEFT - RIGHT;
const STEPS = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200].map((s) => s * 1000);

function ticks(spanMs: number): number[] {
  const step = STEPS.find((s) => spanMs / s <= 10) ?? Math.ceil(spanMs / 10 / 3_600_000) * 3_600_000;
  const out: number[] = [];
  for (let t = 0; t <= spanMs + 1; t += step) out.push(t);
  return out;
}

/** Text in the SVG: capped like every outside value, then escaped. */
const esc = (s: string) => escapeHtml(cap(s, MAX_VALUE));

const n = (v: number) => (Math.round(v * 10) / 10).toString();

export function timelineSvg(s: ScenarioReport, activity: ExerciseReport['activity']): string {
  const span = Math.max(s.startMs + s.timeLimitMs, 1000);
  const x = (ms: number) => LEFT + (Math.min(Math.max(ms, 0), span) / span) * PLOT;
  const rowH = 26;
  const phaseRows = s.phases.length;
  const markerRows = ['hints', 'acks', 'breaches', 'calls'];
  const top = 10;
  const plotBottom = top + (phaseRows + markerRows.length) * rowH;
  const H = plotBottom + 40;
  const parts: string[] = [];
  const label = (row: number, text: string) =>
    parts.push(
      `<text x="${LEFT - 8}" y="${n(top + row * rowH + rowH / 2 + 4)}" text-anchor="end" class="lbl">${esc(text)}</text>`,
    );
  // Grid and axis.
  for (const t of ticks(span)) {
    parts.push(
      `<line x1="${n(x(t))}" y1="${top}" x2="${n(x(t))}" y2="${plotBottom}" class="grid"/>`,
      `<text x="${n(x(t))}" y="${plotBottom + 16}" text-anchor="${t === 0 ? 'start' : 'middle'}" class="tick">${esc(formatMs(t))}</text>`,
    );
  }
  parts.push(
    `<text x="${LEFT + PLOT}" y="${plotBottom + 32}" text-anchor="end" class="tick">exercise time (time limit ${esc(formatMs(s.timeLimitMs))})</text>`,
  );
  // Phases.
  s.phases.forEach((p, i) => {
    const y = top + i * rowH + 5;
    label(i, `${p.label} (${p.phase})`);
    // Phase times count from when the scenario went live (later for a campaign stage).
    const start = s.startMs;
    const end = p.metAtMs === undefined ? span : start + p.metAtMs;
    const cls = p.verdict === 'on-target' ? 'ok' : p.verdict === 'late' ? 'late' : 'missed';
    const tip = `${p.phase}: ${p.verdict === 'missed' ? 'never met' : `met at ${formatMs(p.metAtMs)}`}, target ${formatMs(p.targetMs)}, ${p.points} of ${p.max} points`;
    parts.push(
      `<rect x="${n(x(start))}" y="${y}" width="${n(Math.max(1, x(end) - x(start)))}" height="${rowH - 10}" class="bar ${cls}"><title>${esc(tip)}</title></rect>`,
      `<line x1="${n(x(start + p.targetMs))}" y1="${y - 3}" x2="${n(x(start + p.targetMs))}" y2="${y + rowH - 7}" class="target"><title>${esc(`${p.label} target ${formatMs(p.targetMs)}`)}</title></line>`,
    );
    if (p.redated)
      parts.push(
        `<circle cx="${n(x(start + p.redated.atMs))}" cy="${n(y + (rowH - 10) / 2)}" r="3.5" class="redated"><title>${esc(`re-dated by CloudTrail to ${formatMs(p.redated.atMs)}`)}</title></circle>`,
      );
  });
  const row = (k: number) => top + (phaseRows + k) * rowH;
  const mid = (k: number) => row(k) + rowH / 2;
  // Hints.
  label(phaseRows, 'hints');
  for (const h of s.hints.filter((h) => h.releasedAtMs !== undefined)) {
    const cx = x(h.releasedAtMs!);
    const cy = mid(0);
    parts.push(
      `<path d="M${n(cx)} ${n(cy - 7)} L${n(cx + 6)} ${n(cy + 5)} L${n(cx - 6)} ${n(cy + 5)} Z" class="hint"><title>${esc(`hint ${h.index + 1} at ${formatMs(h.releasedAtMs)} (−${h.cost}): ${h.text}`)}</title></path>`,
    );
  }
  // Acks.
  label(phaseRows + 1, 'acks');
  for (const a of s.acks) {
    parts.push(
      `<circle cx="${n(x(a.atMs))}" cy="${n(mid(1))}" r="6" class="ack ${a.verdict}"><title>${esc(`${a.verdict === 'wrong' ? 'wrong identification' : 'acknowledged'} at ${formatMs(a.atMs)} by ${a.by}: ${a.finding}${a.resource ? ` on ${a.resource}` : ''}`)}</title></circle>`,
    );
  }
  // Breaches.
  label(phaseRows + 2, 'breaches');
  for (const b of s.breaches) {
    const x1 = x(b.atMs);
    const x2 = b.restoredAtMs === undefined ? x(span) : x(b.restoredAtMs);
    parts.push(
      `<rect x="${n(x1)}" y="${n(row(2) + 7)}" width="${n(Math.max(3, x2 - x1))}" height="${rowH - 14}" class="breach"><title>${esc(`steady state broken at ${formatMs(b.atMs)}${b.restoredAtMs !== undefined ? `, restored at ${formatMs(b.restoredAtMs)}` : ''}${b.description ? `: ${b.description}` : ''}`)}</title></rect>`,
    );
  }
  // Calls: all responder calls (grey) and those touching this scenario (blue), per bin.
  label(phaseRows + 3, 'responder calls');
  const max = Math.max(1, ...activity.bins);
  const bw = (activity.binMs / span) * PLOT;
  activity.bins.forEach((count, i) => {
    if (!count || i * activity.binMs > span) return;
    const h = Math.max(1.5, (count / max) * (rowH - 6));
    const touched = s.touchBins[i] ?? 0;
    const th = touched ? Math.max(1.5, (touched / max) * (rowH - 6)) : 0;
    const bx = x(i * activity.binMs);
    const width = n(Math.max(1, Math.min(bw, LEFT + PLOT - bx) - 0.5));
    parts.push(
      `<rect x="${n(bx)}" y="${n(row(3) + rowH - 3 - h)}" width="${width}" height="${n(h)}" class="calls"><title>${esc(`${count} call(s) from ${formatMs(i * activity.binMs)}${touched ? `, ${touched} on this scenario's resources` : ''}`)}</title></rect>`,
    );
    if (th)
      parts.push(
        `<rect x="${n(bx)}" y="${n(row(3) + rowH - 3 - th)}" width="${width}" height="${n(th)}" class="touch"/>`,
      );
  });
  if (s.firstTouch) {
    const fx = x(s.startMs + s.firstTouch.atMs);
    parts.push(
      `<line x1="${n(fx)}" y1="${top}" x2="${n(fx)}" y2="${plotBottom}" class="first"><title>${esc(`first touch at ${formatMs(s.firstTouch.atMs)}: ${s.firstTouch.eventName} by ${s.firstTouch.actor} on ${s.firstTouch.resource}`)}</title></line>`,
    );
  }
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" class="chart" role="img" aria-label="${esc(`Timeline of ${s.id}`)}">${parts.join('')}</svg>`;
}

/** One small chart per scenario: TTD, TTC and TTR over past runs (oldest left), targets dashed. */
export function trendSvg(t: Trend): string {
  const H = 170;
  const top = 14;
  const bottom = H - 34;
  const runs = t.runs;
  const values = runs.flatMap((r) => [r.ttdMs, r.ttcMs, r.ttrMs]).filter((v): v is number => v !== undefined);
  const targets = [t.targets.ttdMs, t.targets.ttcMs, t.targets.ttrMs].filter(
    (v): v is number => v !== undefined,
  );
  const maxMs = Math.max(1000, ...values, ...targets) * 1.1;
  const x = (i: number) => LEFT + (runs.length <= 1 ? PLOT / 2 : (i / (runs.length - 1)) * PLOT);
  const y = (ms: number) => bottom - (ms / maxMs) * (bottom - top);
  const parts: string[] = [
    `<line x1="${LEFT}" y1="${bottom}" x2="${LEFT + PLOT}" y2="${bottom}" class="grid"/>`,
    `<text x="${LEFT - 8}" y="${n(y(maxMs / 1.1) + 4)}" text-anchor="end" class="tick">${esc(formatMs(maxMs / 1.1))}</text>`,
    `<text x="${LEFT - 8}" y="${bottom + 4}" text-anchor="end" class="tick">0</text>`,
  ];
  const series: Array<['ttdMs' | 'ttcMs' | 'ttrMs', string]> = [
    ['ttdMs', 'TTD'],
    ['ttcMs', 'TTC'],
    ['ttrMs', 'TTR'],
  ];
  for (const [key, name] of series) {
    const target = t.targets[key];
    if (target !== undefined)
      parts.push(
        `<line x1="${LEFT}" y1="${n(y(target))}" x2="${LEFT + PLOT}" y2="${n(y(target))}" class="target s-${name}"><title>${esc(`${name} target ${formatMs(target)}`)}</title></line>`,
      );
    const pts = runs.flatMap((r, i) => (r[key] === undefined ? [] : [[x(i), y(r[key]!), r] as const]));
    if (pts.length > 1)
      parts.push(
        `<polyline points="${pts.map(([a, b]) => `${n(a)},${n(b)}`).join(' ')}" class="line s-${name}"/>`,
      );
    for (const [a, b, r] of pts)
      parts.push(
        `<circle cx="${n(a)}" cy="${n(b)}" r="3.5" class="dot s-${name}"><title>${esc(`${r.exerciseId}: ${name} ${formatMs(r[key])}`)}</title></circle>`,
      );
  }
  runs.forEach((r, i) =>
    parts.push(
      `<text x="${n(x(i))}" y="${bottom + 16}" text-anchor="middle" class="tick">${esc(r.at.slice(0, 10))}</text>`,
    ),
  );
  parts.push(
    `<text x="${LEFT}" y="${H - 4}" class="tick"><tspan class="s-TTD">● TTD</tspan> <tspan class="s-TTC">● TTC</tspan> <tspan class="s-TTR">● TTR</tspan> (dashed: targets)</text>`,
  );
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" class="chart trend" role="img" aria-label="${esc(`Trend of ${t.scenario}`)}">${parts.join('')}</svg>`;
}
