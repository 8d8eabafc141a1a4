/**
 * The controller: a state machine per scenario (live → detected → contained → recovered, or timed-out /
 * aborted) driven by a tick. Each tick it reads new acknowledgements, runs autopilot steps and releases
 * hints that are due, evaluates the next phases' conditions and the steady-state checks, and writes every
 * transition to the journal before it is shown. Time is `Date.now()`/`setTimeout`, so a 45-minute exercise
 * runs in milliseconds under fake timers.
 *
 * Wrap-up: when the last phase of every scenario is met, the exercise can stay up a while longer (so
 * responders can run their runbook's validation steps against resources that still exist) before it
 * ends. The score is final at the last phase: during wrap-up nothing is probed, read or scored.
 */
import type { AckRecord, EndReason, JournalEntryBody } from '../exercise/entries.js';
import type { Condition } from '../signals/registry.js';
import { conditionParts } from '../signals/registry.js';
import type { PhaseName } from '../scenario/schema.js';
import type { AutopilotStep } from '../scenario/schema.js';
import {
  stateAfter,
  type Evidence,
  type Responder,
  type ScenarioState,
  type ScoringScenario,
} from './model.js';
import { meetsBy } from './responder.js';

export type Observation =
  { status: 'met' | 'not-met'; evidence: Evidence } | { status: 'unknown'; reason: string };

export interface ControlledScenario {
  id: string;
  scoring: ScoringScenario;
  /**
   * A campaign stage injected later: until the controller injects it (through `injectStage`) it is
   * `pending` and its conditions are not known yet. Its targets, hints and time limit count from when it
   * went live.
   */
  startMs?: number;
  /** A campaign decoy: no phases, only steady state (what responders must leave alone); never resolved. */
  decoy?: boolean;
  /** Conditions with placeholders already resolved. */
  phases: Partial<
    Record<PhaseName, { mode: 'any' | 'all'; conditions: Condition[]; by?: 'automation' | 'person' }>
  >;
  steadyState: Condition[];
  hints: Array<{ atMs: number; cost: number; text: string }>;
  autopilot: Array<{ atMs: number; step: AutopilotStep }>;
}

export type ControllerEvent =
  | { type: 'controller.tick'; elapsedMs: number; states: Record<string, ScenarioState>; unknown: number }
  | {
      type: 'phase.met';
      scenario: string;
      phase: PhaseName;
      atMs: number;
      evidence: Evidence[];
      implied?: PhaseName;
    }
  | { type: 'scenario.state'; scenario: string; state: ScenarioState }
  | { type: 'hint'; scenario: string; index: number; text: string; cost: number }
  | { type: 'ack'; ack: AckRecord; matched: string[]; wrong: string[] }
  | { type: 'breach'; scenario: string; index: number; evidence: Evidence }
  | { type: 'restored'; scenario: string; index: number }
  | { type: 'autopilot'; scenario: string; index: number; step: string; ok: boolean; error?: string }
  | { type: 'stage'; scenario: string; state: 'injecting' | 'live' | 'failed'; error?: string }
  /** Every phase is met: the exercise stays up, unscored, until `until` (wall clock) or the facilitator ends it. */
  | { type: 'wrap-up'; atMs: number; durationMs: number; untilMs: number; until: string }
  | { type: 'controller.ended'; reason: EndReason; elapsedMs: number };

export interface ControllerDeps {
  scenarios: ControlledScenario[];
  /** Evaluate one resource-state or audit condition (the probes, through the shared reader). */
  observe(condition: Condition, scenario: string): Promise<Observation>;
  /** Who the evidence shows acted (a person, the team's automation, the autopilot); absent: nobody named. */
  responderOf?(evidence: Evidence): Responder | undefined;
  /** Called at the start of each tick (the shared reader starts a fresh cache). */
  beginTick?(): void;
  /** Acknowledgements that arrived since the last call. */
  newAcks(): Promise<AckRecord[]>;
  runStep(scenario: ControlledScenario, step: AutopilotStep): Promise<void>;
  /** Inject a campaign stage now; resolves with its conditions resolved against what was created. */
  injectStage?(scenario: ControlledScenario): Promise<ControlledScenario>;
  journal: { append(entry: JournalEntryBody): unknown };
  emit(event: ControllerEvent): void;
  /** Clock time between ticks, in ms. */
  tickMs: number;
  signal: AbortSignal;
  autopilot: boolean;
  /**
   * Exercise time runs this many times faster than the clock (default 1): targets, hints, autopilot
   * steps and the time limit are in exercise time, so a 45-minute scenario at 3 takes 15 minutes.
   */
  timeScale?: number;
  /**
   * Exercise time to stay up after every scenario is resolved (default 0: end at once). Not after a time
   * limit: then the exercise is over.
   */
  wrapUpMs?: number;
}

