import type {
  PolicySourceType,
  SimulateCustomPolicyRequest,
  SimulatePolicyResponse,
  SimulatePrincipalPolicyRequest,
} from '@aws-sdk/client-iam';
import type { CallContext } from '../../../context.js';
import { ServiceError } from '../../../errors.js';
import type { RequestPrincipal } from '../../../policy/types.js';
import { awsManagedPolicy } from '../aws-policies.js';
import { contextOf, inputPolicy, simulate, type SimulatedPolicy, type Simulation } from '../simulate.js';
import { groupNamed, iamOf, roleNamed, userNamed, type IamState } from '../store.js';
import { pageOf } from '../validate.js';

/**
 * SimulatePrincipalPolicy: the policies of a user (with its groups'), a group or a role, plus any given
 * ones, evaluated as the range enforces them.
 */
export function simulatePrincipalPolicy(
  ctx: CallContext,
  input: SimulatePrincipalPolicyRequest,
): SimulatePolicyResponse {
  const iam = iamOf(ctx);
  const source = sourceOf(ctx, iam, input.PolicySourceArn ?? '');
  const boundaries = inputs(input.PermissionsBoundaryPolicyInputList, 'PermissionsBoundaryPolicyInputList');
  if (
    input.ResourcePolicy !== undefined &&
    input.CallerArn === undefined &&
    source.principal.type !== 'IAMUser'
  ) {
    throw new ServiceError(
      'InvalidInput',
      'CallerArn is required when a ResourcePolicy is given and PolicySourceArn is not a user.',
    );
  }
  return answer(input, {
    identity: [...source.identity, ...inputs(input.PolicyInputList, 'PolicyInputList')],
    boundary: boundaries[0] ?? source.boundary,
    ...common(ctx, input, input.CallerArn ? callerOf(input.CallerArn) : source.principal),
  });
}

/** SimulateCustomPolicy: only the given policies. */
export function simulateCustomPolicy(
  ctx: CallContext,
  input: SimulateCustomPolicyRequest,
): SimulatePolicyResponse {
  const identity = inputs(input.PolicyInputList, 'PolicyInputList');
  if (!identity.length)
    throw new ServiceError('InvalidInput', 'PolicyInputList must contain at least one policy.');
  if (input.ResourcePolicy !== undefined && input.CallerArn === undefined) {
    throw new ServiceError('InvalidInput', 'CallerArn is required when a ResourcePolicy is given.');
  }
  const caller: RequestPrincipal = input.CallerArn
    ? callerOf(input.CallerArn)
    : { arn: '', accountId: ctx.accountId, type: 'IAMUser' };
  return answer(input, {
    identity,
    boundary: inputs(input.PermissionsBoundaryPolicyInputList, 'PermissionsBoundaryPolicyInputList')[0],
    ...common(ctx, input, caller),
  });
}

type CommonInput = Pick<
  SimulateCustomPolicyRequest,
  | 'ActionNames'
  | 'ResourceArns'
  | 'ResourcePolicy'
  | 'ResourceOwner'
  | 'ContextEntries'
  | 'Marker'
  | 'MaxItems'
>;

function common(
  ctx: CallContext,
  input: CommonInput,
  principal: RequestPrincipal,
): Omit<Simulation, 'identity' | 'boundary'> {
  const actions = input.ActionNames ?? [];
  for (const a of actions) {
    if (!/^[\w-]+:[\w*?-]+$/.test(a)) throw new ServiceError('InvalidInput', `Invalid action name ${a}.`);
  }
  for (const r of input.ResourceArns ?? []) {
    if (r !== '*' && !r.startsWith('arn:')) throw new ServiceError('InvalidInput', `Invalid ARN ${r}.`);
  }
  const owner = input.ResourceOwner;
  const ownerAccount =
    owner === undefined ? undefined : /^(?:arn:aws:iam::)?(\d{12})(?::root)?$/.exec(owner)?.[1];
  if (owner !== undefined && !ownerAccount)
    throw new ServiceError('InvalidInput', `Invalid ResourceOwner ${owner}: an account ID or account ARN.`);
  return {
    principal,
    actions,
    resources: input.ResourceArns ?? [],
    context: contextOf(input.ContextEntries),
    ...(input.ResourcePolicy !== undefined
      ? { resource: inputPolicy(input.ResourcePolicy, 'ResourcePolicy', 'resource') }
      : {}),
    ...(ownerAccount
      ? { resourceAccountId: ownerAccount }
      : principal.accountId
        ? {}
        : { resourceAccountId: ctx.accountId }),
  };
}

