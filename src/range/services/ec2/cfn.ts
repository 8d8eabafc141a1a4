import type {
  AuthorizeSecurityGroupIngressResult,
  CreateFlowLogsResult,
  CreateInternetGatewayResult,
  CreateNetworkAclResult,
  CreateRouteTableResult,
  CreateSecurityGroupResult,
  CreateSubnetResult,
  CreateVpcResult,
  DescribeNetworkAclsResult,
  DescribeSecurityGroupsResult,
  DescribeSubnetsResult,
  DescribeTagsResult,
  HttpTokensState,
  InstanceMetadataEndpointState,
  InstanceMetadataProtocolState,
  InstanceMetadataTagsState,
  IpPermission,
  Reservation,
  DescribeInstancesResult,
  ReplaceNetworkAclAssociationResult,
  AssociateRouteTableResult,
  TagSpecification,
  _InstanceType,
  ResourceType,
} from '@aws-sdk/client-ec2';
import type {
  Attributes,
  CurrentResource,
  Properties,
  ProviderContext,
  ResourceProvider,
} from '../cloudformation/provider.js';
import { volume } from './cfn-volumes.js';

// CloudFormation's AWS::EC2::* types, each driven through the range's EC2 API (see cloudformation/provider.ts).

function tagSpecs(ctx: ProviderContext, type: string, props: Properties): TagSpecification[] | undefined {
  const tags = ctx.tags(props.tags(), { systemFor: 'ec2' });
  return tags.length ? [{ ResourceType: type as ResourceType, Tags: tags }] : undefined;
}

/** Bring an EC2 resource's tags to what the template says, leaving AWS's own keys alone. */
async function syncTags(ctx: ProviderContext, id: string, props: Properties): Promise<void> {
  const desired = ctx.tags(props.tags(), { systemFor: 'ec2' });
  const out = await ctx.call<DescribeTagsResult>('ec2', 'DescribeTags', {
    Filters: [{ Name: 'resource-id', Values: [id] }],
  });
  const wanted = new Set(desired.map((t) => t.Key));
  const stale = (out.Tags ?? []).filter((t) => !wanted.has(t.Key ?? '') && !(t.Key ?? '').startsWith('aws:'));
  if (stale.length)
    await ctx.call('ec2', 'DeleteTags', { Resources: [id], Tags: stale.map((t) => ({ Key: t.Key })) });
  if (desired.length) await ctx.call('ec2', 'CreateTags', { Resources: [id], Tags: desired });
}

const TAGS_ONLY = { properties: ['Tags'], replaceOn: [] as string[] };

/** A resource whose only in-place change is its tags. */
function tagUpdate(attributes: (physicalId: string) => Attributes) {
  return async (ctx: ProviderContext, current: CurrentResource, props: Properties) => {
    await syncTags(ctx, current.physicalId, props);
    return { physicalId: current.physicalId, attributes: attributes(current.physicalId) };
  };
}

export const vpc: ResourceProvider = {
  attributes: [
    'CidrBlock',
    'CidrBlockAssociations',
    'DefaultNetworkAcl',
    'DefaultSecurityGroup',
    'Ipv6CidrBlocks',
    'VpcId',
  ],
  properties: [
    'CidrBlock',
    'EnableDnsHostnames',
    'EnableDnsSupport',
    'InstanceTenancy',
    'Tags',
    'Ipv4IpamPoolId',
    'Ipv4NetmaskLength',
  ],
  replaceOn: ['CidrBlock', 'InstanceTenancy', 'Ipv4IpamPoolId', 'Ipv4NetmaskLength'],
  async create(ctx, props) {
    if (props.has('Ipv4IpamPoolId')) ctx.unsupported('Ipv4IpamPoolId', 'IPAM pools');
    const out = await ctx.call<CreateVpcResult>('ec2', 'CreateVpc', {
      CidrBlock: props.required('CidrBlock'),
      InstanceTenancy: props.str('InstanceTenancy'),
      TagSpecifications: tagSpecs(ctx, 'vpc', props),
    });
    const id = out.Vpc?.VpcId ?? '';
    await setDnsAttributes(ctx, id, props);
    return {
      physicalId: id,
      attributes: await vpcAttributes(
        ctx,
        id,
        out.Vpc?.CidrBlock ?? '',
        out.Vpc?.CidrBlockAssociationSet?.[0]?.AssociationId,
      ),
    };
  },
  async update(ctx, current, props) {
    await setDnsAttributes(ctx, current.physicalId, props);
    await syncTags(ctx, current.physicalId, props);
    return { physicalId: current.physicalId, attributes: current.attributes };
  },
  async delete(ctx, current) {
    await ctx.call('ec2', 'DeleteVpc', { VpcId: current.physicalId });
  },
};

