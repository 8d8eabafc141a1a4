import type { ExerciseScore } from '../../controller/scoring.js';
import { phaseTiming, scaleText } from '../../controller/results.js';

function clock(ms: number): string {
  const s = Math.round(ms / 1000);
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

/** The score as a facilitator reads it: how every point was earned or lost. */
export function renderScore(score: ExerciseScore, opts: { timeScale?: number } = {}): string {
  const scale = opts.timeScale ?? 1;
  const lines = [
    `Score: ${score.total} / 100 (grade ${score.grade}), severity-weighted over ${score.scenarios.length} scenario(s)`,
    ...(scale !== 1
      ? [
          `  compressed ${scaleText(scale)}×: targets, hints and autopilot steps ran that much faster than the clock`,
        ]
      : []),
  ];
  for (const s of score.scenarios) {
    lines.push(`  ${s.id} (${s.severity}): ${s.points}`);
    for (const p of s.phases) {
      const when =
        scale !== 1
          ? `${p.verdict}: ${phaseTiming(p, scale)}`
          : p.verdict === 'missed'
            ? `missed (target ${clock(p.targetMs)})`
            : `${p.verdict} at ${clock(p.metAtMs!)} (target ${clock(p.targetMs)})`;
      lines.push(`    ${p.phase.padEnd(8)} ${String(p.points).padStart(5)} / ${p.max}  ${when}`);
    }
    if (s.hints.count)
      lines.push(`    hints    ${String(-s.hints.cost).padStart(5)}  ${s.hints.count} released`);
    if (s.breaches.count)
      lines.push(
        `    breaches ${String(-s.breaches.penalty).padStart(5)}  ${s.breaches.count} steady-state breach(es)`,
      );
    if (s.wrongAcks.count)
      lines.push(
        `    wrong    ${String(-s.wrongAcks.penalty).padStart(5)}  ${s.wrongAcks.count} wrong identification(s)`,
      );
  }
  return lines.join('\n');
}
