import type {
  CreateBucketOutput,
  CreateBucketRequest,
  DeleteBucketRequest,
  GetBucketLocationRequest,
  HeadBucketOutput,
  HeadBucketRequest,
  ListBucketsOutput,
  ListBucketsRequest,
  ObjectOwnership,
} from '@aws-sdk/client-s3';
import type { CallContext } from '../../../context.js';
import { ServiceError } from '../../../errors.js';
import type { RawRestResponse } from '../../../protocol/rest-xml.js';
import { cannedAcl, headerGrants, isAclPublic, onlyOwnerFullControl } from '../acl.js';
import { authorize, authorizeAccountAction } from '../access.js';
import { getBucket } from '../common.js';
import { canonicalId, defaultEncryption, ownerGrant, s3State, type Bucket } from '../store.js';
import { record } from '../../../records.js';

const ownerships: readonly string[] = ['BucketOwnerEnforced', 'BucketOwnerPreferred', 'ObjectWriter'];

/** General purpose bucket naming rules. */
export function validBucketName(name: string): boolean {
  if (name.length < 3 || name.length > 63) return false;
  if (!/^[a-z0-9][a-z0-9.-]*[a-z0-9]$/.test(name)) return false;
  if (name.includes('..') || /^\d+\.\d+\.\d+\.\d+$/.test(name)) return false;
  if (/^(xn--|sthree-|amzn-s3-demo-)/.test(name)) return false;
  return !/(-s3alias|--ol-s3|\.mrap|--x-s3|--table-s3)$/.test(name);
}

function bucketRegion(ctx: CallContext, constraint: string | undefined): string {
  if (constraint === 'us-east-1')
    throw new ServiceError(
      'InvalidLocationConstraint',
      'The specified location-constraint is not valid',
      400,
    );
  // The us-east-1 endpoint is also the legacy global endpoint: it creates buckets in any region.
  if (ctx.region === 'us-east-1') return constraint ?? 'us-east-1';
  if (constraint !== ctx.region) {
    throw new ServiceError(
      'IllegalLocationConstraintException',
      `The ${constraint ?? 'unspecified'} location constraint is incompatible for the region specific endpoint this request was sent to.`,
      400,
    );
  }
  return constraint;
}

export function createBucket(ctx: CallContext, input: CreateBucketRequest): CreateBucketOutput {
  const name = input.Bucket ?? '';
  authorizeAccountAction(ctx, 's3:CreateBucket', `arn:aws:s3:::${name}`);
  if (!validBucketName(name))
    throw new ServiceError('InvalidBucketName', 'The specified bucket is not valid.', 400, {
      fields: { BucketName: name },
    });
  const region = bucketRegion(ctx, input.CreateBucketConfiguration?.LocationConstraint);
  const buckets = ctx.state(s3State).buckets;
  const existing = buckets[name];
  if (existing && existing.owner !== ctx.accountId) {
    throw new ServiceError(
      'BucketAlreadyExists',
      'The requested bucket name is not available. The bucket namespace is shared by all users of the system. Please select a different name and try again.',
      409,
      { fields: { BucketName: name } },
    );
  }
  if (existing) {
    // For legacy compatibility, us-east-1 answers 200 to re-creating a bucket you own.
    if (existing.region === 'us-east-1' && region === 'us-east-1') return { Location: `/${name}` };
    throw new ServiceError(
      'BucketAlreadyOwnedByYou',
      'Your previous request to create the named bucket succeeded and you already own it.',
      409,
      {
        fields: { BucketName: name },
      },
    );
  }
  const ownership = (input.ObjectOwnership ?? 'BucketOwnerEnforced') as ObjectOwnership;
  if (!ownerships.includes(ownership)) {
    throw new ServiceError('InvalidArgument', 'Invalid x-amz-object-ownership header', 400, {
      fields: { ArgumentName: 'x-amz-object-ownership', ArgumentValue: ownership },
    });
  }
  const grants = input.ACL
    ? cannedAcl(input.ACL, ctx.accountId, ctx.accountId)
    : (headerGrants(input) ?? [ownerGrant(ctx.accountId)]);
  if (ownership === 'BucketOwnerEnforced' && !onlyOwnerFullControl(grants, ctx.accountId)) {
    throw new ServiceError(
      'InvalidBucketAclWithObjectOwnership',
      "Bucket cannot have ACLs set with ObjectOwnership's BucketOwnerEnforced setting",
      400,
    );
  }
  // New buckets start with every Block Public Access setting on (AWS default since April 2023).
  if (isAclPublic(grants)) {
    throw new ServiceError(
      'InvalidBucketAclWithBlockPublicAccessError',
      'Bucket cannot have public ACLs set with BlockPublicAccess enabled',
      400,
    );
  }
  const bucket: Bucket = {
    name,
    owner: ctx.accountId,
    region,
    createdAt: ctx.now,
    objects: record(),
    publicAccessBlock: {
      BlockPublicAcls: true,
      IgnorePublicAcls: true,
      BlockPublicPolicy: true,
      RestrictPublicBuckets: true,
    },
    ownership,
    acl: grants,
    encryption: defaultEncryption(),
    versioning: input.ObjectLockEnabledForBucket ? 'Enabled' : undefined,
    objectLockEnabled: input.ObjectLockEnabledForBucket ? true : undefined,
  };
  buckets[name] = bucket;
  return { Location: `/${name}` };
}

