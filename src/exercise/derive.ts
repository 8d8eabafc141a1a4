/**
 * What an exercise is, derived from its journal alone: state, scenarios, target, and every stack with
 * its last known status. `sirs status`, `sirs exercises` and `sirs cleanup` read nothing else.
 */
import type { JournalEntry, TargetRecord, UndoCall } from './entries.js';

export type ExerciseState = 'starting' | 'injecting' | 'live' | 'tearing-down' | 'ended' | 'failed' | 'kept';

export type StackState =
  'requested' | 'created' | 'failed' | 'delete-requested' | 'deleted' | 'delete-failed';

export interface StackSummary {
  scenario: string;
  stackName: string;
  stackId?: string;
  state: StackState;
  reason?: string;
  outputs?: Record<string, string>;
}

export interface ExerciseSummary {
  id: string;
  state: ExerciseState;
  scenarios: string[];
  target?: TargetRecord;
  startedAt?: string;
  endedAt?: string;
  stacks: StackSummary[];
  /** Stacks that may still exist in the target (not known to be deleted). */
  liveStacks: string[];
  /** Temporary access keys sirs created and has not deleted yet. */
  liveKeys: Array<{ userName: string; accessKeyId: string }>;
  /** Exercise channels (log groups) sirs created and has not deleted yet. */
  liveChannels: string[];
  /** What inject actions created and teardown has not removed yet, in creation order. */
  liveCreated: LiveCreated[];
  errors: string[];
  interrupted?: string;
}

export interface LiveCreated {
  scenario: string;
  index: number;
  resource: string;
  undo: UndoCall;
}

export function deriveExercise(id: string, entries: readonly JournalEntry[]): ExerciseSummary {
  const s: ExerciseSummary = {
    id,
    state: 'starting',
    scenarios: [],
    stacks: [],
    liveStacks: [],
    liveKeys: [],
    liveChannels: [],
    liveCreated: [],
    errors: [],
  };
  const created: LiveCreated[] = [];
  const channels = new Set<string>();
  const stacks = new Map<string, StackSummary>();
  const keys = new Map<string, { userName: string; accessKeyId: string }>();
  const stack = (name: string, scenario = ''): StackSummary => {
    let st = stacks.get(name);
    if (!st) {
      st = { scenario, stackName: name, state: 'requested' };
      stacks.set(name, st);
    }
    return st;
  };
  let failed = false;
  for (const e of entries) {
    switch (e.type) {
      case 'exercise.created':
        s.scenarios = e.scenarios;
        s.target = e.target;
        s.startedAt = e.time;
        break;
      case 'plan':
        s.state = 'injecting';
        break;
      case 'stack.create-requested':
        stack(e.stackName, e.scenario).state = 'requested';
        s.state = 'injecting';
        break;
      case 'stack.created':
        Object.assign(stack(e.stackName, e.scenario), { state: 'created', stackId: e.stackId });
        break;
      case 'stack.failed':
        Object.assign(stack(e.stackName, e.scenario), {
          state: 'failed',
          reason: e.reason,
          stackId: e.stackId,
        });
        failed = true;
        break;
      case 'stack.outputs':
        stack(e.stackName, e.scenario).outputs = e.outputs;
        break;
      case 'action.failed':
        failed = true;
        s.errors.push(`${e.scenario}: ${e.call} failed: ${e.error}`);
        break;
      case 'temp-key.created':
        keys.set(e.accessKeyId, { userName: e.userName, accessKeyId: e.accessKeyId });
        break;
      case 'temp-key.deleted':
        keys.delete(e.accessKeyId);
        break;
      case 'action.created':
        created.push({ scenario: e.scenario, index: e.index, resource: e.resource, undo: e.undo });
        break;
      case 'action.undone': {
        const i = created.findIndex(
          (c) => c.resource === e.resource && c.index === e.index && c.scenario === e.scenario,
        );
        if (i >= 0) created.splice(i, 1);
        break;
      }
      case 'channel.created':
        channels.add(e.logGroup);
        break;
      case 'channel.deleted':
        channels.delete(e.logGroup);
        break;
      case 'exercise.live':
        s.state = 'live';
        break;
      case 'teardown.started':
        s.state = 'tearing-down';
        break;
      case 'teardown.skipped':
        s.state = 'kept';
        break;
      case 'stack.delete-requested':
        stack(e.stackName).state = 'delete-requested';
        break;
      case 'stack.deleted':
        stack(e.stackName).state = 'deleted';
        break;
      case 'stack.delete-failed':
        Object.assign(stack(e.stackName), { state: 'delete-failed', reason: e.reason });
        break;
      case 'teardown.done':
        s.state = failed ? 'failed' : 'ended';
        s.endedAt = e.time;
        break;
      case 'exercise.interrupted':
        s.interrupted = e.signal;
        break;
      case 'exercise.error':
        failed = true;
        s.errors.push(e.message);
        break;
      default:
        break;
    }
  }
  s.stacks = [...stacks.values()];
  s.liveStacks = s.stacks.filter((x) => x.state !== 'deleted').map((x) => x.stackName);
  s.liveKeys = [...keys.values()];
  s.liveChannels = [...channels];
  s.liveCreated = created;
  if (s.state === 'ended' && s.liveStacks.length > 0) s.state = 'failed';
  return s;
}

/** True when the journal says resources may still exist in the target. */
export function hasLiveResources(s: ExerciseSummary): boolean {
  return (
    s.liveStacks.length > 0 || s.liveKeys.length > 0 || s.liveChannels.length > 0 || s.liveCreated.length > 0
  );
}
