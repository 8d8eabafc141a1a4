/**
 * Which resources a statement grants an action on. The Service Authorization Reference says which
 * resource types an action is authorized against; for each, the narrowest pattern sirs can honestly
 * promise: the configured name prefix for what its stacks name (`sirs-<exercise>-<scenario>-...`), the
 * name a scenario's call gives (placeholders become `*`), else every resource of that type. `*` only for
 * actions that have no resource type at all.
 */
import { actionReference, resourceArnFormat } from './reference.js';

/** Where an action's resources come from. */
export type Scope =
  /** Resources sirs' stacks create and name after the stack (and the exercise channel). */
  | { kind: 'prefix' }
  /** The resources a scenario's call names in its input (falls back to `prefix`). */
  | { kind: 'input'; input: Readonly<Record<string, unknown>> }
  /** Any resource of the action's types (reads of resources responders may name or create). */
  | { kind: 'any' }
  /** Only the exercise channel, `/sirs/exercises/<id>`. */
  | { kind: 'channel' }
  /** A call that names no resource (DescribeStacks of every stack): IAM authorizes it on `*`. */
  | { kind: 'unnamed' };

export interface ScopedResources {
  resources: string[];
  /** How the resources were chosen, for the statement's Sid and reason. */
  how: 'prefix' | 'named' | 'type' | 'channel' | 'no-resource-type' | 'unnamed' | 'tagged' | 'passed';
  /** For `passed`: the only service the role may be passed to (`iam:PassedToService`). */
  passedTo?: string;
  /** For `tagged`: only resources that carry the `sirs:exercise` tag. */
  condition?: Record<string, Record<string, string>>;
}

/** The tag every stack sirs creates carries, and CloudFormation propagates to what it creates. */
export const EXERCISE_TAG = 'sirs:exercise';

/**
 * EC2 resources named by id, which sirs' stacks create with their tags: an action on an existing one
 * (not one it creates) is scoped to those that carry the exercise tag. Snapshots are not among them:
 * an inject action creates one with the scenario's own tags.
 */
const TAGGED_EC2_TYPES = new Set([
  'instance',
  'vpc',
  'subnet',
  'security-group',
  'volume',
  'route-table',
  'internet-gateway',
  'network-acl',
]);

function taggedScope(action: string, types: readonly string[], scope: Scope): ScopedResources | undefined {
  if (scope.kind !== 'prefix' && scope.kind !== 'input') return undefined;
  const [service, name = ''] = action.split(':');
  if (service !== 'ec2' || /^(Create|Run|Allocate|Import|Copy)/.test(name)) return undefined;
  if (types.length === 0 || !types.every((t) => TAGGED_EC2_TYPES.has(t))) return undefined;
  return {
    resources: types.map((t) => `arn:aws:ec2:*:*:${t}/*`).sort(),
    how: 'tagged',
    condition: { StringLike: { [`aws:ResourceTag/${EXERCISE_TAG}`]: '*' } },
  };
}

export const CHANNEL_GROUP = '/sirs/exercises/';

/** Resource types whose names sirs' stacks give (CloudFormation names them `<stack>-<logicalId>-<random>`). */
function prefixed(service: string, type: string, prefix: string): string[] | undefined {
  const p = prefix;
  const channel = `${CHANNEL_GROUP}*`;
  switch (`${service}:${type}`) {
    case 'cloudformation:stack':
      return [`arn:aws:cloudformation:*:*:stack/${p}-*/*`];
    case 'logs:log-group':
      return [
        `arn:aws:logs:*:*:log-group:${p}-*`,
        `arn:aws:logs:*:*:log-group:/${p}-*`,
        `arn:aws:logs:*:*:log-group:${channel}`,
      ];
    case 'logs:log-stream':
      return [
        `arn:aws:logs:*:*:log-group:${p}-*:log-stream:*`,
        `arn:aws:logs:*:*:log-group:/${p}-*:log-stream:*`,
        `arn:aws:logs:*:*:log-group:${channel}:log-stream:*`,
      ];
    case 'iam:user':
    case 'iam:role':
    case 'iam:instance-profile':
      return [`arn:aws:iam::*:${type}/${p}-*`];
    case 'cloudtrail:trail':
      return [`arn:aws:cloudtrail:*:*:trail/${p}-*`];
    case 'cloudwatch:alarm':
      return [`arn:aws:cloudwatch:*:*:alarm:${p}-*`];
    case 'sns:topic':
      return [`arn:aws:sns:*:*:${p}-*`];
    case 's3:bucket':
      return [`arn:aws:s3:::${p}-*`];
    case 's3:object':
      return [`arn:aws:s3:::${p}-*/*`];
    case 'kms:alias':
      return [`arn:aws:kms:*:*:alias/${p}-*`];
    case 'ssm:parameter':
      return [`arn:aws:ssm:*:*:parameter/${p}-*`];
    // What defence stacks create: functions and rules CloudFormation names after the stack. (Not SSM
    // documents: CloudFormation's ssm:CreateAssociation is authorized on the AWS-owned document it names.)
    case 'lambda:function':
      return [`arn:aws:lambda:*:*:function:${p}-*`];
    case 'lambda:function alias':
    case 'lambda:function version':
      return [`arn:aws:lambda:*:*:function:${p}-*:*`];
    case 'events:rule-on-default-event-bus':
      return [`arn:aws:events:*:*:rule/${p}-*`];
    case 'events:rule-on-custom-event-bus':
      return [`arn:aws:events:*:*:rule/*/${p}-*`];
    default:
      return undefined;
  }
}

