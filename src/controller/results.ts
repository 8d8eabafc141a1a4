/**
 * Drill results for machines: JUnit XML (one test case per scenario phase: passed when met on target,
 * failed when late or missed) and JSON. Everything comes from the score and the journal.
 */
import type { ExerciseScore } from './scoring.js';

function esc(s: string): string {
  return s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!,
  );
}

function clock(ms: number): string {
  const s = Math.round(ms / 1000);
  return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
}

export function junitXml(
  exerciseId: string,
  score: ExerciseScore,
  opts: { timestamp: string; durationMs: number },
): string {
  const cases = score.scenarios.flatMap((s) =>
    s.phases.map((p) => {
      const name = `${s.id} ${p.phase}`;
      const time = ((p.metAtMs ?? 0) / 1000).toFixed(1);
      const open = `    <testcase classname="sirs.${esc(s.id)}" name="${esc(name)}" time="${time}">`;
      if (p.verdict === 'on-target') return `${open}</testcase>`;
      const message =
        p.verdict === 'missed'
          ? `${p.phase} was never met (target ${clock(p.targetMs)})`
          : `${p.phase} met at ${clock(p.metAtMs!)}, after its target of ${clock(p.targetMs)}`;
      return `${open}\n      <failure type="${p.verdict}" message="${esc(message)}">${esc(message)}; ${p.points} of ${p.max} points</failure>\n    </testcase>`;
    }),
  );
  const failures = score.scenarios.reduce(
    (n, s) => n + s.phases.filter((p) => p.verdict !== 'on-target').length,
    0,
  );
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="sirs drill" tests="${cases.length}" failures="${failures}" time="${(opts.durationMs / 1000).toFixed(1)}">`,
    `  <testsuite name="${esc(exerciseId)}" tests="${cases.length}" failures="${failures}" errors="0" timestamp="${esc(opts.timestamp)}" time="${(opts.durationMs / 1000).toFixed(1)}">`,
    `    <properties><property name="score" value="${score.total}"/><property name="grade" value="${score.grade}"/></properties>`,
    ...cases,
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}