async function setDnsAttributes(ctx: ProviderContext, vpcId: string, props: Properties): Promise<void> {
  const support = props.bool('EnableDnsSupport');
  const hostnames = props.bool('EnableDnsHostnames');
  if (support !== undefined)
    await ctx.call('ec2', 'ModifyVpcAttribute', { VpcId: vpcId, EnableDnsSupport: { Value: support } });
  if (hostnames !== undefined)
    await ctx.call('ec2', 'ModifyVpcAttribute', { VpcId: vpcId, EnableDnsHostnames: { Value: hostnames } });
}

async function vpcAttributes(
  ctx: ProviderContext,
  id: string,
  cidr: string,
  association?: string,
): Promise<Attributes> {
  const filter = (extra: { Name: string; Values: string[] }) => ({
    Filters: [{ Name: 'vpc-id', Values: [id] }, extra],
  });
  const acls = await ctx.call<DescribeNetworkAclsResult>(
    'ec2',
    'DescribeNetworkAcls',
    filter({ Name: 'default', Values: ['true'] }),
  );
  const groups = await ctx.call<DescribeSecurityGroupsResult>(
    'ec2',
    'DescribeSecurityGroups',
    filter({ Name: 'group-name', Values: ['default'] }),
  );
  return {
    VpcId: id,
    CidrBlock: cidr,
    CidrBlockAssociations: association ? [association] : [],
    DefaultNetworkAcl: acls.NetworkAcls?.[0]?.NetworkAclId ?? '',
    DefaultSecurityGroup: groups.SecurityGroups?.[0]?.GroupId ?? '',
    Ipv6CidrBlocks: [],
  };
}

export const subnet: ResourceProvider = {
  attributes: [
    'AvailabilityZone',
    'AvailabilityZoneId',
    'CidrBlock',
    'Ipv6CidrBlocks',
    'NetworkAclAssociationId',
    'OutpostArn',
    'SubnetId',
    'VpcId',
  ],
  properties: [
    'VpcId',
    'CidrBlock',
    'AvailabilityZone',
    'AvailabilityZoneId',
    'MapPublicIpOnLaunch',
    'Tags',
    'Ipv6CidrBlock',
    'AssignIpv6AddressOnCreation',
  ],
  required: ['VpcId'],
  replaceOn: ['VpcId', 'CidrBlock', 'AvailabilityZone', 'AvailabilityZoneId', 'Ipv6CidrBlock'],
  async create(ctx, props) {
    if (props.has('Ipv6CidrBlock')) ctx.unsupported('Ipv6CidrBlock');
    const out = await ctx.call<CreateSubnetResult>('ec2', 'CreateSubnet', {
      VpcId: props.required('VpcId'),
      CidrBlock: props.required('CidrBlock'),
      AvailabilityZone: props.str('AvailabilityZone'),
      AvailabilityZoneId: props.str('AvailabilityZoneId'),
      TagSpecifications: tagSpecs(ctx, 'subnet', props),
    });
    const id = out.Subnet?.SubnetId ?? '';
    await setPublicIp(ctx, id, props);
    return { physicalId: id, attributes: await subnetAttributes(ctx, id) };
  },
  async update(ctx, current, props) {
    await setPublicIp(ctx, current.physicalId, props);
    await syncTags(ctx, current.physicalId, props);
    return { physicalId: current.physicalId, attributes: await subnetAttributes(ctx, current.physicalId) };
  },
  async delete(ctx, current) {
    await ctx.call('ec2', 'DeleteSubnet', { SubnetId: current.physicalId });
  },
};

async function setPublicIp(ctx: ProviderContext, id: string, props: Properties): Promise<void> {
  const v = props.bool('MapPublicIpOnLaunch');
  if (v !== undefined)
    await ctx.call('ec2', 'ModifySubnetAttribute', { SubnetId: id, MapPublicIpOnLaunch: { Value: v } });
}

async function subnetAttributes(ctx: ProviderContext, id: string): Promise<Attributes> {
  const out = await ctx.call<DescribeSubnetsResult>('ec2', 'DescribeSubnets', { SubnetIds: [id] });
  const s = out.Subnets?.[0] ?? {};
  const acls = await ctx.call<DescribeNetworkAclsResult>('ec2', 'DescribeNetworkAcls', {
    Filters: [{ Name: 'association.subnet-id', Values: [id] }],
  });
  const association = acls.NetworkAcls?.[0]?.Associations?.find(
    (a) => a.SubnetId === id,
  )?.NetworkAclAssociationId;
  return {
    SubnetId: id,
    VpcId: s.VpcId ?? '',
    CidrBlock: s.CidrBlock ?? '',
    AvailabilityZone: s.AvailabilityZone ?? '',
    AvailabilityZoneId: s.AvailabilityZoneId ?? '',
    Ipv6CidrBlocks: [],
    NetworkAclAssociationId: association ?? '',
    OutpostArn: s.OutpostArn ?? '',
  };
}

// ---- Security groups and their rules

