import type { EventResource, Handler, ServiceDefinition } from '../../context.js';
import { ServiceError } from '../../errors.js';
import { isReadOnly } from '../../recorder.js';
import * as consoleOutput from './handlers/console-output.js';
import * as flowLogs from './handlers/flow-logs.js';
import * as profiles from './handlers/iam-profiles.js';
import * as actions from './handlers/instance-actions.js';
import * as instances from './handlers/instances.js';
import * as gateways from './handlers/internet-gateways.js';
import * as keyPairs from './handlers/key-pairs.js';
import * as metadata from './handlers/metadata-options.js';
import * as acls from './handlers/network-acls.js';
import * as enis from './handlers/network-interfaces.js';
import * as routes from './handlers/route-tables.js';
import * as rules from './handlers/security-group-rules.js';
import * as regions from './handlers/regions.js';
import * as groups from './handlers/security-groups.js';
import * as snapshots from './handlers/snapshots.js';
import * as tags from './handlers/tags.js';
import * as attributes from './handlers/vpc-attributes.js';
import * as volumes from './handlers/volumes.js';
import * as vpcs from './handlers/vpcs.js';
import { kindOfId } from './resources.js';
import { ec2State } from './store.js';
import { ec2TrailParameters } from './trail.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyHandler = Handler<any, any>;

const handlers: Record<string, AnyHandler> = {
  CreateVpc: vpcs.createVpc,
  DeleteVpc: vpcs.deleteVpc,
  DescribeVpcs: vpcs.describeVpcs,
  CreateSubnet: vpcs.createSubnet,
  DeleteSubnet: vpcs.deleteSubnet,
  DescribeSubnets: vpcs.describeSubnets,
  ModifyVpcAttribute: attributes.modifyVpcAttribute,
  DescribeVpcAttribute: attributes.describeVpcAttribute,
  ModifySubnetAttribute: attributes.modifySubnetAttribute,
  DescribeAvailabilityZones: attributes.describeAvailabilityZones,
  DescribeNetworkInterfaces: enis.describeNetworkInterfaces,
  ModifyNetworkInterfaceAttribute: enis.modifyNetworkInterfaceAttribute,
  DescribeRegions: regions.describeRegions,
  DescribeAddresses: regions.describeAddresses,
  CreateSecurityGroup: groups.createSecurityGroup,
  DeleteSecurityGroup: groups.deleteSecurityGroup,
  DescribeSecurityGroups: groups.describeSecurityGroups,
  AuthorizeSecurityGroupIngress: rules.authorizeSecurityGroupIngress,
  AuthorizeSecurityGroupEgress: rules.authorizeSecurityGroupEgress,
  RevokeSecurityGroupIngress: rules.revokeSecurityGroupIngress,
  RevokeSecurityGroupEgress: rules.revokeSecurityGroupEgress,
  DescribeSecurityGroupRules: rules.describeSecurityGroupRules,
  ModifySecurityGroupRules: rules.modifySecurityGroupRules,
  CreateNetworkAcl: acls.createNetworkAcl,
  DeleteNetworkAcl: acls.deleteNetworkAcl,
  DescribeNetworkAcls: acls.describeNetworkAcls,
  CreateNetworkAclEntry: acls.createNetworkAclEntry,
  ReplaceNetworkAclEntry: acls.replaceNetworkAclEntry,
  DeleteNetworkAclEntry: acls.deleteNetworkAclEntry,
  ReplaceNetworkAclAssociation: acls.replaceNetworkAclAssociation,
  RunInstances: instances.runInstances,
  DescribeInstances: instances.describeInstances,
  DescribeInstanceStatus: actions.describeInstanceStatus,
  StopInstances: actions.stopInstances,
  StartInstances: actions.startInstances,
  TerminateInstances: actions.terminateInstances,
  ModifyInstanceAttribute: actions.modifyInstanceAttribute,
  DescribeInstanceAttribute: actions.describeInstanceAttribute,
  ModifyInstanceMetadataOptions: metadata.modifyInstanceMetadataOptions,
  GetConsoleOutput: consoleOutput.getConsoleOutput,
  AssociateIamInstanceProfile: profiles.associateIamInstanceProfile,
  ReplaceIamInstanceProfileAssociation: profiles.replaceIamInstanceProfileAssociation,
  DisassociateIamInstanceProfile: profiles.disassociateIamInstanceProfile,
  DescribeIamInstanceProfileAssociations: profiles.describeIamInstanceProfileAssociations,
  CreateKeyPair: keyPairs.createKeyPair,
  ImportKeyPair: keyPairs.importKeyPair,
  DescribeKeyPairs: keyPairs.describeKeyPairs,
  DeleteKeyPair: keyPairs.deleteKeyPair,
  CreateTags: tags.createTags,
  DeleteTags: tags.deleteTags,
  DescribeTags: tags.describeTags,
  CreateFlowLogs: flowLogs.createFlowLogs,
  DescribeFlowLogs: flowLogs.describeFlowLogs,
  DeleteFlowLogs: flowLogs.deleteFlowLogs,
  DescribeVolumes: snapshots.describeVolumes,
  CreateVolume: volumes.createVolume,
  DeleteVolume: volumes.deleteVolume,
  CreateSnapshot: snapshots.createSnapshot,
  DescribeSnapshots: snapshots.describeSnapshots,
  ModifySnapshotAttribute: snapshots.modifySnapshotAttribute,
  DescribeSnapshotAttribute: snapshots.describeSnapshotAttribute,
  ResetSnapshotAttribute: snapshots.resetSnapshotAttribute,
  DeleteSnapshot: snapshots.deleteSnapshot,
  CreateInternetGateway: gateways.createInternetGateway,
  DeleteInternetGateway: gateways.deleteInternetGateway,
  DescribeInternetGateways: gateways.describeInternetGateways,
  AttachInternetGateway: gateways.attachInternetGateway,
  DetachInternetGateway: gateways.detachInternetGateway,
  CreateRouteTable: routes.createRouteTableHandler,
  DeleteRouteTable: routes.deleteRouteTable,
  DescribeRouteTables: routes.describeRouteTables,
  CreateRoute: routes.createRoute,
  DeleteRoute: routes.deleteRoute,
  AssociateRouteTable: routes.associateRouteTable,
  DisassociateRouteTable: routes.disassociateRouteTable,
};

