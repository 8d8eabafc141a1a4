import type { DescribeSecurityGroupsResult, IpPermission } from '@aws-sdk/client-ec2';
import type {
  ListAttachedUserPoliciesResponse,
  ListUserPoliciesResponse,
  ListUsersResponse,
} from '@aws-sdk/client-iam';
import { ServiceError, isServiceError } from '../../errors.js';
import { record } from '../../records.js';

/**
 * The steps of the AWS-owned Automation runbooks the range runs, each as the Systems Manager
 * Automation runbook reference describes it. A step calls the range through `call` (as the
 * automation's AutomationAssumeRole when one is given, else as whoever started it, with invokedBy
 * ssm.amazonaws.com); a step whose call fails fails the execution with the service's error.
 */

export type AutomationCall = (service: string, operation: string, input: object) => Promise<unknown>;

export interface StepOutcome {
  name: string;
  action: string;
  inputs: Record<string, string>;
  outputs?: Record<string, string[]>;
  failureMessage?: string;
}

export type Parameters = Record<string, string[]>;

export interface Runbook {
  run(call: AutomationCall, p: Parameters): Promise<StepOutcome[]>;
}

const one = (p: Parameters, name: string): string => p[name]?.[0] ?? '';

/** Run one aws:executeAwsApi-style step: its failure becomes the step's failure message. */
async function step(
  name: string,
  inputs: Record<string, unknown>,
  body: () => Promise<Record<string, string[]> | undefined>,
  action = 'aws:executeAwsApi',
): Promise<StepOutcome> {
  const shown = Object.fromEntries(Object.entries(inputs).map(([k, v]) => [k, JSON.stringify(v)]));
  try {
    return { name, action, inputs: shown, outputs: (await body()) ?? {} };
  } catch (err) {
    if (!isServiceError(err)) throw err;
    return {
      name,
      action,
      inputs: shown,
      failureMessage: `Step fails when it is Executing. ${err.code}: ${err.message}`,
    };
  }
}

/** Steps run in order; after a failed step the rest do not run (onFailure: Abort). */
async function sequence(steps: Array<() => Promise<StepOutcome>>): Promise<StepOutcome[]> {
  const out: StepOutcome[] = [];
  for (const s of steps) {
    const r = await s();
    out.push(r);
    if (r.failureMessage) break;
  }
  return out;
}

function worldPermission(port: number): IpPermission[] {
  return [
    { IpProtocol: 'tcp', FromPort: port, ToPort: port, IpRanges: [{ CidrIp: '0.0.0.0/0' }] },
    { IpProtocol: 'tcp', FromPort: port, ToPort: port, Ipv6Ranges: [{ CidrIpv6: '::/0' }] },
  ];
}

/**
 * AWS-DisablePublicAccessForSecurityGroup: revokes SSH (22) and RDP (3389) from 0.0.0.0/0 and ::/0 in
 * one call. As its reference warns, in a non-default VPC (every VPC on the range) the call fails with
 * InvalidPermission.NotFound unless the group has all four of those rules.
 */
const disablePublicAccessForSecurityGroup: Runbook = {
  async run(call, p) {
    const groupId = one(p, 'GroupId');
    const permissions = [...worldPermission(22), ...worldPermission(3389)];
    const steps = [
      () =>
        step('DisableFromAllIp', { GroupId: groupId, IpPermissions: permissions }, async () => {
          await call('ec2', 'RevokeSecurityGroupIngress', { GroupId: groupId, IpPermissions: permissions });
          return undefined;
        }),
    ];
    const extra = one(p, 'IpAddressToBlock');
    if (extra) {
      const cidr = extra.includes('/') ? extra : `${extra}/32`;
      const perms = [22, 3389].map((port) => ({
        IpProtocol: 'tcp',
        FromPort: port,
        ToPort: port,
        IpRanges: [{ CidrIp: cidr }],
      }));
      steps.push(() =>
        step('DisableFromIpV4', { GroupId: groupId, IpPermissions: perms }, async () => {
          await call('ec2', 'RevokeSecurityGroupIngress', { GroupId: groupId, IpPermissions: perms });
          return undefined;
        }),
      );
    }
    return sequence(steps);
  },
};