/** One inline or standalone rule of a template, as EC2's IpPermission. */
function permission(rule: Properties, egress: boolean): IpPermission {
  const protocol = String(rule.required('IpProtocol')).toLowerCase();
  const peerGroup = egress
    ? rule.str('DestinationSecurityGroupId')
    : (rule.str('SourceSecurityGroupId') ?? rule.str('SourceSecurityGroupName'));
  const prefixList = egress ? rule.str('DestinationPrefixListId') : rule.str('SourcePrefixListId');
  const description = rule.str('Description');
  const p: IpPermission = { IpProtocol: protocol };
  if (protocol !== '-1' && protocol !== 'all') {
    p.FromPort = rule.num('FromPort');
    p.ToPort = rule.num('ToPort');
  }
  if (rule.has('CidrIp')) p.IpRanges = [{ CidrIp: rule.str('CidrIp'), Description: description }];
  if (rule.has('CidrIpv6')) p.Ipv6Ranges = [{ CidrIpv6: rule.str('CidrIpv6'), Description: description }];
  if (peerGroup) {
    const byId = /^sg-/.test(peerGroup);
    p.UserIdGroupPairs = [
      {
        GroupId: byId ? peerGroup : undefined,
        GroupName: byId ? undefined : peerGroup,
        UserId: rule.str('SourceSecurityGroupOwnerId'),
        Description: description,
      },
    ];
  }
  if (prefixList) p.PrefixListIds = [{ PrefixListId: prefixList, Description: description }];
  return p;
}

const RULE_KEYS = ['IpProtocol', 'FromPort', 'ToPort', 'CidrIp', 'CidrIpv6', 'Description'];
const INGRESS_KEYS = [
  ...RULE_KEYS,
  'SourceSecurityGroupId',
  'SourceSecurityGroupName',
  'SourceSecurityGroupOwnerId',
  'SourcePrefixListId',
];
const EGRESS_KEYS = [...RULE_KEYS, 'DestinationSecurityGroupId', 'DestinationPrefixListId'];

function rulesOf(
  ctx: ProviderContext,
  props: Properties,
  name: string,
  egress: boolean,
): Map<string, IpPermission> {
  const out = new Map<string, IpPermission>();
  for (const rule of props.objects(name) ?? []) {
    const extra = Object.keys(rule.raw).find((k) => !(egress ? EGRESS_KEYS : INGRESS_KEYS).includes(k));
    if (extra) ctx.invalid(`#/${name}: extraneous key [${extra}] is not permitted`);
    const p = permission(rule, egress);
    out.set(JSON.stringify(p), p);
  }
  return out;
}

const ALL_TRAFFIC: IpPermission = { IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }] };

/** Make a group's rules what the template says, touching only the rules CloudFormation manages. */
async function applyRules(
  ctx: ProviderContext,
  groupId: string,
  props: Properties,
  before: Properties | undefined,
): Promise<void> {
  for (const egress of [false, true]) {
    const name = egress ? 'SecurityGroupEgress' : 'SecurityGroupIngress';
    const kind = egress ? 'Egress' : 'Ingress';
    // Without egress rules (no SecurityGroupEgress, or an empty list) a VPC group keeps EC2's default
    // allow-all egress rule: "if you do not add egress rules, we add egress rules that allow all
    // outbound traffic" (AWS::EC2::SecurityGroup reference). Quarantine groups name 127.0.0.1/32.
    const defaults = egress
      ? new Map([[JSON.stringify(ALL_TRAFFIC), ALL_TRAFFIC]])
      : new Map<string, IpPermission>();
    const listsRules = (p: Properties) => (p.objects(name)?.length ?? 0) > 0;
    const want = egress && !listsRules(props) ? defaults : rulesOf(ctx, props, name, egress);
    const had = before
      ? egress && !listsRules(before)
        ? defaults
        : rulesOf(ctx, before, name, egress)
      : defaults;
    const revoke = [...had].filter(([k]) => !want.has(k)).map(([, p]) => p);
    const add = [...want].filter(([k]) => !had.has(k)).map(([, p]) => p);
    if (revoke.length)
      await ctx.call('ec2', `RevokeSecurityGroup${kind}`, { GroupId: groupId, IpPermissions: revoke });
    if (add.length)
      await ctx.call('ec2', `AuthorizeSecurityGroup${kind}`, { GroupId: groupId, IpPermissions: add });
  }
}

