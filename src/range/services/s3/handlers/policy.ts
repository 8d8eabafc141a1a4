import type {
  DeleteBucketPolicyRequest,
  DeletePublicAccessBlockRequest,
  GetBucketPolicyOutput,
  GetBucketPolicyRequest,
  GetBucketPolicyStatusOutput,
  GetBucketPolicyStatusRequest,
  GetPublicAccessBlockOutput,
  GetPublicAccessBlockRequest,
  PutBucketPolicyRequest,
  PutPublicAccessBlockRequest,
} from '@aws-sdk/client-s3';
import type { CallContext } from '../../../context.js';
import { ServiceError } from '../../../errors.js';
import { accessDenied, authorize, effectiveBlock } from '../access.js';
import { getBucket } from '../common.js';
import { PolicyError, isPolicyPublic, parseBucketPolicy } from '../policy.js';
import { bucketArn, type Bucket } from '../store.js';

function noSuchBucketPolicy(bucket: Bucket): ServiceError {
  return new ServiceError('NoSuchBucketPolicy', 'The bucket policy does not exist', 404, {
    fields: { BucketName: bucket.name },
  });
}

export async function putBucketPolicy(ctx: CallContext, input: PutBucketPolicyRequest): Promise<void> {
  const bucket = getBucket(ctx, input.Bucket);
  await authorize(ctx, bucket, 's3:PutBucketPolicy');
  const text = input.Policy ?? '';
  let publicPolicy: boolean;
  try {
    publicPolicy = isPolicyPublic(parseBucketPolicy(text, bucket.name));
  } catch (err) {
    if (err instanceof PolicyError) throw new ServiceError('MalformedPolicy', err.message, 400);
    throw err;
  }
  if (publicPolicy && (await effectiveBlock(ctx, bucket)).BlockPublicPolicy) {
    throw accessDenied(
      ctx,
      's3:PutBucketPolicy',
      bucketArn(bucket.name),
      'because public policies are prevented by the BlockPublicPolicy setting in S3 Block Public Access.',
    );
  }
  bucket.policy = text;
}

export async function getBucketPolicy(
  ctx: CallContext,
  input: GetBucketPolicyRequest,
): Promise<GetBucketPolicyOutput> {
  const bucket = getBucket(ctx, input.Bucket);
  await authorize(ctx, bucket, 's3:GetBucketPolicy');
  if (bucket.policy === undefined) throw noSuchBucketPolicy(bucket);
  return { Policy: bucket.policy };
}

export async function deleteBucketPolicy(ctx: CallContext, input: DeleteBucketPolicyRequest): Promise<void> {
  const bucket = getBucket(ctx, input.Bucket);
  await authorize(ctx, bucket, 's3:DeleteBucketPolicy');
  delete bucket.policy;
}

/** Whether the bucket policy itself is public (ACLs and Block Public Access are reported elsewhere). */
export async function getBucketPolicyStatus(
  ctx: CallContext,
  input: GetBucketPolicyStatusRequest,
): Promise<GetBucketPolicyStatusOutput> {
  const bucket = getBucket(ctx, input.Bucket);
  await authorize(ctx, bucket, 's3:GetBucketPolicyStatus');
  if (bucket.policy === undefined) throw noSuchBucketPolicy(bucket);
  return { PolicyStatus: { IsPublic: isPolicyPublic(parseBucketPolicy(bucket.policy, bucket.name)) } };
}

export async function putPublicAccessBlock(
  ctx: CallContext,
  input: PutPublicAccessBlockRequest,
): Promise<void> {
  const bucket = getBucket(ctx, input.Bucket);
  await authorize(ctx, bucket, 's3:PutBucketPublicAccessBlock');
  const c = input.PublicAccessBlockConfiguration ?? {};
  bucket.publicAccessBlock = {
    BlockPublicAcls: c.BlockPublicAcls ?? false,
    IgnorePublicAcls: c.IgnorePublicAcls ?? false,
    BlockPublicPolicy: c.BlockPublicPolicy ?? false,
    RestrictPublicBuckets: c.RestrictPublicBuckets ?? false,
  };
}

export async function getPublicAccessBlock(
  ctx: CallContext,
  input: GetPublicAccessBlockRequest,
): Promise<GetPublicAccessBlockOutput> {
  const bucket = getBucket(ctx, input.Bucket);
  await authorize(ctx, bucket, 's3:GetBucketPublicAccessBlock');
  if (!bucket.publicAccessBlock) {
    throw new ServiceError(
      'NoSuchPublicAccessBlockConfiguration',
      'The public access block configuration was not found',
      404,
      {
        fields: { BucketName: bucket.name },
      },
    );
  }
  return { PublicAccessBlockConfiguration: { ...bucket.publicAccessBlock } };
}

export async function deletePublicAccessBlock(
  ctx: CallContext,
  input: DeletePublicAccessBlockRequest,
): Promise<void> {
  const bucket = getBucket(ctx, input.Bucket);
  // S3 authorizes DeletePublicAccessBlock with the s3:PutBucketPublicAccessBlock permission.
  await authorize(ctx, bucket, 's3:PutBucketPublicAccessBlock');
  delete bucket.publicAccessBlock;
}
