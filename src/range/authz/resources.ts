/**
 * The resource ARNs a request is authorized on: the action's resource types (Service Authorization
 * Reference) with their ARN templates filled from the request's members. A required resource type
 * whose id the request cannot name (the instance RunInstances creates) is `.../*`; an optional one
 * is included only when the request names it; an action without resource types is `*`.
 */
import type { CallContext } from '../context.js';
import { ServiceError, isServiceError } from '../errors.js';
import { rootPrincipal } from '../identity.js';
import { ec2Of } from '../services/ec2/store.js';
import { iamOf, keyOf } from '../services/iam/store.js';
import { arnTemplate, referenceAction, type ActionResourceType } from './reference.js';

type Input = Record<string, unknown>;

/** EC2 id prefix → the resource type its ARN is built from. */
const EC2_ID_TYPES: Readonly<Record<string, string>> = {
  i: 'instance',
  sg: 'security-group',
  sgr: 'security-group-rule',
  snap: 'snapshot',
  vol: 'volume',
  vpc: 'vpc',
  subnet: 'subnet',
  ami: 'image',
  eni: 'network-interface',
  fl: 'vpc-flow-log',
  acl: 'network-acl',
  rtb: 'route-table',
  igw: 'internet-gateway',
  nat: 'natgateway',
  eipalloc: 'elastic-ip',
  lt: 'launch-template',
  dopt: 'dhcp-options',
  pl: 'prefix-list',
  vpce: 'vpc-endpoint',
  tgw: 'transit-gateway',
};

/** Request members that carry a template variable, per IAM prefix, where the names differ. */
const MEMBERS: Readonly<Record<string, Readonly<Record<string, readonly string[]>>>> = {
  cloudtrail: { TrailName: ['Name', 'TrailName', 'ResourceId'] },
  logs: {
    LogGroupName: ['logGroupName', 'logGroupIdentifier', 'logGroupNamePrefix'],
    LogStreamName: ['logStreamName'],
  },
  kms: { KeyId: ['KeyId', 'TargetKeyId', 'SourceKeyId', 'DestinationKeyId'], Alias: ['AliasName'] },
  ssm: {
    ParameterNameWithoutLeadingSlash: ['Name', 'Names'],
    DocumentName: ['DocumentName', 'Name'],
    InstanceId: ['InstanceIds', 'InstanceId'],
    AssociationId: ['AssociationId'],
  },
  sns: { TopicName: ['TopicArn', 'TargetArn', 'Name'] },
  cloudwatch: { AlarmName: ['AlarmName', 'AlarmNames'] },
  cloudformation: { StackName: ['StackName'], ChangeSetName: ['ChangeSetName'] },
  events: { RuleName: ['Name', 'Rule'], EventBusName: ['EventBusName'] },
  lambda: { FunctionName: ['FunctionName'] },
  config: { ConfigRuleName: ['ConfigRuleName'] },
};

/** Variables that stand for an id the request cannot know (a stack's unique suffix): `*`. */
const WILDCARD_VARIABLES = new Set(['Id']);

/** The ARNs `action` (`prefix:Name`) is evaluated on for this request; `['*']` when it has none. */
export async function resourceArns(ctx: CallContext, action: string, input: Input): Promise<string[]> {
  const [prefix = '', name = ''] = action.split(':');
  const types = referenceAction(prefix, name)?.resourceTypes ?? [];
  if (types.length === 0) return ['*'];
  const ec2Ids = prefix === 'ec2' ? ec2IdsIn(input, associatedInstance(ctx, input)) : undefined;
  const out: string[] = [];
  for (const type of types) {
    const arns = ec2Ids ? ec2Arns(ctx, type, ec2Ids) : await typeArns(ctx, prefix, name, type, input);
    for (const arn of arns) if (!out.includes(arn)) out.push(arn);
  }
  return out.length ? out : ['*'];
}

function fill(template: string, ctx: CallContext, values: Record<string, string>): string {
  return template.replace(/\$\{(\w+)\}/g, (_, v: string) => {
    if (v === 'Partition') return 'aws';
    if (v === 'Region') return ctx.region;
    if (v === 'Account') return ctx.accountId;
    return values[v] ?? '*';
  });
}

// ---- EC2: every id in the request, typed by its prefix ----

/**
 * The instance an instance-profile association id belongs to: Disassociate and Replace name only the
 * association, and EC2 authorizes them on its instance.
 */
