import type { PhaseName } from '../scenario/schema.js';
import type { Evidence, ScenarioState, ScoringScenario } from '../controller/model.js';
import type { LoopExplanation } from '../controller/explain.js';
import type { DefenseInventory } from './defenses.js';

/** Every kind of journal entry. Bodies carry what later stages (status, cleanup, score, report) need. */
export interface TargetRecord {
  kind: 'range' | 'aws';
  region: string;
  endpoint?: string;
  description: string;
  accountId?: string;
  accountAlias?: string;
  principalArn?: string;
  /** An in-process range: it ended with the process that started it, and everything on it. */
  ephemeral?: boolean;
  profile?: string;
}

export interface PlannedStack {
  scenario: string;
  stackName: string;
  template: string;
  parameters: Record<string, string>;
  capabilities: string[];
  tags: Record<string, string>;
}

export interface PlannedAction {
  scenario: string;
  index: number;
  id?: string;
  call: string;
  as: string;
}

export type JournalEntryBody =
  | {
      type: 'exercise.created';
      exerciseId: string;
      scenarios: string[];
      /** Campaign decoys and the campaigns named. */
      decoys?: string[];
      campaigns?: string[];
      /** The team's defences (`--defenses`): deployed as sirs stacks on the range, only named on AWS. */
      defenses?: Array<{ id: string; file?: string; stackName?: string; deployed: boolean }>;
      target: TargetRecord;
      sirsVersion: string;
      options: { keep: boolean; autopilot: boolean; timeLimitMs?: number; timeScale?: number };
      /** Who ran it: the local user name (the principal is in `target`). */
      facilitator?: string;
    }
  | { type: 'plan'; stacks: PlannedStack[]; actions: PlannedAction[] }
  | { type: 'stack.create-requested'; scenario: string; stackName: string }
  | { type: 'stack.created'; scenario: string; stackName: string; stackId: string }
  | {
      type: 'stack.failed';
      scenario: string;
      stackName: string;
      stackId?: string;
      reason: string;
      resource?: string;
    }
  | { type: 'stack.outputs'; scenario: string; stackName: string; outputs: Record<string, string> }
  | { type: 'action.started'; scenario: string; index: number; call: string; as: string; id?: string }
  | {
      type: 'action.done';
      scenario: string;
      index: number;
      call: string;
      id?: string;
      /** The response, secrets redacted: later actions, signals and runbooks refer to it by the action id. */
      output?: Record<string, unknown>;
    }
  /** Something an inject action created (from its response), and the call that removes it at teardown. */
  | { type: 'action.created'; scenario: string; index: number; resource: string; undo: UndoCall }
  | { type: 'action.undone'; scenario: string; index: number; resource: string }
  | { type: 'action.failed'; scenario: string; index: number; call: string; error: string }
  | { type: 'temp-key.created'; scenario: string; userName: string; accessKeyId: string }
  | { type: 'temp-key.deleted'; userName: string; accessKeyId: string }
  /** What the defences hold (functions, rules, Config rules), once they are up. */
  | { type: 'defenses.ready'; inventory: DefenseInventory }
  /** Why the team's automation did not close a loop (a drill of automation that missed a target). */
  | { type: 'defenses.explained'; loops: LoopExplanation[] }
  | { type: 'exercise.live' }
  | { type: 'exercise.ending'; reason: EndReason }
  | { type: 'teardown.started' }
  | { type: 'teardown.skipped'; reason: string }
  | { type: 'bucket.emptied'; stackName: string; bucket: string; objects: number }
  | { type: 'stack.delete-requested'; stackName: string }
  | { type: 'stack.deleted'; stackName: string }
  | { type: 'stack.delete-failed'; stackName: string; reason: string }
  | { type: 'teardown.done'; leftovers: Leftover[] }
  | { type: 'exercise.interrupted'; signal: string }
  | { type: 'exercise.error'; message: string; code?: string }
  | { type: 'channel.created'; logGroup: string }
  | { type: 'channel.deleted'; logGroup: string }
  /** What reports need to know of a scenario, with placeholders resolved (written when it goes live). */
  | { type: 'scenario.defined'; scenario: ScenarioFacts }
  /** Runbooks rendered for responders (files under the exercise folder). */
  | { type: 'runbooks.written'; files: Array<{ scenario: string; runbook: string; file: string }> }
  // The controller (live phase): every transition is journaled before it is shown.
  | {
      type: 'controller.started';
      tickMs: number;
      scenarios: ScoringScenario[];
      /** Exercise time runs this many times faster than the clock (1 when absent): atMs are exercise time. */
      timeScale?: number;
      /** Campaign decoys: their steady-state breaches cost the exercise total. */
      decoys?: string[];
    }
  | { type: 'stage.injecting'; scenario: string; atMs: number }
  | { type: 'stage.live'; scenario: string; atMs: number }
  | { type: 'stage.failed'; scenario: string; atMs: number; error: string }
  | {
      type: 'phase.met';
      scenario: string;
      phase: PhaseName;
      atMs: number;
      evidence: Evidence[];
      implied?: PhaseName;
    }
  | { type: 'scenario.state'; scenario: string; state: ScenarioState; atMs: number }
  | {
      type: 'hint.released';
      scenario: string;
      index: number;
      cost: number;
      text: string;
      atMs: number;
      by: 'schedule' | 'facilitator';
    }
  | {
      type: 'ack.received';
      ack: AckRecord;
      matched: Array<{ scenario: string }>;
      wrong: Array<{ scenario: string; expected: string }>;
    }
  | { type: 'steady-state.breached'; scenario: string; index: number; atMs: number; evidence: Evidence }
  | { type: 'steady-state.restored'; scenario: string; index: number; atMs: number }
  | {
      type: 'autopilot.step';
      scenario: string;
      index: number;
      step: string;
      atMs: number;
      ok: boolean;
      error?: string;
    }
  /**
   * Every scenario is resolved and the score is final; the exercise stays up (unscored) for `durationMs`
   * of exercise time, until `until` (ISO wall clock) or until the facilitator ends it. `controller.ended`
   * follows when it is over.
   */
  | { type: 'wrap-up'; atMs: number; durationMs: number; untilMs: number; until: string }
  | { type: 'controller.ended'; reason: EndReason; atMs: number }
  // After-action reports (src/report).
  /** Responder and autopilot API calls read from CloudTrail into `file`, in the exercise folder. */
  | {
      type: 'activity.recorded';
      /** `activity.jsonl`: relative to the exercise folder. */
      file: string;
      /** Calls kept (sirs' own calls are left out). */
      events: number;
      /** The CloudTrail window read: from the exercise going live to its end (ISO times). */
      window: { from: string; to: string };
      pages: number;
      /** The read stopped before the start of the window (a page limit or an error): `note` says why. */
      truncated?: boolean;
      note?: string;
      /** Written by `sirs report --refresh`, after the exercise. */
      refreshed?: boolean;
    }
  /**
   * A phase dated by a probe, for which CloudTrail later delivered the call that caused it (`sirs report
   * --refresh`). Reports show both times; scoring keeps the time the controller journaled.
   */
  | {
      type: 'evidence.redated';
      scenario: string;
      phase: PhaseName;
      /** The phase's time as journaled (exercise time) and as now dated by the event. */
      previousAtMs: number;
      atMs: number;
      evidence: Evidence;
    }
  /** After-action reports written into the exercise folder. */
  | { type: 'reports.written'; files: string[] };

