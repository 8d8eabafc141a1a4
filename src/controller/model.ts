/**
 * What the controller and scoring know of each scenario, recorded in the journal when the exercise goes
 * live, so that `sirs score` recomputes everything from the journal alone.
 */
import type { Severity } from '../scenario/enums.js';
import type { PhaseName, Scenario } from '../scenario/schema.js';
import { durationMs } from '../scenario/duration.js';

export type ScenarioState =
  'pending' | 'injecting' | 'live' | 'detected' | 'contained' | 'recovered' | 'timed-out' | 'aborted';

export interface ScoringScenario {
  id: string;
  title: string;
  severity: Severity;
  timeLimitMs: number;
  phases: Partial<Record<PhaseName, { targetMs: number }>>;
  hints: Array<{ atMs: number; cost: number }>;
  /**
   * A campaign stage: planned injection time (exercise time). Its phase targets and time limit count
   * from when it actually went live (the journal's `stage.live`), or from this when that is missing.
   */
  startMs?: number;
}

export function scoringScenario(s: Scenario, timeLimitMs?: number): ScoringScenario {
  const limit = Math.min(durationMs(s.timeLimit), timeLimitMs ?? Number.POSITIVE_INFINITY);
  const phases: ScoringScenario['phases'] = {};
  for (const name of ['detect', 'contain', 'recover'] as const) {
    const p = s.phases[name];
    if (p) phases[name] = { targetMs: durationMs(p.target) };
  }
  return {
    id: s.id,
    title: s.title,
    severity: s.severity,
    timeLimitMs: limit,
    phases,
    hints: (s.hints ?? []).map((h) => ({ atMs: durationMs(h.at), cost: h.cost })),
  };
}

/** The state a scenario is in once `phase` is met. */
export const stateAfter: Record<PhaseName, ScenarioState> = {
  detect: 'detected',
  contain: 'contained',
  recover: 'recovered',
};

export interface Evidence {
  /** One line a person can read: what was seen. */
  summary: string;
  /** How the time was established: a CloudTrail event (exact) or the probe that saw the state. */
  source: 'cloudtrail' | 'probe' | 'ack' | 'logs';
  /** ISO time the thing happened (the event's time, or the probe's). */
  at: string;
  actor?: string;
  eventId?: string;
  eventName?: string;
  userAgent?: string;
  /** Where the call came from (CloudTrail's sourceIPAddress: an IP address, or the AWS service that acted). */
  sourceIp?: string;
  /** Who closed the loop (a person, the team's automation, the autopilot); absent when nobody is named. */
  responder?: Responder;
}

export type ResponderKind = 'person' | 'automation' | 'autopilot';

export interface Responder {
  kind: ResponderKind;
  /** The principal that acted: a person's ARN, the automation's role session, the service. */
  principal?: string;
  /** Which automation, e.g. "Lambda function ssh-revert (role ssh-revert-role)". */
  via?: string;
  /** How the loop ran where it can be read, e.g. EventBridge rule → Lambda → RevokeSecurityGroupIngress. */
  chain?: string[];
}