function associatedInstance(ctx: CallContext, input: Input): string | undefined {
  const id = input.AssociationId;
  if (typeof id !== 'string' || !id.startsWith('iip-assoc-')) return undefined;
  const instance = Object.values(ec2Of(ctx).instances).find(
    (i) => i.iamInstanceProfile?.associationId === id,
  );
  return instance?.id;
}

function ec2IdsIn(input: Input, instanceId?: string): Map<string, string[]> {
  const ids = new Map<string, string[]>();
  if (instanceId) ids.set('instance', [instanceId]);
  const visit = (v: unknown, depth: number): void => {
    if (typeof v === 'string') {
      const m = /^([a-z]+)-[0-9a-f]{8,17}$/.exec(v);
      const type =
        m && Object.hasOwn(EC2_ID_TYPES, m[1] as string) ? EC2_ID_TYPES[m[1] as string] : undefined;
      if (type) {
        const list = ids.get(type) ?? [];
        if (!list.includes(v)) list.push(v);
        ids.set(type, list);
      }
    } else if (depth < 5 && Array.isArray(v)) {
      for (const x of v) visit(x, depth + 1);
    } else if (depth < 5 && v && typeof v === 'object' && !Buffer.isBuffer(v) && !(v instanceof Date)) {
      for (const x of Object.values(v as Input)) visit(x, depth + 1);
    }
  };
  visit(input, 0);
  return ids;
}

function ec2Arns(ctx: CallContext, type: ActionResourceType, ids: Map<string, string[]>): string[] {
  const template = arnTemplate('ec2', type.name);
  if (!template) return [];
  const named = ids.get(type.name);
  if (named) return named.map((id) => fill(template, ctx, idValues(template, id)));
  return type.required ? [fill(template, ctx, {})] : [];
}

/** The template's own id variable (the one that is not partition, region or account) set to `id`. */
function idValues(template: string, id: string): Record<string, string> {
  const vars = [...template.matchAll(/\$\{(\w+)\}/g)].map((m) => m[1] as string);
  const own = vars.filter((v) => v !== 'Partition' && v !== 'Region' && v !== 'Account');
  return Object.fromEntries(own.map((v) => [v, id]));
}

// ---- Other services: template variables from request members ----

async function typeArns(
  ctx: CallContext,
  prefix: string,
  action: string,
  type: ActionResourceType,
  input: Input,
): Promise<string[]> {
  const special = await specialArns(ctx, prefix, action, type, input);
  if (special) return special;
  const template = arnTemplate(prefix, type.name);
  if (!template) return [];
  const vars = [...template.matchAll(/\$\{(\w+)\}/g)].map((m) => m[1] as string);
  const values: Record<string, string[]> = {};
  let missing = false;
  for (const v of vars) {
    if (v === 'Partition' || v === 'Region' || v === 'Account' || WILDCARD_VARIABLES.has(v)) continue;
    const found = memberValues(prefix, v, input);
    if (found.length) values[v] = found;
    else missing = true;
  }
  if (missing && !type.required) return [];
  // A member that is already an ARN of this service names the resource itself.
  const arnService = `arn:aws:${template.split(':')[2] ?? ''}:`;
  const listed = Object.entries(values);
  const [listVar, listValues] = listed.find(([, vs]) => vs.length > 1) ?? [undefined, undefined];
  const one = Object.fromEntries(listed.map(([k, vs]) => [k, vs[0] as string]));
  const build = (vals: Record<string, string>): string => {
    const arn = Object.values(vals).find((x) => x.startsWith(arnService));
    return arn ?? fill(template, ctx, adjust(prefix, type.name, vals));
  };
  if (listVar && listValues) return listValues.map((x) => build({ ...one, [listVar]: x }));
  return [build(one)];
}

function memberValues(prefix: string, variable: string, input: Input): string[] {
  const names = (Object.hasOwn(MEMBERS, prefix) && MEMBERS[prefix]?.[variable]) || [variable];
  for (const n of names) {
    const v = Object.hasOwn(input, n) ? input[n] : undefined;
    if (typeof v === 'string' && v !== '') return [v];
    if (Array.isArray(v)) {
      const strings = v.filter((x): x is string => typeof x === 'string' && x !== '');
      if (strings.length) return strings;
    }
  }
  return [];
}