export const securityGroup: ResourceProvider = {
  attributes: ['GroupId', 'VpcId'],
  properties: [
    'GroupDescription',
    'GroupName',
    'VpcId',
    'SecurityGroupIngress',
    'SecurityGroupEgress',
    'Tags',
  ],
  required: ['GroupDescription'],
  replaceOn: ['GroupDescription', 'GroupName', 'VpcId'],
  nameProperty: 'GroupName',
  async create(ctx, props) {
    const name = props.str('GroupName') ?? ctx.physicalName({ maxLength: 255 });
    const vpcId = props.str('VpcId');
    const out = await ctx.call<CreateSecurityGroupResult>('ec2', 'CreateSecurityGroup', {
      GroupName: name,
      Description: props.required('GroupDescription'),
      VpcId: vpcId,
      TagSpecifications: tagSpecs(ctx, 'security-group', props),
    });
    const id = out.GroupId ?? '';
    await applyRules(ctx, id, props, undefined);
    const described = await ctx.call<DescribeSecurityGroupsResult>('ec2', 'DescribeSecurityGroups', {
      GroupIds: [id],
    });
    const groupVpc = described.SecurityGroups?.[0]?.VpcId ?? vpcId ?? '';
    // Ref is the group id for a group in a VPC the template names, else its name.
    return {
      physicalId: id,
      ref: vpcId ? id : name,
      attributes: { GroupId: id, VpcId: groupVpc },
      state: { name },
    };
  },
  async update(ctx, current, props) {
    await applyRules(ctx, current.physicalId, props, current.properties);
    await syncTags(ctx, current.physicalId, props);
    return {
      physicalId: current.physicalId,
      ref: current.ref,
      attributes: current.attributes,
      state: current.state,
    };
  },
  async delete(ctx, current) {
    await ctx.call('ec2', 'DeleteSecurityGroup', { GroupId: current.physicalId });
  },
};

function standaloneRule(egress: boolean): ResourceProvider {
  const kind = egress ? 'Egress' : 'Ingress';
  return {
    attributes: ['Id'],
    properties: [...(egress ? EGRESS_KEYS : INGRESS_KEYS), 'GroupId', ...(egress ? [] : ['GroupName'])],
    required: ['IpProtocol', ...(egress ? ['GroupId'] : [])],
    replaceOn: '*',
    async create(ctx, props) {
      const groupId = props.str('GroupId');
      const groupName = props.str('GroupName');
      if (!groupId && !groupName) ctx.invalid('#: required key [GroupId] not found');
      const out = await ctx.call<AuthorizeSecurityGroupIngressResult>(
        'ec2',
        `AuthorizeSecurityGroup${kind}`,
        {
          GroupId: groupId,
          GroupName: groupId ? undefined : groupName,
          IpPermissions: [permission(props, egress)],
        },
      );
      const rule = out.SecurityGroupRules?.[0];
      const id = rule?.SecurityGroupRuleId ?? '';
      return { physicalId: id, attributes: { Id: id }, state: { groupId: rule?.GroupId ?? groupId ?? '' } };
    },
    async delete(ctx, current) {
      await ctx.call('ec2', `RevokeSecurityGroup${kind}`, {
        GroupId: String(current.state.groupId ?? ''),
        SecurityGroupRuleIds: [current.physicalId],
      });
    },
  };
}

export const securityGroupIngress = standaloneRule(false);
export const securityGroupEgress = standaloneRule(true);

// ---- Network ACLs

export const networkAcl: ResourceProvider = {
  attributes: ['Id'],
  properties: ['VpcId', 'Tags'],
  required: ['VpcId'],
  replaceOn: ['VpcId'],
  async create(ctx, props) {
    const out = await ctx.call<CreateNetworkAclResult>('ec2', 'CreateNetworkAcl', {
      VpcId: props.required('VpcId'),
      TagSpecifications: tagSpecs(ctx, 'network-acl', props),
    });
    const id = out.NetworkAcl?.NetworkAclId ?? '';
    return { physicalId: id, attributes: { Id: id } };
  },
  update: tagUpdate((id) => ({ Id: id })),
  async delete(ctx, current) {
    await ctx.call('ec2', 'DeleteNetworkAcl', { NetworkAclId: current.physicalId });
  },
};

function aclEntry(props: Properties) {
  const icmp = props.object('Icmp');
  const ports = props.object('PortRange');
  return {
    NetworkAclId: props.required('NetworkAclId'),
    RuleNumber: props.num('RuleNumber'),
    Protocol: props.required('Protocol'),
    RuleAction: props.required('RuleAction'),
    Egress: props.bool('Egress') ?? false,
    CidrBlock: props.str('CidrBlock'),
    Ipv6CidrBlock: props.str('Ipv6CidrBlock'),
    IcmpTypeCode: icmp ? { Code: icmp.num('Code'), Type: icmp.num('Type') } : undefined,
    PortRange: ports ? { From: ports.num('From'), To: ports.num('To') } : undefined,
  };
}

