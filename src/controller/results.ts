/**
 * Drill results for machines: JUnit XML (one test case per scenario phase: passed when met on target,
 * failed when late or missed) and JSON. Everything comes from the score and the journal.
 *
 * A compressed drill (`--time-limit`, `--time-scale`) runs exercise time `timeScale` times faster than
 * the clock: the score is in exercise time (the scenario's own minutes), and results say both, e.g.
 * `met in 2.1s (target 13.3s = 10m00s × 1/45)`.
 */
import type { ExerciseScore, PhaseScore } from './scoring.js';
import type { LoopExplanation } from './explain.js';

function esc(s: string): string {
  return s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!,
  );
}

/** Exercise time as scenarios write it: `10m00s`. */
function clock(ms: number): string {
  const s = Math.round(ms / 1000);
  return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
}

/** Clock time of a compressed drill: tenths of a second under a minute (`13.3s`), else `1m05s`. */
function wall(ms: number): string {
  return ms < 59_950 ? `${(ms / 1000).toFixed(1)}s` : clock(ms);
}

/** `45`, `2.5`: a scale as people write it. */
export function scaleText(timeScale: number): string {
  return String(Number(timeScale.toFixed(2)));
}

/** When and against which target a phase was met, in the drill's clock time when it was compressed. */
export function phaseTiming(p: PhaseScore, timeScale = 1): string {
  if (timeScale === 1) {
    if (p.verdict === 'missed') return `never met (target ${clock(p.targetMs)})`;
    return `met at ${clock(p.metAtMs!)} (target ${clock(p.targetMs)})`;
  }
  const target = `target ${wall(p.targetMs / timeScale)} = ${clock(p.targetMs)} × 1/${scaleText(timeScale)}`;
  if (p.verdict === 'missed') return `never met (${target})`;
  return `met in ${wall(p.metAtMs! / timeScale)} (${target})`;
}

export function junitXml(
  exerciseId: string,
  score: ExerciseScore,
  opts: {
    timestamp: string;
    durationMs: number;
    timeScale?: number;
    timeLimitMs?: number;
    /** Drills of automation: why each loop of the defences did (not) close, said in every failure. */
    explanations?: readonly LoopExplanation[];
  },
): string {
  const scale = opts.timeScale ?? 1;
  const why = automationText(opts.explanations ?? []);
  const logs = (opts.explanations ?? []).flatMap((x) => (x.logLines ?? []).map((l) => `${x.loop}: ${l}`));
  const cases = score.scenarios.flatMap((s) =>
    s.phases.map((p) => {
      const name = `${s.id} ${p.phase}`;
      // CI shows test times on the clock.
      const time = ((p.metAtMs ?? 0) / scale / 1000).toFixed(1);
      const open = `    <testcase classname="sirs.${esc(s.id)}" name="${esc(name)}" time="${time}">`;
      const timing = `${p.phase} ${phaseTiming(p, scale)}`;
      if (p.verdict === 'on-target') return `${open}<system-out>${esc(timing)}</system-out></testcase>`;
      const message = p.verdict === 'late' ? `${timing}: after its target` : timing;
      const failure = `${open}\n      <failure type="${p.verdict}" message="${esc(message)}">${esc(message)}; ${p.points} of ${p.max} points${why ? `\n${esc(why)}` : ''}</failure>`;
      const err = logs.length ? `\n      <system-err>${esc(logs.join('\n'))}</system-err>` : '';
      return `${failure}${err}\n    </testcase>`;
    }),
  );
  const failures = score.scenarios.reduce(
    (n, s) => n + s.phases.filter((p) => p.verdict !== 'on-target').length,
    0,
  );
  const properties = [
    `<property name="score" value="${score.total}"/>`,
    `<property name="grade" value="${score.grade}"/>`,
    ...(scale !== 1 ? [`<property name="timeScale" value="${scaleText(scale)}"/>`] : []),
    ...(opts.timeLimitMs ? [`<property name="timeLimitMs" value="${opts.timeLimitMs}"/>`] : []),
  ];
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="sirs drill" tests="${cases.length}" failures="${failures}" time="${(opts.durationMs / 1000).toFixed(1)}">`,
    `  <testsuite name="${esc(exerciseId)}" tests="${cases.length}" failures="${failures}" errors="0" timestamp="${esc(opts.timestamp)}" time="${(opts.durationMs / 1000).toFixed(1)}">`,
    `    <properties>${properties.join('')}</properties>`,
    ...cases,
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}

/** Why the team's automation did not close the loops, one line per loop (terminal and JUnit). */
export function automationText(explanations: readonly LoopExplanation[]): string {
  if (!explanations.length) return '';
  return ["The team's automation:", ...explanations.map((x) => `- ${x.loop}: ${x.message}`)].join('\n');
}