/** Values as the ARN spells them (a parameter's name without its leading slash, an alias without `alias/`). */
function adjust(prefix: string, type: string, vals: Record<string, string>): Record<string, string> {
  const out = { ...vals };
  if (prefix === 'ssm' && out.ParameterNameWithoutLeadingSlash !== undefined)
    out.ParameterNameWithoutLeadingSlash = out.ParameterNameWithoutLeadingSlash.replace(/^\//, '');
  if (prefix === 'kms' && out.Alias !== undefined) out.Alias = out.Alias.replace(/^alias\//, '');
  if (prefix === 'logs' && type === 'log-group' && out.LogGroupName !== undefined)
    out.LogGroupName = out.LogGroupName.replace(/:\*$/, '');
  return out;
}

/** Resource types whose ARN needs more than the request's members (IAM paths, KMS aliases, log groups). */
async function specialArns(
  ctx: CallContext,
  prefix: string,
  action: string,
  type: ActionResourceType,
  input: Input,
): Promise<string[] | undefined> {
  const str = (name: string): string | undefined => {
    const v = Object.hasOwn(input, name) ? input[name] : undefined;
    return typeof v === 'string' && v !== '' ? v : undefined;
  };
  if (prefix === 'iam' || (prefix === 'sts' && type.name === 'role'))
    return iamArns(ctx, action, type, input);
  if (prefix === 'kms' && type.name === 'key') {
    const ids = ['KeyId', 'TargetKeyId', 'SourceKeyId', 'DestinationKeyId']
      .map(str)
      .filter((x): x is string => x !== undefined);
    if (ids.length === 0) return type.required ? [`arn:aws:kms:${ctx.region}:${ctx.accountId}:key/*`] : [];
    return Promise.all(ids.map((id) => kmsKeyArn(ctx, id)));
  }
  if (prefix === 'logs' && type.name === 'log-group') {
    const one = str('logGroupName') ?? str('logGroupIdentifier');
    // StartQuery names its groups in a list (names, or identifiers that may be ARNs): each is evaluated.
    const listed = ['logGroupNames', 'logGroupIdentifiers']
      .flatMap((n) => (Array.isArray(input[n]) ? (input[n] as unknown[]) : []))
      .filter((x): x is string => typeof x === 'string' && x !== '');
    const groups = one !== undefined ? [one] : listed;
    if (groups.length === 0) return type.required ? [logGroupArn(ctx, '*')] : [];
    // AWS evaluates log group actions on the group's ARN with its `:*` suffix.
    return groups.map((group) =>
      group.startsWith('arn:') ? (group.endsWith(':*') ? group : `${group}:*`) : logGroupArn(ctx, group),
    );
  }
  if (prefix === 'ssm' && type.name === 'document') {
    const doc = str('DocumentName') ?? str('Name');
    if (doc === undefined)
      return type.required ? [`arn:aws:ssm:${ctx.region}:${ctx.accountId}:document/*`] : [];
    if (doc.startsWith('arn:')) return [doc];
    // Documents AWS owns (AWS-RunShellScript) have no account in their ARN.
    const owner = /^(AWS|Amazon)/.test(doc) ? '' : ctx.accountId;
    return [`arn:aws:ssm:${ctx.region}:${owner}:document/${doc}`];
  }
  if (prefix === 'ssm' && type.name === 'managed-instance') {
    // Hybrid (on-premises) nodes only: their ids start with mi-; EC2 instances are `instance`.
    const targets = Array.isArray(input.InstanceIds) ? input.InstanceIds : [];
    const ids = targets.filter((x): x is string => typeof x === 'string' && x.startsWith('mi-'));
    return ids.map((id) => `arn:aws:ssm:${ctx.region}:${ctx.accountId}:managed-instance/${id}`);
  }
  if (prefix === 'ssm' && type.name === 'instance') {
    const targets = Array.isArray(input.InstanceIds) ? input.InstanceIds : [];
    const ids = targets.filter((x): x is string => typeof x === 'string' && x.startsWith('i-'));
    const arns = ids.map((id) => `arn:aws:ec2:${ctx.region}:${ctx.accountId}:instance/${id}`);
    return arns.length
      ? arns
      : type.required
        ? [`arn:aws:ec2:${ctx.region}:${ctx.accountId}:instance/*`]
        : [];
  }
  return undefined;
}

function logGroupArn(ctx: CallContext, name: string): string {
  return `arn:aws:logs:${ctx.region}:${ctx.accountId}:log-group:${name}:*`;
}

/** A KMS key named by id, ARN, alias name or alias ARN → the key's ARN (an unknown alias stays an alias ARN). */
async function kmsKeyArn(ctx: CallContext, keyId: string): Promise<string> {
  if (/^arn:aws:kms:[^:]*:\d{12}:key\//.test(keyId)) return keyId;
  if (!keyId.startsWith('alias/') && !keyId.startsWith('arn:'))
    return `arn:aws:kms:${ctx.region}:${ctx.accountId}:key/${keyId}`;
  try {
    const out = (await ctx.dispatch(
      'kms',
      'DescribeKey',
      { KeyId: keyId },
      { record: false, principal: rootPrincipal(ctx.accountId) },
    )) as { KeyMetadata?: { Arn?: string } };
    if (out.KeyMetadata?.Arn) return out.KeyMetadata.Arn;
  } catch (err) {
    if (!isServiceError(err)) throw err;
  }
  return keyId.startsWith('arn:') ? keyId : `arn:aws:kms:${ctx.region}:${ctx.accountId}:${keyId}`;
}

/** IAM users, roles, groups and instance profiles with the path they have; policies and MFA devices by ARN. */
function iamArns(ctx: CallContext, action: string, type: ActionResourceType, input: Input): string[] {
  const str = (name: string): string | undefined => {
    const v = Object.hasOwn(input, name) ? input[name] : undefined;
    return typeof v === 'string' && v !== '' ? v : undefined;
  };
  const account = ctx.accountId;
  const iam = iamOf(ctx);
  const path = str('Path') ?? '/';
  switch (type.name) {
    case 'user': {
      const name = str('UserName');
      if (name === undefined) {
        // Operations on "the caller" (GetUser, ListAccessKeys without UserName).
        if (ctx.principal.type === 'IAMUser') return [ctx.principal.arn];
        // IAM validates this before it authorizes: a role session must name the user.
        if (type.required && ctx.principal.type === 'AssumedRole') {
          throw new ServiceError(
            'ValidationError',
            'Must specify userName when calling with non-User credentials',
          );
        }
        return type.required ? [`arn:aws:iam::${account}:user/*`] : [];
      }
      const user = iam.users[keyOf(name)];
      return [user?.Arn ?? `arn:aws:iam::${account}:user${path}${name}`];
    }
    case 'role': {
      const arn = str('RoleArn');
      if (arn !== undefined) return [arn];
      const name = str('RoleName');
      if (name === undefined) return type.required ? [`arn:aws:iam::${account}:role/*`] : [];
      return [iam.roles[keyOf(name)]?.Arn ?? `arn:aws:iam::${account}:role${path}${name}`];
    }
    case 'group': {
      const name = str('GroupName');
      if (name === undefined) return type.required ? [`arn:aws:iam::${account}:group/*`] : [];
      return [iam.groups[keyOf(name)]?.Arn ?? `arn:aws:iam::${account}:group${path}${name}`];
    }
    case 'instance-profile': {
      const name = str('InstanceProfileName');
      if (name === undefined) return type.required ? [`arn:aws:iam::${account}:instance-profile/*`] : [];
      return [
        iam.instanceProfiles[keyOf(name)]?.Arn ?? `arn:aws:iam::${account}:instance-profile${path}${name}`,
      ];
    }
    case 'policy': {
      const arn = str('PolicyArn');
      if (arn !== undefined) return [arn];
      const name = str('PolicyName');
      if (name !== undefined && action === 'CreatePolicy')
        return [`arn:aws:iam::${account}:policy${path}${name}`];
      return type.required ? [`arn:aws:iam::${account}:policy/*`] : [];
    }
    case 'mfa': {
      const serial = str('SerialNumber');
      if (serial !== undefined) return [serial];
      const name = str('VirtualMFADeviceName');
      if (name !== undefined) return [`arn:aws:iam::${account}:mfa${path}${name}`];
      return type.required ? [`arn:aws:iam::${account}:mfa/*`] : [];
    }
    default: {
      const template = arnTemplate(ctx.service === 'sts' ? 'sts' : 'iam', type.name);
      return type.required && template ? [fill(template, ctx, {})] : [];
    }
  }
}