export const networkAclEntry: ResourceProvider = {
  attributes: ['Id'],
  properties: [
    'NetworkAclId',
    'RuleNumber',
    'Protocol',
    'RuleAction',
    'Egress',
    'CidrBlock',
    'Ipv6CidrBlock',
    'Icmp',
    'PortRange',
  ],
  required: ['NetworkAclId', 'RuleNumber', 'Protocol', 'RuleAction'],
  replaceOn: ['NetworkAclId', 'RuleNumber', 'Egress'],
  async create(ctx, props) {
    const entry = aclEntry(props);
    await ctx.call('ec2', 'CreateNetworkAclEntry', entry);
    const id = `${entry.NetworkAclId}|${entry.Egress ? 'egress' : 'ingress'}|${entry.RuleNumber}`;
    return { physicalId: id, attributes: { Id: id } };
  },
  async update(ctx, current, props) {
    await ctx.call('ec2', 'ReplaceNetworkAclEntry', aclEntry(props));
    return { physicalId: current.physicalId, attributes: current.attributes };
  },
  async delete(ctx, current) {
    const p = current.properties;
    await ctx.call('ec2', 'DeleteNetworkAclEntry', {
      NetworkAclId: p.required('NetworkAclId'),
      RuleNumber: p.num('RuleNumber'),
      Egress: p.bool('Egress') ?? false,
    });
  },
};

async function aclAssociationOf(
  ctx: ProviderContext,
  subnetId: string,
): Promise<{ associationId: string; vpcId: string }> {
  const out = await ctx.call<DescribeNetworkAclsResult>('ec2', 'DescribeNetworkAcls', {
    Filters: [{ Name: 'association.subnet-id', Values: [subnetId] }],
  });
  const acl = out.NetworkAcls?.[0];
  const associationId = acl?.Associations?.find((a) => a.SubnetId === subnetId)?.NetworkAclAssociationId;
  if (!associationId) ctx.invalid(`Subnet ${subnetId} has no network ACL association`);
  return { associationId, vpcId: acl?.VpcId ?? '' };
}

export const subnetNetworkAclAssociation: ResourceProvider = {
  attributes: ['AssociationId'],
  properties: ['SubnetId', 'NetworkAclId'],
  required: ['SubnetId', 'NetworkAclId'],
  replaceOn: '*',
  async create(ctx, props) {
    const { associationId } = await aclAssociationOf(ctx, props.required('SubnetId'));
    const out = await ctx.call<ReplaceNetworkAclAssociationResult>('ec2', 'ReplaceNetworkAclAssociation', {
      AssociationId: associationId,
      NetworkAclId: props.required('NetworkAclId'),
    });
    const id = out.NewAssociationId ?? '';
    return { physicalId: id, attributes: { AssociationId: id } };
  },
  async delete(ctx, current) {
    // Back to the VPC's default network ACL, as a subnet always has one.
    const { associationId, vpcId } = await aclAssociationOf(ctx, current.properties.required('SubnetId'));
    const acls = await ctx.call<DescribeNetworkAclsResult>('ec2', 'DescribeNetworkAcls', {
      Filters: [
        { Name: 'vpc-id', Values: [vpcId] },
        { Name: 'default', Values: ['true'] },
      ],
    });
    const defaultAcl = acls.NetworkAcls?.[0]?.NetworkAclId;
    if (defaultAcl)
      await ctx.call('ec2', 'ReplaceNetworkAclAssociation', {
        AssociationId: associationId,
        NetworkAclId: defaultAcl,
      });
  },
};

// ---- Instances

async function describeInstance(ctx: ProviderContext, id: string) {
  const out = await ctx.call<DescribeInstancesResult>('ec2', 'DescribeInstances', { InstanceIds: [id] });
  return out.Reservations?.[0]?.Instances?.[0];
}

/** Poll until the instance reaches `state`, as CloudFormation waits for running (create) or terminated (delete). */
async function waitForInstance(ctx: ProviderContext, id: string, state: string) {
  for (let i = 0; i < 600; i++) {
    const inst = await describeInstance(ctx, id);
    if (!inst || inst.State?.Name === state) return inst;
    await ctx.sleep(500);
  }
  return ctx.invalid(`Instance ${id} did not reach ${state}`);
}

function instanceAttributes(inst: NonNullable<Awaited<ReturnType<typeof describeInstance>>>): Attributes {
  return {
    InstanceId: inst.InstanceId ?? '',
    AvailabilityZone: inst.Placement?.AvailabilityZone ?? '',
    PrivateDnsName: inst.PrivateDnsName ?? '',
    PrivateIp: inst.PrivateIpAddress ?? '',
    PublicDnsName: inst.PublicDnsName ?? '',
    PublicIp: inst.PublicIpAddress ?? '',
    VpcId: inst.VpcId ?? '',
  };
}

/** AWS::EC2::Instance MetadataOptions (updated without interruption, through ModifyInstanceMetadataOptions). */
function metadataOptions(props: Properties) {
  const m = props.object('MetadataOptions');
  if (!m) return undefined;
  return {
    HttpTokens: m.str('HttpTokens') as HttpTokensState | undefined,
    HttpPutResponseHopLimit: m.num('HttpPutResponseHopLimit'),
    HttpEndpoint: m.str('HttpEndpoint') as InstanceMetadataEndpointState | undefined,
    HttpProtocolIpv6: m.str('HttpProtocolIpv6') as InstanceMetadataProtocolState | undefined,
    InstanceMetadataTags: m.str('InstanceMetadataTags') as InstanceMetadataTagsState | undefined,
  };
}