const ORDER: PhaseName[] = ['detect', 'contain', 'recover'];

interface Track {
  s: ControlledScenario;
  state: ScenarioState;
  /** Exercise time at which it went live (0, or when its campaign stage was injected). */
  startMs: number;
  met: Partial<Record<PhaseName, number>>;
  hintsReleased: Set<number>;
  stepsDone: Set<number>;
  breached: Set<number>;
}

export class Controller {
  private readonly tracks: Track[];
  private readonly acks: AckRecord[] = [];
  private startedAt = 0;
  private ended?: EndReason;
  /** In wrap-up: the reason the exercise will end with, and when (exercise time). */
  private wrapUp?: { reason: EndReason; untilMs: number };
  private wake?: () => void;

  constructor(private readonly deps: ControllerDeps) {
    this.tracks = deps.scenarios.map((s) => ({
      s,
      state: (s.startMs ?? 0) > 0 && !s.decoy ? 'pending' : 'live',
      startMs: 0,
      met: {},
      hintsReleased: new Set(),
      stepsDone: new Set(),
      breached: new Set(),
    }));
  }

  private get scale(): number {
    return this.deps.timeScale ?? 1;
  }

  /** Exercise time since the start. */
  get elapsedMs(): number {
    return Math.round((Date.now() - this.startedAt) * this.scale);
  }

  states(): Record<string, ScenarioState> {
    return Object.fromEntries(this.tracks.map((t) => [t.s.id, t.state]));
  }

  /** Run until every scenario is resolved or timed out, the facilitator ends it, or the signal aborts. */
  async run(): Promise<EndReason> {
    this.startedAt = Date.now();
    const decoys = this.tracks.filter((t) => t.s.decoy).map((t) => t.s.id);
    this.record({
      type: 'controller.started',
      tickMs: this.deps.tickMs,
      scenarios: this.tracks
        .filter((t) => !t.s.decoy)
        .map((t) => ({ ...t.s.scoring, ...(t.s.startMs ? { startMs: t.s.startMs } : {}) })),
      ...(decoys.length ? { decoys } : {}),
      ...(this.scale !== 1 ? { timeScale: this.scale } : {}),
    });
    // Interrupted during wrap-up, the exercise was already resolved: only the wrap-up is cut short.
    const onAbort = () => this.finish(this.wrapUp?.reason ?? 'interrupted');
    this.deps.signal.addEventListener('abort', onAbort, { once: true });
    try {
      while (!this.ended) {
        await this.tick();
        if (this.ended) break;
        await new Promise<void>((resolve) => {
          const t = setTimeout(resolve, this.nextWaitMs());
          this.wake = () => {
            clearTimeout(t);
            resolve();
          };
        });
        this.wake = undefined;
      }
    } finally {
      this.deps.signal.removeEventListener('abort', onAbort);
    }
    return this.ended!;
  }

  /** The facilitator ends the exercise now (during wrap-up: ends the wrap-up; the exercise stays resolved). */
  end(): void {
    this.finish(this.wrapUp?.reason ?? 'facilitator');
  }

  /** In wrap-up (every phase met, the score final) and until when, in exercise time. */
  get wrapUpUntilMs(): number | undefined {
    return this.ended ? undefined : this.wrapUp?.untilMs;
  }

  /** Clock time to the next tick: a tick, or less when the wrap-up ends sooner. */
  private nextWaitMs(): number {
    if (!this.wrapUp) return this.deps.tickMs;
    const left = Math.ceil((this.wrapUp.untilMs - this.elapsedMs) / this.scale);
    return Math.max(0, Math.min(this.deps.tickMs, left));
  }

  /** The facilitator releases the next hint of the first unresolved scenario that has one left. */
  releaseHint(): boolean {
    for (const t of this.tracks) {
      if (this.terminal(t) || !this.isLive(t)) continue;
      const index = t.s.hints.findIndex((_, i) => !t.hintsReleased.has(i));
      if (index >= 0) {
        this.hint(t, index, 'facilitator');
        return true;
      }
    }
    return false;
  }