function sshOpenToWorld(p: IpPermission): IpPermission | undefined {
  const all = p.IpProtocol === '-1';
  if (!all && p.IpProtocol !== 'tcp') return undefined;
  if (!all && !((p.FromPort ?? 0) <= 22 && 22 <= (p.ToPort ?? 65535))) return undefined;
  const v4 = (p.IpRanges ?? []).filter((r) => r.CidrIp === '0.0.0.0/0');
  const v6 = (p.Ipv6Ranges ?? []).filter((r) => r.CidrIpv6 === '::/0');
  if (!v4.length && !v6.length) return undefined;
  return {
    IpProtocol: p.IpProtocol,
    ...(all ? {} : { FromPort: p.FromPort, ToPort: p.ToPort }),
    ...(v4.length ? { IpRanges: v4.map((r) => ({ CidrIp: r.CidrIp })) } : {}),
    ...(v6.length ? { Ipv6Ranges: v6.map((r) => ({ CidrIpv6: r.CidrIpv6 })) } : {}),
  };
}

/** AWS-DisableIncomingSSHOnPort22: removes every rule allowing unrestricted SSH on TCP port 22. */
const disableIncomingSshOnPort22: Runbook = {
  async run(call, p) {
    const ids =
      p.SecurityGroupIds?.flatMap((v) => v.split(','))
        .map((v) => v.trim())
        .filter((v) => v) ?? [];
    return sequence([
      () =>
        step('DisableIncomingSSHTemplate', { SecurityGroupIds: ids }, async () => {
          const out = (await call('ec2', 'DescribeSecurityGroups', {
            GroupIds: ids,
          })) as DescribeSecurityGroupsResult;
          const revoked: string[] = [];
          for (const g of out.SecurityGroups ?? []) {
            const perms = (g.IpPermissions ?? []).map(sshOpenToWorld).filter((x): x is IpPermission => !!x);
            if (!perms.length) continue;
            await call('ec2', 'RevokeSecurityGroupIngress', { GroupId: g.GroupId, IpPermissions: perms });
            revoked.push(g.GroupId ?? '');
          }
          return { 'DisableIncomingSSHTemplate.RevokedGroups': revoked };
        }),
    ]);
  },
};

/** AWS-EnableCloudTrail: creates a trail delivering to the given bucket, then starts its logging. */
const enableCloudTrail: Runbook = {
  async run(call, p) {
    const name = one(p, 'TrailName');
    const bucket = one(p, 'S3BucketName');
    return sequence([
      () =>
        step('CreateTrail', { Name: name, S3BucketName: bucket }, async () => {
          await call('cloudtrail', 'CreateTrail', { Name: name, S3BucketName: bucket });
          return undefined;
        }),
      () =>
        step('StartLogging', { Name: name }, async () => {
          await call('cloudtrail', 'StartLogging', { Name: name });
          return undefined;
        }),
    ]);
  },
};

const ALL_BLOCKED = {
  BlockPublicAcls: true,
  IgnorePublicAcls: true,
  BlockPublicPolicy: true,
  RestrictPublicBuckets: true,
};

/** AWS-DisableS3BucketPublicReadWrite: turns on all four S3 Block Public Access settings of the bucket. */
const disableS3BucketPublicReadWrite: Runbook = {
  async run(call, p) {
    const bucket = one(p, 'S3BucketName');
    return sequence([
      () =>
        step(
          'DisableS3BucketPublicReadWrite',
          { Bucket: bucket, PublicAccessBlockConfiguration: ALL_BLOCKED },
          async () => {
            await call('s3', 'PutPublicAccessBlock', {
              Bucket: bucket,
              PublicAccessBlockConfiguration: ALL_BLOCKED,
            });
            return undefined;
          },
        ),
    ]);
  },
};

