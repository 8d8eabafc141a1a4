/**
 * Which IAM action(s) a range operation needs. Mostly `<prefix>:<Operation>` with the service's IAM
 * prefix; the exceptions are the ones the Service Authorization Reference documents (an API operation
 * that is authorized as a differently named action, or as two actions).
 */
import { referenceAction } from './reference.js';

/** The range's service name (its SigV4 signing name) → the IAM service prefix, where they differ. */
const PREFIXES: Readonly<Record<string, string>> = {
  monitoring: 'cloudwatch',
  s3control: 's3',
};

/** `service:Operation` → the IAM actions it is authorized as, where that is not the operation's own name. */
const EXCEPTIONS: Readonly<Record<string, readonly string[]>> = {
  // S3 Control's account-level public access block is authorized as s3:*AccountPublicAccessBlock.
  's3control:GetPublicAccessBlock': ['s3:GetAccountPublicAccessBlock'],
  's3control:PutPublicAccessBlock': ['s3:PutAccountPublicAccessBlock'],
  's3control:DeletePublicAccessBlock': ['s3:PutAccountPublicAccessBlock'],
  // Lambda: invoking needs lambda:InvokeFunction; GetLayerVersionByArn is lambda:GetLayerVersion.
  'lambda:Invoke': ['lambda:InvokeFunction'],
  'lambda:InvokeAsync': ['lambda:InvokeAsync'],
  'lambda:InvokeWithResponseStream': ['lambda:InvokeFunction'],
  'lambda:GetLayerVersionByArn': ['lambda:GetLayerVersion'],
  // KMS ReEncrypt needs permission on both keys: kms:ReEncryptFrom and kms:ReEncryptTo.
  'kms:ReEncrypt': ['kms:ReEncryptFrom', 'kms:ReEncryptTo'],
  // SNS PublishBatch is authorized as sns:Publish.
  'sns:PublishBatch': ['sns:Publish'],
};

export function iamPrefix(service: string): string {
  return Object.hasOwn(PREFIXES, service) ? (PREFIXES[service] as string) : service;
}

const cache = new Map<string, readonly string[]>();

/**
 * The IAM actions a call needs, e.g. `['ec2:DescribeInstances']`. Lambda's versioned operation names
 * (`ListFunctions20150331`) are authorized under their plain name.
 */
export function actionsOf(service: string, operation: string): readonly string[] {
  const key = `${service}:${operation}`;
  const known = cache.get(key);
  if (known) return known;
  let actions: readonly string[];
  if (Object.hasOwn(EXCEPTIONS, key)) {
    actions = EXCEPTIONS[key] as readonly string[];
  } else {
    const prefix = iamPrefix(service);
    const plain = service === 'lambda' ? operation.replace(/\d{8}(v\d+)?$/, '') : operation;
    // Spell the action as the reference does (IAM matches actions case-insensitively anyway).
    actions = [`${prefix}:${referenceAction(prefix, plain)?.name ?? plain}`];
  }
  cache.set(key, actions);
  return actions;
}