/** An API call that undoes what an inject action created. */
export interface UndoCall {
  call: string;
  input: Record<string, unknown>;
  /** `default` (sirs) or `root`. */
  as: 'default' | 'root';
}

/** A signal condition as reports show it. */
export interface ConditionFacts {
  kind: string;
  /** One sentence, placeholders resolved. */
  description: string;
  family: 'ack' | 'state' | 'audit';
}

/**
 * A scenario as reports and the board need it, from the journal alone: the closed loop, the phases with
 * their conditions described, steady state, hints, and the detections a team could add.
 */
export interface ScenarioFacts {
  id: string;
  title: string;
  summary: string;
  severity: ScoringScenario['severity'];
  layer: string;
  control: string;
  monitor: string;
  fix: string;
  mitre: string[];
  runbook: string;
  timeLimitMs: number;
  phases: Partial<
    Record<
      PhaseName,
      { targetMs: number; mode: 'any' | 'all'; conditions: ConditionFacts[]; by?: 'automation' | 'person' }
    >
  >;
  steadyState: ConditionFacts[];
  hints: Array<{ atMs: number; cost: number; text: string }>;
  detections: Array<{ title: string; how: string }>;
  /** Resource ids the fault involves (stack outputs and action results): a responder call naming one touched it. */
  resources: string[];
  /** A campaign decoy (a benign change to leave alone), with its change ticket. */
  decoy?: { ticket: string; campaign: string };
  /** A campaign stage: planned injection time (exercise time). */
  startMs?: number;
}

/** A responder's acknowledgement, as read from the exercise channel. */
export interface AckRecord {
  finding: string;
  resource?: string;
  note?: string;
  by: string;
  at: string;
}

export type EndReason =
  'time-limit' | 'resolved' | 'facilitator' | 'interrupted' | 'failed' | 'injected-only';

/** Something that could not be removed, or that responders created and sirs will not delete. */
export interface Leftover {
  stackName?: string;
  resource: string;
  reason: string;
}

export type JournalEntry = JournalEntryBody & { seq: number; time: string };
