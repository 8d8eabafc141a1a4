import { CloudTrailClient, DescribeTrailsCommand, GetTrailStatusCommand } from '@aws-sdk/client-cloudtrail';
import {
  DescribeFlowLogsCommand,
  DescribeSecurityGroupsCommand,
  DescribeVolumesCommand,
  EC2Client,
} from '@aws-sdk/client-ec2';
import {
  GetRoleCommand,
  GetRolePolicyCommand,
  GetUserPolicyCommand,
  IAMClient,
  ListAttachedUserPoliciesCommand,
  ListRolePoliciesCommand,
  ListUserPoliciesCommand,
} from '@aws-sdk/client-iam';
import {
  DescribeKeyCommand,
  GetKeyPolicyCommand,
  GetKeyRotationStatusCommand,
  KMSClient,
} from '@aws-sdk/client-kms';
import {
  GetBucketAclCommand,
  GetBucketEncryptionCommand,
  GetBucketPolicyCommand,
  GetBucketVersioningCommand,
  GetPublicAccessBlockCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import type { RangeCredentials } from '../range/index.js';
import type { LintResource } from './types.js';

/**
 * The deployed stack as rules see it: each resource read back through the API (as the signals read the
 * world) into the properties a template would declare, so the same rules judge it. What the template
 * left to defaults shows up here as the service reports it (a bucket without a Block Public Access
 * configuration, say). A resource type without a reader is not judged after deployment; a read that fails
 * makes that resource "not judged", never safe.
 */
export interface LiveReader {
  clientConfig: {
    region: string;
    endpoint: string;
    credentials: RangeCredentials;
    forcePathStyle: boolean;
    maxAttempts: number;
  };
}

export interface StackResource {
  id: string;
  type: string;
  physicalId: string;
}

type Read = (r: StackResource, c: Clients) => Promise<LintResource[]>;

interface Clients {
  ec2: EC2Client;
  s3: S3Client;
  trail: CloudTrailClient;
  iam: IAMClient;
  kms: KMSClient;
}

const deployed = (r: StackResource, properties: Record<string, unknown>): LintResource => ({
  id: r.id,
  type: r.type,
  properties,
  origin: 'deployed',
});

const decodePolicy = (doc: string | undefined): unknown =>
  doc ? JSON.parse(decodeURIComponent(doc)) : undefined;

const READERS: Record<string, Read> = {
  'AWS::EC2::SecurityGroup': async (r, c) => {
    const out = await c.ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: [r.physicalId] }));
    const perms = out.SecurityGroups?.[0]?.IpPermissions ?? [];
    const ingress = perms.flatMap((p) => [
      ...(p.IpRanges ?? []).map((x) => ({
        IpProtocol: p.IpProtocol,
        FromPort: p.FromPort,
        ToPort: p.ToPort,
        CidrIp: x.CidrIp,
      })),
      ...(p.Ipv6Ranges ?? []).map((x) => ({
        IpProtocol: p.IpProtocol,
        FromPort: p.FromPort,
        ToPort: p.ToPort,
        CidrIpv6: x.CidrIpv6,
      })),
    ]);
    return [deployed(r, { GroupId: r.physicalId, SecurityGroupIngress: ingress })];
  },
  'AWS::S3::Bucket': async (r, c) => {
    const Bucket = r.physicalId;
    const optional = async <T>(p: Promise<T>, missing: RegExp): Promise<T | undefined> =>
      p.catch((err: Error) => {
        if (missing.test(err.name) || missing.test(err.message)) return undefined;
        throw err;
      });
    const pab = await optional(
      c.s3.send(new GetPublicAccessBlockCommand({ Bucket })),
      /NoSuchPublicAccessBlock/,
    );
    const enc = await optional(
      c.s3.send(new GetBucketEncryptionCommand({ Bucket })),
      /ServerSideEncryptionConfigurationNotFound/,
    );
    const ver = await c.s3.send(new GetBucketVersioningCommand({ Bucket }));
    const acl = await c.s3.send(new GetBucketAclCommand({ Bucket }));
    const policy = await optional(c.s3.send(new GetBucketPolicyCommand({ Bucket })), /NoSuchBucketPolicy/);
    const publicGrant = (acl.Grants ?? []).find((g) =>
      /global\/(AllUsers|AuthenticatedUsers)$/.test(g.Grantee?.URI ?? ''),
    );
    const bucket = deployed(r, {
      BucketName: Bucket,
      PublicAccessBlockConfiguration: pab?.PublicAccessBlockConfiguration,
      ...(enc?.ServerSideEncryptionConfiguration
        ? {
            BucketEncryption: {
              ServerSideEncryptionConfiguration: (enc.ServerSideEncryptionConfiguration.Rules ?? []).map(
                (x) => ({
                  ServerSideEncryptionByDefault: x.ApplyServerSideEncryptionByDefault,
                }),
              ),
            },
          }
        : {}),
      ...(ver.Status ? { VersioningConfiguration: { Status: ver.Status } } : {}),
      ...(publicGrant
        ? {
            AccessControl: /AuthenticatedUsers/.test(publicGrant.Grantee?.URI ?? '')
              ? 'AuthenticatedRead'
              : 'PublicRead',
          }
        : {}),
    });
    const policies = policy?.Policy
      ? [
          {
            id: `${r.id}`,
            type: 'AWS::S3::BucketPolicy',
            properties: { Bucket, PolicyDocument: JSON.parse(policy.Policy) },
            origin: 'deployed' as const,
          },
        ]
      : [];
    return [bucket, ...policies];
  },
  'AWS::CloudTrail::Trail': async (r, c) => {
    const trail = (await c.trail.send(new DescribeTrailsCommand({ trailNameList: [r.physicalId] })))
      .trailList?.[0];
    const status = await c.trail.send(new GetTrailStatusCommand({ Name: r.physicalId }));
    return [
      deployed(r, {
        IsLogging: status.IsLogging,
        IsMultiRegionTrail: trail?.IsMultiRegionTrail,
        EnableLogFileValidation: trail?.LogFileValidationEnabled,
        CloudWatchLogsLogGroupArn: trail?.CloudWatchLogsLogGroupArn,
        KMSKeyId: trail?.KmsKeyId,
        S3BucketName: trail?.S3BucketName,
      }),
    ];
  },
  'AWS::IAM::User': async (r, c) => {
    const attached = await c.iam.send(new ListAttachedUserPoliciesCommand({ UserName: r.physicalId }));
    const names =
      (await c.iam.send(new ListUserPoliciesCommand({ UserName: r.physicalId }))).PolicyNames ?? [];
    const Policies = [];
    for (const PolicyName of names) {
      const p = await c.iam.send(new GetUserPolicyCommand({ UserName: r.physicalId, PolicyName }));
      Policies.push({ PolicyName, PolicyDocument: decodePolicy(p.PolicyDocument) });
    }
    return [
      deployed(r, { ManagedPolicyArns: (attached.AttachedPolicies ?? []).map((p) => p.PolicyArn), Policies }),
    ];
  },
  'AWS::IAM::Role': async (r, c) => {
    const role = (await c.iam.send(new GetRoleCommand({ RoleName: r.physicalId }))).Role;
    const names =
      (await c.iam.send(new ListRolePoliciesCommand({ RoleName: r.physicalId }))).PolicyNames ?? [];
    const Policies = [];
    for (const PolicyName of names) {
      const p = await c.iam.send(new GetRolePolicyCommand({ RoleName: r.physicalId, PolicyName }));
      Policies.push({ PolicyName, PolicyDocument: decodePolicy(p.PolicyDocument) });
    }
    return [
      deployed(r, { AssumeRolePolicyDocument: decodePolicy(role?.AssumeRolePolicyDocument), Policies }),
    ];
  },
  'AWS::IAM::AccessKey': async (r) => [deployed(r, {})],
  'AWS::KMS::Key': async (r, c) => {
    const meta = (await c.kms.send(new DescribeKeyCommand({ KeyId: r.physicalId }))).KeyMetadata;
    const rotation = await c.kms.send(new GetKeyRotationStatusCommand({ KeyId: r.physicalId }));
    const policy = await c.kms.send(new GetKeyPolicyCommand({ KeyId: r.physicalId, PolicyName: 'default' }));
    return [
      deployed(r, {
        KeySpec: meta?.KeySpec,
        EnableKeyRotation: rotation.KeyRotationEnabled,
        KeyPolicy: policy.Policy ? JSON.parse(policy.Policy) : undefined,
      }),
    ];
  },
  'AWS::EC2::VPC': async (r, c) => {
    const logs = await c.ec2.send(
      new DescribeFlowLogsCommand({ Filter: [{ Name: 'resource-id', Values: [r.physicalId] }] }),
    );
    return [
      deployed(r, { VpcId: r.physicalId }),
      ...(logs.FlowLogs ?? []).map((f, i) => ({
        id: `${r.id}FlowLog${i}`,
        type: 'AWS::EC2::FlowLog',
        properties: { ResourceId: f.ResourceId },
        origin: 'deployed' as const,
      })),
    ];
  },
  'AWS::EC2::Volume': async (r, c) => {
    const v = (await c.ec2.send(new DescribeVolumesCommand({ VolumeIds: [r.physicalId] }))).Volumes?.[0];
    return [deployed(r, { Encrypted: v?.Encrypted })];
  },
};

export async function readLiveResources(
  reader: LiveReader,
  stack: StackResource[],
): Promise<{ resources: LintResource[]; unreadable: Array<{ resource: string; reason: string }> }> {
  const c: Clients = {
    ec2: new EC2Client(reader.clientConfig),
    s3: new S3Client(reader.clientConfig),
    trail: new CloudTrailClient(reader.clientConfig),
    iam: new IAMClient(reader.clientConfig),
    kms: new KMSClient(reader.clientConfig),
  };
  const resources: LintResource[] = [];
  const unreadable: Array<{ resource: string; reason: string }> = [];
  try {
    for (const r of stack) {
      const read = READERS[r.type];
      if (!read || r.physicalId === '') continue;
      try {
        resources.push(...(await read(r, c)));
      } catch (err) {
        unreadable.push({
          resource: r.id,
          reason: `the deployed ${r.type} could not be read: ${(err as Error).message}`,
        });
      }
    }
  } finally {
    for (const client of Object.values(c)) client.destroy();
  }
  return { resources, unreadable };
}
