/**
 * The after-action report's data, defined once with zod: the TypeScript types below are inferred from it,
 * `sirs report --format json` writes exactly this (checked against it), and `reports/report.schema.json`
 * is generated from it for everyone else. Field descriptions here are the schema's documentation.
 *
 * Versioning: `schemaVersion` is bumped when a field is removed or changes meaning; adding an optional
 * field keeps the version. Times are ISO 8601 strings; durations and exercise times are milliseconds of
 * *exercise time* (which runs `timeScale` times faster than the clock).
 */
import { z } from 'zod';

export const REPORT_SCHEMA_VERSION = 1;

const Phase = z.enum(['detect', 'contain', 'recover']);
const Severity = z.enum(['low', 'medium', 'high', 'critical']);
const Ms = z.number().describe('Milliseconds of exercise time.');
const Iso = z.string().describe('An ISO 8601 time.');

const ActorClass = z
  .enum(['responder', 'automation', 'autopilot', 'ack', 'sirs', 'unknown'])
  .describe(
    "Who made a call, from its user agent: a responder (no `exercise/<id>` in it: the aws CLI, the console), the team's automation (a Lambda function's SDK, `exec-env/AWS_Lambda_*`, or a service acting for it such as SSM Automation), sirs' autopilot (`autopilot/1`), `sirs ack` (`ack/1`), or sirs' own work.",
  );

const Responder = z
  .object({
    kind: z.enum(['person', 'automation', 'autopilot']),
    principal: z
      .string()
      .optional()
      .describe("Who acted: a person's ARN, the automation's role session or service."),
    via: z.string().optional().describe('Which automation, e.g. a Lambda function and its role.'),
    chain: z
      .array(z.string())
      .optional()
      .describe(
        'How the loop ran, where it can be read: EventBridge rule → Lambda → call, or Config rule → SSM Automation → call.',
      ),
  })
  .describe("Who closed the loop: a person, the team's automation (defences) or sirs' autopilot.");

const Condition = z.object({
  kind: z.string().describe('Signal kind, e.g. sgIngress.'),
  description: z.string(),
  family: z.enum(['ack', 'state', 'audit']),
});

const Evidence = z
  .object({
    summary: z.string(),
    source: z.enum(['cloudtrail', 'probe', 'ack', 'logs']),
    dating: z
      .enum(['event', 'probe', 'ack', 'log'])
      .describe(
        'What dated it: a CloudTrail event (exact), the probe that saw the state (up to a tick late), the acknowledgement, or a log event.',
      ),
    at: Iso,
    atMs: Ms,
    actor: z.string().optional(),
    by: ActorClass.optional(),
    eventId: z.string().optional(),
    eventName: z.string().optional(),
    userAgent: z.string().optional(),
    sourceIp: z.string().optional().describe('Where the call came from (CloudTrail sourceIPAddress).'),
    responder: Responder.optional(),
  })
  .describe('What proved a phase, a breach or a re-dating.');

const PhaseReport = z.object({
  phase: Phase,
  label: z.enum(['TTD', 'TTC', 'TTR']),
  targetMs: Ms,
  mode: z.enum(['any', 'all']).optional(),
  conditions: z.array(Condition),
  metAtMs: Ms.optional().describe('When the phase was met, as scored.'),
  verdict: z.enum(['on-target', 'late', 'missed']),
  points: z.number(),
  max: z.number(),
  implied: Phase.optional().describe('Met only because this later phase was met first.'),
  by: z
    .enum(['automation', 'person'])
    .optional()
    .describe('The phase had to be met by this kind of responder (scenario `by:`).'),
  closedBy: z
    .string()
    .optional()
    .describe(
      "Who met the phase, in words: a person (their principal), the team's automation (with the chain), the autopilot, or nobody identified.",
    ),
  dating: z
    .enum(['event', 'probe', 'ack', 'log'])
    .optional()
    .describe("What dated the phase: the dating of its latest evidence (the phase's time)."),
  evidence: z.array(Evidence),
  redated: z
    .object({ atMs: Ms.describe('Like metAtMs: from when the scenario went live.'), evidence: Evidence })
    .optional()
    .describe(
      'A CloudTrail event found after the exercise (sirs report --refresh) for a phase dated by a probe.',
    ),
});

const ScoreLine = z.object({
  item: z.string().describe('What earned or cost points, in words.'),
  points: z.number().describe('Points earned (positive) or lost (negative).'),
  max: z.number().optional().describe('What a phase could have earned.'),
});

const ScenarioScore = z
  .object({
    id: z.string(),
    title: z.string(),
    severity: Severity,
    phases: z.array(
      z.object({
        phase: Phase,
        targetMs: Ms,
        metAtMs: Ms.optional(),
        max: z.number(),
        points: z.number(),
        verdict: z.enum(['on-target', 'late', 'missed']),
      }),
    ),
    hints: z.object({ count: z.number(), cost: z.number() }),
    breaches: z.object({ count: z.number(), penalty: z.number() }),
    wrongAcks: z.object({ count: z.number(), penalty: z.number() }),
    points: z.number(),
  })
  .describe("The scoring function's own result for the scenario (src/controller/scoring.ts), unchanged.");

