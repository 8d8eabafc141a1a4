/**
 * API calls (`s3:HeadObject`, as sirs and scenarios write them) → the IAM actions that authorize them
 * (`s3:GetObject`). Most operations are authorized by the action of the same name; the exceptions below
 * are the ones the Service Authorization Reference and the S3 API reference name differently.
 */
import { actionReference } from './reference.js';

const AUTHORIZED_BY: Readonly<Record<string, readonly string[]>> = {
  's3:HeadBucket': ['s3:ListBucket'],
  's3:HeadObject': ['s3:GetObject'],
  's3:ListObjects': ['s3:ListBucket'],
  's3:ListObjectsV2': ['s3:ListBucket'],
  's3:ListObjectVersions': ['s3:ListBucketVersions'],
  // A versioned delete needs DeleteObjectVersion as well; teardown empties versioned buckets.
  's3:DeleteObjects': ['s3:DeleteObject', 's3:DeleteObjectVersion'],
  's3:ListBuckets': ['s3:ListAllMyBuckets'],
  's3:GetPublicAccessBlock': ['s3:GetBucketPublicAccessBlock'],
  's3:PutPublicAccessBlock': ['s3:PutBucketPublicAccessBlock'],
  's3:DeletePublicAccessBlock': ['s3:PutBucketPublicAccessBlock'],
  's3:GetBucketEncryption': ['s3:GetEncryptionConfiguration'],
  's3:PutBucketEncryption': ['s3:PutEncryptionConfiguration'],
  's3:DeleteBucketEncryption': ['s3:PutEncryptionConfiguration'],
  's3:GetBucketLifecycleConfiguration': ['s3:GetLifecycleConfiguration'],
  's3:PutBucketLifecycleConfiguration': ['s3:PutLifecycleConfiguration'],
  's3:CopyObject': ['s3:GetObject', 's3:PutObject'],
  's3control:GetPublicAccessBlock': ['s3:GetAccountPublicAccessBlock'],
  's3control:PutPublicAccessBlock': ['s3:PutAccountPublicAccessBlock'],
  's3control:DeletePublicAccessBlock': ['s3:PutAccountPublicAccessBlock'],
};

/** Something the policy would have to cover but sirs cannot derive: never a silent gap. */
export class PolicyGapError extends Error {
  constructor(
    message: string,
    readonly hint: string,
  ) {
    super(message);
    this.name = 'PolicyGapError';
  }
}

/**
 * Calls a service makes to another with the caller's permissions (`aws:CalledVia`): Parameter Store
 * encrypts a SecureString with the caller's KMS permissions, and decrypts it the same way.
 */
export function calledOnBehalf(call: string, input: Readonly<Record<string, unknown>>): string[] {
  if (call === 'ssm:PutParameter' && input.Type === 'SecureString')
    return ['kms:Encrypt', 'kms:GenerateDataKey'];
  if ((call === 'ssm:GetParameter' || call === 'ssm:GetParameters') && input.WithDecryption === true)
    return ['kms:Decrypt'];
  return [];
}

/** The IAM actions that authorize an API call; an action the reference does not know is an error. */
export function actionsForCall(call: string): string[] {
  const actions = AUTHORIZED_BY[call] ?? [call];
  return actions.map((a) => {
    const ref = actionReference(a);
    if (!ref) {
      throw new PolicyGapError(
        `no IAM action authorizes ${call}: the Service Authorization Reference has no ${a}`,
        'name the IAM action that authorizes it in src/policy/calls.ts',
      );
    }
    return ref.action;
  });
}
