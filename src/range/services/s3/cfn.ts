import type { BucketCannedACL, ServerSideEncryptionRule } from '@aws-sdk/client-s3';
import type {
  Attributes,
  Properties,
  ProviderContext,
  ResourceProvider,
} from '../cloudformation/provider.js';
import { configureSettings } from './cfn-settings.js';

// CloudFormation's AWS::S3::Bucket and AWS::S3::BucketPolicy, driven through the range's S3 API.

const CANNED_ACLS: Record<string, BucketCannedACL> = {
  Private: 'private',
  PublicRead: 'public-read',
  PublicReadWrite: 'public-read-write',
  AuthenticatedRead: 'authenticated-read',
};

function bucketAttributes(ctx: ProviderContext, name: string): Attributes {
  const suffix = ctx.urlSuffix;
  return {
    Arn: `arn:${ctx.partition}:s3:::${name}`,
    DomainName: `${name}.s3.${suffix}`,
    DualStackDomainName: `${name}.s3.dualstack.${ctx.region}.${suffix}`,
    RegionalDomainName: `${name}.s3.${ctx.region}.${suffix}`,
    WebsiteURL: `http://${name}.s3-website-${ctx.region}.${suffix}`,
  };
}

function encryptionRules(props: Properties): ServerSideEncryptionRule[] {
  return (props.object('BucketEncryption')?.objects('ServerSideEncryptionConfiguration') ?? []).map(
    (rule) => {
      const dflt = rule.object('ServerSideEncryptionByDefault');
      return {
        ApplyServerSideEncryptionByDefault: dflt
          ? {
              SSEAlgorithm: dflt.required('SSEAlgorithm') as 'AES256',
              KMSMasterKeyID: dflt.str('KMSMasterKeyID'),
            }
          : undefined,
        BucketKeyEnabled: rule.bool('BucketKeyEnabled'),
      };
    },
  );
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}

/** Apply every bucket-level setting the template gives, and remove the ones it no longer gives. */
async function configure(
  ctx: ProviderContext,
  bucket: string,
  props: Properties,
  before?: Properties,
): Promise<void> {
  const changed = (name: string) => !before || !same(props.raw[name], before.raw[name]);
  const block = props.object('PublicAccessBlockConfiguration');
  if (changed('PublicAccessBlockConfiguration')) {
    if (block) {
      await ctx.call('s3', 'PutPublicAccessBlock', {
        Bucket: bucket,
        PublicAccessBlockConfiguration: {
          BlockPublicAcls: block.bool('BlockPublicAcls') ?? false,
          IgnorePublicAcls: block.bool('IgnorePublicAcls') ?? false,
          BlockPublicPolicy: block.bool('BlockPublicPolicy') ?? false,
          RestrictPublicBuckets: block.bool('RestrictPublicBuckets') ?? false,
        },
      });
    } else if (before) {
      await ctx.call('s3', 'DeletePublicAccessBlock', { Bucket: bucket });
    }
  }
  const ownership = props.object('OwnershipControls');
  if (changed('OwnershipControls')) {
    if (ownership) {
      const rules = (ownership.objects('Rules') ?? []).map((r) => ({
        ObjectOwnership: r.required('ObjectOwnership'),
      }));
      await ctx.call('s3', 'PutBucketOwnershipControls', {
        Bucket: bucket,
        OwnershipControls: { Rules: rules },
      });
    } else if (before) {
      await ctx.call('s3', 'DeleteBucketOwnershipControls', { Bucket: bucket });
    }
  }
  if (changed('BucketEncryption')) {
    if (props.has('BucketEncryption')) {
      await ctx.call('s3', 'PutBucketEncryption', {
        Bucket: bucket,
        ServerSideEncryptionConfiguration: { Rules: encryptionRules(props) },
      });
    } else if (before) {
      await ctx.call('s3', 'DeleteBucketEncryption', { Bucket: bucket });
    }
  }
  if (changed('VersioningConfiguration')) {
    const status = props.object('VersioningConfiguration')?.required('Status');
    // A bucket that has had versioning can only suspend it.
    if (status || before?.has('VersioningConfiguration')) {
      await ctx.call('s3', 'PutBucketVersioning', {
        Bucket: bucket,
        VersioningConfiguration: { Status: status ?? 'Suspended' },
      });
    }
  }
  if (changed('AccessControl') && (props.has('AccessControl') || before)) {
    const acl = props.str('AccessControl') ?? 'Private';
    const canned = CANNED_ACLS[acl];
    if (!canned) ctx.unsupported('AccessControl', `the canned ACL ${acl}`);
    await ctx.call('s3', 'PutBucketAcl', { Bucket: bucket, ACL: canned });
  }
  await configureSettings(ctx, bucket, props, changed, before !== undefined);
  const tags = ctx.tags(props.tags(), { systemFor: 's3' });
  if (tags.length) await ctx.call('s3', 'PutBucketTagging', { Bucket: bucket, Tagging: { TagSet: tags } });
  else if (before) await ctx.call('s3', 'DeleteBucketTagging', { Bucket: bucket });
}

