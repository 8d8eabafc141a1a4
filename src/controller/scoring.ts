/**
 * Scoring: a pure, deterministic function of the journal.
 *
 * Per scenario, each phase it defines is worth a share of 100 points (detect 40, contain 30, recover 30,
 * re-weighted over the phases present). A phase met at or before its target earns its full share; after
 * the target the share decays linearly to a floor of 25% at the time limit; a phase never met earns 0.
 * From the sum come penalties: the cost of every hint released, 10 points per steady-state breach
 * (collateral damage), 5 per wrong identification (an ack naming the wrong resource). A scenario scores
 * between 0 and 100. The exercise total is the severity-weighted mean (low 1, medium 2, high 3,
 * critical 4), and the grade is A (>= 90), B (>= 80), C (>= 70), D (>= 60) or F.
 *
 * Campaigns: a stage's times count from when it went live (its `stage.live` entry). A decoy (a benign
 * change responders must leave alone) has no points of its own; each breach of its steady state costs
 * the exercise total 10 points.
 */
import type { JournalEntry } from '../exercise/entries.js';
import type { PhaseName } from '../scenario/schema.js';
import type { ScoringScenario } from './model.js';

export const PHASE_WEIGHTS: Record<PhaseName, number> = { detect: 40, contain: 30, recover: 30 };
export const FLOOR = 0.25;
export const BREACH_PENALTY = 10;
export const WRONG_ACK_PENALTY = 5;
export const SEVERITY_WEIGHTS = { low: 1, medium: 2, high: 3, critical: 4 } as const;

export interface PhaseScore {
  phase: PhaseName;
  targetMs: number;
  metAtMs?: number;
  max: number;
  points: number;
  verdict: 'on-target' | 'late' | 'missed';
}

export interface ScenarioScore {
  id: string;
  title: string;
  severity: ScoringScenario['severity'];
  phases: PhaseScore[];
  hints: { count: number; cost: number };
  breaches: { count: number; penalty: number };
  wrongAcks: { count: number; penalty: number };
  points: number;
}

export interface DecoyScore {
  id: string;
  breaches: number;
  penalty: number;
}

export interface ExerciseScore {
  scenarios: ScenarioScore[];
  /** Campaign decoys touched by responders (collateral damage on the whole exercise). */
  decoys: DecoyScore[];
  total: number;
  grade: 'A' | 'B' | 'C' | 'D' | 'F';
  /** True when some phase missed its target (drills exit non-zero on this). */
  missedTargets: boolean;
}

export function phasePoints(
  max: number,
  targetMs: number,
  limitMs: number,
  metAtMs: number | undefined,
): Omit<PhaseScore, 'phase' | 'targetMs' | 'max'> {
  if (metAtMs === undefined || metAtMs > limitMs) return { points: 0, verdict: 'missed' };
  if (metAtMs <= targetMs) return { metAtMs, points: max, verdict: 'on-target' };
  const span = Math.max(1, limitMs - targetMs);
  const fraction = 1 - (1 - FLOOR) * ((metAtMs - targetMs) / span);
  return { metAtMs, points: round(max * fraction), verdict: 'late' };
}

export function gradeOf(total: number): ExerciseScore['grade'] {
  if (total >= 90) return 'A';
  if (total >= 80) return 'B';
  if (total >= 70) return 'C';
  if (total >= 60) return 'D';
  return 'F';
}

function round(n: number): number {
  return Math.round(n * 10) / 10;
}

export function scoreScenario(
  s: ScoringScenario,
  facts: {
    metAtMs: Partial<Record<PhaseName, number>>;
    hintCosts: number[];
    breaches: number;
    wrongAcks: number;
  },
): ScenarioScore {
  const present = (Object.keys(PHASE_WEIGHTS) as PhaseName[]).filter((p) => s.phases[p]);
  const weightSum = present.reduce((n, p) => n + PHASE_WEIGHTS[p], 0) || 1;
  const phases = present.map((phase): PhaseScore => {
    const max = round((PHASE_WEIGHTS[phase] * 100) / weightSum);
    const targetMs = s.phases[phase]!.targetMs;
    return { phase, targetMs, max, ...phasePoints(max, targetMs, s.timeLimitMs, facts.metAtMs[phase]) };
  });
  const hintCost = facts.hintCosts.reduce((n, c) => n + c, 0);
  const breachPenalty = facts.breaches * BREACH_PENALTY;
  const wrongPenalty = facts.wrongAcks * WRONG_ACK_PENALTY;
  const earned = phases.reduce((n, p) => n + p.points, 0);
  return {
    id: s.id,
    title: s.title,
    severity: s.severity,
    phases,
    hints: { count: facts.hintCosts.length, cost: hintCost },
    breaches: { count: facts.breaches, penalty: breachPenalty },
    wrongAcks: { count: facts.wrongAcks, penalty: wrongPenalty },
    points: round(Math.min(100, Math.max(0, earned - hintCost - breachPenalty - wrongPenalty))),
  };
}

/** Score an exercise from its journal. Entries before `controller.started` are ignored. */
export function scoreJournal(entries: readonly JournalEntry[]): ExerciseScore | undefined {
  const started = entries.find((e) => e.type === 'controller.started');
  if (!started || started.type !== 'controller.started') return undefined;
  const facts = new Map(
    started.scenarios.map((s) => [
      s.id,
      {
        metAtMs: {} as Partial<Record<PhaseName, number>>,
        hintCosts: [] as number[],
        breaches: 0,
        wrongAcks: 0,
      },
    ]),
  );
  // Phase times are exercise time; a campaign stage's count from when it went live.
  const startOf = new Map(started.scenarios.map((s) => [s.id, s.startMs ?? 0]));
  const decoys = new Map((started.decoys ?? []).map((id) => [id, 0]));
  for (const e of entries) {
    if (e.type === 'stage.live') {
      if (startOf.has(e.scenario)) startOf.set(e.scenario, e.atMs);
    } else if (e.type === 'phase.met') {
      const f = facts.get(e.scenario);
      if (f && f.metAtMs[e.phase] === undefined)
        f.metAtMs[e.phase] = Math.max(0, e.atMs - (startOf.get(e.scenario) ?? 0));
    } else if (e.type === 'hint.released') facts.get(e.scenario)?.hintCosts.push(e.cost);
    else if (e.type === 'steady-state.breached') {
      const f = facts.get(e.scenario);
      if (f) f.breaches++;
      else if (decoys.has(e.scenario)) decoys.set(e.scenario, decoys.get(e.scenario)! + 1);
    } else if (e.type === 'ack.received') {
      for (const w of e.wrong) {
        const f = facts.get(w.scenario);
        if (f) f.wrongAcks++;
      }
    }
  }
  const scenarios = started.scenarios.map((s) => scoreScenario(s, facts.get(s.id)!));
  const weight = (s: ScenarioScore) => SEVERITY_WEIGHTS[s.severity];
  const weights = scenarios.reduce((n, s) => n + weight(s), 0) || 1;
  const decoyScores = [...decoys].map(([id, breaches]) => ({
    id,
    breaches,
    penalty: breaches * BREACH_PENALTY,
  }));
  const decoyPenalty = decoyScores.reduce((n, d) => n + d.penalty, 0);
  const mean = scenarios.reduce((n, s) => n + s.points * weight(s), 0) / weights;
  const total = round(Math.max(0, mean - decoyPenalty));
  return {
    scenarios,
    decoys: decoyScores,
    total,
    grade: gradeOf(total),
    missedTargets: scenarios.some((s) => s.phases.some((p) => p.verdict !== 'on-target')),
  };
}
