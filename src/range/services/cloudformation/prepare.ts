import type { CallContext } from '../../context.js';
import { ServiceError, isServiceError } from '../../errors.js';
import type { Principal } from '../../identity.js';
import type { ProviderTable } from './provider.js';
import { cloudFormationState, type Stack } from './store.js';
import { dependenciesOf, assertAcyclic, type Dependencies } from './template/graph.js';
import {
  evaluate,
  evaluateConditions,
  type EvalScope,
  type PseudoParameters,
} from './template/intrinsics.js';
import {
  ec2IdKind,
  isSsmValueType,
  parameterRefValues,
  resolveParameters,
  type StackParameterValue,
  type SuppliedParameter,
} from './template/parameters.js';
import { parseTemplateBody, templateFormatError } from './template/parse.js';
import { readTemplate } from './template/read.js';
import { functionOf, referencesOf } from './template/refs.js';
import { isObject, type Json, type ResourceDeclaration, type Template } from './template/types.js';
import { checkReferences, checkTransform } from './template/validate.js';

export const CLOUDFORMATION = 'cloudformation.amazonaws.com';

/** Parse and check a template body completely, as ValidateTemplate and CreateStack do. */
export function loadTemplate(body: string, providers: ProviderTable): Template {
  const template = readTemplate(parseTemplateBody(body));
  checkTransform(template);
  const unrecognized = Object.values(template.Resources)
    .map((r) => r.Type)
    .filter(
      (type) =>
        !/^(Custom::[A-Za-z0-9_@-]+|[A-Za-z0-9]+::[A-Za-z0-9]+::[A-Za-z0-9]+(::[A-Za-z0-9]+)?)$/.test(type),
    );
  if (unrecognized.length)
    throw templateFormatError(`Unrecognized resource types: [${[...new Set(unrecognized)].join(', ')}]`);
  checkReferences(template, { attributesOf: (type) => providers[type]?.attributes });
  return template;
}

/** The capability a template needs, and the resource types that need it (ValidateTemplate's CapabilitiesReason). */
export function requiredCapabilities(
  template: Template,
  providers: ProviderTable,
): { capabilities: string[]; types: string[] } {
  let named = false;
  const types = new Set<string>();
  for (const r of Object.values(template.Resources)) {
    const p = providers[r.Type];
    const iam = p ? p.capability === 'IAM' : r.Type.startsWith('AWS::IAM::');
    if (!iam) continue;
    types.add(r.Type);
    if (p?.nameProperty && r.Properties[p.nameProperty] !== undefined) named = true;
  }
  if (!types.size) return { capabilities: [], types: [] };
  return { capabilities: [named ? 'CAPABILITY_NAMED_IAM' : 'CAPABILITY_IAM'], types: [...types] };
}

export function checkCapabilities(
  template: Template,
  providers: ProviderTable,
  granted: readonly string[] = [],
): void {
  const { capabilities } = requiredCapabilities(template, providers);
  const need = capabilities[0];
  if (!need) return;
  if (
    granted.includes('CAPABILITY_NAMED_IAM') ||
    (need === 'CAPABILITY_IAM' && granted.includes('CAPABILITY_IAM'))
  )
    return;
  throw new ServiceError('InsufficientCapabilitiesException', `Requires capabilities : [${need}]`);
}

export function pseudoParameters(
  ctx: CallContext,
  stack: { stackName: string; stackId: string; notificationArns: string[] },
): PseudoParameters {
  const region = ctx.region;
  const partition = region.startsWith('cn-') ? 'aws-cn' : region.startsWith('us-gov-') ? 'aws-us-gov' : 'aws';
  return {
    accountId: ctx.accountId,
    region,
    stackName: stack.stackName,
    stackId: stack.stackId,
    partition,
    urlSuffix: partition === 'aws-cn' ? 'amazonaws.com.cn' : 'amazonaws.com',
    notificationArns: stack.notificationArns,
  };
}

/** Everything a stack operation needs from a template and its parameters, settled before it starts. */
export interface PreparedStack {
  template: Template;
  parameterValues: StackParameterValue[];
  parameters: Record<string, string | string[]>;
  pseudo: PseudoParameters;
  conditions: Record<string, boolean>;
  /** The resources whose Condition holds. */
  resources: Record<string, ResourceDeclaration>;
  deps: Dependencies;
  azs: string[];
}

/** The value of an export in this account and region, from the stacks that export it. */
export function findExport(ctx: CallContext, name: string): { value: string; stack: Stack } | undefined {
  for (const stack of Object.values(ctx.state(cloudFormationState).stacks)) {
    if (stack.status !== 'DELETE_COMPLETE' && name in stack.exports)
      return { value: stack.exports[name] as string, stack };
  }
  return undefined;
}

export function noSuchExport(name: string): ServiceError {
  return new ServiceError('ValidationError', `No export named ${name} found.`);
}

/**
 * Settle parameters (SSM values, EC2 ids that must exist), conditions and the dependency graph of
 * the resources that will exist; every error here is a ValidationError of the API call itself.
 */
