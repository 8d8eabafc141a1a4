/**
 * CloudFormation calls of an exercise, with progress: create a stack and follow its events until it is
 * complete or has failed (then name the resource that failed first and why), delete one and follow it
 * until it is gone. The poll interval is short on the range and gentle on AWS.
 */
import type { ApiSession } from '../aws/api.js';
import { awsErrorCode } from '../aws/api.js';
import type { ExerciseListener } from './events.js';

export interface StackEvent {
  EventId?: string;
  LogicalResourceId?: string;
  ResourceType?: string;
  ResourceStatus?: string;
  ResourceStatusReason?: string;
  Timestamp?: Date;
}

export interface WaitOptions {
  pollMs: number;
  signal?: AbortSignal;
  emit: ExerciseListener;
  /** Give up after this long (ms); the caller decides what a timeout means. */
  timeoutMs?: number;
  /**
   * The newest event before the operation was requested: it and everything older are history, not
   * progress (compared by event id, not by timestamp, so clock skew cannot let old events through).
   */
  afterEventId?: string;
}

export type StackOutcome =
  | { ok: true; status: string; stackId?: string; outputs: Record<string, string> }
  | { ok: false; status: string; stackId?: string; reason: string; resource?: string };

const CREATE_FAILED_STATES = new Set([
  'ROLLBACK_COMPLETE',
  'ROLLBACK_FAILED',
  'CREATE_FAILED',
  'DELETE_COMPLETE',
  'DELETE_FAILED',
]);
const CANCELLED = /cancel/i;

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** The first real failure among a stack's events (not the "cancelled" ones that follow it). */
export function rootCause(events: readonly StackEvent[]): { reason: string; resource?: string } | undefined {
  const failed = [...events]
    .filter((e) => /_FAILED$/.test(e.ResourceStatus ?? ''))
    .sort((a, b) => (a.Timestamp?.getTime() ?? 0) - (b.Timestamp?.getTime() ?? 0));
  const real =
    failed.find((e) => e.ResourceStatusReason && !CANCELLED.test(e.ResourceStatusReason)) ?? failed[0];
  if (!real) return undefined;
  return {
    reason: real.ResourceStatusReason ?? real.ResourceStatus ?? 'unknown failure',
    resource: real.LogicalResourceId ? `${real.LogicalResourceId} (${real.ResourceType ?? '?'})` : undefined,
  };
}

export function isStackMissing(err: unknown): boolean {
  return awsErrorCode(err) === 'ValidationError' && /does not exist/.test((err as Error).message ?? '');
}

/** Follow a stack until `until` completes, emitting each new stack event once, oldest first. */
export async function followStack(
  session: ApiSession,
  stackName: string,
  until: 'create' | 'delete',
  opts: WaitOptions,
): Promise<StackOutcome> {
  const seen = new Set<string>();
  const all: StackEvent[] = [];
  const started = Date.now();
  for (;;) {
    let status: string;
    let stackId: string | undefined;
    let outputs: Record<string, string> = {};
    try {
      const d = await session.call(
        'cloudformation:DescribeStacks',
        { StackName: stackName },
        { abortSignal: opts.signal },
      );
      const stack = (d.Stacks as Array<Record<string, unknown>> | undefined)?.[0];
      status = String(stack?.StackStatus ?? 'UNKNOWN');
      stackId = stack?.StackId as string | undefined;
      for (const o of (stack?.Outputs as Array<{ OutputKey?: string; OutputValue?: string }> | undefined) ??
        []) {
        if (o.OutputKey) outputs[o.OutputKey] = o.OutputValue ?? '';
      }
      const ev = await session.call(
        'cloudformation:DescribeStackEvents',
        { StackName: stackId ?? stackName },
        { abortSignal: opts.signal },
      );
      const page = (ev.StackEvents as StackEvent[] | undefined) ?? [];
      // Newest first: what comes before the mark happened after the request.
      const mark = opts.afterEventId ? page.findIndex((e) => e.EventId === opts.afterEventId) : -1;
      const fresh = (mark >= 0 ? page.slice(0, mark) : page)
        .filter((e) => e.EventId && !seen.has(e.EventId))
        .reverse();
      for (const e of fresh) {
        seen.add(e.EventId!);
        all.push(e);
        opts.emit({
          type: 'stack.event',
          stackName,
          logicalId: e.LogicalResourceId ?? '',
          resourceType: e.ResourceType ?? '',
          status: e.ResourceStatus ?? '',
          ...(e.ResourceStatusReason ? { reason: e.ResourceStatusReason } : {}),
        });
      }
    } catch (err) {
      if (until === 'delete' && isStackMissing(err))
        return { ok: true, status: 'DELETE_COMPLETE', outputs: {} };
      throw err;
    }
    if (until === 'create') {
      if (status === 'CREATE_COMPLETE') return { ok: true, status, stackId, outputs };
      if (CREATE_FAILED_STATES.has(status)) {
        const cause = rootCause(all);
        return {
          ok: false,
          status,
          stackId,
          reason: cause?.reason ?? `the stack ended in ${status}`,
          resource: cause?.resource,
        };
      }
    } else {
      if (status === 'DELETE_COMPLETE') return { ok: true, status, stackId, outputs: {} };
      if (status === 'DELETE_FAILED') {
        const cause = rootCause(all.filter((e) => e.ResourceStatus === 'DELETE_FAILED'));
        return {
          ok: false,
          status,
          stackId,
          reason: cause?.reason ?? 'the stack could not be deleted',
          resource: cause?.resource,
        };
      }
    }
    if (opts.timeoutMs !== undefined && Date.now() - started > opts.timeoutMs) {
      return {
        ok: false,
        status,
        stackId,
        reason: `still ${status} after ${Math.round(opts.timeoutMs / 1000)} s`,
      };
    }
    outputs = {};
    await sleep(opts.pollMs, opts.signal);
  }
}

/** The id of a stack's newest event (DescribeStackEvents lists newest first), to follow only what comes next. */
export async function newestEventId(session: ApiSession, stackName: string): Promise<string | undefined> {
  try {
    const ev = await session.call('cloudformation:DescribeStackEvents', { StackName: stackName });
    return (ev.StackEvents as StackEvent[] | undefined)?.[0]?.EventId;
  } catch (err) {
    if (isStackMissing(err)) return undefined;
    throw err;
  }
}

export interface TaggedStack {
  stackName: string;
  exerciseId: string;
}

/** Stacks (not deleted) that carry the `sirs:exercise` tag, for one exercise or for all of them. */
export async function taggedStacks(session: ApiSession, exerciseId?: string): Promise<TaggedStack[]> {
  const out: TaggedStack[] = [];
  let token: string | undefined;
  do {
    const page = await session.call('cloudformation:DescribeStacks', token ? { NextToken: token } : {});
    type Stack = { StackName?: string; StackStatus?: string; Tags?: Array<{ Key?: string; Value?: string }> };
    for (const s of (page.Stacks as Stack[] | undefined) ?? []) {
      if (s.StackStatus === 'DELETE_COMPLETE' || !s.StackName) continue;
      const id = s.Tags?.find((t) => t.Key === 'sirs:exercise')?.Value;
      if (id && (exerciseId === undefined || id === exerciseId))
        out.push({ stackName: s.StackName, exerciseId: id });
    }
    token = page.NextToken as string | undefined;
  } while (token);
  return out;
}