const Touch = z.object({
  at: Iso,
  atMs: Ms.describe('From when the scenario went live, like the phase times.'),
  actor: z.string(),
  by: ActorClass,
  eventId: z.string(),
  eventName: z.string(),
  resource: z.string().describe("The scenario's resource the call named."),
  sourceIp: z.string().optional(),
});

const ScenarioReport = z.object({
  id: z.string(),
  title: z.string(),
  summary: z.string(),
  severity: Severity,
  layer: z.string(),
  control: z.string(),
  monitor: z.string(),
  fix: z.string(),
  mitre: z.array(z.string()),
  runbook: z.string().optional(),
  timeLimitMs: Ms,
  startMs: Ms.describe(
    'When the scenario went live, in exercise time: 0, or later for a campaign stage. Phase times count from it.',
  ),
  described: z
    .boolean()
    .describe('Whether the journal describes the scenario (older journals only have its scoring facts).'),
  finalState: z.string().optional(),
  phases: z.array(PhaseReport),
  hints: z.array(
    z.object({
      index: z.number(),
      text: z.string(),
      cost: z.number(),
      plannedAtMs: Ms.optional(),
      releasedAtMs: Ms.optional(),
      by: z.enum(['schedule', 'facilitator']).optional(),
    }),
  ),
  breaches: z.array(
    z.object({
      index: z.number(),
      description: z.string().optional(),
      atMs: Ms,
      restoredAtMs: Ms.optional(),
      evidence: Evidence,
    }),
  ),
  acks: z.array(
    z.object({
      finding: z.string(),
      resource: z.string().optional(),
      note: z.string().optional(),
      by: z.string(),
      at: Iso,
      atMs: Ms,
      verdict: z.enum(['matched', 'wrong']),
      expected: z.string().optional().describe('For a wrong identification: what was expected.'),
    }),
  ),
  autopilot: z.array(
    z.object({
      index: z.number(),
      step: z.string(),
      atMs: Ms,
      ok: z.boolean(),
      error: z.string().optional(),
    }),
  ),
  resources: z.array(z.string()).describe('Resource ids the fault involves.'),
  firstTouch: Touch.optional().describe(
    "The first responder (or autopilot) call that named one of the scenario's resources: time to first touch.",
  ),
  touches: z.number().describe("Responder and autopilot calls that named one of the scenario's resources."),
  touchBins: z.array(z.number()).describe('Those calls per bin of `activity.binMs`, from exercise time 0.'),
  gaps: z.object({
    signals: z.array(
      Condition.extend({
        phase: Phase,
        reason: z.enum(['missed', 'implied']),
      }),
    ),
    detections: z.array(z.object({ title: z.string(), how: z.string() })),
  }),
  score: ScenarioScore,
  breakdown: z.array(ScoreLine),
});

const TrendRun = z.object({
  exerciseId: z.string(),
  at: Iso,
  ttdMs: Ms.optional(),
  ttcMs: Ms.optional(),
  ttrMs: Ms.optional(),
  points: z.number(),
  grade: z.enum(['A', 'B', 'C', 'D', 'F']).describe("The exercise's grade."),
});

const Trend = z.object({
  scenario: z.string(),
  title: z.string(),
  targets: z.object({ ttdMs: Ms.optional(), ttcMs: Ms.optional(), ttrMs: Ms.optional() }),
  runs: z.array(TrendRun).describe('Oldest first.'),
  change: z
    .object({
      points: z.number(),
      ttdMs: Ms.optional(),
      ttcMs: Ms.optional(),
      ttrMs: Ms.optional(),
    })
    .optional()
    .describe('Last run minus first run (negative times: faster).'),
});

const ActivityCall = z.object({
  at: Iso,
  atMs: Ms,
  eventId: z.string(),
  eventName: z.string(),
  eventSource: z.string(),
  readOnly: z.boolean(),
  errorCode: z.string().optional(),
  sourceIp: z.string().optional(),
  touches: z.array(z.string()).describe('Scenarios whose resources the call named.'),
  firstTouchOf: z.array(z.string()).describe('Scenarios for which this is the first touch.'),
});

const Principal = z.object({
  actor: z.string().describe('The principal ARN (or the service that acted).'),
  by: z.array(ActorClass),
  calls: z.number(),
  mutating: z.number(),
  errors: z.number(),
  firstAt: Iso,
  lastAt: Iso,
  firstAtMs: Ms,
  lastAtMs: Ms,
  sourceIps: z.array(z.string()),
  userAgents: z.array(z.string()),
  topCalls: z.array(z.object({ eventName: z.string(), count: z.number() })),
  events: z.array(ActivityCall).describe('In time order; capped (see `omitted`), first touches always kept.'),
  omitted: z.number(),
});

