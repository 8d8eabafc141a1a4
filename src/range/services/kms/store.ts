import { defineState } from '../../state.js';
import { record } from '../../records.js';

export type StoredKeyState = 'Enabled' | 'Disabled' | 'PendingDeletion';

export interface StoredTag {
  TagKey: string;
  TagValue: string;
}

/**
 * A KMS key as the range keeps it. `material` is the key's secret (32 random bytes for AES-256-GCM); it
 * never leaves the store, exactly as key material never leaves KMS.
 */
export interface StoredKey {
  keyId: string;
  arn: string;
  createdAt: Date;
  description: string;
  keyUsage: string;
  keySpec: string;
  keyManager: 'AWS' | 'CUSTOMER';
  state: StoredKeyState;
  deletionDate?: Date;
  pendingWindowInDays?: number;
  policy: string;
  rotation?: { periodInDays: number; nextRotationDate: Date };
  tags: StoredTag[];
  material: Buffer;
}

export interface StoredAlias {
  name: string;
  arn: string;
  targetKeyId: string;
  createdAt: Date;
  updatedAt: Date;
}

export interface KmsState {
  /** By key id, in creation order. */
  keys: Record<string, StoredKey>;
  /** By alias name (`alias/...`). */
  aliases: Record<string, StoredAlias>;
}

export const kmsState = defineState<KmsState>('kms', 'regional', () => ({
  keys: record(),
  aliases: record(),
}));

/**
 * Aliases AWS predefines in every account and region (`alias/aws/<service>`). ListAliases shows them
 * without a TargetKeyId until the AWS managed key behind them is created on first use.
 */
export const predefinedAliases: Record<string, string> = record({
  'alias/aws/acm': 'Default key that protects my ACM private keys when no other key is defined',
  'alias/aws/dynamodb': 'Default key that protects my DynamoDB data when no other key is defined',
  'alias/aws/ebs': 'Default key that protects my EBS volumes when no other key is defined',
  'alias/aws/elasticfilesystem': 'Default key that protects my EFS filesystems when no other key is defined',
  'alias/aws/lambda': 'Default key that protects my Lambda functions when no other key is defined',
  'alias/aws/logs': 'Default key that protects my CloudWatch Logs when no other key is defined',
  'alias/aws/rds': 'Default key that protects my RDS database volumes when no other key is defined',
  'alias/aws/redshift': 'Default key that protects my Redshift data when no other key is defined',
  'alias/aws/s3': 'Default key that protects my S3 objects when no other key is defined',
  'alias/aws/secretsmanager':
    'Default key that protects my Secrets Manager data when no other key is defined',
  'alias/aws/sns': 'Default key that protects my SNS data when no other key is defined',
  'alias/aws/sqs': 'Default key that protects my SQS messages when no other key is defined',
  'alias/aws/ssm': 'Default key that protects my SSM parameters when no other key is defined',
});
