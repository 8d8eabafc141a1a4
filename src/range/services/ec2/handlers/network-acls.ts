import type {
  CreateNetworkAclEntryRequest,
  CreateNetworkAclRequest,
  CreateNetworkAclResult,
  DeleteNetworkAclEntryRequest,
  DeleteNetworkAclRequest,
  DescribeNetworkAclsRequest,
  DescribeNetworkAclsResult,
  NetworkAcl,
  NetworkAclEntry,
  ReplaceNetworkAclAssociationRequest,
  ReplaceNetworkAclAssociationResult,
  ReplaceNetworkAclEntryRequest,
} from '@aws-sdk/client-ec2';
import type { CallContext } from '../../../context.js';
import { ServiceError } from '../../../errors.js';
import { ec2Id } from '../../../ids.js';
import { isIpv6Cidr, parseCidr4 } from '../cidr.js';
import { applyFilters, applyTagSpecs, page, tagSpecsFor, tagsOf, type FilterTable } from '../query.js';
import {
  dependencyViolation,
  find,
  invalidParameter,
  kinds,
  missingParameter,
  selectByIds,
} from '../resources.js';
import {
  ec2Of,
  type AclEntryRecord,
  type Ec2State,
  type NetworkAclRecord,
  type SubnetRecord,
} from '../store.js';
import { record } from '../../../records.js';

/** The rule every ACL ends with, which no one can change: anything not allowed above is denied. */
const LAST_RULE = 32767;

function catchAll(egress: boolean, action: 'allow' | 'deny', ruleNumber: number): AclEntryRecord {
  return { ruleNumber, egress, protocol: '-1', action, cidr: '0.0.0.0/0' };
}

/** A default ACL allows everything both ways (rule 100); a new custom ACL denies everything. */
export function createAcl(
  ctx: CallContext,
  s: Ec2State,
  vpcId: string,
  isDefault: boolean,
): NetworkAclRecord {
  const entries = [catchAll(true, 'deny', LAST_RULE), catchAll(false, 'deny', LAST_RULE)];
  if (isDefault) entries.unshift(catchAll(true, 'allow', 100), catchAll(false, 'allow', 100));
  const acl: NetworkAclRecord = {
    id: ec2Id('acl'),
    vpcId,
    isDefault,
    ownerId: ctx.accountId,
    entries,
    associations: [],
  };
  s.acls[acl.id] = acl;
  return acl;
}

/** A new subnet belongs to its VPC's default ACL. */
export function associateWithDefaultAcl(s: Ec2State, subnet: SubnetRecord): void {
  const acl = Object.values(s.acls).find((a) => a.vpcId === subnet.vpcId && a.isDefault);
  acl?.associations.push({ id: ec2Id('aclassoc'), subnetId: subnet.id });
}

export function dropSubnetAclAssociation(s: Ec2State, subnetId: string): void {
  for (const acl of Object.values(s.acls))
    acl.associations = acl.associations.filter((a) => a.subnetId !== subnetId);
}

function sortEntries(entries: AclEntryRecord[]): AclEntryRecord[] {
  return [...entries].sort((a, b) => Number(b.egress) - Number(a.egress) || a.ruleNumber - b.ruleNumber);
}

function entryView(e: AclEntryRecord): NetworkAclEntry {
  return {
    CidrBlock: e.cidr,
    Egress: e.egress,
    IcmpTypeCode: e.icmpType !== undefined ? { Type: e.icmpType, Code: e.icmpCode } : undefined,
    Ipv6CidrBlock: e.ipv6Cidr,
    PortRange: e.portFrom !== undefined ? { From: e.portFrom, To: e.portTo } : undefined,
    Protocol: e.protocol,
    RuleAction: e.action,
    RuleNumber: e.ruleNumber,
  };
}

function aclView(s: Ec2State, a: NetworkAclRecord): NetworkAcl {
  return {
    Associations: a.associations.map((x) => ({
      NetworkAclAssociationId: x.id,
      NetworkAclId: a.id,
      SubnetId: x.subnetId,
    })),
    Entries: sortEntries(a.entries).map(entryView),
    IsDefault: a.isDefault,
    NetworkAclId: a.id,
    Tags: tagsOf(s, a.id) ?? [],
    VpcId: a.vpcId,
    OwnerId: a.ownerId,
  };
}