export async function prepareStack(
  ctx: CallContext,
  template: Template,
  input: {
    supplied?: readonly SuppliedParameter[];
    previous?: Record<string, string>;
    stackName: string;
    stackId: string;
    notificationArns: string[];
    principal: Principal;
  },
): Promise<PreparedStack> {
  const values = resolveParameters(template.Parameters, input.supplied, input.previous);
  await resolveSsmParameters(ctx, template, values, input.principal);
  await checkEc2Ids(ctx, template, values);
  const parameters = parameterRefValues(template.Parameters, values);
  const pseudo = pseudoParameters(ctx, input);
  const azs = await availabilityZones(ctx);
  const base: Omit<EvalScope, 'conditions'> = {
    parameters,
    pseudo,
    mappings: template.Mappings,
    resourceRef: () => undefined,
    getAtt: () => null,
    importValue: (name) =>
      findExport(ctx, name)?.value ??
      (() => {
        throw noSuchExport(name);
      })(),
    availabilityZones: (region) =>
      region === ctx.region ? azs : ['a', 'b', 'c'].map((z) => `${region}${z}`),
  };
  const conditions = evaluateConditions(template.Conditions, base);
  const resources = Object.fromEntries(
    Object.entries(template.Resources).filter(
      ([, r]) => r.Condition === undefined || conditions[r.Condition],
    ),
  );
  const inactive = (name: string) => name in template.Resources && !(name in resources);
  const unresolved = new Set<string>();
  for (const r of Object.values(resources)) {
    const refs = referencesOf(r.Properties, conditions);
    [...refs.refs, ...refs.getAtts.map(([t]) => t), ...r.DependsOn]
      .filter(inactive)
      .forEach((n) => unresolved.add(n));
  }
  if (unresolved.size) {
    throw templateFormatError(
      `Unresolved resource dependencies [${[...unresolved].join(', ')}] in the Resources block of the template`,
    );
  }
  for (const o of Object.values(template.Outputs)) {
    if (o.Condition !== undefined && !conditions[o.Condition]) continue;
    const refs = referencesOf([o.Value, o.Export?.Name ?? null], conditions);
    const bad = [...refs.refs, ...refs.getAtts.map(([t]) => t)].filter(inactive);
    if (bad.length)
      throw templateFormatError(
        `Unresolved resource dependencies [${bad.join(', ')}] in the Outputs block of the template`,
      );
  }
  const deps = dependenciesOf(resources, conditions);
  assertAcyclic(deps);
  checkStaticImports(template, { ...base, conditions });
  return { template, parameterValues: values, parameters, pseudo, conditions, resources, deps, azs };
}

/** Fn::ImportValue names that do not depend on resources must name an existing export right away. */
function checkStaticImports(template: Template, scope: EvalScope): void {
  const visit = (v: Json): void => {
    if (Array.isArray(v)) return v.forEach(visit);
    if (!isObject(v)) return;
    const fn = functionOf(v);
    if (fn?.name === 'Fn::ImportValue') {
      let name: Json;
      try {
        name = evaluate(fn.arg, scope);
      } catch {
        return;
      }
      if (typeof name === 'string') scope.importValue(name);
      return;
    }
    Object.values(v).forEach(visit);
  };
  for (const r of Object.values(template.Resources)) visit(r.Properties);
  for (const o of Object.values(template.Outputs)) visit(o.Value);
}

async function resolveSsmParameters(
  ctx: CallContext,
  template: Template,
  values: StackParameterValue[],
  principal: Principal,
): Promise<void> {
  const ssm = values.filter((v) => isSsmValueType(template.Parameters[v.key]?.Type ?? ''));
  if (!ssm.length) return;
  const failed: string[] = [];
  for (const p of ssm) {
    try {
      const out = (await ctx.dispatch(
        'ssm',
        'GetParameter',
        { Name: p.value },
        { invokedBy: CLOUDFORMATION, principal },
      )) as {
        Parameter?: { Value?: string };
      };
      p.resolvedValue = out.Parameter?.Value ?? '';
    } catch (err) {
      if (!isServiceError(err)) throw err;
      failed.push(p.value);
    }
  }
  if (failed.length) {
    throw new ServiceError(
      'ValidationError',
      `Unable to fetch parameters [${failed.join(',')}] from parameter store for this account.`,
    );
  }
}

/** CloudFormation checks that AWS-specific EC2 id parameters name resources that exist. */
async function checkEc2Ids(
  ctx: CallContext,
  template: Template,
  values: StackParameterValue[],
): Promise<void> {
  const describe = {
    vpc: ['DescribeVpcs', 'VpcIds'],
    subnet: ['DescribeSubnets', 'SubnetIds'],
    'security-group': ['DescribeSecurityGroups', 'GroupIds'],
    instance: ['DescribeInstances', 'InstanceIds'],
  } as const;
  for (const p of values) {
    const kind = ec2IdKind(template.Parameters[p.key]?.Type ?? '');
    if (!kind) continue;
    const ids = kind.list
      ? p.value
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean)
      : [p.value];
    const [operation, member] = describe[kind.kind];
    for (const id of ids) {
      try {
        await ctx.dispatch('ec2', operation, { [member]: [id] }, { record: false });
      } catch (err) {
        if (!isServiceError(err)) throw err;
        // Without an EC2 service there is nothing to check against.
        if (err.code === 'InvalidAction' || err.code === 'NotImplemented') return;
        throw new ServiceError(
          'ValidationError',
          `Parameter validation failed: parameter value ${id} for parameter name ${p.key} does not exist`,
        );
      }
    }
  }
}

async function availabilityZones(ctx: CallContext): Promise<string[]> {
  try {
    const out = (await ctx.dispatch('ec2', 'DescribeAvailabilityZones', {}, { record: false })) as {
      AvailabilityZones?: Array<{ ZoneName?: string; State?: string }>;
    };
    const zones = (out.AvailabilityZones ?? [])
      .filter((z) => !z.State || z.State === 'available')
      .map((z) => z.ZoneName ?? '');
    if (zones.length) return zones.filter(Boolean);
  } catch {
    // No EC2 on this range: fall through to the region's conventional zone names.
  }
  return ['a', 'b', 'c'].map((z) => `${ctx.region}${z}`);
}
