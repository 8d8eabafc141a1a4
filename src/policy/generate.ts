/**
 * `sirs policy`: the IAM policy sirs needs to run a set of scenarios, derived from the scenario files
 * (never listed per scenario): sirs' own calls, what CloudFormation needs for every resource type of
 * their templates, their inject actions and autopilot calls (and what teardown calls to undo them),
 * and the reads of every signal they use. Pure: the same scenarios and prefix give the same policy.
 */
import type { Decoy } from '../scenario/campaign.js';
import type { CfnTemplate } from '../scenario/cfn-template.js';
import type { Action, AutopilotStep, Scenario } from '../scenario/schema.js';
import { KEY_PRINCIPAL } from '../scenario/schema.js';
import { conditionParts, type Condition } from '../signals/registry.js';
import { createdBy } from '../exercise/undo.js';
import { actionsForCall, calledOnBehalf, PolicyGapError } from './calls.js';
import { HANDLER_OPERATIONS, PASSED_TO_SERVICE, RESOURCE_TYPE_PERMISSIONS } from './resource-types.js';
import { givenName, givenNames } from './names.js';
import { resourcesFor, type Scope, type ScopedResources } from './scope.js';
import { DEFENSE_CALLS, SIRS_CALLS, TEMPORARY_KEY_CALLS } from './sirs-calls.js';

export { PolicyGapError };

export interface PolicySubject {
  scenarios: ReadonlyArray<{ scenario: Scenario; template: CfnTemplate }>;
  decoys?: ReadonlyArray<{ decoy: Decoy; template: CfnTemplate }>;
  /** `--defenses`: the team's defences sirs deploys (a template) or only reads (a stack on AWS). */
  defenses?: readonly PolicyDefense[];
}

/**
 * A defence as the policy sees it: a template sirs deploys as a stack of its own (its resource types, and
 * the names of its functions where the template gives them), or a stack that already exists on AWS.
 */
export type PolicyDefense =
  /** `deployed: false`: on AWS a template only names defences already there, so sirs only reads. */
  | { id: string; kind: 'template'; template: CfnTemplate; deployed?: boolean }
  | { id: string; kind: 'stack'; stackName: string };

export interface PolicyStatement {
  Sid: string;
  Effect: 'Allow';
  Action: string[];
  Resource: string | string[];
  Condition?: Record<string, Record<string, string>>;
}

export interface PolicyDocument {
  Version: '2012-10-17';
  Statement: PolicyStatement[];
}

/** A statement with why each of its actions is there. */
export interface ExplainedStatement extends PolicyStatement {
  reasons: Record<string, string[]>;
}

export interface SirsPolicy {
  scenarios: string[];
  /** The defences it covers, by name (`ssh-revert`). */
  defenses: string[];
  namePrefix: string;
  document: PolicyDocument;
  statements: ExplainedStatement[];
}

interface Need {
  action: string;
  scope: Scope;
  reason: string;
  /** `iam:PassRole` only to this service (`iam:PassedToService`). */
  passedTo?: string;
}

const HOW_LABEL: Record<ScopedResources['how'], string> = {
  prefix: 'OnResourcesNamedWithThePrefix',
  named: 'OnResourcesTheScenariosName',
  type: 'OnAnyResourceOfItsTypes',
  channel: 'OnTheExerciseChannel',
  'no-resource-type': 'ActionsWithoutResourceTypesNeedStar',
  unnamed: 'CallsNamingNoResourceNeedStar',
  tagged: 'OnResourcesTaggedWithTheExercise',
  passed: 'PassRoles',
};

const SERVICE_LABEL: Record<string, string> = {
  cloudformation: 'CloudFormation',
  cloudtrail: 'CloudTrail',
  cloudwatch: 'CloudWatch',
  config: 'Config',
  events: 'EventBridge',
  logs: 'Logs',
  s3control: 'S3Control',
};

function serviceLabel(service: string): string {
  return SERVICE_LABEL[service] ?? service.charAt(0).toUpperCase() + service.slice(1);
}

/** `vpc-flow-logs.amazonaws.com` → `VpcFlowLogs`: a Sid takes letters and digits only. */
function passedToLabel(principal: string): string {
  const name = principal.split('.')[0]!;
  return (
    SERVICE_LABEL[name] ??
    name
      .split('-')
      .map((w) => serviceLabel(w))
      .join('')
  );
}

