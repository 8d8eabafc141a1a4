import type {
  DescribeInstancesResult,
  DescribeSecurityGroupsResult,
  SecurityGroup,
} from '@aws-sdk/client-ec2';
import type {
  GetRoleResponse,
  ListAttachedRolePoliciesResponse,
  ListRolePoliciesResponse,
  ListRolesResponse,
  GetUserResponse,
  ListAttachedUserPoliciesResponse,
  ListGroupsForUserResponse,
  ListUserPoliciesResponse,
  ListUsersResponse,
} from '@aws-sdk/client-iam';
import type {
  GetBucketLoggingOutput,
  GetBucketPolicyOutput,
  GetBucketVersioningOutput,
  GetPublicAccessBlockOutput,
  HeadBucketOutput,
  ListBucketsOutput,
} from '@aws-sdk/client-s3';
import type { CloudTrailRecord } from '../../history.js';
import type { ResourceReader } from './managed/rule.js';

/**
 * The resource types whose configuration the range's Config recorder records, each with how to find the
 * resources a CloudTrail event touched and how to read a resource as Config describes it (the
 * configuration item's `configuration` is the resource's Describe shape in camelCase).
 */
export interface ResourceSnapshot {
  resourceId: string;
  resourceName?: string;
  arn: string;
  configuration: unknown;
  supplementaryConfiguration?: Record<string, unknown>;
  tags?: Record<string, string>;
  creationTime?: Date;
  relationships?: Array<{ resourceType: string; resourceId: string; relationshipName: string }>;
}

export interface RecordedType {
  type: string;
  /** IAM types are global: recorded only when the recording group includes global resource types. */
  global: boolean;
  eventSource: string;
  /** The resources (id or name, as `read` takes it) an event touched. */
  touched(record: CloudTrailRecord): string[];
  /** Every resource of the type that exists now (for discovery when the recorder starts). */
  list(reader: ResourceReader): Promise<string[]>;
  /** The resource now, or undefined when it no longer exists. */
  read(reader: ResourceReader, ref: string): Promise<ResourceSnapshot | undefined>;
}

export function lowerFirstKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(lowerFirstKeys);
  if (value instanceof Date) return value.toISOString();
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => [k.charAt(0).toLowerCase() + k.slice(1), lowerFirstKeys(v)]),
  );
}

function strings(...values: unknown[]): string[] {
  return values.filter((v): v is string => typeof v === 'string' && v !== '');
}

function tagsOf(tags: Array<{ Key?: string; Value?: string }> | undefined): Record<string, string> {
  return Object.fromEntries((tags ?? []).map((t) => [t.Key ?? '', t.Value ?? '']));
}

const securityGroup: RecordedType = {
  type: 'AWS::EC2::SecurityGroup',
  global: false,
  eventSource: 'ec2.amazonaws.com',
  touched: (r) => strings(r.requestParameters?.groupId, r.responseElements?.groupId),
  async list(reader) {
    const out = await reader.read<DescribeSecurityGroupsResult>('ec2', 'DescribeSecurityGroups', {});
    return strings(...(out.SecurityGroups ?? []).map((g) => g.GroupId));
  },
  async read(reader, id) {
    const out = await reader.tryRead<DescribeSecurityGroupsResult>('ec2', 'DescribeSecurityGroups', {
      GroupIds: [id],
    });
    const group: SecurityGroup | undefined = out?.SecurityGroups?.[0];
    if (!group) return undefined;
    return {
      resourceId: id,
      resourceName: group.GroupName,
      arn: `arn:aws:ec2:${reader.region}:${reader.accountId}:security-group/${id}`,
      configuration: lowerFirstKeys(group),
      tags: tagsOf(group.Tags),
      relationships: group.VpcId
        ? [
            {
              resourceType: 'AWS::EC2::VPC',
              resourceId: group.VpcId,
              relationshipName: 'Is contained in Vpc',
            },
          ]
        : [],
    };
  },
};

