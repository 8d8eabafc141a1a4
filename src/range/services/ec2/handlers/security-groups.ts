import type {
  CreateSecurityGroupRequest,
  CreateSecurityGroupResult,
  DeleteSecurityGroupRequest,
  DescribeSecurityGroupsRequest,
  DescribeSecurityGroupsResult,
  SecurityGroup,
} from '@aws-sdk/client-ec2';
import type { CallContext } from '../../../context.js';
import { ServiceError } from '../../../errors.js';
import { ec2Id } from '../../../ids.js';
import {
  applyFilters,
  applyTagSpecs,
  page,
  tagSpecsFor,
  tagsOf,
  type FilterTable,
  type FilterValue,
} from '../query.js';
import {
  dependencyViolation,
  find,
  invalidParameter,
  kinds,
  noDefaultVpc,
  selectByIds,
} from '../resources.js';
import { permissionsOf, type RuleSpec } from '../rules.js';
import { ec2Of, type Ec2State, type SecurityGroupRecord, type SgRule } from '../store.js';
import { record } from '../../../records.js';

export function addRule(group: SecurityGroupRecord, spec: RuleSpec): SgRule {
  const rule: SgRule = { id: ec2Id('sgr'), groupId: group.id, ...spec };
  group.rules.push(rule);
  return rule;
}

function newGroup(
  s: Ec2State,
  name: string,
  description: string,
  vpcId: string,
  ownerId: string,
): SecurityGroupRecord {
  const group: SecurityGroupRecord = { id: ec2Id('sg'), name, description, vpcId, ownerId, rules: [] };
  s.groups[group.id] = group;
  // Every new group may send anything anywhere until someone revokes it.
  addRule(group, { egress: true, protocol: '-1', cidrIpv4: '0.0.0.0/0' });
  return group;
}

/** A VPC's `default` group: members may talk to each other; everything may go out. */
export function createDefaultGroup(ctx: CallContext, s: Ec2State, vpcId: string): SecurityGroupRecord {
  const group = newGroup(s, 'default', 'default VPC security group', vpcId, ctx.accountId);
  addRule(group, { egress: false, protocol: '-1', refGroupId: group.id, refUserId: ctx.accountId });
  return group;
}

export function defaultGroupOf(s: Ec2State, vpcId: string): SecurityGroupRecord | undefined {
  return Object.values(s.groups).find((g) => g.vpcId === vpcId && g.name === 'default');
}

export function createSecurityGroup(
  ctx: CallContext,
  input: CreateSecurityGroupRequest,
): CreateSecurityGroupResult {
  const s = ec2Of(ctx);
  const name = input.GroupName ?? '';
  const description = input.Description ?? '';
  if (input.VpcId === undefined) throw noDefaultVpc();
  const vpc = find(s.vpcs, kinds.vpc, input.VpcId);
  if (name.length === 0 || name.length > 255) {
    throw invalidParameter(
      `Value (${name}) for parameter GroupName is invalid. Length must be between 1 and 255 characters.`,
    );
  }
  if (name.toLowerCase().startsWith('sg-')) {
    throw invalidParameter(
      `Value (${name}) for parameter GroupName is invalid. Group names may not be in the format sg-*.`,
    );
  }
  if (name === 'default')
    throw new ServiceError('InvalidGroup.Reserved', `The security group 'default' is reserved`);
  if (description.length > 255 || !/^[\x20-\x7e]*$/.test(description)) {
    throw invalidParameter(
      `Value (${description}) for parameter GroupDescription is invalid. Character sets beyond ASCII are not supported.`,
    );
  }
  if (Object.values(s.groups).some((g) => g.vpcId === vpc.id && g.name === name)) {
    throw new ServiceError(
      'InvalidGroup.Duplicate',
      `The security group '${name}' already exists for VPC '${vpc.id}'`,
    );
  }
  const specs = tagSpecsFor(input.TagSpecifications, ['security-group']);
  const group = newGroup(s, name, description, vpc.id, ctx.accountId);
  applyTagSpecs(s, specs, 'security-group', group.id);
  return { GroupId: group.id, Tags: tagsOf(s, group.id) };
}

