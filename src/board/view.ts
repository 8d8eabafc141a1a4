/**
 * What both boards (the web page and the terminal) show, as a pure function of the journal and the clock:
 * each scenario's state and timers against its targets, phases met with their evidence, hints released
 * and the next one due, acknowledgements (right and wrong), steady-state breaches, and the score so far.
 * Points come from the scoring function itself (`scoreJournal`), never recomputed here.
 *
 * Nothing a responder should still discover is in it: unreleased hint texts and the conditions of phases
 * not met yet stay out, since the board is projected in the room and read-only viewers see all of it.
 */
import { scoreJournal, type PhaseScore } from '../controller/scoring.js';
import type { ScenarioState } from '../controller/model.js';
import { deriveExercise, type ExerciseState } from '../exercise/derive.js';
import type { EndReason, JournalEntry, ScenarioFacts } from '../exercise/entries.js';
import type { PhaseName } from '../scenario/schema.js';

export type PhaseStatus = 'on-target' | 'late' | 'running' | 'over-target' | 'missed';

export interface BoardPhase {
  phase: PhaseName;
  targetMs: number;
  /** Exercise time since the scenario went live. */
  metAtMs?: number;
  status: PhaseStatus;
  /** Met because a later phase was (a team that fixed it found it). */
  impliedBy?: PhaseName;
  /** One line per piece of evidence, as the controller journaled it. */
  evidence: string[];
  points: number;
  max: number;
}

export interface BoardHint {
  index: number;
  text: string;
  cost: number;
  /** Exercise time since the scenario went live. */
  atMs: number;
  by: 'schedule' | 'facilitator';
}

export interface BoardBreach {
  index: number;
  /** The steady-state check, as it is described in reports. */
  check: string;
  summary: string;
  atMs: number;
  restoredAtMs?: number;
}

export interface BoardScenario {
  id: string;
  title: string;
  severity: string;
  state: ScenarioState;
  /** Exercise time at which it went live (a campaign stage later than 0). */
  startMs: number;
  timeLimitMs: number;
  phases: BoardPhase[];
  hints: {
    released: BoardHint[];
    /** The next scheduled hint: when it is due (exercise time since live) and what it costs; never its text. */
    next?: { index: number; dueAtMs: number; cost: number };
    cost: number;
  };
  breaches: BoardBreach[];
  wrongAcks: number;
  /** The score so far (phases not met yet count as not met). */
  points: number;
}

export interface BoardAck {
  seq: number;
  finding: string;
  resource?: string;
  note?: string;
  by: string;
  /** Exercise time it was written. */
  atMs: number;
  /** `wrong`: a wrong identification (the finding of a scenario, on another resource): it costs points. */
  verdict: 'right' | 'wrong' | 'unmatched';
  scenarios: string[];
}

export type FeedKind =
  'phase' | 'state' | 'hint' | 'ack' | 'wrong-ack' | 'breach' | 'restored' | 'stage' | 'ended' | 'wrap-up';

export interface FeedItem {
  seq: number;
  atMs: number;
  kind: FeedKind;
  scenario?: string;
  text: string;
}

export interface BoardView {
  exerciseId: string;
  exercise: ExerciseState;
  target?: string;
  /** Exercise time now; `running` while the controller runs (the page moves its clocks in between). */
  elapsedMs: number;
  running: boolean;
  timeScale: number;
  ended?: { reason: EndReason; atMs: number };
  /** Every phase is met and the exercise stays up until then (exercise time; ISO wall clock). */
  wrapUp?: { untilMs: number; until: string };
  score?: { total: number; grade: string };
  scenarios: BoardScenario[];
  decoys: Array<{ id: string; title: string; breaches: BoardBreach[] }>;
  acks: BoardAck[];
  /** What happened, oldest first (the last 200 items). */
  feed: FeedItem[];
  /** The last journal entry this view includes (the SSE event id). */
  seq: number;
}

const FEED_LIMIT = 200;