  private finish(reason: EndReason): void {
    if (this.ended) return;
    for (const t of this.tracks) {
      if (!this.terminal(t) && reason !== 'time-limit') this.transition(t, 'aborted');
    }
    this.ended = reason;
    this.record({ type: 'controller.ended', reason, atMs: this.elapsedMs });
    this.deps.emit({ type: 'controller.ended', reason, elapsedMs: this.elapsedMs });
    this.wake?.();
  }

  private record(entry: JournalEntryBody): void {
    this.deps.journal.append(entry);
  }

  /** Live and judged: not a decoy, not a stage still waiting for its injection. */
  private isLive(t: Track): boolean {
    return !t.s.decoy && t.state !== 'pending' && t.state !== 'injecting';
  }

  private terminal(t: Track): boolean {
    if (t.s.decoy) return false;
    if (t.state === 'timed-out' || t.state === 'aborted') return true;
    if (t.state === 'pending' || t.state === 'injecting') return false;
    const last = ORDER.filter((p) => t.s.phases[p]).at(-1);
    return last !== undefined && t.met[last] !== undefined;
  }

  private transition(t: Track, state: ScenarioState): void {
    if (t.state === state) return;
    t.state = state;
    this.record({ type: 'scenario.state', scenario: t.s.id, state, atMs: this.elapsedMs });
    this.deps.emit({ type: 'scenario.state', scenario: t.s.id, state });
  }

  private hint(t: Track, index: number, by: 'schedule' | 'facilitator'): void {
    const h = t.s.hints[index]!;
    t.hintsReleased.add(index);
    this.record({
      type: 'hint.released',
      scenario: t.s.id,
      index,
      cost: h.cost,
      text: h.text,
      atMs: this.elapsedMs,
      by,
    });
    this.deps.emit({ type: 'hint', scenario: t.s.id, index, text: h.text, cost: h.cost });
  }

  async tick(): Promise<void> {
    if (this.wrapUp) {
      // Not scored: no probes, acks, hints or autopilot; only the clock runs out.
      if (this.elapsedMs >= this.wrapUp.untilMs) this.finish(this.wrapUp.reason);
      return;
    }
    this.deps.beginTick?.();
    const elapsed = this.elapsedMs;
    await this.readAcks();
    for (const t of this.tracks) {
      if (t.state === 'pending' && elapsed >= (t.s.startMs ?? 0)) this.injectStage(t);
      if (this.terminal(t) || !this.isLive(t)) continue;
      const since = elapsed - t.startMs;
      if (since >= t.s.scoring.timeLimitMs) {
        this.transition(t, 'timed-out');
        continue;
      }
      t.s.hints.forEach((h, i) => {
        if (h.atMs <= since && !t.hintsReleased.has(i)) this.hint(t, i, 'schedule');
      });
      if (this.deps.autopilot) await this.runDueSteps(t, since);
    }
    let unknown = 0;
    await Promise.all(
      this.tracks.map(async (t) => {
        if (this.terminal(t) || t.state === 'pending' || t.state === 'injecting') return;
        if (!t.s.decoy) unknown += await this.evaluatePhases(t);
        unknown += await this.evaluateSteadyState(t);
      }),
    );
    this.deps.emit({ type: 'controller.tick', elapsedMs: this.elapsedMs, states: this.states(), unknown });
    if (this.ended) return;
    const judged = this.tracks.filter((t) => !t.s.decoy);
    if (judged.length > 0 && judged.every((t) => this.terminal(t))) {
      const reason = judged.some((t) => t.state === 'timed-out') ? 'time-limit' : 'resolved';
      if (reason === 'resolved' && (this.deps.wrapUpMs ?? 0) > 0) this.beginWrapUp(reason);
      else this.finish(reason);
    }
  }

  private beginWrapUp(reason: EndReason): void {
    const durationMs = this.deps.wrapUpMs!;
    const atMs = this.elapsedMs;
    const untilMs = atMs + durationMs;
    const until = new Date(Date.now() + Math.ceil(durationMs / this.scale)).toISOString();
    this.wrapUp = { reason, untilMs };
    this.record({ type: 'wrap-up', atMs, durationMs, untilMs, until });
    this.deps.emit({ type: 'wrap-up', atMs, durationMs, untilMs, until });
  }

