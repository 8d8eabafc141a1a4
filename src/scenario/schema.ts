import { z } from 'zod';
import { ackParams } from '../signals/kinds/ack.js';
import { signalKinds, type Condition as ConditionValue } from '../signals/registry.js';
import { DURATION_PATTERN, parseDuration } from './duration.js';
import { LAYERS, SEVERITIES } from './enums.js';

/**
 * The scenario file format: the one source of truth. `npm run schema` turns it into
 * scenarios/scenario.schema.json for editors; the validator (validate.ts) adds the checks a schema cannot
 * express (files that must exist, template outputs, ordering of times).
 */

export const KEBAB_CASE = /^[a-z0-9]+(-[a-z0-9]+)*$/;
export const API_CALL = /^[a-z][a-z0-9-]*:[A-Z][A-Za-z0-9]*$/;
export const MITRE_ID = /^T\d{4}(\.\d{3})?$/;

export const Duration = z
  .string()
  .regex(DURATION_PATTERN, { error: (iss) => durationError(iss.input), abort: true })
  .refine((s) => parseDuration(s).ok, { error: (iss) => durationError(iss.input) })
  .describe('A duration: whole numbers with units h, m, s, largest first, like 90s, 10m or 1h30m.');

function durationError(input: unknown): string {
  if (typeof input !== 'string') return 'must be a duration like 10m';
  const r = parseDuration(input);
  return r.ok ? 'must be a duration like 10m' : r.error;
}

export const ScenarioId = z
  .string()
  .regex(KEBAB_CASE, {
    error: 'must be kebab-case (lower-case words joined by hyphens), like ssh-open-to-world',
  })
  .describe('Kebab-case id; must equal the file name (scenarios/<id>.yaml).');

export const Severity = z.enum(SEVERITIES).describe('How bad the fault is if real.');
export const Layer = z.enum(LAYERS).describe('The layer of the stack the fault lives in.');

export const ApiCall = z
  .string()
  .regex(API_CALL, { error: 'must be <service>:<Operation>, like ec2:RevokeSecurityGroupIngress' })
  .describe('An AWS API call as <service>:<Operation>, e.g. s3:PutObject, ec2:RevokeSecurityGroupIngress.');

export const ACTION_ID = KEBAB_CASE;
/** `key:<action-id>`: sign with the access key an earlier inject action created. */
export const KEY_PRINCIPAL = /^key:([a-z0-9]+(?:-[a-z0-9]+)*)$/;

export const Principal = z
  .string()
  .regex(/^(?:key:[a-z0-9]+(?:-[a-z0-9]+)*|(?:[\w+=,.@-]|\{\{[^{}]*\}\})+)$/, {
    error: 'must be root, default, key:<action-id>, or an IAM user name',
  })
  .describe(
    'Who makes the call: `root`, `default` (the facilitator), `key:<action-id>` (the access key an earlier inject action created with iam:CreateAccessKey, so CloudTrail names a key that stays until teardown) or an IAM user the stack creates (a name or {{outputs.<Name>}}; sirs signs with a key it creates for the call and deletes right after).',
  );

/**
 * One condition: a single-key object naming a signal kind, built from the signal registry. zod cannot infer
 * the literal key of each option from a mapped array, so the output type is stated (the registry's
 * Condition union, derived from the same kinds).
 */
export const Condition = z
  .union(
    signalKinds.map((kind) =>
      z.strictObject({ [kind.name]: kind.params.describe(`${kind.summary} (${kind.family} signal)`) }),
    ),
  )
  .meta({
    id: 'Condition',
    description: 'A signal condition: a single key naming the signal kind, e.g. { sgIngress: { ... } }.',
  }) as unknown as z.ZodType<ConditionValue>;

const Conditions = z.array(Condition).min(1, { error: 'needs at least one condition' });

export const PHASE_RESPONDERS = ['automation', 'person'] as const;
export type PhaseResponder = (typeof PHASE_RESPONDERS)[number];

const PhaseResponder = z
  .enum(PHASE_RESPONDERS)
  .describe(
    "Who must meet the phase: `automation` (the team's defences: a Lambda function's role session, Config remediation through SSM Automation) or `person` (a principal acting by hand; sirs' autopilot stands in for one). Evidence that names nobody (dated by a probe) meets neither. Absent: anyone.",
  );

