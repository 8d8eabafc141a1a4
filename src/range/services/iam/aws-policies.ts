import { createHash } from 'node:crypto';

/**
 * AWS managed policies exist in every account. The range carries the ones scenarios, runbooks and
 * CloudFormation templates use, with their real names, paths and the shape of their default
 * documents (the long read-only ones abridged to their representative statements).
 */
export interface AwsManagedPolicy {
  PolicyName: string;
  Path: string;
  Arn: string;
  PolicyId: string;
  Description: string;
  DefaultVersionId: string;
  CreateDate: Date;
  UpdateDate: Date;
  Document: string;
}

type Doc = {
  Sid?: string;
  Effect: 'Allow' | 'Deny';
  Action?: string | string[];
  NotAction?: string[];
  Resource: string | string[];
  Condition?: unknown;
};

interface Spec {
  name: string;
  path?: string;
  description: string;
  version: string;
  created: string;
  updated: string;
  statements: Doc[];
}

const specs: Spec[] = [
  {
    name: 'AdministratorAccess',
    description: 'Provides full access to AWS services and resources.',
    version: 'v1',
    created: '2015-02-06T18:39:46Z',
    updated: '2015-02-06T18:39:46Z',
    statements: [{ Effect: 'Allow', Action: '*', Resource: '*' }],
  },
  {
    // What responders attach to contain a compromised user or role: an explicit deny wins over every allow.
    name: 'AWSDenyAll',
    description: 'Deny all access.',
    version: 'v2',
    created: '2019-05-01T22:36:14Z',
    updated: '2023-12-18T16:42:00Z',
    statements: [{ Sid: 'DenyAll', Effect: 'Deny', Action: ['*'], Resource: '*' }],
  },
  {
    name: 'PowerUserAccess',
    description:
      'Provides full access to AWS services and resources, but does not allow management of Users and groups.',
    version: 'v5',
    created: '2015-02-06T18:39:47Z',
    updated: '2023-07-06T22:04:00Z',
    statements: [
      { Effect: 'Allow', NotAction: ['iam:*', 'organizations:*', 'account:*'], Resource: '*' },
      {
        Effect: 'Allow',
        Action: [
          'iam:CreateServiceLinkedRole',
          'iam:DeleteServiceLinkedRole',
          'iam:ListRoles',
          'organizations:DescribeOrganization',
          'account:GetAccountInformation',
          'account:ListRegions',
        ],
        Resource: '*',
      },
    ],
  },
  {
    name: 'ReadOnlyAccess',
    description: 'Provides read-only access to AWS services and resources.',
    version: 'v118',
    created: '2015-02-06T18:39:48Z',
    updated: '2024-05-08T16:17:01Z',
    statements: [
      {
        Sid: 'ReadOnlyActions',
        Effect: 'Allow',
        Action: [
          'cloudformation:Describe*',
          'cloudformation:Get*',
          'cloudformation:List*',
          'cloudtrail:Describe*',
          'cloudtrail:Get*',
          'cloudtrail:List*',
          'cloudtrail:LookupEvents',
          'cloudwatch:Describe*',
          'cloudwatch:Get*',
          'cloudwatch:List*',
          'ec2:Describe*',
          'ec2:Get*',
          'iam:Generate*',
          'iam:Get*',
          'iam:List*',
          'iam:Simulate*',
          'kms:Describe*',
          'kms:Get*',
          'kms:List*',
          'logs:Describe*',
          'logs:FilterLogEvents',
          'logs:Get*',
          'logs:List*',
          'logs:StartQuery',
          'logs:TestMetricFilter',
          's3:Describe*',
          's3:Get*',
          's3:List*',
          'ssm:Describe*',
          'ssm:Get*',
          'ssm:List*',
          'sts:GetCallerIdentity',
        ],
        Resource: '*',
      },
    ],
  },
  {
    name: 'SecurityAudit',
    description:
      'The security audit template grants access to read security configuration metadata. It is useful for software that audits the configuration of an AWS account.',
    version: 'v44',
    created: '2015-02-06T18:41:01Z',
    updated: '2024-05-01T17:23:02Z',
    statements: [
      {
        Effect: 'Allow',
        Action: [
          'cloudtrail:DescribeTrails',
          'cloudtrail:GetEventSelectors',
          'cloudtrail:GetTrail',
          'cloudtrail:GetTrailStatus',
          'cloudtrail:ListTrails',
          'cloudtrail:LookupEvents',
          'cloudwatch:DescribeAlarms',
          'ec2:DescribeFlowLogs',
          'ec2:DescribeInstances',
          'ec2:DescribeNetworkAcls',
          'ec2:DescribeSecurityGroups',
          'ec2:DescribeSnapshotAttribute',
          'ec2:DescribeSubnets',
          'ec2:DescribeVpcs',
          'iam:GenerateCredentialReport',
          'iam:GetAccountPasswordPolicy',
          'iam:GetAccountSummary',
          'iam:GetCredentialReport',
          'iam:GetPolicyVersion',
          'iam:GetRole',
          'iam:GetUser',
          'iam:List*',
          'kms:DescribeKey',
          'kms:GetKeyPolicy',
          'kms:GetKeyRotationStatus',
          'kms:ListKeys',
          'logs:DescribeLogGroups',
          'logs:DescribeMetricFilters',
          's3:GetAccountPublicAccessBlock',
          's3:GetBucketAcl',
          's3:GetBucketPolicy',
          's3:GetBucketPolicyStatus',
          's3:GetBucketPublicAccessBlock',
          's3:GetEncryptionConfiguration',
          's3:ListAllMyBuckets',
        ],
        Resource: '*',
      },
    ],
  },
  {
    name: 'IAMFullAccess',
    description: 'Provides full access to IAM via the AWS Management Console.',
    version: 'v2',
    created: '2015-02-06T18:40:38Z',
    updated: '2019-06-21T19:40:00Z',
    statements: [
      {
        Effect: 'Allow',
        Action: [
          'iam:*',
          'organizations:DescribeAccount',
          'organizations:DescribeOrganization',
          'organizations:DescribeOrganizationalUnit',
          'organizations:DescribePolicy',
          'organizations:ListChildren',
          'organizations:ListParents',
          'organizations:ListPoliciesForTarget',
          'organizations:ListRoots',
          'organizations:ListPolicies',
          'organizations:ListTargetsForPolicy',
        ],
        Resource: '*',
      },
    ],
  },
  {
    name: 'IAMReadOnlyAccess',
    description: 'Provides read only access to IAM via the AWS Management Console.',
    version: 'v4',
    created: '2015-02-06T18:40:39Z',
    updated: '2018-01-25T19:11:27Z',
    statements: [
      {
        Effect: 'Allow',
        Action: [
          'iam:GenerateCredentialReport',
          'iam:GenerateServiceLastAccessedDetails',
          'iam:Get*',
          'iam:List*',
          'iam:SimulateCustomPolicy',
          'iam:SimulatePrincipalPolicy',
        ],
        Resource: '*',
      },
    ],
  },
  {
    name: 'AmazonS3FullAccess',
    description: 'Provides full access to all buckets via the AWS Management Console.',
    version: 'v2',
    created: '2015-02-06T18:40:58Z',
    updated: '2021-09-27T20:16:37Z',
    statements: [{ Effect: 'Allow', Action: ['s3:*', 's3-object-lambda:*'], Resource: '*' }],
  },
  {
    name: 'AmazonS3ReadOnlyAccess',
    description: 'Provides read only access to all buckets via the AWS Management Console.',
    version: 'v3',
    created: '2015-02-06T18:40:59Z',
    updated: '2023-08-10T21:31:39Z',
    statements: [
      {
        Effect: 'Allow',
        Action: ['s3:Get*', 's3:List*', 's3:Describe*', 's3-object-lambda:Get*', 's3-object-lambda:List*'],
        Resource: '*',
      },
    ],
  },
  {
    name: 'AmazonSSMManagedInstanceCore',
    description: 'The policy for Amazon EC2 Role to enable AWS Systems Manager service core functionality.',
    version: 'v2',
    created: '2019-03-15T17:22:12Z',
    updated: '2019-05-23T16:54:21Z',
    statements: [
      {
        Effect: 'Allow',
        Action: [
          'ssm:DescribeAssociation',
          'ssm:GetDeployablePatchSnapshotForInstance',
          'ssm:GetDocument',
          'ssm:DescribeDocument',
          'ssm:GetManifest',
          'ssm:GetParameter',
          'ssm:GetParameters',
          'ssm:ListAssociations',
          'ssm:ListInstanceAssociations',
          'ssm:PutInventory',
          'ssm:PutComplianceItems',
          'ssm:PutConfigurePackageResult',
          'ssm:UpdateAssociationStatus',
          'ssm:UpdateInstanceAssociationStatus',
          'ssm:UpdateInstanceInformation',
        ],
        Resource: '*',
      },
      {
        Effect: 'Allow',
        Action: [
          'ssmmessages:CreateControlChannel',
          'ssmmessages:CreateDataChannel',
          'ssmmessages:OpenControlChannel',
          'ssmmessages:OpenDataChannel',
        ],
        Resource: '*',
      },
      {
        Effect: 'Allow',
        Action: [
          'ec2messages:AcknowledgeMessage',
          'ec2messages:DeleteMessage',
          'ec2messages:FailMessage',
          'ec2messages:GetEndpoint',
          'ec2messages:GetMessages',
          'ec2messages:SendReply',
        ],
        Resource: '*',
      },
    ],
  },
  {
    name: 'CloudWatchLogsFullAccess',
    description: 'Provides full access to CloudWatch Logs',
    version: 'v2',
    created: '2015-02-06T18:40:02Z',
    updated: '2023-12-04T18:56:34Z',
    statements: [
      {
        Sid: 'CloudWatchLogsFullAccess',
        Effect: 'Allow',
        Action: ['logs:*', 'cloudwatch:GenerateQuery'],
        Resource: '*',
      },
    ],
  },
  {
    name: 'AWSCloudTrail_FullAccess',
    description: 'Provides full access to AWS CloudTrail.',
    version: 'v4',
    created: '2020-10-16T17:58:00Z',
    updated: '2023-11-17T21:31:00Z',
    statements: [
      {
        Effect: 'Allow',
        Action: [
          'cloudtrail:*',
          'logs:CreateLogGroup',
          'logs:DescribeLogGroups',
          's3:ListAllMyBuckets',
          'iam:PassRole',
        ],
        Resource: '*',
      },
    ],
  },
  {
    name: 'AmazonEC2FullAccess',
    description: 'Provides full access to Amazon EC2 via the AWS Management Console.',
    version: 'v5',
    created: '2015-02-06T18:40:15Z',
    updated: '2018-11-27T02:16:56Z',
    statements: [
      {
        Effect: 'Allow',
        Action: ['ec2:*', 'elasticloadbalancing:*', 'cloudwatch:*', 'autoscaling:*'],
        Resource: '*',
      },
    ],
  },
  {
    name: 'ViewOnlyAccess',
    path: '/job-function/',
    description:
      'This policy grants permissions to view resources and basic metadata across all AWS services.',
    version: 'v17',
    created: '2016-11-10T17:20:15Z',
    updated: '2024-02-05T21:18:00Z',
    statements: [
      {
        Effect: 'Allow',
        Action: [
          'cloudtrail:DescribeTrails',
          'ec2:Describe*',
          'iam:List*',
          'iam:GetAccountSummary',
          's3:ListAllMyBuckets',
          'logs:DescribeLogGroups',
        ],
        Resource: '*',
      },
    ],
  },
];

/** Stable ids derived from the name, shaped like IAM's (ANPA + 17 characters). */
function policyIdOf(name: string): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  const digest = createHash('sha256').update(`aws-managed:${name}`).digest();
  let id = 'ANPA';
  for (let i = 0; i < 17; i++) id += alphabet[(digest[i] as number) % 32];
  return id;
}

export const awsManagedPolicies: readonly AwsManagedPolicy[] = specs.map((s) => {
  const path = s.path ?? '/';
  return {
    PolicyName: s.name,
    Path: path,
    Arn: `arn:aws:iam::aws:policy${path}${s.name}`,
    PolicyId: policyIdOf(s.name),
    Description: s.description,
    DefaultVersionId: s.version,
    CreateDate: new Date(s.created),
    UpdateDate: new Date(s.updated),
    Document: JSON.stringify({ Version: '2012-10-17', Statement: s.statements }, null, 4),
  };
});

const byArn = new Map(awsManagedPolicies.map((p) => [p.Arn, p]));

export function awsManagedPolicy(arn: string): AwsManagedPolicy | undefined {
  return byArn.get(arn);
}