/** The board for a journal at wall time `nowMs` (ms since the epoch). */
export function boardView(exerciseId: string, entries: readonly JournalEntry[], nowMs: number): BoardView {
  const summary = deriveExercise(exerciseId, entries);
  const started = entries.find(
    (e): e is Extract<JournalEntry, { type: 'controller.started' }> => e.type === 'controller.started',
  );
  const endedEntry = entries.find(
    (e): e is Extract<JournalEntry, { type: 'controller.ended' }> => e.type === 'controller.ended',
  );
  const timeScale = started?.timeScale ?? 1;
  const t0 = started ? Date.parse(started.time) : undefined;
  const toExercise = (iso: string) =>
    t0 === undefined ? 0 : Math.max(0, Math.round((Date.parse(iso) - t0) * timeScale));
  const lastAt = entries.reduce(
    (n, e) => ('atMs' in e && typeof e.atMs === 'number' ? Math.max(n, e.atMs) : n),
    0,
  );
  const elapsedMs = endedEntry
    ? endedEntry.atMs
    : t0 === undefined
      ? 0
      : Math.max(lastAt, Math.round((nowMs - t0) * timeScale));
  const view: BoardView = {
    exerciseId,
    exercise: summary.state,
    ...(summary.target ? { target: summary.target.description } : {}),
    elapsedMs,
    running: started !== undefined && endedEntry === undefined,
    timeScale,
    ...(endedEntry ? { ended: { reason: endedEntry.reason, atMs: endedEntry.atMs } } : {}),
    scenarios: [],
    decoys: [],
    acks: [],
    feed: [],
    seq: entries.at(-1)?.seq ?? -1,
  };
  const wrapUp = wrapUpOf(entries);
  if (wrapUp) view.wrapUp = wrapUp;
  if (!started) return view;

  const score = scoreJournal(entries);
  if (score) view.score = { total: score.total, grade: score.grade };
  const facts = new Map<string, ScenarioFacts>();
  for (const e of entries) if (e.type === 'scenario.defined') facts.set(e.scenario.id, e.scenario);
  const scenarios = new Map<string, BoardScenario>();
  for (const s of started.scenarios) {
    const scored = score?.scenarios.find((x) => x.id === s.id);
    scenarios.set(s.id, {
      id: s.id,
      title: s.title,
      severity: s.severity,
      state: (s.startMs ?? 0) > 0 ? 'pending' : 'live',
      startMs: s.startMs ?? 0,
      timeLimitMs: s.timeLimitMs,
      phases: (scored?.phases ?? []).map((p) => phaseOf(p)),
      hints: { released: [], cost: 0 },
      breaches: [],
      wrongAcks: scored?.wrongAcks.count ?? 0,
      points: scored?.points ?? 0,
    });
  }
  const decoys = new Map<string, BoardView['decoys'][number]>();
  for (const id of started.decoys ?? [])
    decoys.set(id, { id, title: facts.get(id)?.title ?? id, breaches: [] });
  const feed: FeedItem[] = [];
  const say = (e: JournalEntry, atMs: number, kind: FeedKind, text: string, scenario?: string) =>
    feed.push({ seq: e.seq, atMs, kind, text, ...(scenario ? { scenario } : {}) });
  const checkOf = (scenario: string, index: number) =>
    facts.get(scenario)?.steadyState[index]?.description ?? `steady-state check ${index + 1}`;

  for (const e of entries) {
    switch (e.type) {
      case 'stage.live': {
        const s = scenarios.get(e.scenario);
        if (s) s.startMs = e.atMs;
        say(e, e.atMs, 'stage', `campaign stage ${e.scenario} is live`, e.scenario);
        break;
      }
      case 'stage.failed':
        say(e, e.atMs, 'stage', `campaign stage ${e.scenario} failed to inject: ${e.error}`, e.scenario);
        break;
      case 'scenario.state': {
        const s = scenarios.get(e.scenario);
        if (s) s.state = e.state;
        if (e.state === 'timed-out' || e.state === 'aborted')
          say(e, e.atMs, 'state', `${e.scenario}: ${e.state}`, e.scenario);
        break;
      }
      case 'phase.met': {
        const p = scenarios.get(e.scenario)?.phases.find((x) => x.phase === e.phase);
        if (p && p.evidence.length === 0) {
          p.evidence = e.evidence.map((ev) => ev.summary);
          if (e.implied) p.impliedBy = e.implied;
        }
        say(
          e,
          e.atMs,
          'phase',
          `${e.scenario}: ${e.phase} met${e.implied ? ` (implied by ${e.implied})` : ''}${e.evidence[0] ? `: ${e.evidence[0].summary}` : ''}`,
          e.scenario,
        );
        break;
      }
      case 'hint.released': {
        const s = scenarios.get(e.scenario);
        if (s) {
          s.hints.released.push({
            index: e.index,
            text: e.text,
            cost: e.cost,
            atMs: e.atMs - s.startMs,
            by: e.by,
          });
          s.hints.cost += e.cost;
        }
        say(e, e.atMs, 'hint', `hint for ${e.scenario} (costs ${e.cost}): ${e.text}`, e.scenario);
        break;
      }
      case 'ack.received': {
        const verdict = e.matched.length ? 'right' : e.wrong.length ? 'wrong' : 'unmatched';
        const names = verdict === 'right' ? e.matched : e.wrong;
        const ack: BoardAck = {
          seq: e.seq,
          finding: e.ack.finding,
          ...(e.ack.resource ? { resource: e.ack.resource } : {}),
          ...(e.ack.note ? { note: e.ack.note } : {}),
          by: e.ack.by,
          atMs: toExercise(e.ack.at),
          verdict,
          scenarios: names.map((n) => n.scenario),
        };
        view.acks.push(ack);
        say(e, ack.atMs, verdict === 'wrong' ? 'wrong-ack' : 'ack', describeAck(ack));
        break;
      }
      case 'steady-state.breached': {
        const breach = {
          index: e.index,
          check: checkOf(e.scenario, e.index),
          summary: e.evidence.summary,
          atMs: e.atMs,
        };
        (scenarios.get(e.scenario)?.breaches ?? decoys.get(e.scenario)?.breaches)?.push(breach);
        say(
          e,
          e.atMs,
          'breach',
          `STEADY STATE BREACHED in ${e.scenario}: ${breach.check} (${breach.summary})`,
          e.scenario,
        );
        break;
      }
      case 'steady-state.restored': {
        const list = scenarios.get(e.scenario)?.breaches ?? decoys.get(e.scenario)?.breaches ?? [];
        const open = list.findLast((b) => b.index === e.index && b.restoredAtMs === undefined);
        if (open) open.restoredAtMs = e.atMs;
        say(
          e,
          e.atMs,
          'restored',
          `steady state restored in ${e.scenario}: ${checkOf(e.scenario, e.index)}`,
          e.scenario,
        );
        break;
      }
      case 'wrap-up':
        say(e, e.atMs, 'wrap-up', `every phase is met: wrap-up until ${hhmm(e.until)} (the score is final)`);
        break;
      case 'controller.ended':
        say(e, e.atMs, 'ended', `the exercise ended (${e.reason})`);
        break;
      default:
        break;
    }
  }
  for (const s of scenarios.values()) finishScenario(s, facts.get(s.id), elapsedMs);
  view.scenarios = [...scenarios.values()];
  view.decoys = [...decoys.values()];
  view.feed = feed.slice(-FEED_LIMIT);
  return view;
}

