import type { z } from 'zod';

/**
 * A signal kind is one self-contained unit: the parameters a scenario gives it, a one-line summary for
 * --help and docs, and a sentence describing a configured signal for runbooks and reports. (A later
 * issue adds the probe that evaluates it against AWS.)
 *
 * Families: `ack` is a responder's declaration (`sirs ack`), `state` is the truth about a resource,
 * `audit` is evidence in CloudTrail or CloudWatch Logs.
 */
export type SignalFamily = 'ack' | 'state' | 'audit';

export interface SignalKind<P = unknown> {
  readonly name: string;
  readonly family: SignalFamily;
  readonly summary: string;
  /** A strict object schema; unknown keys are errors. */
  readonly params: z.ZodType<P>;
  describe(params: P): string;
}

/** Keeps the literal name of a kind in its type, so the registry yields a precise union of conditions. */
export function defineSignalKind<const N extends string, P>(
  kind: SignalKind<P> & { name: N },
): SignalKind<P> & { name: N } {
  return kind;
}