/**
 * `DryRun: true` never changes anything: EC2 answers DryRunOperation (412) where the caller would have
 * been allowed. The range allows everyone, so every dry run answers that.
 */
function withDryRun(handler: AnyHandler): AnyHandler {
  return (ctx, input: { DryRun?: boolean }) => {
    if (input?.DryRun === true) {
      throw new ServiceError('DryRunOperation', 'Request would have succeeded, but DryRun flag is set.', 412);
    }
    return handler(ctx, input);
  };
}

/**
 * LookupEvents resources: every EC2 id a call names (and, for calls that change something, every id
 * it answers with, such as CreateSecurityGroup's GroupId or RunInstances' instance ids). EC2 ids say
 * what they are, so the prefix gives the resource type.
 */
function ec2Resources(operation: string, input: Record<string, unknown>, output: unknown): EventResource[] {
  const out: EventResource[] = [];
  const seen = new Set<string>();
  const visit = (value: unknown, depth: number, key?: string) => {
    if (depth > 6 || key === 'Filters' || key === 'Filter') return;
    if (typeof value === 'string') {
      const kind = kindOfId(value);
      if (kind && !seen.has(value)) {
        seen.add(value);
        out.push({ ResourceType: kind.trailType, ResourceName: value });
      }
    } else if (Array.isArray(value)) {
      for (const v of value) visit(v, depth + 1);
    } else if (value && typeof value === 'object' && !(value instanceof Date) && !Buffer.isBuffer(value)) {
      for (const [k, v] of Object.entries(value)) visit(v, depth + 1, k);
    }
  };
  visit(input, 0);
  if (!isReadOnly(operation)) visit(output, 0);
  return out;
}

export const ec2Service: ServiceDefinition = {
  name: 'ec2',
  eventSource: 'ec2.amazonaws.com',
  handlers: Object.fromEntries(Object.entries(handlers).map(([op, h]) => [op, withDryRun(h)])),
  resources: ec2Resources,
  trailParameters: ec2TrailParameters,
  // aws:ResourceTag/<key> for IAM conditions: the tags of the instance, group, volume... an ARN names.
  resourceTags(ctx, arn) {
    const id = arn.slice(arn.lastIndexOf('/') + 1);
    const s = ctx.state(ec2State);
    return Object.hasOwn(s.tags, id) ? s.tags[id] : undefined;
  },
};