/** ARN variables a call's input names (`${UserNameWithPath}` ← `UserName`). */
const INPUT_MEMBERS: Readonly<Record<string, readonly string[]>> = {
  UserName: ['UserName'],
  UserNameWithPath: ['UserName'],
  RoleName: ['RoleName'],
  RoleNameWithPath: ['RoleName'],
  GroupName: ['GroupName'],
  GroupNameWithPath: ['GroupName'],
  BucketName: ['Bucket'],
  ObjectName: ['Key'],
  LogGroupName: ['logGroupName'],
  LogStreamName: ['logStreamName'],
  TrailName: ['Name', 'TrailName'],
  AlarmName: ['AlarmName'],
  TopicName: ['TopicName'],
  ParameterNameWithoutLeadingSlash: ['Name'],
  StackName: ['StackName'],
  FunctionName: ['FunctionName'],
  RuleName: ['Name', 'Rule'],
};

/** ARN variables that are ids no call's input gives (a stack's UUID): any value. */
const ANY_ID = new Set(['Id']);

/** `svc-backup-{{exercise.id}}` → `svc-backup-*`; a value that is only a placeholder says nothing. */
function namePattern(value: unknown): string | undefined {
  if (typeof value !== 'string' || value === '') return undefined;
  const pattern = value.replace(/\{\{[^{}]*\}\}/g, '*').replace(/\*+/g, '*');
  if (pattern === '*' || /[?]/.test(pattern)) return undefined;
  return pattern;
}

/** The ARN format with every variable a wildcard (`${Partition}` is `aws`). */
function wildcard(format: string): string {
  return format
    .replace(/\$\{Partition\}/g, 'aws')
    .replace(/\$\{[^}]+\}/g, '*')
    .replace(/\*+/g, '*');
}

/** The ARN format filled from a call's input; undefined unless every name variable was given. */
function fromInput(format: string, input: Readonly<Record<string, unknown>>): string | undefined {
  let named = false;
  let missing = false;
  const arn = format.replace(/\$\{([^}]+)\}/g, (_m, v: string) => {
    if (v === 'Partition') return 'aws';
    if (v === 'Region' || v === 'Account' || ANY_ID.has(v)) return '*';
    const member = INPUT_MEMBERS[v]?.find((m) => namePattern(input[m]) !== undefined);
    if (!member) {
      missing = true;
      return '*';
    }
    named = true;
    const pattern = namePattern(input[member])!;
    return v === 'ParameterNameWithoutLeadingSlash' ? pattern.replace(/^\//, '') : pattern;
  });
  return named && !missing ? arn : undefined;
}

/** A service-wide pattern (`arn:aws:ec2:*:*:*`, `arn:aws:iam::*:*`) for an action on many types. */
function serviceWide(format: string): string {
  const parts = wildcard(format).split(':');
  return [...parts.slice(0, 5), '*'].join(':');
}

/**
 * Actions whose requests name none of their (optional) resource types, so IAM authorizes them on `*`:
 * ec2:DisassociateRouteTable names an association id.
 */
const NAMES_NO_RESOURCE = new Set(['ec2:DisassociateRouteTable']);

/** More resource types than this for one action (ec2:CreateTags lists 90) become one service-wide ARN. */
const MAX_TYPES = 8;

export function resourcesFor(action: string, scope: Scope, prefix: string): ScopedResources {
  const ref = actionReference(action);
  const service = action.slice(0, action.indexOf(':'));
  if (!ref || ref.resourceTypes.length === 0) return { resources: ['*'], how: 'no-resource-type' };
  if (scope.kind === 'unnamed' || NAMES_NO_RESOURCE.has(ref.action))
    return { resources: ['*'], how: 'unnamed' };
  // Every type the action may be authorized against, not only the required ones: ec2:RunInstances
  // checks the volumes and ssm:SendCommand the instances too. sirs never uses S3 access points.
  const types = ref.resourceTypes.filter((t) => !/accesspoint/.test(t.name));
  const resources = new Set<string>();
  let how: ScopedResources['how'] = scope.kind === 'channel' ? 'channel' : 'prefix';
  const tagged = taggedScope(
    ref.action,
    types.map((t) => t.name),
    scope,
  );
  if (tagged) return tagged;
  const formats = types
    .map((t) => ({ name: t.name, format: resourceArnFormat(service, t.name) }))
    .filter((t): t is { name: string; format: string } => t.format !== undefined);
  if (formats.length === 0) return { resources: ['*'], how: 'no-resource-type' };
  if (formats.length > MAX_TYPES && scope.kind !== 'channel') {
    return { resources: [serviceWide(formats[0]!.format)], how: 'type' };
  }
  for (const { name, format } of formats) {
    if (scope.kind === 'channel') {
      const channel = prefixed(service, name, prefix)?.filter((r) => r.includes(CHANNEL_GROUP));
      if (channel?.length) channel.forEach((r) => resources.add(r));
      else resources.add(wildcard(format));
      continue;
    }
    const named = scope.kind === 'input' ? fromInput(format, scope.input) : undefined;
    if (named) {
      resources.add(named);
      how = 'named';
      continue;
    }
    const byPrefix = scope.kind === 'any' ? undefined : prefixed(service, name, prefix);
    if (byPrefix) byPrefix.forEach((r) => resources.add(r));
    else {
      resources.add(wildcard(format));
      if (how !== 'named') how = 'type';
    }
  }
  return { resources: [...resources].sort(), how };
}