/** AWSConfigRemediation-ConfigureS3BucketPublicAccessBlock: puts the chosen settings, then verifies them. */
const configureS3BucketPublicAccessBlock: Runbook = {
  async run(call, p) {
    const bucket = one(p, 'BucketName');
    const config = {
      BlockPublicAcls: one(p, 'BlockPublicAcls') !== 'false',
      IgnorePublicAcls: one(p, 'IgnorePublicAcls') !== 'false',
      BlockPublicPolicy: one(p, 'BlockPublicPolicy') !== 'false',
      RestrictPublicBuckets: one(p, 'RestrictPublicBuckets') !== 'false',
    };
    return sequence([
      () =>
        step(
          'PutBucketPublicAccessBlock',
          { Bucket: bucket, PublicAccessBlockConfiguration: config },
          async () => {
            await call('s3', 'PutPublicAccessBlock', {
              Bucket: bucket,
              PublicAccessBlockConfiguration: config,
            });
            return undefined;
          },
        ),
      () =>
        step(
          'GetBucketPublicAccessBlock',
          { Bucket: bucket },
          async () => {
            const out = (await call('s3', 'GetPublicAccessBlock', { Bucket: bucket })) as {
              PublicAccessBlockConfiguration?: Record<string, boolean>;
            };
            const got = out.PublicAccessBlockConfiguration ?? {};
            const off = Object.entries(config).filter(([k, v]) => got[k] !== v);
            if (off.length) {
              throw new ServiceError(
                'VerificationFailed',
                `The bucket's settings differ: ${off.map(([k]) => k).join(', ')}.`,
              );
            }
            return undefined;
          },
          'aws:assertAwsResourceProperty',
        ),
    ]);
  },
};

/** AWSConfigRemediation-RemoveUserPolicies: deletes the user's inline and/or detaches its managed policies. */
const removeUserPolicies: Runbook = {
  async run(call, p) {
    const userId = one(p, 'IAMUserID');
    const type = one(p, 'PolicyType') || 'All';
    return sequence([
      () =>
        step(
          'RemoveUserPolicies',
          { IAMUserID: userId, PolicyType: type },
          async () => {
            const users =
              ((await call('iam', 'ListUsers', { MaxItems: 1000 })) as ListUsersResponse).Users ?? [];
            const user = users.find((u) => u.UserId === userId);
            if (!user?.UserName)
              throw new ServiceError('NoSuchEntity', `The user with id ${userId} cannot be found.`);
            const removed: string[] = [];
            if (type === 'All' || type === 'Inline') {
              const inline = (await call('iam', 'ListUserPolicies', {
                UserName: user.UserName,
              })) as ListUserPoliciesResponse;
              for (const name of inline.PolicyNames ?? []) {
                await call('iam', 'DeleteUserPolicy', { UserName: user.UserName, PolicyName: name });
                removed.push(name);
              }
            }
            if (type === 'All' || type === 'Managed') {
              const attached = (await call('iam', 'ListAttachedUserPolicies', {
                UserName: user.UserName,
              })) as ListAttachedUserPoliciesResponse;
              for (const a of attached.AttachedPolicies ?? []) {
                await call('iam', 'DetachUserPolicy', { UserName: user.UserName, PolicyArn: a.PolicyArn });
                removed.push(a.PolicyArn ?? '');
              }
            }
            return { 'RemoveUserPolicies.RemovedPolicies': removed };
          },
          'aws:executeScript',
        ),
    ]);
  },
};

/** AWSConfigRemediation-EnableKeyRotation: turns on automatic rotation of a customer managed key. */
const enableKeyRotation: Runbook = {
  async run(call, p) {
    const keyId = one(p, 'KeyId');
    return sequence([
      () =>
        step('EnableKeyRotation', { KeyId: keyId }, async () => {
          await call('kms', 'EnableKeyRotation', { KeyId: keyId });
          return undefined;
        }),
    ]);
  },
};

export const runbooks: Readonly<Record<string, Runbook>> = record({
  'AWS-DisablePublicAccessForSecurityGroup': disablePublicAccessForSecurityGroup,
  'AWS-DisableIncomingSSHOnPort22': disableIncomingSshOnPort22,
  'AWS-EnableCloudTrail': enableCloudTrail,
  'AWS-DisableS3BucketPublicReadWrite': disableS3BucketPublicReadWrite,
  'AWSConfigRemediation-ConfigureS3BucketPublicAccessBlock': configureS3BucketPublicAccessBlock,
  'AWSConfigRemediation-RemoveUserPolicies': removeUserPolicies,
  'AWSConfigRemediation-EnableKeyRotation': enableKeyRotation,
});