export const Phase = z
  .strictObject({
    target: Duration.describe('Target time from the start of the exercise for this phase to be met.'),
    any: Conditions.optional().describe('The phase is met when any of these conditions holds.'),
    all: Conditions.optional().describe('The phase is met when all of these conditions hold.'),
    by: PhaseResponder.optional(),
  })
  .meta({ oneOf: [{ required: ['any'] }, { required: ['all'] }] })
  .describe('A phase: a target time and the signals that end it (exactly one of any / all).');

export const Phases = z
  .strictObject({
    detect: Phase.describe('Detection: usually an acknowledgement of the finding.'),
    contain: Phase.optional().describe('Containment: the fault can no longer be exploited.'),
    recover: Phase.optional().describe('Recovery: the system is back to its intended state.'),
  })
  .describe('The phases of the response, in order; targets must increase.');

const ParameterValue = z.union([z.string(), z.number(), z.boolean()]);

export const Stack = z
  .strictObject({
    template: z
      .string()
      .min(1, { error: 'must not be empty' })
      .describe('CloudFormation template, relative to templates/ (e.g. ssh-open-to-world.cfn.yaml).'),
    parameters: z
      .record(z.string(), ParameterValue)
      .optional()
      .describe('Template parameters; each must be declared in the template.'),
    capabilities: z
      .array(z.enum(['CAPABILITY_IAM', 'CAPABILITY_NAMED_IAM']))
      .optional()
      .describe('Capabilities to acknowledge when the template creates IAM resources.'),
  })
  .describe('The CloudFormation stack that injects the fault.');

export const Action = z
  .strictObject({
    id: z
      .string()
      .regex(ACTION_ID, { error: 'must be kebab-case, like intruder-key' })
      .optional()
      .describe(
        'Names the action so later actions, signals, hints and runbooks can use its result: {{actions.<id>.<Member.Path>}} (e.g. {{actions.intruder-key.AccessKey.AccessKeyId}}) and `as: key:<id>`.',
      ),
    call: ApiCall,
    input: z
      .record(z.string(), z.unknown())
      .optional()
      .describe('Input of the call, as in the AWS API reference; strings may use placeholders.'),
    as: Principal.optional(),
  })
  .describe('An API call made after the stack is created.');

export const Inject = z
  .strictObject({
    stack: Stack,
    actions: z.array(Action).optional().describe('API calls made, in order, after the stack is up.'),
  })
  .describe('How the fault is injected.');

export const Hint = z
  .strictObject({
    at: Duration.describe('When the hint is released (must be before timeLimit).'),
    cost: z.int().min(0).max(100).describe('Points the team loses for receiving the hint (0-100).'),
    text: z.string().min(1, { error: 'must not be empty' }).describe('The hint, as shown to responders.'),
  })
  .describe('A hint released on schedule.');

export const AutopilotStep = z
  .strictObject({
    at: Duration.describe('When the step runs (at most timeLimit).'),
    ack: ackParams.optional().describe('Acknowledge a finding, as a responder would with `sirs ack`.'),
    call: ApiCall.optional(),
    input: z.record(z.string(), z.unknown()).optional().describe('Input of the call.'),
    as: Principal.optional(),
  })
  .meta({ oneOf: [{ required: ['ack'] }, { required: ['call'] }] })
  .describe('A scripted responder step: either an ack or an API call.');

const RunbookName = z
  .string()
  .regex(KEBAB_CASE, { error: 'must be a runbook name (kebab-case), like network-exposure' })
  .describe('Runbook name: runbooks/<name>.md.hbs.');

export const RunbookRef = z
  .strictObject({
    name: RunbookName,
    values: z
      .record(
        z
          .string()
          .regex(/^[A-Za-z][A-Za-z0-9]*$/, { error: 'must be a name of letters and digits, like groupId' }),
        z.union([z.string(), z.number(), z.boolean()]),
      )
      .optional()
      .describe(
        'Facts the runbook template reads as {{values.<name>}}; strings may use placeholders. Mark what responders must find themselves with the template helper {{discover "<label>" values.<name>}}.',
      ),
  })
  .describe('A runbook with values for this scenario.');

export const Detection = z
  .strictObject({
    title: z.string().min(1).describe('The control, e.g. "CloudWatch alarm on StopLogging".'),
    how: z
      .string()
      .min(1)
      .describe('How to build it: the metric filter pattern, the rule, the alarm; one paragraph.'),
  })
  .describe('A detective control that would catch this fault.');

