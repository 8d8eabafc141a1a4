import type {
  CORSRule,
  DeleteBucketCorsRequest,
  DeleteBucketLifecycleRequest,
  DeleteBucketWebsiteRequest,
  GetBucketCorsOutput,
  GetBucketCorsRequest,
  GetBucketLifecycleConfigurationOutput,
  GetBucketLifecycleConfigurationRequest,
  GetBucketLoggingOutput,
  GetBucketLoggingRequest,
  GetBucketWebsiteOutput,
  GetBucketWebsiteRequest,
  LifecycleRule,
  PutBucketCorsRequest,
  PutBucketLifecycleConfigurationOutput,
  PutBucketLifecycleConfigurationRequest,
  PutBucketLoggingRequest,
  PutBucketWebsiteRequest,
} from '@aws-sdk/client-s3';
import { randomBytes } from 'node:crypto';
import type { CallContext } from '../../../context.js';
import { ServiceError } from '../../../errors.js';
import { authorize } from '../access.js';
import { findBucket, getBucket, malformedXml } from '../common.js';
import type { Bucket, StoredWebsite } from '../store.js';

// Bucket settings a responder's sweep reads (server access logging, CORS, lifecycle, static website), as
// the S3 API Reference documents each Get/Put/Delete, with the error codes of its "Errors" section.

const invalidArgument = (message: string, name?: string, value?: string) =>
  new ServiceError('InvalidArgument', message, 400, {
    fields: name === undefined ? {} : { ArgumentName: name, ArgumentValue: value ?? '' },
  });

// ---- Server access logging: an empty BucketLoggingStatus turns it off.

export async function getBucketLogging(
  ctx: CallContext,
  input: GetBucketLoggingRequest,
): Promise<GetBucketLoggingOutput> {
  const bucket = getBucket(ctx, input.Bucket);
  await authorize(ctx, bucket, 's3:GetBucketLogging');
  return bucket.logging ? { LoggingEnabled: bucket.logging } : {};
}

/**
 * Logs go to a bucket of the same owner in the same Region (S3 User Guide, "Enabling Amazon S3 server
 * access logging": the destination must be in the same Region and account as the source).
 */
export async function putBucketLogging(ctx: CallContext, input: PutBucketLoggingRequest): Promise<void> {
  const bucket = getBucket(ctx, input.Bucket);
  await authorize(ctx, bucket, 's3:PutBucketLogging');
  const enabled = input.BucketLoggingStatus?.LoggingEnabled;
  if (!enabled) {
    delete bucket.logging;
    return;
  }
  if (!enabled.TargetBucket || enabled.TargetPrefix === undefined) throw malformedXml();
  const target = findBucket(ctx, enabled.TargetBucket);
  if (!target) {
    throw new ServiceError(
      'InvalidTargetBucketForLogging',
      'The target bucket for logging does not exist',
      400,
      {
        fields: { TargetBucket: enabled.TargetBucket },
      },
    );
  }
  if (target.owner !== bucket.owner) {
    throw new ServiceError(
      'InvalidTargetBucketForLogging',
      'The owner for the bucket to be logged and the target bucket must be the same.',
      400,
      { fields: { TargetBucket: enabled.TargetBucket } },
    );
  }
  if (target.region !== bucket.region) {
    throw new ServiceError('CrossLocationLoggingProhibitted', 'Cross S3 location logging not allowed.', 403, {
      fields: { SourceBucketLocation: bucket.region, TargetBucketLocation: target.region },
    });
  }
  bucket.logging = {
    TargetBucket: enabled.TargetBucket,
    TargetPrefix: enabled.TargetPrefix,
    ...(enabled.TargetGrants?.length ? { TargetGrants: enabled.TargetGrants } : {}),
    ...(enabled.TargetObjectKeyFormat ? { TargetObjectKeyFormat: enabled.TargetObjectKeyFormat } : {}),
  };
}

// ---- CORS

const CORS_METHODS = new Set(['GET', 'PUT', 'POST', 'DELETE', 'HEAD']);
/** At most 100 rules per configuration (S3 User Guide, "Elements of a CORS configuration"). */
const MAX_CORS_RULES = 100;

function noSuchCors(bucket: Bucket): ServiceError {
  return new ServiceError('NoSuchCORSConfiguration', 'The CORS configuration does not exist', 404, {
    fields: { BucketName: bucket.name },
  });
}

