/**
 * Roles a request passes to a service. "To pass a role (and its permissions) to an AWS service, a user must
 * have permissions to pass the role to the service" (IAM User Guide, "Grant a user permissions to pass a
 * role to an AWS service"): besides the operation's own action, the caller needs `iam:PassRole` on each
 * role, with `iam:PassedToService` naming the service that receives it. PassRole is a permission only: it
 * is never a call of its own, so CloudTrail records nothing for it.
 *
 * Adding a role to an instance profile needs `iam:PassRole` as well (AddRoleToInstanceProfile API
 * reference), but no service receives the role there, so `iam:PassedToService` is absent.
 */
import type { CallContext } from '../context.js';
import { iamOf, keyOf } from '../services/iam/store.js';

type Input = Record<string, unknown>;

export interface PassedRole {
  /** The role's ARN, as the request named it or as its instance profile holds it. */
  arn: string;
  /** The service principal that receives the role (`iam:PassedToService`), when one does. */
  service?: string;
}

const ROLE_ARN = /^arn:aws[\w-]*:iam::\d{12}:role\/.+$/;

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
const obj = (v: unknown): Input | undefined =>
  v && typeof v === 'object' && !Array.isArray(v) ? (v as Input) : undefined;

/** A role ARN the request names; anything else is left to the operation's own validation. */
function roleArn(v: unknown): string[] {
  const s = str(v);
  return s && ROLE_ARN.test(s) ? [s] : [];
}

/** The role in an instance profile the request names by ARN or name (`IamInstanceProfile: {Arn|Name}`). */
function profileRoles(ctx: CallContext, spec: unknown): string[] {
  const p = obj(spec);
  if (!p) return [];
  const iam = iamOf(ctx);
  const byArn = str(p.Arn);
  const name = byArn ? byArn.slice(byArn.lastIndexOf('/') + 1) : str(p.Name);
  if (!name) return [];
  const profile = iam.instanceProfiles[keyOf(name)];
  if (!profile || (byArn && profile.Arn !== byArn)) return [];
  return profile.roles.flatMap((r) => {
    const role = iam.roles[keyOf(r)];
    return role ? [role.Arn] : [];
  });
}

type Finder = (ctx: CallContext, input: Input) => string[];

interface Passing {
  service?: string;
  roles: Finder;
}

const field =
  (name: string): Finder =>
  (_ctx, input) =>
    roleArn(input[name]);

/** `service:Operation` → the service the role goes to and where the request names it. */
const PASSES: Readonly<Record<string, Passing>> = {
  'lambda:CreateFunction': { service: 'lambda.amazonaws.com', roles: field('Role') },
  'lambda:UpdateFunctionConfiguration': { service: 'lambda.amazonaws.com', roles: field('Role') },
  'ec2:RunInstances': {
    service: 'ec2.amazonaws.com',
    roles: (ctx, input) => profileRoles(ctx, input.IamInstanceProfile),
  },
  'ec2:AssociateIamInstanceProfile': {
    service: 'ec2.amazonaws.com',
    roles: (ctx, input) => profileRoles(ctx, input.IamInstanceProfile),
  },
  'ec2:ReplaceIamInstanceProfileAssociation': {
    service: 'ec2.amazonaws.com',
    roles: (ctx, input) => profileRoles(ctx, input.IamInstanceProfile),
  },
  'ec2:CreateFlowLogs': { service: 'vpc-flow-logs.amazonaws.com', roles: field('DeliverLogsPermissionArn') },
  'cloudformation:CreateStack': { service: 'cloudformation.amazonaws.com', roles: field('RoleARN') },
  'cloudformation:UpdateStack': { service: 'cloudformation.amazonaws.com', roles: field('RoleARN') },
  'cloudformation:CreateChangeSet': { service: 'cloudformation.amazonaws.com', roles: field('RoleARN') },
  'cloudformation:DeleteStack': { service: 'cloudformation.amazonaws.com', roles: field('RoleARN') },
  'events:PutTargets': {
    service: 'events.amazonaws.com',
    roles: (_ctx, input) =>
      (Array.isArray(input.Targets) ? input.Targets : []).flatMap((t) => roleArn(obj(t)?.RoleArn)),
  },
  'ssm:StartAutomationExecution': {
    service: 'ssm.amazonaws.com',
    roles: (_ctx, input) => {
      const value = obj(input.Parameters)?.AutomationAssumeRole;
      return roleArn(Array.isArray(value) ? value[0] : value);
    },
  },
  'config:PutConfigurationRecorder': {
    service: 'config.amazonaws.com',
    roles: (_ctx, input) => roleArn(obj(input.ConfigurationRecorder)?.roleARN),
  },
  'cloudtrail:CreateTrail': { service: 'cloudtrail.amazonaws.com', roles: field('CloudWatchLogsRoleArn') },
  'cloudtrail:UpdateTrail': { service: 'cloudtrail.amazonaws.com', roles: field('CloudWatchLogsRoleArn') },
  'logs:PutSubscriptionFilter': { service: 'logs.amazonaws.com', roles: field('roleArn') },
  'iam:AddRoleToInstanceProfile': {
    roles: (ctx, input) => {
      const name = str(input.RoleName);
      const role = name ? iamOf(ctx).roles[keyOf(name)] : undefined;
      return role ? [role.Arn] : [];
    },
  },
};

/** The roles `service:operation` passes with this input (none for most operations). */
export function passedRoles(
  ctx: CallContext,
  service: string,
  operation: string,
  input: Input,
): PassedRole[] {
  const passing = PASSES[`${service}:${operation}`];
  if (!passing) return [];
  const arns = [...new Set(passing.roles(ctx, input))];
  return arns.map((arn) => (passing.service ? { arn, service: passing.service } : { arn }));
}