function callNeeds(call: string, scope: Scope, reason: string): Need[] {
  return actionsForCall(call).map((action) => ({ action, scope, reason }));
}

/** Every condition a scenario's probes evaluate (phases and steady state). */
function conditionsOf(scenario: Scenario): Condition[] {
  const phases = Object.values(scenario.phases).filter((p) => p !== undefined);
  return [
    ...phases.flatMap((p) => [...(p.any ?? []), ...(p.all ?? [])]),
    ...(scenario.steadyState ?? []),
  ] as Condition[];
}

/**
 * A response with every member an undoer reads, so that `createdBy` names the undo calls teardown makes
 * for a call without running it.
 */
function anyOutput(input: Record<string, unknown>): Record<string, unknown> {
  // An output name the input does not give is unknown until the call runs: a placeholder.
  const userName = typeof input.UserName === 'string' ? input.UserName : '{{output}}';
  return { ...ANY_OUTPUT, AccessKey: { AccessKeyId: 'AKIA', UserName: userName } };
}

const ANY_OUTPUT: Record<string, unknown> = {
  Policy: { Arn: 'arn' },
  VirtualMFADevice: { SerialNumber: 'serial' },
  SnapshotId: 'snap',
  VolumeId: 'vol',
  Instances: [{ InstanceId: 'i' }],
  GroupId: 'sg',
  FlowLogIds: ['fl'],
  KeyMetadata: { KeyId: 'key' },
  AssociationDescription: { AssociationId: 'assoc' },
  TopicArn: 'arn',
};

/** What sirs itself calls for one scenario call (inject action or autopilot step), by who makes it. */
function stepNeeds(step: Action | AutopilotStep, what: string): Need[] {
  if (!step.call) return [];
  const as = step.as ?? 'default';
  const input = (step.input ?? {}) as Record<string, unknown>;
  if (as === 'root' || KEY_PRINCIPAL.test(as)) return [];
  const needs: Need[] = [];
  if (as !== 'default') {
    // sirs signs the call with a key it creates for the stack's user and deletes right after.
    for (const call of TEMPORARY_KEY_CALLS)
      needs.push(
        ...callNeeds(call, { kind: 'input', input: { UserName: as } }, `${what}: a temporary key for ${as}`),
      );
    return needs;
  }
  needs.push(...callNeeds(step.call, { kind: 'input', input }, what));
  for (const action of calledOnBehalf(step.call, input))
    needs.push({ action, scope: { kind: 'any' }, reason: `${what}, which calls ${action} for sirs` });
  for (const created of createdBy(step.call, input, anyOutput(input), as)) {
    if (created.undo.as === 'root') continue;
    const undoInput = { ...input, ...created.undo.input };
    needs.push(
      ...callNeeds(created.undo.call, { kind: 'input', input: undoInput }, `teardown: undo ${what}`),
    );
  }
  return needs;
}

/** Where templates' SSM parameter types read their values: AWS's public parameters (the latest AMI). */
const PUBLIC_PARAMETERS = { Name: '/aws/service/{{parameter}}' };

/** `whose`: who the stack is for in each reason (a defence's); scenario stacks' reasons say nothing. */
function templateNeeds(template: CfnTemplate, owner: string, whose = ''): Need[] {
  const needs: Need[] = [];
  for (const p of template.parameters.values()) {
    // CloudFormation resolves an SSM parameter type with the caller's credentials when it creates the stack.
    // (ssm:GetParameters as AWS documents it; the range's CloudFormation reads with ssm:GetParameter.)
    if (p.type?.startsWith('AWS::SSM::Parameter::Value<')) {
      for (const action of ['ssm:GetParameters', 'ssm:GetParameter']) {
        needs.push({
          action,
          scope: { kind: 'input', input: PUBLIC_PARAMETERS },
          reason: `CloudFormation: the ${p.type} parameter ${p.name} (a public AWS parameter)`,
        });
      }
    }
  }
  const types = [...new Set([...template.resources.values()].map((r) => r.type))].sort();
  for (const type of types) {
    const handlers = RESOURCE_TYPE_PERMISSIONS[type];
    if (!handlers) {
      throw new PolicyGapError(
        `${owner}: sirs does not know which permissions CloudFormation needs for ${type} (${template.file}), so it cannot print a policy that covers it`,
        `add ${type} to src/policy/resource-types.ts from its resource schema's handlers.*.permissions (aws cloudformation describe-type --type RESOURCE --type-name ${type})`,
      );
    }
    needs.push(...handlerNeeds(type, { kind: 'prefix' }, `${whose}CloudFormation`));
  }
  return needs;
}

