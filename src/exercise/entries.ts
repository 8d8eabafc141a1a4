import type { PhaseName } from '../scenario/schema.js';
import type { Evidence, ScenarioState, ScoringScenario } from '../controller/model.js';

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
  call: string;
  as: string;
}

export type JournalEntryBody =
  | {
      type: 'exercise.created';
      exerciseId: string;
      scenarios: string[];
      target: TargetRecord;
      sirsVersion: string;
      options: { keep: boolean; autopilot: boolean; timeLimitMs?: number };
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
  | { type: 'action.started'; scenario: string; index: number; call: string; as: string }
  | { type: 'action.done'; scenario: string; index: number; call: string }
  | { type: 'action.failed'; scenario: string; index: number; call: string; error: string }
  | { type: 'temp-key.created'; scenario: string; userName: string; accessKeyId: string }
  | { type: 'temp-key.deleted'; userName: string; accessKeyId: string }
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
  // The controller (live phase): every transition is journaled before it is shown.
  | { type: 'controller.started'; tickMs: number; scenarios: ScoringScenario[] }
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
  | { type: 'controller.ended'; reason: EndReason; atMs: number };

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