export const instance: ResourceProvider = {
  attributes: [
    'AvailabilityZone',
    'PrivateDnsName',
    'PrivateIp',
    'PublicDnsName',
    'PublicIp',
    'InstanceId',
    'VpcId',
  ],
  properties: [
    'ImageId',
    'InstanceType',
    'SubnetId',
    'SecurityGroupIds',
    'SecurityGroups',
    'KeyName',
    'IamInstanceProfile',
    'UserData',
    'Tags',
    'PrivateIpAddress',
    'AvailabilityZone',
    'DisableApiTermination',
    'Monitoring',
    'EbsOptimized',
    'BlockDeviceMappings',
    'InstanceInitiatedShutdownBehavior',
    'NetworkInterfaces',
    'MetadataOptions',
  ],
  replaceOn: [
    'ImageId',
    'InstanceType',
    'SubnetId',
    'SecurityGroups',
    'KeyName',
    'IamInstanceProfile',
    'UserData',
    'PrivateIpAddress',
    'AvailabilityZone',
    'BlockDeviceMappings',
    'NetworkInterfaces',
    'EbsOptimized',
    'Monitoring',
  ],
  async create(ctx, props) {
    const nic = props.objects('NetworkInterfaces')?.[0];
    const profile = props.str('IamInstanceProfile');
    const devices = props.objects('BlockDeviceMappings')?.map((d) => {
      const ebs = d.object('Ebs');
      return {
        DeviceName: d.str('DeviceName'),
        Ebs: ebs
          ? {
              VolumeSize: ebs.num('VolumeSize'),
              VolumeType: ebs.str('VolumeType'),
              Encrypted: ebs.bool('Encrypted'),
            }
          : undefined,
      };
    });
    const out = await ctx.call<Reservation>('ec2', 'RunInstances', {
      ImageId: props.required('ImageId'),
      InstanceType: props.str('InstanceType') as _InstanceType | undefined,
      MinCount: 1,
      MaxCount: 1,
      SubnetId: props.str('SubnetId'),
      SecurityGroupIds: props.strList('SecurityGroupIds'),
      SecurityGroups: props.strList('SecurityGroups'),
      KeyName: props.str('KeyName'),
      IamInstanceProfile: profile
        ? profile.startsWith('arn:')
          ? { Arn: profile }
          : { Name: profile }
        : undefined,
      UserData: props.str('UserData'),
      PrivateIpAddress: props.str('PrivateIpAddress'),
      Placement: props.has('AvailabilityZone')
        ? { AvailabilityZone: props.str('AvailabilityZone') }
        : undefined,
      DisableApiTermination: props.bool('DisableApiTermination'),
      Monitoring: props.has('Monitoring') ? { Enabled: props.bool('Monitoring') } : undefined,
      EbsOptimized: props.bool('EbsOptimized'),
      InstanceInitiatedShutdownBehavior: props.str('InstanceInitiatedShutdownBehavior'),
      BlockDeviceMappings: devices,
      NetworkInterfaces: nic
        ? [
            {
              DeviceIndex: nic.num('DeviceIndex') ?? 0,
              SubnetId: nic.str('SubnetId'),
              Groups: nic.strList('GroupSet'),
              AssociatePublicIpAddress: nic.bool('AssociatePublicIpAddress'),
              PrivateIpAddress: nic.str('PrivateIpAddress'),
            },
          ]
        : undefined,
      TagSpecifications: tagSpecs(ctx, 'instance', props),
      MetadataOptions: metadataOptions(props),
    });
    const id = out.Instances?.[0]?.InstanceId ?? '';
    const running = await waitForInstance(ctx, id, 'running');
    return { physicalId: id, attributes: running ? instanceAttributes(running) : { InstanceId: id } };
  },
  async update(ctx, current, props) {
    const id = current.physicalId;
    const before = current.properties;
    const groups = props.strList('SecurityGroupIds');
    if (groups && JSON.stringify(groups) !== JSON.stringify(before.strList('SecurityGroupIds'))) {
      await ctx.call('ec2', 'ModifyInstanceAttribute', { InstanceId: id, Groups: groups });
    }
    const protect = props.bool('DisableApiTermination') ?? false;
    if (protect !== (before.bool('DisableApiTermination') ?? false)) {
      await ctx.call('ec2', 'ModifyInstanceAttribute', {
        InstanceId: id,
        DisableApiTermination: { Value: protect },
      });
    }
    const shutdown = props.str('InstanceInitiatedShutdownBehavior') ?? 'stop';
    if (shutdown !== (before.str('InstanceInitiatedShutdownBehavior') ?? 'stop')) {
      await ctx.call('ec2', 'ModifyInstanceAttribute', {
        InstanceId: id,
        InstanceInitiatedShutdownBehavior: { Value: shutdown },
      });
    }
    const metadata = metadataOptions(props);
    if (JSON.stringify(metadata) !== JSON.stringify(metadataOptions(before))) {
      // Removing the property puts back the launch defaults (IMDSv1 allowed, hop limit 1).
      await ctx.call('ec2', 'ModifyInstanceMetadataOptions', {
        InstanceId: id,
        ...(metadata ?? { HttpTokens: 'optional', HttpPutResponseHopLimit: 1, HttpEndpoint: 'enabled' }),
      });
    }
    await syncTags(ctx, id, props);
    const inst = await describeInstance(ctx, id);
    return { physicalId: id, attributes: inst ? instanceAttributes(inst) : current.attributes };
  },
  async delete(ctx, current) {
    await ctx.call('ec2', 'TerminateInstances', { InstanceIds: [current.physicalId] });
    await waitForInstance(ctx, current.physicalId, 'terminated');
  },
};