/** What CloudFormation's handlers need for one resource type, on the resources the scope names. */
function handlerNeeds(type: string, scope: Scope, why: string): Need[] {
  const handlers = RESOURCE_TYPE_PERMISSIONS[type]!;
  const passedTo = PASSED_TO_SERVICE[type];
  return HANDLER_OPERATIONS.flatMap((op) =>
    handlers[op].map((action) => ({
      action,
      scope,
      reason: `${why}: ${op} ${type}`,
      ...(passedTo && action === 'iam:PassRole' ? { passedTo } : {}),
    })),
  );
}

/**
 * A defence's resources that its template names itself: CloudFormation's permissions on those names, and
 * its roles passed (by name) to the services its functions, rules and recorders hand them to.
 */
function givenNameNeeds(template: CfnTemplate, prefix: string, what: string): Need[] {
  const needs: Need[] = [];
  const given = givenNames(template, prefix);
  const types = new Set([...template.resources.values()].map((r) => r.type));
  for (const g of given) {
    needs.push(
      ...handlerNeeds(g.type, { kind: 'input', input: g.input }, `${what}: CloudFormation (${g.name})`),
    );
    if (g.type !== 'AWS::IAM::Role') continue;
    for (const type of types) {
      const passedTo = PASSED_TO_SERVICE[type];
      if (!passedTo || !RESOURCE_TYPE_PERMISSIONS[type]) continue;
      needs.push({
        action: 'iam:PassRole',
        scope: { kind: 'input', input: g.input },
        reason: `${what}: CloudFormation passes the role ${g.name} for ${type}`,
        passedTo,
      });
    }
  }
  return needs;
}

function signalNeeds(scenario: Scenario): Need[] {
  const needs: Need[] = [];
  for (const condition of conditionsOf(scenario)) {
    const { kind } = conditionParts(condition);
    if (!kind.reads) {
      throw new PolicyGapError(
        `signal kind ${kind.name} (used by ${scenario.id}) does not declare the AWS calls it makes (reads), so sirs cannot print a policy that covers it`,
        `list the calls its probe makes in the reads of src/signals/kinds/${kind.name}.ts`,
      );
    }
    for (const call of kind.reads) needs.push(...callNeeds(call, { kind: 'any' }, `signal ${kind.name}`));
  }
  return needs;
}

/**
 * What a defence needs: CloudFormation's permissions for every resource type of a template sirs deploys
 * (its stack and what the stack names are `<prefix>-<exercise>-defense-<name>...`), and the reads that
 * name its stack and explain a loop that failed (src/exercise/defenses.ts, src/controller/explain.ts).
 */
function defenseNeeds(defense: PolicyDefense, prefix: string): Need[] {
  const what = `defence ${defense.id.slice('defense-'.length)}`;
  const needs: Need[] = [];
  let types: Set<string>;
  let functions: string[];
  let stack: Scope;
  if (defense.kind === 'template') {
    if (defense.deployed !== false) {
      needs.push(...templateNeeds(defense.template, what, `${what}: `));
      needs.push(...givenNameNeeds(defense.template, prefix, what));
    }
    const resources = [...defense.template.resources.values()];
    types = new Set(resources.map((r) => r.type));
    // A function the template names keeps its name; CloudFormation names the others after the stack.
    functions = resources
      .filter((r) => r.type === 'AWS::Lambda::Function')
      .map((r) => givenName(r.properties.FunctionName, prefix) ?? `${prefix}-{{stack}}`);
    stack = { kind: 'prefix' };
  } else {
    // A stack deployed before sirs runs: what it holds is known only once its resources are read.
    types = new Set(['AWS::Lambda::Function', 'AWS::Events::Rule', 'AWS::Config::ConfigRule']);
    functions = ['{{function}}'];
    stack = { kind: 'input', input: { StackName: defense.stackName } };
  }
  for (const c of DEFENSE_CALLS) {
    if (c.when && !types.has(c.when)) continue;
    const reason = `${what}: ${c.reason}`;
    if (c.call === 'cloudformation:DescribeStackResources') {
      if (defense.kind === 'stack' || defense.deployed !== false)
        needs.push(...callNeeds(c.call, stack, reason));
    } else if (c.call === 'logs:FilterLogEvents') {
      for (const name of functions)
        needs.push(
          ...callNeeds(c.call, { kind: 'input', input: { logGroupName: `/aws/lambda/${name}` } }, reason),
        );
    } else needs.push(...callNeeds(c.call, c.scope, reason));
  }
  return needs;
}