function answer(input: CommonInput, sim: Simulation): SimulatePolicyResponse {
  const results = simulate(sim);
  const { page, IsTruncated, Marker } = pageOf(results, input, ['Simulate', sim.actions, sim.resources]);
  return { EvaluationResults: page, IsTruncated, ...(Marker ? { Marker } : {}) };
}

function inputs(list: string[] | undefined, name: string): SimulatedPolicy[] {
  return (list ?? []).map((text, i) => inputPolicy(text, `${name}.${i + 1}`, 'none'));
}

const ENTITY_ARN = /^arn:aws:iam::(\d{12}):(user|group|role)\/(?:[\u0021-\u007E]*\/)?([\w+=,.@-]+)$/;

/** The simulated caller of a resource policy: an IAM user (or an assumed-role session) ARN. */
function callerOf(arn: string): RequestPrincipal {
  const user = /^arn:aws:iam::(\d{12}):user\//.exec(arn);
  if (user) return { arn, accountId: user[1] as string, type: 'IAMUser' };
  const session = /^arn:aws:sts::(\d{12}):assumed-role\/([\w+=,.@-]+)\//.exec(arn);
  if (session) {
    return {
      arn,
      accountId: session[1] as string,
      type: 'AssumedRole',
      roleArn: `arn:aws:iam::${session[1]}:role/${session[2]}`,
    };
  }
  throw new ServiceError(
    'InvalidInput',
    `Invalid CallerArn ${arn}: an IAM user or assumed-role session ARN.`,
  );
}

interface Source {
  principal: RequestPrincipal;
  identity: SimulatedPolicy[];
  boundary?: SimulatedPolicy;
}

function sourceOf(ctx: CallContext, iam: IamState, arn: string): Source {
  const m = ENTITY_ARN.exec(arn);
  if (!m)
    throw new ServiceError(
      'InvalidInput',
      `Invalid ARN ${arn}: PolicySourceArn must be a user, group or role ARN.`,
    );
  const [, account, kind, name = ''] = m;
  if (account !== ctx.accountId) {
    throw new ServiceError('NoSuchEntity', `PolicySourceArn ${arn} does not exist in this account.`, 404);
  }
  const identity: SimulatedPolicy[] = [];
  const entity = (
    type: PolicySourceType,
    e: { inlinePolicies: Record<string, string>; attachedPolicies: string[] },
  ) => {
    for (const [policyName, text] of Object.entries(e.inlinePolicies))
      identity.push({ sourceId: policyName, sourceType: type, text });
    for (const policyArn of e.attachedPolicies) {
      const managed = managedOf(iam, policyArn);
      if (managed) identity.push(managed);
    }
  };
  if (kind === 'user') {
    const user = userNamed(iam, name);
    entity('user', user);
    for (const g of user.groups) {
      const group = iam.groups[g.toLowerCase()];
      if (group) entity('group', group);
    }
    return {
      principal: { arn: user.Arn, accountId: ctx.accountId, type: 'IAMUser' },
      identity,
      ...boundaryOf(iam, user.PermissionsBoundary),
    };
  }
  if (kind === 'group') {
    const group = groupNamed(iam, name);
    entity('group', group);
    return { principal: { arn: group.Arn, accountId: ctx.accountId, type: 'IAMUser' }, identity };
  }
  const role = roleNamed(iam, name);
  entity('role', role);
  return {
    principal: { arn: role.Arn, accountId: ctx.accountId, type: 'AssumedRole', roleArn: role.Arn },
    identity,
    ...boundaryOf(iam, role.PermissionsBoundary),
  };
}

function boundaryOf(iam: IamState, arn: string | undefined): { boundary?: SimulatedPolicy } {
  const p = arn ? managedOf(iam, arn) : undefined;
  return p ? { boundary: p } : {};
}

function managedOf(iam: IamState, arn: string): SimulatedPolicy | undefined {
  const aws = awsManagedPolicy(arn);
  if (aws) return { sourceId: aws.PolicyName, sourceType: 'aws-managed', text: aws.Document };
  const local = iam.policies[arn];
  const text = local?.versions[local.DefaultVersionId]?.Document;
  return local && text !== undefined
    ? { sourceId: local.PolicyName, sourceType: 'user-managed', text }
    : undefined;
}