const bucket: RecordedType = {
  type: 'AWS::S3::Bucket',
  global: false,
  eventSource: 's3.amazonaws.com',
  touched: (r) => strings(r.requestParameters?.bucketName),
  async list(reader) {
    const out = await reader.read<ListBucketsOutput>('s3', 'ListBuckets', { BucketRegion: reader.region });
    return strings(...(out.Buckets ?? []).map((b) => b.Name));
  },
  async read(reader, name) {
    const head = await reader.tryRead<HeadBucketOutput>('s3', 'HeadBucket', { Bucket: name });
    if (!head || head.BucketRegion !== reader.region) return undefined;
    const listed = await reader.read<ListBucketsOutput>('s3', 'ListBuckets', { Prefix: name });
    const created = listed.Buckets?.find((b) => b.Name === name)?.CreationDate;
    const policy = await reader.tryRead<GetBucketPolicyOutput>('s3', 'GetBucketPolicy', { Bucket: name });
    const block = await reader.tryRead<GetPublicAccessBlockOutput>('s3', 'GetPublicAccessBlock', {
      Bucket: name,
    });
    const versioning = await reader.read<GetBucketVersioningOutput>('s3', 'GetBucketVersioning', {
      Bucket: name,
    });
    const logging = await reader.read<GetBucketLoggingOutput>('s3', 'GetBucketLogging', { Bucket: name });
    return {
      resourceId: name,
      resourceName: name,
      arn: `arn:aws:s3:::${name}`,
      configuration: { name, owner: { id: reader.accountId }, creationDate: created?.toISOString() },
      // Config's S3 supplementary configuration names (developer guide, "Resource types": AWS::S3::Bucket).
      supplementaryConfiguration: {
        BucketPolicy: { policyText: policy?.Policy ?? null },
        PublicAccessBlockConfiguration: lowerFirstKeys(block?.PublicAccessBlockConfiguration ?? {}),
        BucketVersioningConfiguration: { status: versioning.Status ?? 'Off' },
        BucketLoggingConfiguration: {
          destinationBucketName: logging.LoggingEnabled?.TargetBucket ?? null,
          logFilePrefix: logging.LoggingEnabled?.TargetPrefix ?? null,
        },
      },
      creationTime: created,
    };
  },
};

/** Config names users by their id (AIDA...); CloudTrail names them by user name, which `read` takes. */
const user: RecordedType = {
  type: 'AWS::IAM::User',
  global: true,
  eventSource: 'iam.amazonaws.com',
  touched: (r) => strings(r.requestParameters?.userName),
  async list(reader) {
    const out = await reader.read<ListUsersResponse>('iam', 'ListUsers', { MaxItems: 1000 });
    return strings(...(out.Users ?? []).map((u) => u.UserName));
  },
  async read(reader, name) {
    const out = await reader.tryRead<GetUserResponse>('iam', 'GetUser', { UserName: name });
    const u = out?.User;
    if (!u) return undefined;
    const inline = await reader.read<ListUserPoliciesResponse>('iam', 'ListUserPolicies', {
      UserName: name,
      MaxItems: 1000,
    });
    const attached = await reader.read<ListAttachedUserPoliciesResponse>('iam', 'ListAttachedUserPolicies', {
      UserName: name,
      MaxItems: 1000,
    });
    const groups = await reader.read<ListGroupsForUserResponse>('iam', 'ListGroupsForUser', {
      UserName: name,
      MaxItems: 1000,
    });
    return {
      resourceId: u.UserId ?? name,
      resourceName: name,
      arn: u.Arn ?? '',
      configuration: {
        ...(lowerFirstKeys(u) as object),
        userPolicyList: (inline.PolicyNames ?? []).map((policyName) => ({ policyName })),
        groupList: (groups.Groups ?? []).map((g) => g.GroupName),
        attachedManagedPolicies: lowerFirstKeys(attached.AttachedPolicies ?? []),
      },
      tags: tagsOf(u.Tags),
      creationTime: u.CreateDate,
    };
  },
};