function phaseOf(p: PhaseScore): BoardPhase {
  return {
    phase: p.phase,
    targetMs: p.targetMs,
    ...(p.metAtMs !== undefined ? { metAtMs: p.metAtMs } : {}),
    status: p.verdict === 'missed' ? 'running' : p.verdict,
    evidence: [],
    points: p.points,
    max: p.max,
  };
}

/** Running timers become over-target or missed; the next scheduled hint is found. */
function finishScenario(s: BoardScenario, facts: ScenarioFacts | undefined, elapsedMs: number): void {
  const since = Math.max(0, elapsedMs - s.startMs);
  const over = s.state === 'timed-out' || s.state === 'aborted';
  for (const p of s.phases) {
    if (p.metAtMs !== undefined) continue;
    p.status = over ? 'missed' : since > p.targetMs ? 'over-target' : 'running';
  }
  if (over || s.state === 'pending' || s.state === 'injecting') return;
  const released = new Set(s.hints.released.map((h) => h.index));
  const index = (facts?.hints ?? []).findIndex((_, i) => !released.has(i));
  const resolved = s.phases.length > 0 && s.phases.every((p) => p.metAtMs !== undefined);
  const next = facts?.hints[index];
  if (next && !resolved) s.hints.next = { index, dueAtMs: next.atMs, cost: next.cost };
}

export function describeAck(a: BoardAck): string {
  const what = `${a.finding}${a.resource ? ` on ${a.resource}` : ''} by ${a.by}`;
  const note = a.note ? ` (note: ${a.note})` : '';
  if (a.verdict === 'right') return `ack ${what}: matches ${a.scenarios.join(', ')}${note}`;
  if (a.verdict === 'wrong') return `WRONG identification for ${a.scenarios.join(', ')}: ${what}${note}`;
  return `ack ${what}: matches no scenario${note}`;
}

/** The wrap-up period (every phase met, the score final): shown until the controller ends. */
function wrapUpOf(entries: readonly JournalEntry[]): BoardView['wrapUp'] | undefined {
  let wrapUp: BoardView['wrapUp'] | undefined;
  for (const e of entries) {
    if (e.type === 'wrap-up') wrapUp = { untilMs: e.untilMs, until: e.until };
    else if (e.type === 'controller.ended') wrapUp = undefined;
  }
  return wrapUp;
}

/** Wall-clock HH:MM of an ISO time, in the local time zone of whoever renders it. */
export function hhmm(iso: string): string {
  const d = new Date(iso);
  return `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`;
}
