import type {
  AuthorizeSecurityGroupEgressRequest,
  AuthorizeSecurityGroupIngressRequest,
  AuthorizeSecurityGroupIngressResult,
  DescribeSecurityGroupRulesRequest,
  DescribeSecurityGroupRulesResult,
  IpPermission,
  ModifySecurityGroupRulesRequest,
  ModifySecurityGroupRulesResult,
  RevokeSecurityGroupEgressRequest,
  RevokeSecurityGroupIngressRequest,
  RevokeSecurityGroupIngressResult,
} from '@aws-sdk/client-ec2';
import type { CallContext } from '../../../context.js';
import { ServiceError } from '../../../errors.js';
import { applyFilters, applyTagSpecs, page, tagSpecsFor, type FilterTable } from '../query.js';
import { find, invalidParameter, isWellFormed, kinds, malformed, notFound } from '../resources.js';
import {
  describeRule,
  expandPermissions,
  flatPermissions,
  ruleView,
  sameRule,
  type RuleSpec,
} from '../rules.js';
import { ec2Of, type Ec2State, type SecurityGroupRecord, type SgRule } from '../store.js';
import { addRule, groupNamesNeedDefaultVpc } from './security-groups.js';

/** EC2's default quota of rules per group and direction. */
const RULES_PER_DIRECTION = 60;

type RuleRequest = (AuthorizeSecurityGroupIngressRequest | AuthorizeSecurityGroupEgressRequest) & {
  GroupName?: string;
};
type RevokeRequest = (RevokeSecurityGroupIngressRequest | RevokeSecurityGroupEgressRequest) & {
  GroupName?: string;
};

function targetGroup(s: Ec2State, input: { GroupId?: string; GroupName?: string }): SecurityGroupRecord {
  if (input.GroupId !== undefined) return find(s.groups, kinds.group, input.GroupId);
  if (input.GroupName !== undefined) return groupNamesNeedDefaultVpc();
  throw new ServiceError('MissingParameter', 'The request must contain the parameter groupName or groupId');
}

function requestedPermissions(input: RuleRequest | RevokeRequest): IpPermission[] {
  return [...(input.IpPermissions ?? []), ...flatPermissions(input)];
}

function authorize(
  ctx: CallContext,
  input: RuleRequest,
  egress: boolean,
): AuthorizeSecurityGroupIngressResult {
  const s = ec2Of(ctx);
  const group = targetGroup(s, input);
  const specs = expandPermissions(s, group, egress, requestedPermissions(input));
  if (specs.length === 0)
    throw new ServiceError('MissingParameter', 'The request must contain the parameter ipPermissions');
  const tagSpecs = tagSpecsFor(input.TagSpecifications, ['security-group-rule']);
  specs.forEach((spec, i) => {
    if (specs.slice(0, i).some((other) => sameRule(other, spec))) {
      throw invalidParameter('The same permission must not appear multiple times');
    }
    if (group.rules.some((r) => sameRule(r, spec))) {
      throw new ServiceError(
        'InvalidPermission.Duplicate',
        `the specified rule "${describeRule(spec)}" already exists`,
      );
    }
  });
  if (group.rules.filter((r) => r.egress === egress).length + specs.length > RULES_PER_DIRECTION) {
    throw new ServiceError(
      'RulesPerSecurityGroupLimitExceeded',
      'The maximum number of rules per security group has been reached.',
    );
  }
  const added = specs.map((spec) => addRule(group, spec));
  for (const rule of added) applyTagSpecs(s, tagSpecs, 'security-group-rule', rule.id);
  return { Return: true, SecurityGroupRules: added.map((r) => ruleView(s, r, group.ownerId)) };
}

export function authorizeSecurityGroupIngress(ctx: CallContext, input: AuthorizeSecurityGroupIngressRequest) {
  return authorize(ctx, input, false);
}

export function authorizeSecurityGroupEgress(ctx: CallContext, input: AuthorizeSecurityGroupEgressRequest) {
  return authorize(ctx, input, true);
}

function ruleOfGroup(group: SecurityGroupRecord, id: string, egress?: boolean): SgRule {
  if (!isWellFormed(kinds.rule, id)) throw malformed(kinds.rule, id);
  const rule = group.rules.find((r) => r.id === id && (egress === undefined || r.egress === egress));
  if (!rule) throw notFound(kinds.rule, id);
  return rule;
}

/**
 * Revoke by rule id or by rule properties. The range's VPCs are never default VPCs, so a rule that
 * does not match answers InvalidPermission.NotFound and nothing is revoked (a default VPC would
 * answer success with UnknownIpPermissions instead).
 */