  /** A campaign stage is due: inject it in the background; it goes live on the tick after it is up. */
  private injectStage(t: Track): void {
    const inject = this.deps.injectStage;
    this.transition(t, 'injecting');
    this.record({ type: 'stage.injecting', scenario: t.s.id, atMs: this.elapsedMs });
    this.deps.emit({ type: 'stage', scenario: t.s.id, state: 'injecting' });
    const done = inject ? inject(t.s) : Promise.reject(new Error('this controller cannot inject stages'));
    done.then(
      (resolved) => {
        if (this.ended) return;
        t.s = { ...resolved, startMs: t.s.startMs };
        t.startMs = this.elapsedMs;
        this.record({ type: 'stage.live', scenario: t.s.id, atMs: t.startMs });
        this.deps.emit({ type: 'stage', scenario: t.s.id, state: 'live' });
        this.transition(t, 'live');
        this.wake?.();
      },
      (err: unknown) => {
        if (this.ended) return;
        const error = err instanceof Error ? err.message : String(err);
        this.record({ type: 'stage.failed', scenario: t.s.id, atMs: this.elapsedMs, error });
        this.deps.emit({ type: 'stage', scenario: t.s.id, state: 'failed', error });
        this.transition(t, 'aborted');
      },
    );
  }

  private async runDueSteps(t: Track, elapsed: number): Promise<void> {
    for (const [index, { atMs, step }] of t.s.autopilot.entries()) {
      if (atMs > elapsed || t.stepsDone.has(index)) continue;
      t.stepsDone.add(index);
      const label = step.ack ? `ack ${step.ack.finding}` : `${step.call}`;
      try {
        await this.deps.runStep(t.s, step);
        this.record({
          type: 'autopilot.step',
          scenario: t.s.id,
          index,
          step: label,
          atMs: this.elapsedMs,
          ok: true,
        });
        this.deps.emit({ type: 'autopilot', scenario: t.s.id, index, step: label, ok: true });
      } catch (err) {
        const error = (err as Error).message;
        this.record({
          type: 'autopilot.step',
          scenario: t.s.id,
          index,
          step: label,
          atMs: this.elapsedMs,
          ok: false,
          error,
        });
        this.deps.emit({ type: 'autopilot', scenario: t.s.id, index, step: label, ok: false, error });
      }
    }
    // Acks an autopilot step just wrote are read in the same tick, as a responder's would be next tick.
    await this.readAcks();
  }

  private async readAcks(): Promise<void> {
    const fresh = await this.deps.newAcks().catch(() => [] as AckRecord[]);
    for (const ack of fresh) {
      const matched: Array<{ scenario: string }> = [];
      const wrong: Array<{ scenario: string; expected: string }> = [];
      for (const t of this.tracks) {
        for (const c of this.ackConditions(t)) {
          if (c.finding !== ack.finding) continue;
          if (c.resource === undefined || c.resource === ack.resource) matched.push({ scenario: t.s.id });
          else wrong.push({ scenario: t.s.id, expected: c.resource });
        }
      }
      const m = dedupe(matched);
      // A finding named correctly for one scenario is not wrong because another expects it elsewhere
      // (two stages of a campaign may share a finding name): it is wrong only when it matches none.
      const w = m.length > 0 ? [] : dedupe(wrong);
      this.acks.push(ack);
      this.record({
        type: 'ack.received',
        ack,
        matched: m,
        wrong: w as Array<{ scenario: string; expected: string }>,
      });
      this.deps.emit({
        type: 'ack',
        ack,
        matched: m.map((x) => x.scenario),
        wrong: w.map((x) => x.scenario),
      });
    }
  }

  private ackConditions(t: Track): Array<{ finding: string; resource?: string }> {
    const out: Array<{ finding: string; resource?: string }> = [];
    for (const p of ORDER) {
      for (const c of t.s.phases[p]?.conditions ?? []) {
        if ('ack' in c) out.push(c.ack as { finding: string; resource?: string });
      }
    }
    return out;
  }

  private async observe(t: Track, c: Condition): Promise<Observation> {
    if ('ack' in c) {
      const want = c.ack as { finding: string; resource?: string };
      const hit = this.acks.find(
        (a) => a.finding === want.finding && (want.resource === undefined || a.resource === want.resource),
      );
      if (!hit)
        return {
          status: 'not-met',
          evidence: {
            summary: 'no matching acknowledgement yet',
            source: 'ack',
            at: new Date().toISOString(),
          },
        };
      return {
        status: 'met',
        evidence: {
          summary: `${hit.by} acknowledged ${hit.finding}${hit.resource ? ` on ${hit.resource}` : ''}${hit.note ? `: ${hit.note}` : ''}`,
          source: 'ack',
          at: hit.at,
          actor: hit.by,
        },
      };
    }
    try {
      return await this.deps.observe(c, t.s.id);
    } catch (err) {
      return { status: 'unknown', reason: (err as Error).message };
    }
  }