function validCorsRule(rule: CORSRule): CORSRule {
  if (!rule.AllowedMethods?.length || !rule.AllowedOrigins?.length) throw malformedXml();
  for (const method of rule.AllowedMethods) {
    if (!CORS_METHODS.has(method)) {
      throw new ServiceError(
        'InvalidRequest',
        `Found unsupported HTTP method in CORS config. Unsupported method is ${method}`,
        400,
      );
    }
  }
  for (const origin of rule.AllowedOrigins) {
    if (origin.split('*').length > 2) {
      throw new ServiceError(
        'InvalidRequest',
        `AllowedOrigin "${origin}" can not have more than one wildcard.`,
        400,
      );
    }
  }
  if (rule.ID !== undefined && rule.ID.length > 255) throw malformedXml();
  return {
    ...(rule.ID !== undefined ? { ID: rule.ID } : {}),
    ...(rule.AllowedHeaders?.length ? { AllowedHeaders: [...rule.AllowedHeaders] } : {}),
    AllowedMethods: [...rule.AllowedMethods],
    AllowedOrigins: [...rule.AllowedOrigins],
    ...(rule.ExposeHeaders?.length ? { ExposeHeaders: [...rule.ExposeHeaders] } : {}),
    ...(rule.MaxAgeSeconds !== undefined ? { MaxAgeSeconds: rule.MaxAgeSeconds } : {}),
  };
}

export async function getBucketCors(
  ctx: CallContext,
  input: GetBucketCorsRequest,
): Promise<GetBucketCorsOutput> {
  const bucket = getBucket(ctx, input.Bucket);
  await authorize(ctx, bucket, 's3:GetBucketCORS');
  if (!bucket.cors) throw noSuchCors(bucket);
  return { CORSRules: bucket.cors };
}

export async function putBucketCors(ctx: CallContext, input: PutBucketCorsRequest): Promise<void> {
  const bucket = getBucket(ctx, input.Bucket);
  await authorize(ctx, bucket, 's3:PutBucketCORS');
  const rules = input.CORSConfiguration?.CORSRules ?? [];
  if (!rules.length || rules.length > MAX_CORS_RULES) throw malformedXml();
  bucket.cors = rules.map(validCorsRule);
}

/** DeleteBucketCors is authorized by s3:PutBucketCORS (there is no separate delete action). */
export async function deleteBucketCors(ctx: CallContext, input: DeleteBucketCorsRequest): Promise<void> {
  const bucket = getBucket(ctx, input.Bucket);
  await authorize(ctx, bucket, 's3:PutBucketCORS');
  delete bucket.cors;
}

// ---- Lifecycle

/** Up to 1,000 rules per bucket (S3 User Guide, "Setting lifecycle configuration on a bucket"). */
const MAX_LIFECYCLE_RULES = 1000;
/** The default S3 answers since September 2024 when the request does not choose one. */
const DEFAULT_MIN_TRANSITION_SIZE = 'all_storage_classes_128K';

function noSuchLifecycle(bucket: Bucket): ServiceError {
  return new ServiceError('NoSuchLifecycleConfiguration', 'The lifecycle configuration does not exist', 404, {
    fields: { BucketName: bucket.name },
  });
}

function hasAction(rule: LifecycleRule): boolean {
  return Boolean(
    rule.Expiration ||
    rule.Transitions?.length ||
    rule.NoncurrentVersionExpiration ||
    rule.NoncurrentVersionTransitions?.length ||
    rule.AbortIncompleteMultipartUpload,
  );
}

function validLifecycleRule(rule: LifecycleRule, ids: Set<string>): LifecycleRule {
  if (rule.Status !== 'Enabled' && rule.Status !== 'Disabled') throw malformedXml();
  if (rule.Filter !== undefined && rule.Prefix !== undefined) throw malformedXml();
  const id = rule.ID ?? randomBytes(36).toString('base64');
  if (id.length > 255) throw invalidArgument('ID length should not exceed allowed limit of 255', 'ID', id);
  if (ids.has(id)) {
    throw invalidArgument('RuleId must be unique. Found same ID for more than one rule', 'ID', id);
  }
  ids.add(id);
  if (!hasAction(rule)) {
    throw new ServiceError('InvalidRequest', 'At least one action needs to be specified in a rule', 400);
  }
  const days = rule.Expiration?.Days;
  if (days !== undefined && days <= 0) {
    throw invalidArgument("'Days' for Expiration action must be a positive integer", 'Days', String(days));
  }
  return { ...rule, ID: id };
}