function revoke(ctx: CallContext, input: RevokeRequest, egress: boolean): RevokeSecurityGroupIngressResult {
  const s = ec2Of(ctx);
  const group = targetGroup(s, input);
  const doomed = new Set<SgRule>();
  for (const id of input.SecurityGroupRuleIds ?? []) doomed.add(ruleOfGroup(group, id, egress));
  const specs = expandPermissions(s, group, egress, requestedPermissions(input));
  for (const spec of specs) {
    const rule = group.rules.find((r) => sameRule(r, spec));
    if (!rule) {
      throw new ServiceError(
        'InvalidPermission.NotFound',
        'The specified rule does not exist in this security group.',
      );
    }
    doomed.add(rule);
  }
  if (doomed.size === 0)
    throw new ServiceError('MissingParameter', 'The request must contain the parameter ipPermissions');
  group.rules = group.rules.filter((r) => !doomed.has(r));
  for (const r of doomed) delete s.tags[r.id];
  return {
    Return: true,
    RevokedSecurityGroupRules: [...doomed].map((r) => ({
      SecurityGroupRuleId: r.id,
      GroupId: group.id,
      IsEgress: r.egress,
      IpProtocol: r.protocol,
      FromPort: r.fromPort,
      ToPort: r.toPort,
      CidrIpv4: r.cidrIpv4,
      CidrIpv6: r.cidrIpv6,
      PrefixListId: r.prefixListId,
      ReferencedSecurityGroupId: r.refGroupId,
      Description: r.description,
    })),
  };
}

export function revokeSecurityGroupIngress(ctx: CallContext, input: RevokeSecurityGroupIngressRequest) {
  return revoke(ctx, input, false);
}

export function revokeSecurityGroupEgress(ctx: CallContext, input: RevokeSecurityGroupEgressRequest) {
  return revoke(ctx, input, true);
}

const ruleFilters: FilterTable<SgRule> = {
  'group-id': (r) => r.groupId,
  'security-group-rule-id': (r) => r.id,
};

export function describeSecurityGroupRules(
  ctx: CallContext,
  input: DescribeSecurityGroupRulesRequest,
): DescribeSecurityGroupRulesResult {
  const s = ec2Of(ctx);
  const all = Object.values(s.groups).flatMap((g) => g.rules);
  let rules = all;
  if (input.SecurityGroupRuleIds?.length) {
    rules = input.SecurityGroupRuleIds.map((id) => {
      if (!isWellFormed(kinds.rule, id)) throw malformed(kinds.rule, id);
      const rule = all.find((r) => r.id === id);
      if (!rule) throw notFound(kinds.rule, id);
      return rule;
    });
  }
  const selected = applyFilters(s, rules, input.Filters, ruleFilters);
  const { page: items, nextToken } = page(selected, input, { min: 5, max: 1000 }, [
    input.SecurityGroupRuleIds,
    input.Filters,
  ]);
  return {
    SecurityGroupRules: items.map((r) => ruleView(s, r, s.groups[r.groupId]?.ownerId ?? ctx.accountId)),
    NextToken: nextToken,
  };
}

/** Replace rules' definitions in place: same id, same direction, new protocol/ports/peer/description. */
export function modifySecurityGroupRules(
  ctx: CallContext,
  input: ModifySecurityGroupRulesRequest,
): ModifySecurityGroupRulesResult {
  const s = ec2Of(ctx);
  const group = find(s.groups, kinds.group, input.GroupId);
  const changes: Array<{ rule: SgRule; spec: RuleSpec }> = [];
  for (const update of input.SecurityGroupRules ?? []) {
    const rule = ruleOfGroup(group, update.SecurityGroupRuleId ?? '');
    const def = update.SecurityGroupRule ?? {};
    const peers = [def.CidrIpv4, def.CidrIpv6, def.PrefixListId, def.ReferencedGroupId].filter(
      (p) => p !== undefined,
    );
    if (peers.length !== 1) {
      throw invalidParameter(
        'A security group rule must specify exactly one of CidrIpv4, CidrIpv6, PrefixListId or ReferencedGroupId.',
      );
    }
    const permission: IpPermission = {
      IpProtocol: def.IpProtocol,
      FromPort: def.FromPort,
      ToPort: def.ToPort,
      IpRanges:
        def.CidrIpv4 !== undefined ? [{ CidrIp: def.CidrIpv4, Description: def.Description }] : undefined,
      Ipv6Ranges:
        def.CidrIpv6 !== undefined ? [{ CidrIpv6: def.CidrIpv6, Description: def.Description }] : undefined,
      PrefixListIds:
        def.PrefixListId !== undefined
          ? [{ PrefixListId: def.PrefixListId, Description: def.Description }]
          : undefined,
      UserIdGroupPairs:
        def.ReferencedGroupId !== undefined
          ? [{ GroupId: def.ReferencedGroupId, Description: def.Description }]
          : undefined,
    };
    const [spec] = expandPermissions(s, group, rule.egress, [permission]);
    if (!spec) throw invalidParameter('The security group rule definition is empty.');
    if (group.rules.some((r) => r !== rule && sameRule(r, spec))) {
      throw new ServiceError(
        'InvalidPermission.Duplicate',
        `the specified rule "${describeRule(spec)}" already exists`,
      );
    }
    changes.push({ rule, spec });
  }
  for (const { rule, spec } of changes) {
    const { id, groupId } = rule;
    for (const key of Object.keys(rule)) delete (rule as unknown as Record<string, unknown>)[key];
    Object.assign(rule, spec, { id, groupId });
  }
  return { Return: true };
}