/** Instance ids in EC2's CloudTrail shapes: `instanceId`, or `instancesSet.items[].instanceId`. */
function instanceIds(params: Record<string, unknown> | null | undefined): string[] {
  if (!params) return [];
  const set = params.instancesSet as { items?: Array<{ instanceId?: unknown }> } | undefined;
  return strings(params.instanceId, ...(set?.items ?? []).map((i) => i.instanceId));
}

/** A terminated instance is deleted for Config (it records ResourceDeleted). */
const instance: RecordedType = {
  type: 'AWS::EC2::Instance',
  global: false,
  eventSource: 'ec2.amazonaws.com',
  touched: (r) => [...instanceIds(r.requestParameters), ...instanceIds(r.responseElements)],
  async list(reader) {
    const out = await reader.read<DescribeInstancesResult>('ec2', 'DescribeInstances', {});
    return strings(
      ...(out.Reservations ?? [])
        .flatMap((r) => r.Instances ?? [])
        .filter((i) => i.State?.Name !== 'terminated')
        .map((i) => i.InstanceId),
    );
  },
  async read(reader, id) {
    const out = await reader.tryRead<DescribeInstancesResult>('ec2', 'DescribeInstances', {
      InstanceIds: [id],
    });
    const found = out?.Reservations?.[0]?.Instances?.[0];
    if (!found || found.State?.Name === 'terminated') return undefined;
    const relationships = [
      ...(found.SecurityGroups ?? []).map((g) => ({
        resourceType: 'AWS::EC2::SecurityGroup',
        resourceId: g.GroupId ?? '',
        relationshipName: 'Is associated with SecurityGroup',
      })),
      ...(found.SubnetId
        ? [
            {
              resourceType: 'AWS::EC2::Subnet',
              resourceId: found.SubnetId,
              relationshipName: 'Is contained in Subnet',
            },
          ]
        : []),
      ...(found.VpcId
        ? [
            {
              resourceType: 'AWS::EC2::VPC',
              resourceId: found.VpcId,
              relationshipName: 'Is contained in Vpc',
            },
          ]
        : []),
    ];
    return {
      resourceId: id,
      arn: `arn:aws:ec2:${reader.region}:${reader.accountId}:instance/${id}`,
      configuration: lowerFirstKeys(found),
      tags: tagsOf(found.Tags),
      creationTime: found.LaunchTime,
      relationships,
    };
  },
};

/** Roles, like users, are named by id (AROA...) and read by name; the trust policy is where backdoors hide. */
const role: RecordedType = {
  type: 'AWS::IAM::Role',
  global: true,
  eventSource: 'iam.amazonaws.com',
  touched: (r) => strings(r.requestParameters?.roleName),
  async list(reader) {
    const out = await reader.read<ListRolesResponse>('iam', 'ListRoles', { MaxItems: 1000 });
    return strings(...(out.Roles ?? []).map((r) => r.RoleName));
  },
  async read(reader, name) {
    const out = await reader.tryRead<GetRoleResponse>('iam', 'GetRole', { RoleName: name });
    const r = out?.Role;
    if (!r) return undefined;
    const inline = await reader.read<ListRolePoliciesResponse>('iam', 'ListRolePolicies', {
      RoleName: name,
      MaxItems: 1000,
    });
    const attached = await reader.read<ListAttachedRolePoliciesResponse>('iam', 'ListAttachedRolePolicies', {
      RoleName: name,
      MaxItems: 1000,
    });
    return {
      resourceId: r.RoleId ?? name,
      resourceName: name,
      arn: r.Arn ?? '',
      configuration: {
        ...(lowerFirstKeys(r) as object),
        rolePolicyList: (inline.PolicyNames ?? []).map((policyName) => ({ policyName })),
        attachedManagedPolicies: lowerFirstKeys(attached.AttachedPolicies ?? []),
      },
      tags: tagsOf(r.Tags),
      creationTime: r.CreateDate,
    };
  },
};

export const recordedTypes: Record<string, RecordedType> = {
  [securityGroup.type]: securityGroup,
  [instance.type]: instance,
  [bucket.type]: bucket,
  [user.type]: user,
  [role.type]: role,
};
