import type {
  GetBucketAclOutput,
  GetBucketPolicyOutput,
  GetBucketPolicyStatusOutput,
  GetPublicAccessBlockOutput,
  ListBucketsOutput,
  PublicAccessBlockConfiguration,
} from '@aws-sdk/client-s3';
import type { Finding, ManagedRule, ResourceReader } from './rule.js';

const BUCKET = 'AWS::S3::Bucket';
const PUBLIC_GROUPS = [
  'http://acs.amazonaws.com/groups/global/AllUsers',
  'http://acs.amazonaws.com/groups/global/AuthenticatedUsers',
];

async function buckets(reader: ResourceReader): Promise<string[]> {
  const out = await reader.read<ListBucketsOutput>('s3', 'ListBuckets', {});
  return (out.Buckets ?? []).map((b) => b.Name ?? '').filter((n) => n !== '');
}

async function bucketBlock(reader: ResourceReader, bucket: string): Promise<PublicAccessBlockConfiguration> {
  const out = await reader.tryRead<GetPublicAccessBlockOutput>('s3', 'GetPublicAccessBlock', {
    Bucket: bucket,
  });
  return out?.PublicAccessBlockConfiguration ?? {};
}

async function accountBlock(reader: ResourceReader): Promise<PublicAccessBlockConfiguration> {
  const out = await reader.tryRead<GetPublicAccessBlockOutput>('s3control', 'GetPublicAccessBlock', {
    AccountId: reader.accountId,
  });
  return out?.PublicAccessBlockConfiguration ?? {};
}

const READ_ACTIONS = /^(\*|s3:\*|s3:get\*|s3:getobject|s3:list\*|s3:listbucket)$/i;

/** A policy statement that allows anyone (Principal "*") to read, with no condition narrowing it. */
function policyAllowsPublicRead(policy: string | undefined): boolean {
  if (!policy) return false;
  let doc: { Statement?: unknown };
  try {
    doc = JSON.parse(policy) as { Statement?: unknown };
  } catch {
    return false;
  }
  const statements = Array.isArray(doc.Statement) ? doc.Statement : [doc.Statement];
  return statements.some((raw) => {
    const s = raw as { Effect?: string; Principal?: unknown; Action?: unknown; Condition?: unknown };
    if (s?.Effect !== 'Allow' || s.Condition !== undefined) return false;
    const p = s.Principal;
    const anyone =
      p === '*' ||
      (typeof p === 'object' && p !== null && [(p as { AWS?: unknown }).AWS].flat().includes('*'));
    const actions = [s.Action].flat().filter((a): a is string => typeof a === 'string');
    return anyone && actions.some((a) => READ_ACTIONS.test(a));
  });
}

/**
 * s3-bucket-public-read-prohibited: NON_COMPLIANT when the bucket's ACL or policy lets anyone read it
 * and neither the bucket's nor the account's Block Public Access settings neutralize that.
 */
export const s3BucketPublicReadProhibited: ManagedRule = {
  identifier: 'S3_BUCKET_PUBLIC_READ_PROHIBITED',
  guideName: 's3-bucket-public-read-prohibited',
  resourceTypes: [BUCKET],
  changeTriggered: true,
  periodic: true,
  eventSources: ['s3.amazonaws.com'],
  parameters: [],
  async evaluate(reader) {
    const account = await accountBlock(reader);
    const out: Finding[] = [];
    for (const bucket of await buckets(reader)) {
      const block = await bucketBlock(reader, bucket);
      const ignoreAcls = block.IgnorePublicAcls === true || account.IgnorePublicAcls === true;
      const restrictPolicy = block.RestrictPublicBuckets === true || account.RestrictPublicBuckets === true;
      const acl = await reader.tryRead<GetBucketAclOutput>('s3', 'GetBucketAcl', { Bucket: bucket });
      const aclRead = (acl?.Grants ?? []).some(
        (g) =>
          PUBLIC_GROUPS.includes(g.Grantee?.URI ?? '') &&
          (g.Permission === 'READ' || g.Permission === 'FULL_CONTROL'),
      );
      const status = await reader.tryRead<GetBucketPolicyStatusOutput>('s3', 'GetBucketPolicyStatus', {
        Bucket: bucket,
      });
      let policyRead = false;
      if (status?.PolicyStatus?.IsPublic === true) {
        const policy = await reader.tryRead<GetBucketPolicyOutput>('s3', 'GetBucketPolicy', {
          Bucket: bucket,
        });
        policyRead = policyAllowsPublicRead(policy?.Policy);
      }
      const byAcl = aclRead && !ignoreAcls;
      const byPolicy = policyRead && !restrictPolicy;
      out.push({
        resourceType: BUCKET,
        resourceId: bucket,
        compliance: byAcl || byPolicy ? 'NON_COMPLIANT' : 'COMPLIANT',
        annotation: byAcl
          ? 'The bucket ACL grants public read access.'
          : byPolicy
            ? 'The bucket policy grants public read access.'
            : undefined,
      });
    }
    return out;
  },
};

/**
 * s3-bucket-level-public-access-prohibited: NON_COMPLIANT when a bucket not listed in
 * excludedPublicBuckets does not block public access with all four bucket-level settings.
 */
export const s3BucketLevelPublicAccessProhibited: ManagedRule = {
  identifier: 'S3_BUCKET_LEVEL_PUBLIC_ACCESS_PROHIBITED',
  guideName: 's3-bucket-level-public-access-prohibited',
  resourceTypes: [BUCKET],
  changeTriggered: true,
  periodic: false,
  eventSources: ['s3.amazonaws.com'],
  parameters: [{ name: 'excludedPublicBuckets', optional: true, type: 'CSV' }],
  async evaluate(reader, params) {
    const excluded = new Set(
      (params.excludedPublicBuckets ?? '')
        .split(',')
        .map((b) => b.trim())
        .filter((b) => b !== ''),
    );
    const out: Finding[] = [];
    for (const bucket of await buckets(reader)) {
      if (excluded.has(bucket)) {
        out.push({ resourceType: BUCKET, resourceId: bucket, compliance: 'COMPLIANT' });
        continue;
      }
      const b = await bucketBlock(reader, bucket);
      const off = (
        ['BlockPublicAcls', 'IgnorePublicAcls', 'BlockPublicPolicy', 'RestrictPublicBuckets'] as const
      ).filter((k) => b[k] !== true);
      out.push({
        resourceType: BUCKET,
        resourceId: bucket,
        compliance: off.length ? 'NON_COMPLIANT' : 'COMPLIANT',
        annotation: off.length ? `Bucket-level Block Public Access is off: ${off.join(', ')}.` : undefined,
      });
    }
    return out;
  },
};
