/**
 * The calls sirs makes for every exercise, whatever its scenarios: who it is, its CloudFormation
 * stacks, the exercise channel, the CloudTrail reads of probes and reports, teardown and `sirs cleanup`.
 * Each names the code that makes it; the least-privilege test runs the whole library with nothing more.
 */
import type { Scope } from './scope.js';

export interface SirsCall {
  call: string;
  scope: Scope;
  reason: string;
}

const prefix: Scope = { kind: 'prefix' };
const channel: Scope = { kind: 'channel' };
const any: Scope = { kind: 'any' };
const unnamed: Scope = { kind: 'unnamed' };

export const SIRS_CALLS: readonly SirsCall[] = [
  // src/exercise/preflight.ts
  {
    call: 'sts:GetCallerIdentity',
    scope: any,
    reason: 'preflight: who sirs acts as (AWS asks no permission for it)',
  },
  {
    call: 'iam:ListAccountAliases',
    scope: any,
    reason: 'preflight: the account alias shown before anything is created',
  },
  {
    call: 'iam:SimulatePrincipalPolicy',
    scope: any,
    reason: 'preflight: the permission check of the caller',
  },
  {
    call: 'iam:GetRole',
    scope: any,
    reason: "preflight: the role behind an assumed-role session (its ARN's path)",
  },
  {
    call: 'cloudformation:DescribeStacks',
    scope: unnamed,
    reason: "preflight and sirs cleanup: stacks tagged with the exercise's id",
  },
  {
    call: 'cloudformation:DescribeStacks',
    scope: prefix,
    reason: "inject and teardown: a stack's status and outputs",
  },
  // src/exercise/apply.ts, src/exercise/stacks.ts
  { call: 'cloudformation:CreateStack', scope: prefix, reason: "inject: the scenarios' stacks" },
  {
    call: 'cloudformation:TagResource',
    scope: prefix,
    reason: 'inject: the stacks carry the sirs:exercise and sirs:scenario tags',
  },
  {
    call: 'cloudformation:DescribeStackEvents',
    scope: prefix,
    reason: 'inject and teardown: following a stack and its failure reason',
  },
  // src/exercise/teardown.ts, src/exercise/cleanup.ts
  {
    call: 'cloudformation:DeleteStack',
    scope: prefix,
    reason: "teardown and sirs cleanup: the scenarios' stacks",
  },
  {
    call: 'cloudformation:ListStackResources',
    scope: prefix,
    reason: 'teardown: buckets to empty before their stack is deleted',
  },
  { call: 's3:ListObjectVersions', scope: prefix, reason: "teardown: emptying the stacks' buckets" },
  { call: 's3:ListObjectsV2', scope: prefix, reason: "teardown: emptying the stacks' buckets" },
  { call: 's3:DeleteObjects', scope: prefix, reason: "teardown: emptying the stacks' buckets" },
  { call: 'ec2:DescribeSecurityGroups', scope: any, reason: 'teardown: what still holds a stack VPC' },
  { call: 'ec2:DescribeSubnets', scope: any, reason: 'teardown: what still holds a stack VPC' },
  { call: 'ec2:DescribeInstances', scope: any, reason: 'teardown: what still holds a stack VPC' },
  // src/controller/channel.ts
  {
    call: 'logs:CreateLogGroup',
    scope: channel,
    reason: 'the exercise channel /sirs/exercises/<id> (acknowledgements)',
  },
  {
    call: 'logs:TagResource',
    scope: channel,
    reason: 'the exercise channel is created with the sirs:exercise tag',
  },
  {
    call: 'logs:CreateLogStream',
    scope: channel,
    reason: "the exercise channel: the autopilot's acknowledgements",
  },
  {
    call: 'logs:PutLogEvents',
    scope: channel,
    reason: "the exercise channel: the autopilot's acknowledgements",
  },
  {
    call: 'logs:FilterLogEvents',
    scope: channel,
    reason: "the exercise channel: reading the responders' acknowledgements",
  },
  { call: 'logs:DeleteLogGroup', scope: channel, reason: 'teardown: the exercise channel' },
  // src/signals/observer.ts, src/report/activity.ts
  {
    call: 'cloudtrail:LookupEvents',
    scope: any,
    reason: "signals: who made a change and when; the report: the responders' activity",
  },
];

/** For `as: <user>` calls: a key sirs creates for one call and deletes right after (src/exercise/apply.ts). */
export const TEMPORARY_KEY_CALLS = ['iam:CreateAccessKey', 'iam:DeleteAccessKey'] as const;

export interface DefenseCall extends SirsCall {
  /** Only for a defence holding this resource type (a template's; every kind for a named stack). */
  when?: string;
}

/**
 * What sirs reads about `--defenses` besides deploying them: the deployed stack's resources (their
 * physical names, for evidence) and, when a drill of automation misses a target, what explains the loop
 * that failed. `DescribeStackResources` is scoped to the defence's stack and `FilterLogEvents` to its
 * functions' log groups by the caller of this list (src/policy/generate.ts).
 */
export const DEFENSE_CALLS: readonly DefenseCall[] = [
  // src/exercise/defenses.ts
  {
    call: 'cloudformation:DescribeStackResources',
    scope: prefix,
    reason: "the physical names of the defence's functions, rules and Config rules",
  },
  // src/controller/explain.ts
  {
    call: 'cloudwatch:GetMetricStatistics',
    scope: any,
    when: 'AWS::Events::Rule',
    reason: "why a loop failed: the rule's AWS/Events MatchedEvents and FailedInvocations",
  },
  {
    call: 'logs:FilterLogEvents',
    scope: any,
    when: 'AWS::Lambda::Function',
    reason: "why a loop failed: the function's log lines in /aws/lambda/<name>",
  },
  {
    call: 'config:GetComplianceDetailsByConfigRule',
    scope: any,
    when: 'AWS::Config::ConfigRule',
    reason: 'why a loop failed: what the Config rule found noncompliant',
  },
  {
    call: 'config:DescribeRemediationExecutionStatus',
    scope: any,
    when: 'AWS::Config::ConfigRule',
    reason: "why a loop failed: the Config rule's remediation executions",
  },
];