export async function getBucketLifecycleConfiguration(
  ctx: CallContext,
  input: GetBucketLifecycleConfigurationRequest,
): Promise<GetBucketLifecycleConfigurationOutput> {
  const bucket = getBucket(ctx, input.Bucket);
  await authorize(ctx, bucket, 's3:GetLifecycleConfiguration');
  if (!bucket.lifecycle) throw noSuchLifecycle(bucket);
  return { Rules: bucket.lifecycle, TransitionDefaultMinimumObjectSize: DEFAULT_MIN_TRANSITION_SIZE };
}

export async function putBucketLifecycleConfiguration(
  ctx: CallContext,
  input: PutBucketLifecycleConfigurationRequest,
): Promise<PutBucketLifecycleConfigurationOutput> {
  const bucket = getBucket(ctx, input.Bucket);
  await authorize(ctx, bucket, 's3:PutLifecycleConfiguration');
  const rules = input.LifecycleConfiguration?.Rules ?? [];
  if (!rules.length || rules.length > MAX_LIFECYCLE_RULES) throw malformedXml();
  const ids = new Set<string>();
  bucket.lifecycle = rules.map((r) => validLifecycleRule(r, ids));
  return { TransitionDefaultMinimumObjectSize: DEFAULT_MIN_TRANSITION_SIZE };
}

/** DeleteBucketLifecycle is authorized by s3:PutLifecycleConfiguration. */
export async function deleteBucketLifecycle(
  ctx: CallContext,
  input: DeleteBucketLifecycleRequest,
): Promise<void> {
  const bucket = getBucket(ctx, input.Bucket);
  await authorize(ctx, bucket, 's3:PutLifecycleConfiguration');
  delete bucket.lifecycle;
}

// ---- Static website hosting

function noSuchWebsite(bucket: Bucket): ServiceError {
  return new ServiceError(
    'NoSuchWebsiteConfiguration',
    'The specified bucket does not have a website configuration',
    404,
    { fields: { BucketName: bucket.name } },
  );
}

function validWebsite(input: PutBucketWebsiteRequest['WebsiteConfiguration']): StoredWebsite {
  const w = input ?? {};
  if (w.RedirectAllRequestsTo) {
    if (w.IndexDocument || w.ErrorDocument || w.RoutingRules?.length) {
      throw invalidArgument(
        'RedirectAllRequestsTo cannot be provided in conjunction with other Routing/Redirect configurations.',
        'RedirectAllRequestsTo',
      );
    }
    if (!w.RedirectAllRequestsTo.HostName) throw malformedXml();
    return {
      RedirectAllRequestsTo: {
        HostName: w.RedirectAllRequestsTo.HostName,
        ...(w.RedirectAllRequestsTo.Protocol ? { Protocol: w.RedirectAllRequestsTo.Protocol } : {}),
      },
    };
  }
  const suffix = w.IndexDocument?.Suffix;
  if (suffix === undefined) {
    throw invalidArgument(
      'A value for IndexDocument Suffix must be provided if RedirectAllRequestsTo is empty',
      'IndexDocument',
    );
  }
  if (!suffix || suffix.includes('/')) {
    throw invalidArgument('The IndexDocument Suffix is not well formed', 'IndexDocument', suffix);
  }
  if (w.ErrorDocument && !w.ErrorDocument.Key) throw malformedXml();
  return {
    IndexDocument: { Suffix: suffix },
    ...(w.ErrorDocument?.Key ? { ErrorDocument: { Key: w.ErrorDocument.Key } } : {}),
    ...(w.RoutingRules?.length
      ? { RoutingRules: w.RoutingRules.map((r) => ({ ...r }) as Record<string, unknown>) }
      : {}),
  };
}

export async function getBucketWebsite(
  ctx: CallContext,
  input: GetBucketWebsiteRequest,
): Promise<GetBucketWebsiteOutput> {
  const bucket = getBucket(ctx, input.Bucket);
  await authorize(ctx, bucket, 's3:GetBucketWebsite');
  if (!bucket.website) throw noSuchWebsite(bucket);
  return bucket.website as GetBucketWebsiteOutput;
}

export async function putBucketWebsite(ctx: CallContext, input: PutBucketWebsiteRequest): Promise<void> {
  const bucket = getBucket(ctx, input.Bucket);
  await authorize(ctx, bucket, 's3:PutBucketWebsite');
  bucket.website = validWebsite(input.WebsiteConfiguration);
}

export async function deleteBucketWebsite(
  ctx: CallContext,
  input: DeleteBucketWebsiteRequest,
): Promise<void> {
  const bucket = getBucket(ctx, input.Bucket);
  await authorize(ctx, bucket, 's3:DeleteBucketWebsite');
  delete bucket.website;
}
