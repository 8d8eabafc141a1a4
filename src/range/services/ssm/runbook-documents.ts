import type { DocumentSpec } from './documents.js';

// The AWS-owned Automation runbooks teams pair with AWS Config rules, as the Systems Manager
// Automation runbook reference lists their parameters. Their steps are in runbooks.ts.

const role = (required: boolean) => ({
  name: 'AutomationAssumeRole',
  type: 'String' as const,
  description: `(${required ? 'Required' : 'Optional'}) The ARN of the role that allows Automation to perform the actions on your behalf.`,
  ...(required ? {} : { default: '' }),
});

function automation(
  name: string,
  description: string,
  targetType: string,
  createdAt: string,
  parameters: DocumentSpec['parameters'],
  steps: DocumentSpec['steps'],
): DocumentSpec {
  return {
    name,
    type: 'Automation',
    schemaVersion: '0.3',
    description,
    platforms: ['Windows', 'Linux', 'MacOS'],
    targetType,
    createdAt: new Date(createdAt),
    parameters,
    steps,
  };
}

const boolParam = (name: string, what: string) => ({
  name,
  type: 'Boolean' as const,
  description: `(Optional) ${what}`,
  default: 'true',
  allowed: ['true', 'false'],
});

export const runbookDocuments: DocumentSpec[] = [
  automation(
    'AWS-DisablePublicAccessForSecurityGroup',
    'Disables default SSH and RDP ports that are opened to all IP addresses.',
    '/AWS::EC2::SecurityGroup',
    '2019-10-04T17:36:31.000Z',
    [
      {
        name: 'GroupId',
        type: 'String',
        description: '(Required) The ID of the security group for which the ports should be disabled.',
      },
      {
        name: 'IpAddressToBlock',
        type: 'String',
        description: '(Optional) Additional IPv4 address from which SSH and RDP access should be blocked.',
        default: '',
      },
      role(false),
    ],
    [{ name: 'DisableFromAllIp', action: 'aws:executeAwsApi' }],
  ),
  automation(
    'AWS-DisableIncomingSSHOnPort22',
    'Removes rules that allow unrestricted incoming SSH traffic on TCP port 22 for security groups.',
    '/AWS::EC2::SecurityGroup',
    '2019-10-04T17:36:31.000Z',
    [
      {
        name: 'SecurityGroupIds',
        type: 'String',
        description:
          '(Required) A comma separated list of the IDs of the security groups to restrict SSH traffic for.',
      },
      role(false),
    ],
    [{ name: 'DisableIncomingSSHTemplate', action: 'aws:executeAwsApi' }],
  ),
  automation(
    'AWS-EnableCloudTrail',
    'Creates an AWS CloudTrail trail and starts its logging.',
    '/AWS::CloudTrail::Trail',
    '2018-02-07T21:26:47.000Z',
    [
      { name: 'TrailName', type: 'String', description: '(Required) The name of the new trail.' },
      {
        name: 'S3BucketName',
        type: 'String',
        description: '(Required) The name of the S3 bucket designated for publishing log files.',
      },
      role(false),
    ],
    [
      { name: 'CreateTrail', action: 'aws:executeAwsApi' },
      { name: 'StartLogging', action: 'aws:executeAwsApi' },
    ],
  ),
  automation(
    'AWS-DisableS3BucketPublicReadWrite',
    "Uses S3 Block Public Access to disable a bucket's public read and write access.",
    '/AWS::S3::Bucket',
    '2019-10-04T17:36:31.000Z',
    [{ name: 'S3BucketName', type: 'String', description: '(Required) The S3 bucket name.' }, role(false)],
    [{ name: 'DisableS3BucketPublicReadWrite', action: 'aws:executeAwsApi' }],
  ),
  automation(
    'AWSConfigRemediation-ConfigureS3BucketPublicAccessBlock',
    'Configures the Amazon S3 Block Public Access settings of a bucket.',
    '/AWS::S3::Bucket',
    '2020-09-17T18:27:32.000Z',
    [
      { name: 'BucketName', type: 'String', description: '(Required) The bucket you want to configure.' },
      boolParam('RestrictPublicBuckets', 'Restricts access to buckets with public policies.'),
      boolParam('BlockPublicAcls', 'Rejects new public ACLs.'),
      boolParam('IgnorePublicAcls', 'Ignores public ACLs on the bucket and its objects.'),
      boolParam('BlockPublicPolicy', 'Rejects bucket policies that grant public access.'),
      role(true),
    ],
    [
      { name: 'PutBucketPublicAccessBlock', action: 'aws:executeAwsApi' },
      { name: 'GetBucketPublicAccessBlock', action: 'aws:assertAwsResourceProperty' },
    ],
  ),
  automation(
    'AWSConfigRemediation-RemoveUserPolicies',
    'Deletes the inline policies of an IAM user and detaches its managed policies.',
    '/AWS::IAM::User',
    '2020-09-17T18:27:32.000Z',
    [
      {
        name: 'IAMUserID',
        type: 'String',
        description: '(Required) The ID of the IAM user whose policies you want to remove.',
      },
      {
        name: 'PolicyType',
        type: 'String',
        description: '(Optional) The type of IAM policies you want to remove from the user.',
        default: 'All',
        allowed: ['Inline', 'Managed', 'All'],
      },
      role(true),
    ],
    [{ name: 'RemoveUserPolicies', action: 'aws:executeScript' }],
  ),
  automation(
    'AWSConfigRemediation-EnableKeyRotation',
    'Enables automatic key rotation for a customer managed AWS KMS key.',
    '/AWS::KMS::Key',
    '2020-09-17T18:27:32.000Z',
    [
      { name: 'KeyId', type: 'String', description: '(Required) The ID of the customer managed key.' },
      role(true),
    ],
    [{ name: 'EnableKeyRotation', action: 'aws:executeAwsApi' }],
  ),
];