export const bucket: ResourceProvider = {
  attributes: ['Arn', 'DomainName', 'DualStackDomainName', 'RegionalDomainName', 'WebsiteURL'],
  properties: [
    'BucketName',
    'PublicAccessBlockConfiguration',
    'OwnershipControls',
    'BucketEncryption',
    'VersioningConfiguration',
    'AccessControl',
    'Tags',
    'LoggingConfiguration',
    'CorsConfiguration',
    'LifecycleConfiguration',
    'WebsiteConfiguration',
  ],
  unsupported: [
    'AccelerateConfiguration',
    'AnalyticsConfigurations',
    'IntelligentTieringConfigurations',
    'InventoryConfigurations',
    'MetricsConfigurations',
    'NotificationConfiguration',
    'ObjectLockConfiguration',
    'ObjectLockEnabled',
    'ReplicationConfiguration',
  ],
  replaceOn: ['BucketName'],
  nameProperty: 'BucketName',
  async create(ctx, props) {
    // Generated names are lowercase and at most 63 characters, as S3 requires.
    const name = props.str('BucketName') ?? ctx.physicalName({ maxLength: 63, lowercase: true });
    await ctx.call('s3', 'CreateBucket', {
      Bucket: name,
      CreateBucketConfiguration: ctx.region === 'us-east-1' ? undefined : { LocationConstraint: ctx.region },
    });
    await configure(ctx, name, props);
    return { physicalId: name, attributes: bucketAttributes(ctx, name) };
  },
  async update(ctx, current, props) {
    await configure(ctx, current.physicalId, props, current.properties);
    return { physicalId: current.physicalId, attributes: bucketAttributes(ctx, current.physicalId) };
  },
  async delete(ctx, current) {
    await ctx.call('s3', 'DeleteBucket', { Bucket: current.physicalId });
  },
};

export const bucketPolicy: ResourceProvider = {
  attributes: [],
  properties: ['Bucket', 'PolicyDocument'],
  required: ['Bucket', 'PolicyDocument'],
  replaceOn: ['Bucket'],
  async create(ctx, props) {
    const name = props.required('Bucket');
    await ctx.call('s3', 'PutBucketPolicy', { Bucket: name, Policy: props.json('PolicyDocument') });
    return { physicalId: name };
  },
  async update(ctx, current, props) {
    await ctx.call('s3', 'PutBucketPolicy', {
      Bucket: current.physicalId,
      Policy: props.json('PolicyDocument'),
    });
    return { physicalId: current.physicalId };
  },
  async delete(ctx, current) {
    await ctx.call('s3', 'DeleteBucketPolicy', { Bucket: current.physicalId });
  },
};

export const s3Providers: Record<string, ResourceProvider> = {
  'AWS::S3::Bucket': bucket,
  'AWS::S3::BucketPolicy': bucketPolicy,
};
