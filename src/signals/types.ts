import type { z } from 'zod';
import type { Evidence } from '../controller/model.js';
import type { Reader } from './reader.js';
import type { LogEvent } from './log-events.js';
import type { TrailEvent } from './trail-events.js';

/**
 * A signal kind is one self-contained unit: the parameters a scenario gives it, a one-line summary for
 * --help and docs, a sentence describing a configured signal for runbooks and reports, and the probe
 * that evaluates it against AWS through the shared reader.
 *
 * Families: `ack` is a responder's declaration (`sirs ack`), `state` is the truth about a resource,
 * `audit` is evidence in CloudTrail or CloudWatch Logs.
 */
export type SignalFamily = 'ack' | 'state' | 'audit';

/** What a probe saw. A read that was throttled or failed is `unknown`: it never counts as met. */
export type Observation =
  { status: 'met' | 'not-met'; evidence: Evidence } | { status: 'unknown'; reason: string };

export interface ExerciseInfo {
  id: string;
  startedAt: Date;
  accountId: string;
  region: string;
  /** The range's endpoint (or another AWS-compatible one); absent for AWS itself. */
  endpoint?: string;
}

export interface ProbeContext {
  readonly reader: Reader;
  readonly exercise: ExerciseInfo;
  /** When this probe started: the time of evidence that no CloudTrail event dates more exactly. */
  readonly at: Date;
  /** CloudTrail events since the exercise started, as read in this tick (write events unless asked). */
  trailEvents(opts?: { includeReadOnly?: boolean }): Promise<readonly TrailEvent[]>;
  /** Events matching a filter pattern in a log group since the exercise started; undefined: no group. */
  logEvents(group: string, pattern: string): Promise<readonly LogEvent[] | undefined>;
  /** Other names a probe learned for a resource (the key id behind an alias), so events naming them count. */
  knownAs(resource: string, ...names: Array<string | undefined>): void;
}

/** Which CloudTrail events move a resource's state toward what a condition expects. */
export interface Attribution {
  eventNames: readonly string[];
  /** The resource the event must refer to (in its resources or request parameters). */
  resource?: string;
  /** A further test, e.g. that the root user acted on its own keys. */
  accept?(event: TrailEvent): boolean;
  /**
   * The change takes effect a while after the call (a patch run, a volume deleted with its instance):
   * the state may be seen unchanged after the call, so the cause is looked for since the first of the
   * current run of contrary observations rather than since the last one.
   */
  slow?: boolean;
}

export interface SignalKind<P = unknown> {
  readonly name: string;
  readonly family: SignalFamily;
  readonly summary: string;
  /**
   * Every AWS API call the probe (and its attribution) makes, as `service:Operation`, so that `sirs policy`
   * grants them. CloudTrail's LookupEvents, which every probe's attribution shares, is sirs' own.
   * Optional only so that a kind being written still compiles: a test fails for a registered kind
   * without it, and `sirs policy` refuses a scenario that uses one.
   */
  readonly reads?: readonly string[];
  /** A strict object schema; unknown keys are errors. */
  readonly params: z.ZodType<P>;
  describe(params: P): string;
  /** Evaluate the condition now (every kind but `ack`, which the controller answers itself). */
  probe?(ctx: ProbeContext, params: P): Promise<Observation>;
  /**
   * Resource-state kinds: the events that bring about the expected state. When the state is met, the
   * newest such event since the state was last seen otherwise (for `slow` changes: since it was first
   * seen otherwise in the current run) dates the change and names the actor.
   */
  attribution?(params: P): Attribution | undefined;
}

/** Keeps the literal name of a kind in its type, so the registry yields a precise union of conditions. */
export function defineSignalKind<const N extends string, P>(
  kind: SignalKind<P> & { name: N },
): SignalKind<P> & { name: N } {
  return kind;
}
