/**
 * Whether a bucket or object is public, from what the S3 APIs say: a public bucket policy unless
 * RestrictPublicBuckets (bucket or account level) confines it, or an ACL grant to AllUsers or
 * AuthenticatedUsers unless IgnorePublicAcls (bucket or account level) or Object Ownership
 * BucketOwnerEnforced (ACLs disabled) neutralises it. BlockPublicAcls and BlockPublicPolicy only
 * refuse new grants; they do not close what is already open.
 */
import type { Grant, PublicAccessBlockConfiguration } from '@aws-sdk/client-s3';
import type { BucketFacts } from './reads/s3.js';

const PUBLIC_GROUPS: Record<string, string> = {
  'http://acs.amazonaws.com/groups/global/AllUsers': 'AllUsers',
  'http://acs.amazonaws.com/groups/global/AuthenticatedUsers': 'AuthenticatedUsers',
};

export interface Verdict {
  public: boolean;
  /** Why, one clause each ("its bucket policy is public"). */
  reasons: string[];
}

/** Grants to everyone, as "READ to AllUsers", optionally only of the given permissions. */
export function publicGrants(grants: readonly Grant[], permissions?: readonly string[]): string[] {
  return grants
    .filter((g) => g.Grantee?.Type === 'Group' && PUBLIC_GROUPS[g.Grantee.URI ?? ''] !== undefined)
    .filter((g) => !permissions || permissions.includes(g.Permission ?? ''))
    .map((g) => `${g.Permission} to ${PUBLIC_GROUPS[g.Grantee!.URI!]}`);
}

/** What keeps public ACLs from taking effect, if anything. */
export function aclsNeutralised(
  facts: BucketFacts,
  account: PublicAccessBlockConfiguration,
): string | undefined {
  if (facts.ownership === 'BucketOwnerEnforced')
    return 'ACLs are disabled (Object Ownership BucketOwnerEnforced)';
  if (facts.block.IgnorePublicAcls) return 'IgnorePublicAcls is on for the bucket';
  if (account.IgnorePublicAcls) return 'IgnorePublicAcls is on for the account';
  return undefined;
}

/** What confines a public policy to the account and AWS services, if anything. */
export function policyRestricted(
  facts: BucketFacts,
  account: PublicAccessBlockConfiguration,
): string | undefined {
  if (facts.block.RestrictPublicBuckets) return 'RestrictPublicBuckets is on for the bucket';
  if (account.RestrictPublicBuckets) return 'RestrictPublicBuckets is on for the account';
  return undefined;
}

export function bucketVerdict(facts: BucketFacts, account: PublicAccessBlockConfiguration): Verdict {
  if (!facts.exists) return { public: false, reasons: ['it does not exist'] };
  const reasons: string[] = [];
  let open = false;
  if (facts.policyPublic) {
    const restricted = policyRestricted(facts, account);
    reasons.push(
      restricted ? `its bucket policy is public but ${restricted}` : 'its bucket policy is public',
    );
    open ||= !restricted;
  }
  const grants = publicGrants(facts.grants);
  if (grants.length) {
    const neutralised = aclsNeutralised(facts, account);
    reasons.push(`its ACL grants ${grants.join(', ')}${neutralised ? ` but ${neutralised}` : ''}`);
    open ||= !neutralised;
  }
  if (!reasons.length) reasons.push('neither its policy nor its ACL grants public access');
  return { public: open, reasons };
}

export function objectVerdict(
  facts: BucketFacts,
  account: PublicAccessBlockConfiguration,
  objectGrants: readonly Grant[] | undefined,
  policy: string | undefined,
  bucket: string,
  key: string,
): Verdict {
  if (!facts.exists || objectGrants === undefined) return { public: false, reasons: ['it does not exist'] };
  const reasons: string[] = [];
  let open = false;
  if (facts.policyPublic && policy !== undefined && policyGrantsPublicRead(policy, bucket, key)) {
    const restricted = policyRestricted(facts, account);
    reasons.push(`the bucket policy lets everyone read it${restricted ? ` but ${restricted}` : ''}`);
    open ||= !restricted;
  }
  const grants = publicGrants(objectGrants, ['READ', 'FULL_CONTROL']);
  if (grants.length) {
    const neutralised = aclsNeutralised(facts, account);
    reasons.push(`its ACL grants ${grants.join(', ')}${neutralised ? ` but ${neutralised}` : ''}`);
    open ||= !neutralised;
  }
  if (!reasons.length) reasons.push('neither the bucket policy nor its ACL lets everyone read it');
  return { public: open, reasons };
}

function asList(v: unknown): string[] {
  if (typeof v === 'string') return [v];
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

function wildcard(pattern: string, value: string, caseInsensitive: boolean): boolean {
  const re = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${re}$`, caseInsensitive ? 'i' : '').test(value);
}

/**
 * Whether some Allow statement for everyone (`*`) grants s3:GetObject on the object. Conditions are
 * not evaluated here: GetBucketPolicyStatus has already judged whether the policy is public.
 */
export function policyGrantsPublicRead(policy: string, bucket: string, key: string): boolean {
  let doc: { Statement?: unknown };
  try {
    doc = JSON.parse(policy) as { Statement?: unknown };
  } catch {
    return false;
  }
  const statements = (Array.isArray(doc.Statement) ? doc.Statement : [doc.Statement]) as Array<
    Record<string, unknown> | undefined
  >;
  const arn = `arn:aws:s3:::${bucket}/${key}`;
  return statements.some((s) => {
    if (!s || s.Effect !== 'Allow') return false;
    const p = s.Principal;
    const everyone = p === '*' || asList((p as { AWS?: unknown } | undefined)?.AWS).includes('*');
    return (
      everyone &&
      asList(s.Action).some((a) => wildcard(a, 's3:GetObject', true)) &&
      asList(s.Resource).some((r) => wildcard(r, arn, false))
    );
  });
}