const Target = z.object({
  kind: z.enum(['range', 'aws']),
  region: z.string(),
  description: z.string(),
  accountId: z.string().optional(),
  accountAlias: z.string().optional(),
  principalArn: z.string().optional(),
  endpoint: z.string().optional(),
});

export const ExerciseReport = z
  .object({
    schema: z.literal('sirs-report'),
    schemaVersion: z.literal(REPORT_SCHEMA_VERSION),
    kind: z.literal('exercise'),
    generatedAt: Iso,
    exercise: z.object({
      id: z.string(),
      scenarios: z.array(z.string()),
      target: Target.optional(),
      facilitator: z.string().optional(),
      sirsVersion: z.string().optional(),
      createdAt: Iso,
      liveAt: Iso.optional(),
      endedAt: Iso.optional(),
      durationMs: z.number().optional().describe('Wall-clock time from going live to the end.'),
      exerciseMs: Ms.optional().describe('Exercise time when the controller ended.'),
      timeScale: z.number(),
      tickMs: z.number().optional(),
      endReason: z.string().optional(),
      autopilot: z.boolean(),
      scored: z.boolean(),
      score: z
        .object({
          total: z.number(),
          grade: z.enum(['A', 'B', 'C', 'D', 'F']),
          missedTargets: z.boolean(),
          weights: z.array(
            z.object({ scenario: z.string(), severity: Severity, weight: z.number(), points: z.number() }),
          ),
          mean: z.number().describe('The severity-weighted mean of the scenarios, before decoy penalties.'),
          decoys: z
            .array(
              z.object({
                id: z.string(),
                title: z.string().optional(),
                ticket: z.string().optional(),
                breaches: z.number(),
                penalty: z.number(),
              }),
            )
            .describe('Campaign decoys (benign changes to leave alone): each breach costs the total.'),
        })
        .optional(),
      rescored: z
        .object({
          total: z.number(),
          grade: z.enum(['A', 'B', 'C', 'D', 'F']),
          scenarios: z.array(z.object({ id: z.string(), points: z.number() })),
        })
        .optional()
        .describe('What the score would be with re-dated evidence (not the score: see README).'),
      teardown: z
        .object({
          state: z.enum(['done', 'skipped', 'not-run']),
          leftovers: z.array(
            z.object({ resource: z.string(), reason: z.string(), stackName: z.string().optional() }),
          ),
        })
        .optional(),
      errors: z.array(z.string()),
    }),
    scenarios: z.array(ScenarioReport),
    activity: z.object({
      recorded: z.boolean(),
      refreshed: z.boolean(),
      window: z.object({ from: Iso, to: Iso }).optional(),
      pages: z.number().optional(),
      truncated: z.boolean(),
      note: z.string().optional(),
      calls: z.number().describe('Responder and autopilot calls recorded.'),
      binMs: Ms,
      bins: z.array(z.number()).describe('Calls per bin, from exercise time 0.'),
      principals: z.array(Principal),
    }),
    trends: z.array(Trend).describe("Past exercises of this exercise's scenarios, up to this one."),
    notes: z.object({
      lessons: z.string().describe("Lessons learned: the facilitator's Markdown (--notes), as written."),
      actions: z.string().describe("Action items: the facilitator's Markdown (--notes), as written."),
    }),
    warnings: z.array(z.string()),
  })
  .describe('The after-action report of one sirs exercise.');

export const HistoryReport = z
  .object({
    schema: z.literal('sirs-report'),
    schemaVersion: z.literal(REPORT_SCHEMA_VERSION),
    kind: z.literal('history'),
    generatedAt: Iso,
    exercises: z.number().describe('Scored exercises read.'),
    trends: z.array(Trend),
  })
  .describe('How TTD / TTC / TTR and scores changed across past exercises (sirs report --history).');

export const ReportDocument = z
  .discriminatedUnion('kind', [ExerciseReport, HistoryReport])
  .meta({ title: 'sirs after-action report' });

export type ExerciseReport = z.output<typeof ExerciseReport>;
export type HistoryReport = z.output<typeof HistoryReport>;
export type ReportDocument = z.output<typeof ReportDocument>;
export type ScenarioReport = ExerciseReport['scenarios'][number];
export type PhaseReport = ScenarioReport['phases'][number];
export type ReportEvidence = PhaseReport['evidence'][number];
export type Trend = z.output<typeof Trend>;
export type TrendRun = z.output<typeof TrendRun>;
export type PrincipalActivity = ExerciseReport['activity']['principals'][number];
export type ActorClass = z.output<typeof ActorClass>;

/** The JSON Schema committed as reports/report.schema.json. */
export function reportJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(ReportDocument, { io: 'output', target: 'draft-07' }) as Record<string, unknown>;
}

export function renderReportJsonSchema(): string {
  return `${JSON.stringify(reportJsonSchema(), null, 2)}\n`;
}
