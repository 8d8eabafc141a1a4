import type {
  GetBucketAccelerateConfigurationOutput,
  GetBucketAccelerateConfigurationRequest,
  GetBucketNotificationConfigurationRequest,
  GetBucketReplicationOutput,
  GetBucketReplicationRequest,
  GetBucketRequestPaymentOutput,
  GetBucketRequestPaymentRequest,
  GetObjectLockConfigurationOutput,
  GetObjectLockConfigurationRequest,
  NotificationConfiguration,
  PutBucketAccelerateConfigurationRequest,
} from '@aws-sdk/client-s3';
import type { CallContext } from '../../../context.js';
import { ServiceError } from '../../../errors.js';
import { authorize } from '../access.js';
import { getBucket, malformedXml } from '../common.js';

// Settings the range does not let a bucket have (replication, event notifications, requester pays) are
// read as AWS answers for a bucket that never had them, so a responder's sweep of a bucket runs through.

export async function getBucketReplication(
  ctx: CallContext,
  input: GetBucketReplicationRequest,
): Promise<GetBucketReplicationOutput> {
  const bucket = getBucket(ctx, input.Bucket);
  await authorize(ctx, bucket, 's3:GetReplicationConfiguration');
  throw new ServiceError(
    'ReplicationConfigurationNotFoundError',
    'The replication configuration was not found',
    404,
    { fields: { BucketName: bucket.name } },
  );
}

/** A bucket without notifications answers an empty NotificationConfiguration. */
export async function getBucketNotificationConfiguration(
  ctx: CallContext,
  input: GetBucketNotificationConfigurationRequest,
): Promise<NotificationConfiguration> {
  const bucket = getBucket(ctx, input.Bucket);
  await authorize(ctx, bucket, 's3:GetBucketNotification');
  return {};
}

/** Object Lock can only be turned on when the bucket is created (ObjectLockEnabledForBucket). */
export async function getObjectLockConfiguration(
  ctx: CallContext,
  input: GetObjectLockConfigurationRequest,
): Promise<GetObjectLockConfigurationOutput> {
  const bucket = getBucket(ctx, input.Bucket);
  await authorize(ctx, bucket, 's3:GetBucketObjectLockConfiguration');
  if (!bucket.objectLockEnabled) {
    throw new ServiceError(
      'ObjectLockConfigurationNotFoundError',
      'Object Lock configuration does not exist for this bucket',
      404,
      { fields: { BucketName: bucket.name } },
    );
  }
  return { ObjectLockConfiguration: { ObjectLockEnabled: 'Enabled' } };
}

/** Requester Pays is never on for a range bucket: the owner pays. */
export async function getBucketRequestPayment(
  ctx: CallContext,
  input: GetBucketRequestPaymentRequest,
): Promise<GetBucketRequestPaymentOutput> {
  const bucket = getBucket(ctx, input.Bucket);
  await authorize(ctx, bucket, 's3:GetBucketRequestPayment');
  return { Payer: 'BucketOwner' };
}

/** A bucket whose Transfer Acceleration was never set answers an empty configuration (no Status). */
export async function getBucketAccelerateConfiguration(
  ctx: CallContext,
  input: GetBucketAccelerateConfigurationRequest,
): Promise<GetBucketAccelerateConfigurationOutput> {
  const bucket = getBucket(ctx, input.Bucket);
  await authorize(ctx, bucket, 's3:GetAccelerateConfiguration');
  return bucket.accelerate ? { Status: bucket.accelerate } : {};
}

/** Bucket names with periods cannot use Transfer Acceleration (S3 User Guide, "Requirements"). */
export async function putBucketAccelerateConfiguration(
  ctx: CallContext,
  input: PutBucketAccelerateConfigurationRequest,
): Promise<void> {
  const bucket = getBucket(ctx, input.Bucket);
  await authorize(ctx, bucket, 's3:PutAccelerateConfiguration');
  const status = input.AccelerateConfiguration?.Status;
  if (status !== 'Enabled' && status !== 'Suspended') {
    throw malformedXml();
  }
  if (bucket.name.includes('.')) {
    throw new ServiceError(
      'InvalidRequest',
      'S3 Transfer Acceleration is not supported for buckets with periods (.) in their names',
      400,
    );
  }
  bucket.accelerate = status;
}