/** Group names stand for groups of the default VPC only, and the range has none (see store.ts). */
export function groupNamesNeedDefaultVpc(): never {
  throw noDefaultVpc();
}

export function deleteSecurityGroup(
  ctx: CallContext,
  input: DeleteSecurityGroupRequest,
): Record<string, never> {
  const s = ec2Of(ctx);
  if (input.GroupId === undefined && input.GroupName === undefined) {
    throw new ServiceError('MissingParameter', 'The request must contain the parameter groupName or groupId');
  }
  const group =
    input.GroupId !== undefined ? find(s.groups, kinds.group, input.GroupId) : groupNamesNeedDefaultVpc();
  if (group.name === 'default') {
    throw new ServiceError(
      'CannotDelete',
      `the specified group: "${group.id}" name: "default" cannot be deleted by a user`,
    );
  }
  const referenced = Object.values(s.groups).some(
    (g) => g.id !== group.id && g.rules.some((r) => r.refGroupId === group.id),
  );
  const inUse = Object.values(s.instances).some(
    (i) => i.state !== 'terminated' && i.groupIds.includes(group.id),
  );
  if (referenced || inUse) throw dependencyViolation(`resource ${group.id} has a dependent object`);
  for (const r of group.rules) delete s.tags[r.id];
  delete s.groups[group.id];
  delete s.tags[group.id];
  return {};
}

export function groupView(s: Ec2State, g: SecurityGroupRecord): SecurityGroup {
  return {
    Description: g.description,
    GroupName: g.name,
    IpPermissions: permissionsOf(g.rules.filter((r) => !r.egress)),
    OwnerId: g.ownerId,
    GroupId: g.id,
    IpPermissionsEgress: permissionsOf(g.rules.filter((r) => r.egress)),
    Tags: tagsOf(s, g.id),
    VpcId: g.vpcId,
  };
}

const protocolAliases: Record<string, string> = record({ tcp: '6', udp: '17', icmp: '1', icmpv6: '58' });

/** The `ip-permission.*` (or `egress.ip-permission.*`) filters: each matches when any one rule does. */
function permissionFilters(s: Ec2State, prefix: string, egress: boolean): FilterTable<SecurityGroupRecord> {
  const over = (pick: (r: SgRule) => FilterValue | FilterValue[]) => (g: SecurityGroupRecord) =>
    g.rules.filter((r) => r.egress === egress).flatMap((r) => pick(r));
  return {
    [`${prefix}.cidr`]: over((r) => r.cidrIpv4),
    [`${prefix}.ipv6-cidr`]: over((r) => r.cidrIpv6),
    [`${prefix}.from-port`]: over((r) => r.fromPort),
    [`${prefix}.to-port`]: over((r) => r.toPort),
    [`${prefix}.protocol`]: over((r) => [r.protocol, protocolAliases[r.protocol]]),
    [`${prefix}.group-id`]: over((r) => r.refGroupId),
    [`${prefix}.group-name`]: over((r) => (r.refGroupId ? s.groups[r.refGroupId]?.name : undefined)),
    [`${prefix}.prefix-list-id`]: over((r) => r.prefixListId),
    [`${prefix}.user-id`]: over((r) => r.refUserId),
  };
}

export function describeSecurityGroups(
  ctx: CallContext,
  input: DescribeSecurityGroupsRequest,
): DescribeSecurityGroupsResult {
  const s = ec2Of(ctx);
  if (input.GroupNames?.length) groupNamesNeedDefaultVpc();
  const groups = selectByIds(s.groups, kinds.group, input.GroupIds);
  const table: FilterTable<SecurityGroupRecord> = {
    'group-id': (g) => g.id,
    'group-name': (g) => g.name,
    description: (g) => g.description,
    'vpc-id': (g) => g.vpcId,
    'owner-id': (g) => g.ownerId,
    ...permissionFilters(s, 'ip-permission', false),
    ...permissionFilters(s, 'egress.ip-permission', true),
  };
  const selected = applyFilters(s, groups, input.Filters, table);
  const { page: items, nextToken } = page(selected, input, { min: 5, max: 1000 }, [
    input.GroupIds,
    input.GroupNames,
    input.Filters,
  ]);
  return { SecurityGroups: items.map((g) => groupView(s, g)), NextToken: nextToken };
}