// ---- Flow logs, gateways and routes

export const flowLog: ResourceProvider = {
  attributes: ['Id'],
  properties: [
    'ResourceId',
    'ResourceType',
    'TrafficType',
    'LogDestinationType',
    'LogDestination',
    'LogGroupName',
    'DeliverLogsPermissionArn',
    'LogFormat',
    'MaxAggregationInterval',
    'Tags',
  ],
  required: ['ResourceId', 'ResourceType'],
  replaceOn: [
    'ResourceId',
    'ResourceType',
    'TrafficType',
    'LogDestinationType',
    'LogDestination',
    'LogGroupName',
    'DeliverLogsPermissionArn',
    'LogFormat',
    'MaxAggregationInterval',
  ],
  async create(ctx, props) {
    const out = await ctx.call<CreateFlowLogsResult>('ec2', 'CreateFlowLogs', {
      ResourceIds: [props.required('ResourceId')],
      ResourceType: props.required('ResourceType'),
      TrafficType: props.str('TrafficType'),
      LogDestinationType: props.str('LogDestinationType'),
      LogDestination: props.str('LogDestination'),
      LogGroupName: props.str('LogGroupName'),
      DeliverLogsPermissionArn: props.str('DeliverLogsPermissionArn'),
      LogFormat: props.str('LogFormat'),
      MaxAggregationInterval: props.num('MaxAggregationInterval'),
      TagSpecifications: tagSpecs(ctx, 'vpc-flow-log', props),
    });
    const failure = out.Unsuccessful?.[0]?.Error;
    if (failure) ctx.invalid(`${failure.Code ?? 'Error'}: ${failure.Message ?? ''}`);
    const id = out.FlowLogIds?.[0] ?? '';
    return { physicalId: id, attributes: { Id: id } };
  },
  update: tagUpdate((id) => ({ Id: id })),
  async delete(ctx, current) {
    await ctx.call('ec2', 'DeleteFlowLogs', { FlowLogIds: [current.physicalId] });
  },
};

export const internetGateway: ResourceProvider = {
  attributes: ['InternetGatewayId'],
  ...TAGS_ONLY,
  async create(ctx, props) {
    const out = await ctx.call<CreateInternetGatewayResult>('ec2', 'CreateInternetGateway', {
      TagSpecifications: tagSpecs(ctx, 'internet-gateway', props),
    });
    const id = out.InternetGateway?.InternetGatewayId ?? '';
    return { physicalId: id, attributes: { InternetGatewayId: id } };
  },
  update: tagUpdate((id) => ({ InternetGatewayId: id })),
  async delete(ctx, current) {
    await ctx.call('ec2', 'DeleteInternetGateway', { InternetGatewayId: current.physicalId });
  },
};

export const vpcGatewayAttachment: ResourceProvider = {
  attributes: ['Id'],
  properties: ['VpcId', 'InternetGatewayId', 'VpnGatewayId'],
  required: ['VpcId'],
  replaceOn: '*',
  async create(ctx, props) {
    if (props.has('VpnGatewayId')) ctx.unsupported('VpnGatewayId', 'VPN gateways');
    const igw = props.required('InternetGatewayId');
    const vpcId = props.required('VpcId');
    await ctx.call('ec2', 'AttachInternetGateway', { InternetGatewayId: igw, VpcId: vpcId });
    const id = `IGW|${vpcId}`;
    return { physicalId: id, attributes: { Id: id } };
  },
  async delete(ctx, current) {
    const p = current.properties;
    await ctx.call('ec2', 'DetachInternetGateway', {
      InternetGatewayId: p.required('InternetGatewayId'),
      VpcId: p.required('VpcId'),
    });
  },
};