export function createNetworkAcl(ctx: CallContext, input: CreateNetworkAclRequest): CreateNetworkAclResult {
  const s = ec2Of(ctx);
  const vpc = find(s.vpcs, kinds.vpc, input.VpcId);
  const specs = tagSpecsFor(input.TagSpecifications, ['network-acl']);
  const acl = createAcl(ctx, s, vpc.id, false);
  applyTagSpecs(s, specs, 'network-acl', acl.id);
  return { NetworkAcl: aclView(s, acl), ClientToken: input.ClientToken };
}

export function deleteNetworkAcl(ctx: CallContext, input: DeleteNetworkAclRequest): Record<string, never> {
  const s = ec2Of(ctx);
  const acl = find(s.acls, kinds.acl, input.NetworkAclId);
  if (acl.isDefault) throw invalidParameter(`cannot delete default network ACL ${acl.id}`);
  if (acl.associations.length)
    throw dependencyViolation(`The networkAcl '${acl.id}' has dependencies and cannot be deleted.`);
  delete s.acls[acl.id];
  delete s.tags[acl.id];
  return {};
}

const protocolNumbers: Record<string, string> = record({
  all: '-1',
  '-1': '-1',
  tcp: '6',
  udp: '17',
  icmp: '1',
  icmpv6: '58',
});
const protocolNames: Record<string, string> = record({
  '6': 'tcp',
  '17': 'udp',
  '1': 'icmp',
  '58': 'icmpv6',
  '-1': 'all',
});

function entryFrom(input: CreateNetworkAclEntryRequest): AclEntryRecord {
  const n = input.RuleNumber ?? 0;
  if (!Number.isInteger(n) || n < 1 || n > 32766) {
    throw invalidParameter(
      `Value (${n}) for parameter ruleNumber is invalid. The rule number must be between 1 and 32766.`,
    );
  }
  const raw = (input.Protocol ?? '').toLowerCase();
  const protocol =
    protocolNumbers[raw] ?? (/^\d{1,3}$/.test(raw) && Number(raw) <= 255 ? String(Number(raw)) : undefined);
  if (protocol === undefined)
    throw invalidParameter(`Invalid value '${input.Protocol ?? ''}' for protocol. Unknown protocol.`);
  const action = input.RuleAction;
  if (action !== 'allow' && action !== 'deny') {
    throw invalidParameter(
      `Value (${action ?? ''}) for parameter ruleAction is invalid. Valid values are allow and deny.`,
    );
  }
  if (input.CidrBlock === undefined && input.Ipv6CidrBlock === undefined) {
    throw new ServiceError(
      'MissingParameter',
      'The request must contain the parameter cidrBlock or ipv6CidrBlock',
    );
  }
  if (input.CidrBlock !== undefined && !parseCidr4(input.CidrBlock)) {
    throw invalidParameter(
      `Value (${input.CidrBlock}) for parameter cidrBlock is invalid. This is not a valid CIDR block.`,
    );
  }
  if (input.Ipv6CidrBlock !== undefined && !isIpv6Cidr(input.Ipv6CidrBlock)) {
    throw invalidParameter(
      `Value (${input.Ipv6CidrBlock}) for parameter ipv6CidrBlock is invalid. This is not a valid CIDR block.`,
    );
  }
  const entry: AclEntryRecord = {
    ruleNumber: n,
    egress: input.Egress ?? false,
    protocol,
    action,
    cidr: input.CidrBlock,
    ipv6Cidr: input.Ipv6CidrBlock,
  };
  if (protocol === '6' || protocol === '17') {
    const { From, To } = input.PortRange ?? {};
    if (From === undefined || To === undefined) throw missingParameter('portRange');
    if (From < 0 || To > 65535 || From > To)
      throw invalidParameter(`Invalid value '${From}-${To}' for portRange.`);
    Object.assign(entry, { portFrom: From, portTo: To });
  }
  if (protocol === '1' || protocol === '58') {
    if (input.IcmpTypeCode?.Type === undefined) throw missingParameter('icmpTypeCode');
    Object.assign(entry, { icmpType: input.IcmpTypeCode.Type, icmpCode: input.IcmpTypeCode.Code ?? -1 });
  }
  return entry;
}

function entryIndex(
  acl: NetworkAclRecord,
  ruleNumber: number | undefined,
  egress: boolean | undefined,
): number {
  return acl.entries.findIndex((e) => e.ruleNumber === ruleNumber && e.egress === (egress ?? false));
}

export function createNetworkAclEntry(
  ctx: CallContext,
  input: CreateNetworkAclEntryRequest,
): Record<string, never> {
  const s = ec2Of(ctx);
  const acl = find(s.acls, kinds.acl, input.NetworkAclId);
  const entry = entryFrom(input);
  if (entryIndex(acl, entry.ruleNumber, entry.egress) >= 0) {
    throw new ServiceError(
      'NetworkAclEntryAlreadyExists',
      `The network acl entry identified by ${entry.ruleNumber} already exists.`,
    );
  }
  acl.entries.push(entry);
  return {};
}

