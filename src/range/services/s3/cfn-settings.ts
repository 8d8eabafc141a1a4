import type { CORSRule, LifecycleRule, TransitionStorageClass } from '@aws-sdk/client-s3';
import type { Properties, ProviderContext } from '../cloudformation/provider.js';

// AWS::S3::Bucket's LoggingConfiguration, CorsConfiguration, LifecycleConfiguration and
// WebsiteConfiguration (CloudFormation User Guide, AWS::S3::Bucket property types), each turned into the
// S3 call that sets it, or the one that removes it when an update drops it.

function corsRules(config: Properties): CORSRule[] {
  return (config.objects('CorsRules') ?? []).map((r) => ({
    ID: r.str('Id'),
    AllowedHeaders: r.strList('AllowedHeaders'),
    AllowedMethods: r.strList('AllowedMethods') ?? [],
    AllowedOrigins: r.strList('AllowedOrigins') ?? [],
    ExposeHeaders: r.strList('ExposedHeaders'),
    MaxAgeSeconds: r.num('MaxAge'),
  }));
}

/** The rule members the range keeps; others (tag filters, object size filters) are refused, not dropped. */
const LIFECYCLE_MEMBERS = new Set([
  'Id',
  'Status',
  'Prefix',
  'ExpirationInDays',
  'ExpiredObjectDeleteMarker',
  'NoncurrentVersionExpirationInDays',
  'AbortIncompleteMultipartUpload',
  'Transitions',
]);

function lifecycleRules(ctx: ProviderContext, config: Properties): LifecycleRule[] {
  return (config.objects('Rules') ?? []).map((r) => {
    for (const key of Object.keys(r.raw)) {
      if (!LIFECYCLE_MEMBERS.has(key)) ctx.unsupported('LifecycleConfiguration', `the rule member ${key}`);
    }
    const days = r.num('ExpirationInDays');
    const marker = r.bool('ExpiredObjectDeleteMarker');
    const noncurrent = r.num('NoncurrentVersionExpirationInDays');
    const abort = r.object('AbortIncompleteMultipartUpload')?.num('DaysAfterInitiation');
    const transitions = (r.objects('Transitions') ?? []).map((t) => ({
      Days: t.num('TransitionInDays'),
      StorageClass: t.required('StorageClass') as TransitionStorageClass,
    }));
    return {
      ID: r.str('Id'),
      Status: r.required('Status') as 'Enabled',
      Filter: { Prefix: r.str('Prefix') ?? '' },
      ...(days !== undefined || marker !== undefined
        ? { Expiration: { Days: days, ExpiredObjectDeleteMarker: marker } }
        : {}),
      ...(noncurrent !== undefined ? { NoncurrentVersionExpiration: { NoncurrentDays: noncurrent } } : {}),
      ...(abort !== undefined ? { AbortIncompleteMultipartUpload: { DaysAfterInitiation: abort } } : {}),
      ...(transitions.length ? { Transitions: transitions } : {}),
    };
  });
}

function website(config: Properties) {
  const redirect = config.object('RedirectAllRequestsTo');
  if (redirect) {
    return {
      RedirectAllRequestsTo: { HostName: redirect.required('HostName'), Protocol: redirect.str('Protocol') },
    };
  }
  const error = config.str('ErrorDocument');
  return {
    IndexDocument: { Suffix: config.str('IndexDocument') },
    ...(error ? { ErrorDocument: { Key: error } } : {}),
  };
}

export async function configureSettings(
  ctx: ProviderContext,
  bucket: string,
  props: Properties,
  changed: (name: string) => boolean,
  updating: boolean,
): Promise<void> {
  if (changed('LoggingConfiguration')) {
    const logging = props.object('LoggingConfiguration');
    if (logging) {
      if (logging.has('TargetObjectKeyFormat'))
        ctx.unsupported('LoggingConfiguration', 'TargetObjectKeyFormat');
      await ctx.call('s3', 'PutBucketLogging', {
        Bucket: bucket,
        BucketLoggingStatus: {
          LoggingEnabled: {
            // Without a destination, CloudFormation logs to the bucket itself.
            TargetBucket: logging.str('DestinationBucketName') ?? bucket,
            TargetPrefix: logging.str('LogFilePrefix') ?? '',
          },
        },
      });
    } else if (updating) {
      await ctx.call('s3', 'PutBucketLogging', { Bucket: bucket, BucketLoggingStatus: {} });
    }
  }
  if (changed('CorsConfiguration')) {
    const cors = props.object('CorsConfiguration');
    if (cors) {
      await ctx.call('s3', 'PutBucketCors', {
        Bucket: bucket,
        CORSConfiguration: { CORSRules: corsRules(cors) },
      });
    } else if (updating) await ctx.call('s3', 'DeleteBucketCors', { Bucket: bucket });
  }
  if (changed('LifecycleConfiguration')) {
    const lifecycle = props.object('LifecycleConfiguration');
    if (lifecycle) {
      await ctx.call('s3', 'PutBucketLifecycleConfiguration', {
        Bucket: bucket,
        LifecycleConfiguration: { Rules: lifecycleRules(ctx, lifecycle) },
      });
    } else if (updating) await ctx.call('s3', 'DeleteBucketLifecycle', { Bucket: bucket });
  }
  if (changed('WebsiteConfiguration')) {
    const site = props.object('WebsiteConfiguration');
    if (site) {
      if (site.has('RoutingRules')) ctx.unsupported('WebsiteConfiguration', 'RoutingRules');
      await ctx.call('s3', 'PutBucketWebsite', { Bucket: bucket, WebsiteConfiguration: website(site) });
    } else if (updating) await ctx.call('s3', 'DeleteBucketWebsite', { Bucket: bucket });
  }
}