export async function deleteBucket(ctx: CallContext, input: DeleteBucketRequest): Promise<void> {
  const bucket = getBucket(ctx, input.Bucket);
  await authorize(ctx, bucket, 's3:DeleteBucket');
  if (Object.keys(bucket.objects).length > 0) {
    const message = bucket.versioning
      ? 'The bucket you tried to delete is not empty. You must delete all versions in the bucket.'
      : 'The bucket you tried to delete is not empty';
    throw new ServiceError('BucketNotEmpty', message, 409, { fields: { BucketName: bucket.name } });
  }
  delete ctx.state(s3State).buckets[bucket.name];
}

export function listBuckets(ctx: CallContext, input: ListBucketsRequest): ListBucketsOutput {
  authorizeAccountAction(ctx, 's3:ListAllMyBuckets', '*');
  const max = input.MaxBuckets;
  if (max !== undefined && (max < 1 || max > 10000)) {
    throw new ServiceError('InvalidArgument', 'Invalid max-buckets value', 400, {
      fields: { ArgumentName: 'max-buckets', ArgumentValue: String(max) },
    });
  }
  const after = input.ContinuationToken
    ? Buffer.from(input.ContinuationToken, 'base64url').toString('utf8')
    : '';
  const mine = Object.values(ctx.state(s3State).buckets)
    .filter((b) => b.owner === ctx.accountId)
    .filter((b) => (input.Prefix ? b.name.startsWith(input.Prefix) : true))
    .filter((b) => (input.BucketRegion ? b.region === input.BucketRegion : true))
    .sort((a, b) => (a.name < b.name ? -1 : 1))
    .filter((b) => b.name > after);
  const page = max === undefined ? mine : mine.slice(0, max);
  const last = page.at(-1);
  return {
    Buckets: page.map((b) => ({ Name: b.name, CreationDate: b.createdAt, BucketRegion: b.region })),
    Owner: { ID: canonicalId(ctx.accountId) },
    Prefix: input.Prefix,
    ContinuationToken:
      last && page.length < mine.length ? Buffer.from(last.name).toString('base64url') : undefined,
  };
}

export async function headBucket(ctx: CallContext, input: HeadBucketRequest): Promise<HeadBucketOutput> {
  const bucket = getBucket(ctx, input.Bucket);
  await authorize(ctx, bucket, 's3:ListBucket');
  return { BucketRegion: bucket.region, AccessPointAlias: false };
}

/** GetBucketLocation answers a bare element, which the model cannot describe as an output shape. */
export async function getBucketLocation(
  ctx: CallContext,
  input: GetBucketLocationRequest,
): Promise<RawRestResponse> {
  const bucket = getBucket(ctx, input.Bucket);
  await authorize(ctx, bucket, 's3:GetBucketLocation');
  const ns = 'http://s3.amazonaws.com/doc/2006-03-01/';
  const body =
    bucket.region === 'us-east-1'
      ? `<?xml version="1.0" encoding="UTF-8"?>\n<LocationConstraint xmlns="${ns}"/>`
      : `<?xml version="1.0" encoding="UTF-8"?>\n<LocationConstraint xmlns="${ns}">${bucket.region}</LocationConstraint>`;
  return { rawResponse: true, headers: { 'content-type': 'application/xml' }, body };
}