/** Every need of the subject, sirs' own first. */
function needsOf(subject: PolicySubject, prefix: string): Need[] {
  const needs: Need[] = SIRS_CALLS.flatMap((c) => callNeeds(c.call, c.scope, `sirs: ${c.reason}`));
  for (const { scenario, template } of subject.scenarios) {
    needs.push(...templateNeeds(template, `scenario ${scenario.id}`));
    (scenario.inject.actions ?? []).forEach((a, i) =>
      needs.push(...stepNeeds(a, `inject action ${i + 1} of ${scenario.id} (${a.call})`)),
    );
    (scenario.autopilot ?? []).forEach((s, i) => {
      if (s.call) needs.push(...stepNeeds(s, `autopilot step ${i + 1} of ${scenario.id} (${s.call})`));
    });
    needs.push(...signalNeeds(scenario));
  }
  for (const { decoy, template } of subject.decoys ?? []) {
    needs.push(...templateNeeds(template, `decoy ${decoy.id}`));
    (decoy.actions ?? []).forEach((a, i) =>
      needs.push(...stepNeeds(a, `action ${i + 1} of decoy ${decoy.id} (${a.call})`)),
    );
  }
  for (const defense of subject.defenses ?? []) needs.push(...defenseNeeds(defense, prefix));
  return needs;
}

/** A role passed to one service only: the `iam:PassedToService` condition, and a Sid that names it. */
function withPassedTo(scoped: ScopedResources, service: string | undefined): ScopedResources {
  if (!service) return scoped;
  return {
    ...scoped,
    how: 'passed',
    passedTo: service,
    condition: { ...scoped.condition, StringEquals: { 'iam:PassedToService': service } },
  };
}

/** The policy for the subject: statements grouped by service and by the resources they grant. */
export function policyFor(subject: PolicySubject, opts: { namePrefix: string }): SirsPolicy {
  const groups = new Map<
    string,
    { service: string; scoped: ScopedResources; reasons: Map<string, Set<string>> }
  >();
  for (const need of needsOf(subject, opts.namePrefix)) {
    const scoped = withPassedTo(resourcesFor(need.action, need.scope, opts.namePrefix), need.passedTo);
    const service = need.action.slice(0, need.action.indexOf(':'));
    const key = `${service} ${scoped.how} ${scoped.resources.join(' ')} ${JSON.stringify(scoped.condition ?? {})}`;
    let group = groups.get(key);
    if (!group) groups.set(key, (group = { service, scoped, reasons: new Map() }));
    let reasons = group.reasons.get(need.action);
    if (!reasons) group.reasons.set(need.action, (reasons = new Set()));
    reasons.add(need.reason);
  }
  const statements: ExplainedStatement[] = [];
  const sids = new Map<string, number>();
  const ordered = [...groups.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  for (const [, g] of ordered) {
    const base =
      g.scoped.how === 'passed'
        ? `${serviceLabel(g.service)}PassRolesNamedWithThePrefixTo${passedToLabel(g.scoped.passedTo!)}`
        : `${serviceLabel(g.service)}${HOW_LABEL[g.scoped.how]}`;
    const n = (sids.get(base) ?? 0) + 1;
    sids.set(base, n);
    const actions = [...g.reasons.keys()].sort();
    const reasons: Record<string, string[]> = {};
    for (const a of actions) reasons[a] = [...g.reasons.get(a)!].sort();
    const resource = g.scoped.resources.length === 1 ? g.scoped.resources[0]! : g.scoped.resources;
    statements.push({
      Sid: n === 1 ? base : `${base}${n}`,
      Effect: 'Allow',
      Action: actions,
      Resource: resource,
      ...(g.scoped.condition ? { Condition: g.scoped.condition } : {}),
      reasons,
    });
  }
  return {
    scenarios: subject.scenarios.map((s) => s.scenario.id),
    defenses: (subject.defenses ?? []).map((d) => d.id.slice('defense-'.length)),
    namePrefix: opts.namePrefix,
    document: {
      Version: '2012-10-17',
      Statement: statements.map(({ reasons: _reasons, ...statement }) => statement),
    },
    statements,
  };
}