export const routeTable: ResourceProvider = {
  attributes: ['RouteTableId'],
  properties: ['VpcId', 'Tags'],
  required: ['VpcId'],
  replaceOn: ['VpcId'],
  async create(ctx, props) {
    const out = await ctx.call<CreateRouteTableResult>('ec2', 'CreateRouteTable', {
      VpcId: props.required('VpcId'),
      TagSpecifications: tagSpecs(ctx, 'route-table', props),
    });
    const id = out.RouteTable?.RouteTableId ?? '';
    return { physicalId: id, attributes: { RouteTableId: id } };
  },
  update: tagUpdate((id) => ({ RouteTableId: id })),
  async delete(ctx, current) {
    await ctx.call('ec2', 'DeleteRouteTable', { RouteTableId: current.physicalId });
  },
};

const ROUTE_TARGETS = [
  'GatewayId',
  'NatGatewayId',
  'InstanceId',
  'NetworkInterfaceId',
  'VpcPeeringConnectionId',
  'TransitGatewayId',
  'VpcEndpointId',
];

function routeInput(props: Properties) {
  return {
    RouteTableId: props.required('RouteTableId'),
    DestinationCidrBlock: props.str('DestinationCidrBlock'),
    DestinationIpv6CidrBlock: props.str('DestinationIpv6CidrBlock'),
    ...Object.fromEntries(ROUTE_TARGETS.filter((t) => props.has(t)).map((t) => [t, props.str(t)])),
  };
}

export const route: ResourceProvider = {
  attributes: ['CidrBlock'],
  properties: ['RouteTableId', 'DestinationCidrBlock', 'DestinationIpv6CidrBlock', ...ROUTE_TARGETS],
  required: ['RouteTableId'],
  replaceOn: ['RouteTableId', 'DestinationCidrBlock', 'DestinationIpv6CidrBlock'],
  async create(ctx, props) {
    const input = routeInput(props);
    await ctx.call('ec2', 'CreateRoute', input);
    const dest = input.DestinationCidrBlock ?? input.DestinationIpv6CidrBlock ?? '';
    return { physicalId: `${input.RouteTableId}|${dest}`, attributes: { CidrBlock: dest } };
  },
  // A new target for the same destination: the range has no ReplaceRoute, so the route is recreated.
  async update(ctx, current, props) {
    const before = routeInput(current.properties);
    await ctx.call('ec2', 'DeleteRoute', {
      RouteTableId: before.RouteTableId,
      DestinationCidrBlock: before.DestinationCidrBlock,
      DestinationIpv6CidrBlock: before.DestinationIpv6CidrBlock,
    });
    await ctx.call('ec2', 'CreateRoute', routeInput(props));
    return { physicalId: current.physicalId, attributes: current.attributes };
  },
  async delete(ctx, current) {
    const p = routeInput(current.properties);
    await ctx.call('ec2', 'DeleteRoute', {
      RouteTableId: p.RouteTableId,
      DestinationCidrBlock: p.DestinationCidrBlock,
      DestinationIpv6CidrBlock: p.DestinationIpv6CidrBlock,
    });
  },
};

export const subnetRouteTableAssociation: ResourceProvider = {
  attributes: ['Id'],
  properties: ['SubnetId', 'RouteTableId'],
  required: ['SubnetId', 'RouteTableId'],
  replaceOn: '*',
  async create(ctx, props) {
    const out = await ctx.call<AssociateRouteTableResult>('ec2', 'AssociateRouteTable', {
      SubnetId: props.required('SubnetId'),
      RouteTableId: props.required('RouteTableId'),
    });
    const id = out.AssociationId ?? '';
    return { physicalId: id, attributes: { Id: id } };
  },
  async delete(ctx, current) {
    await ctx.call('ec2', 'DisassociateRouteTable', { AssociationId: current.physicalId });
  },
};

export const ec2Providers: Record<string, ResourceProvider> = {
  'AWS::EC2::VPC': vpc,
  'AWS::EC2::Subnet': subnet,
  'AWS::EC2::SecurityGroup': securityGroup,
  'AWS::EC2::SecurityGroupIngress': securityGroupIngress,
  'AWS::EC2::SecurityGroupEgress': securityGroupEgress,
  'AWS::EC2::NetworkAcl': networkAcl,
  'AWS::EC2::NetworkAclEntry': networkAclEntry,
  'AWS::EC2::SubnetNetworkAclAssociation': subnetNetworkAclAssociation,
  'AWS::EC2::Instance': instance,
  'AWS::EC2::Volume': volume,
  'AWS::EC2::FlowLog': flowLog,
  'AWS::EC2::InternetGateway': internetGateway,
  'AWS::EC2::VPCGatewayAttachment': vpcGatewayAttachment,
  'AWS::EC2::RouteTable': routeTable,
  'AWS::EC2::Route': route,
  'AWS::EC2::SubnetRouteTableAssociation': subnetRouteTableAssociation,
};