function missingEntry(n: number | undefined): ServiceError {
  return new ServiceError(
    'InvalidNetworkAclEntry.NotFound',
    `The network acl entry identified by ${n ?? ''} does not exist.`,
  );
}

export function replaceNetworkAclEntry(
  ctx: CallContext,
  input: ReplaceNetworkAclEntryRequest,
): Record<string, never> {
  const s = ec2Of(ctx);
  const acl = find(s.acls, kinds.acl, input.NetworkAclId);
  const entry = entryFrom(input);
  const i = entryIndex(acl, entry.ruleNumber, entry.egress);
  if (i < 0) throw missingEntry(entry.ruleNumber);
  acl.entries[i] = entry;
  return {};
}

export function deleteNetworkAclEntry(
  ctx: CallContext,
  input: DeleteNetworkAclEntryRequest,
): Record<string, never> {
  const s = ec2Of(ctx);
  const acl = find(s.acls, kinds.acl, input.NetworkAclId);
  const i = entryIndex(acl, input.RuleNumber, input.Egress);
  if (input.RuleNumber === LAST_RULE)
    throw invalidParameter(`The default rule ${LAST_RULE} cannot be deleted.`);
  if (i < 0) throw missingEntry(input.RuleNumber);
  acl.entries.splice(i, 1);
  return {};
}

export function replaceNetworkAclAssociation(
  ctx: CallContext,
  input: ReplaceNetworkAclAssociationRequest,
): ReplaceNetworkAclAssociationResult {
  const s = ec2Of(ctx);
  const current = Object.values(s.acls).find((a) => a.associations.some((x) => x.id === input.AssociationId));
  const association = current?.associations.find((x) => x.id === input.AssociationId);
  if (!current || !association) {
    throw new ServiceError(
      'InvalidAssociationID.NotFound',
      `The association ID '${input.AssociationId ?? ''}' does not exist`,
    );
  }
  const target = find(s.acls, kinds.acl, input.NetworkAclId);
  if (target.vpcId !== current.vpcId) {
    throw invalidParameter(
      `Network ACL ${target.id} and subnet ${association.subnetId} belong to different networks.`,
    );
  }
  current.associations = current.associations.filter((x) => x !== association);
  const moved = { id: ec2Id('aclassoc'), subnetId: association.subnetId };
  target.associations.push(moved);
  return { NewAssociationId: moved.id };
}

const over = (pick: (e: AclEntryRecord) => string | number | boolean | undefined) => (a: NetworkAclRecord) =>
  a.entries.map(pick);

const aclFilters: FilterTable<NetworkAclRecord> = {
  'network-acl-id': (a) => a.id,
  'vpc-id': (a) => a.vpcId,
  default: (a) => a.isDefault,
  'owner-id': (a) => a.ownerId,
  'association.subnet-id': (a) => a.associations.map((x) => x.subnetId),
  'association.association-id': (a) => a.associations.map((x) => x.id),
  'association.network-acl-id': (a) => (a.associations.length ? a.id : undefined),
  'entry.cidr': over((e) => e.cidr),
  'entry.ipv6-cidr': over((e) => e.ipv6Cidr),
  'entry.egress': over((e) => e.egress),
  'entry.protocol': (a) => a.entries.flatMap((e) => [e.protocol, protocolNames[e.protocol]]),
  'entry.rule-action': over((e) => e.action),
  'entry.rule-number': over((e) => e.ruleNumber),
  'entry.port-range.from': over((e) => e.portFrom),
  'entry.port-range.to': over((e) => e.portTo),
  'entry.icmp.type': over((e) => e.icmpType),
  'entry.icmp.code': over((e) => e.icmpCode),
};

export function describeNetworkAcls(
  ctx: CallContext,
  input: DescribeNetworkAclsRequest,
): DescribeNetworkAclsResult {
  const s = ec2Of(ctx);
  const selected = applyFilters(
    s,
    selectByIds(s.acls, kinds.acl, input.NetworkAclIds),
    input.Filters,
    aclFilters,
  );
  const { page: items, nextToken } = page(selected, input, { min: 5, max: 1000 }, [
    input.NetworkAclIds,
    input.Filters,
  ]);
  return { NetworkAcls: items.map((a) => aclView(s, a)), NextToken: nextToken };
}