  /** Evaluate phases not met yet, in order; returns how many observations were unknown. */
  private async evaluatePhases(t: Track): Promise<number> {
    let unknown = 0;
    for (const phase of ORDER) {
      const def = t.s.phases[phase];
      if (!def || t.met[phase] !== undefined) continue;
      const obs = await Promise.all(def.conditions.map((c) => this.observe(t, c)));
      unknown += obs.filter((o) => o.status === 'unknown').length;
      // A phase that asks for a kind of responder is met only by evidence of that kind.
      const met = obs
        .filter((o): o is { status: 'met'; evidence: Evidence } => o.status === 'met')
        .map((o) => ({ ...o, evidence: this.attributed(o.evidence) }))
        .filter((o) => meetsBy(def.by, o.evidence.responder));
      // An unknown observation never counts as met: a throttled probe proves nothing.
      const isMet = def.mode === 'any' ? met.length > 0 : met.length === def.conditions.length;
      if (!isMet) continue;
      const evidence =
        def.mode === 'any'
          ? [met.sort((a, b) => a.evidence.at.localeCompare(b.evidence.at))[0]!.evidence]
          : met.map((m) => m.evidence);
      const latest = Math.max(...evidence.map((e) => Date.parse(e.at)));
      const atMs = Math.min(
        this.elapsedMs,
        Math.max(0, Math.round(((Number.isNaN(latest) ? Date.now() : latest) - this.startedAt) * this.scale)),
      );
      // A later phase met first implies the earlier ones (a team that fixed it found it).
      for (const earlier of ORDER.slice(0, ORDER.indexOf(phase))) {
        const e = t.s.phases[earlier];
        if (e && t.met[earlier] === undefined && evidence.every((ev) => meetsBy(e.by, ev.responder)))
          this.markMet(t, earlier, atMs, evidence, phase);
      }
      this.markMet(t, phase, atMs, evidence);
    }
    return unknown;
  }

  /** The evidence with who acted, when it names someone. */
  private attributed(evidence: Evidence): Evidence {
    if (evidence.responder || !this.deps.responderOf) return evidence;
    const responder = this.deps.responderOf(evidence);
    return responder ? { ...evidence, responder } : evidence;
  }

  private markMet(t: Track, phase: PhaseName, atMs: number, evidence: Evidence[], implied?: PhaseName): void {
    t.met[phase] = atMs;
    this.record({
      type: 'phase.met',
      scenario: t.s.id,
      phase,
      atMs,
      evidence,
      ...(implied ? { implied } : {}),
    });
    this.deps.emit({
      type: 'phase.met',
      scenario: t.s.id,
      phase,
      atMs,
      evidence,
      ...(implied ? { implied } : {}),
    });
    this.transition(t, stateAfter[phase]);
  }

  private async evaluateSteadyState(t: Track): Promise<number> {
    const obs = await Promise.all(t.s.steadyState.map((c) => this.observe(t, c)));
    let unknown = 0;
    obs.forEach((o, index) => {
      if (o.status === 'unknown') {
        unknown++;
        return;
      }
      const breached = o.status === 'not-met';
      if (breached && !t.breached.has(index)) {
        t.breached.add(index);
        this.record({
          type: 'steady-state.breached',
          scenario: t.s.id,
          index,
          atMs: this.elapsedMs,
          evidence: o.evidence,
        });
        this.deps.emit({ type: 'breach', scenario: t.s.id, index, evidence: o.evidence });
      } else if (!breached && t.breached.has(index)) {
        t.breached.delete(index);
        this.record({ type: 'steady-state.restored', scenario: t.s.id, index, atMs: this.elapsedMs });
        this.deps.emit({ type: 'restored', scenario: t.s.id, index });
      }
    });
    return unknown;
  }
}

function dedupe<T extends { scenario: string }>(xs: T[]): T[] {
  const seen = new Set<string>();
  return xs.filter((x) => (seen.has(x.scenario) ? false : (seen.add(x.scenario), true)));
}

export { conditionParts };