export const Scenario = z
  .strictObject({
    id: ScenarioId,
    title: z
      .string()
      .min(1, { error: 'must not be empty' })
      .describe('Short title, as listed by `sirs list`.'),
    summary: z.string().min(1, { error: 'must not be empty' }).describe('A paragraph for the facilitator.'),
    severity: Severity,
    layer: Layer,
    control: z.string().min(1).describe('The control that should prevent the fault (closed loop: control).'),
    monitor: z.string().min(1).describe('What detects a breach of the control (closed loop: monitor).'),
    fix: z.string().min(1).describe('How responders restore the control (closed loop: fix).'),
    mitre: z
      .array(
        z.string().regex(MITRE_ID, { error: 'must be a MITRE ATT&CK technique id like T1133 or T1021.004' }),
      )
      .optional()
      .describe('MITRE ATT&CK technique ids.'),
    inject: Inject,
    phases: Phases,
    steadyState: z
      .array(Condition)
      .optional()
      .describe('Resource-state conditions that must stay true; a breach is collateral damage.'),
    hints: z.array(Hint).optional().describe('Hints released on schedule; each costs points.'),
    runbook: z
      .union([RunbookName, RunbookRef])
      .describe(
        'The runbook of the incident class: a name (runbooks/<name>.md.hbs) or { name, values } to give a shared runbook this scenario’s facts.',
      ),
    detections: z
      .array(Detection)
      .optional()
      .describe(
        'Controls a team could add that would catch this fault (the after-action report lists them where a signal never fired).',
      ),
    lint: z
      .strictObject({
        rules: z
          .array(
            z
              .string()
              .regex(/^[A-Z][A-Z0-9]{1,5}\d{3}$/, { error: 'must be a sirs lint rule id like SG001' }),
          )
          .min(1)
          .describe('The `sirs lint` rules the fault violates; a library test fails if one does not fire.'),
        template: z
          .string()
          .min(1)
          .optional()
          .describe(
            'For a fault that inject actions make (not the stack): a template under templates/ that declares the faulty state as infrastructure, linted instead of the injection template.',
          ),
      })
      .optional()
      .describe(
        'The closed loop with `sirs lint`: which rules would have caught this fault before deployment.',
      ),
    targets: z
      .array(z.enum(['range', 'aws']))
      .min(1)
      .optional()
      .describe(
        'Where the scenario can run (default: both). A scenario that must drive the account root is range only.',
      ),
    awsCost: z
      .string()
      .min(1)
      .optional()
      .describe(
        'What one run costs on a real AWS account ("none", or the instance hours and storage it creates).',
      ),
    timeLimit: Duration.describe('The exercise stops at this time.'),
    autopilot: z
      .array(AutopilotStep)
      .optional()
      .describe('A scripted responder for drills, demos and tests.'),
  })
  .meta({ title: 'sirs scenario' })
  .describe('A sirs game-day scenario: one fault, its signals, phases, hints and runbook.');

export type Scenario = z.output<typeof Scenario>;
export type Phase = z.output<typeof Phase>;
export type Hint = z.output<typeof Hint>;
export type AutopilotStep = z.output<typeof AutopilotStep>;
export type Action = z.output<typeof Action>;
export type PhaseName = keyof Scenario['phases'];
export type RunbookRef = z.output<typeof RunbookRef>;

/** The runbook a scenario names, in its long form. */
export function runbookOf(s: Pick<Scenario, 'runbook'>): { name: string; values: Record<string, string> } {
  if (typeof s.runbook === 'string') return { name: s.runbook, values: {} };
  return {
    name: s.runbook.name,
    values: Object.fromEntries(Object.entries(s.runbook.values ?? {}).map(([k, v]) => [k, String(v)])),
  };
}
export const PHASE_NAMES: readonly PhaseName[] = ['detect', 'contain', 'recover'];

/** The JSON Schema published for editors (draft-07: what the YAML language server supports best). */
export function scenarioJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(Scenario, { io: 'input', target: 'draft-07' }) as Record<string, unknown>;
}

/** The exact text of scenarios/scenario.schema.json. */
export function renderScenarioJsonSchema(): string {
  return `${JSON.stringify(scenarioJsonSchema(), null, 2)}\n`;
}

/** The command that regenerates the committed schema, for messages about a stale one. */
export const SCHEMA_COMMAND = 'npm run schema';
