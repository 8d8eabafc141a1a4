import { isRecord } from '../../scenario/issues.js';
import { isUnknown, type LintResource, type Rule, type RuleContext, type RuleResult } from '../types.js';
import {
  asBool,
  asList,
  conditionTests,
  grantsEveryone,
  hasCondition,
  hit,
  isAllow,
  refersTo,
  resourcesOfType,
  skip,
  statementsOf,
} from './util.js';

const BUCKET = 'AWS::S3::Bucket';
const POLICY = 'AWS::S3::BucketPolicy';
const BPA_SETTINGS = ['BlockPublicAcls', 'IgnorePublicAcls', 'BlockPublicPolicy', 'RestrictPublicBuckets'];

export const S3001: Rule = {
  id: 'S3001',
  family: 's3',
  title: 'Bucket with Block Public Access turned off',
  severity: 'high',
  resourceTypes: [BUCKET],
  control: 'Every bucket blocks public ACLs and public policies unless it is a reviewed public website.',
  fix: 'Set all four PublicAccessBlockConfiguration settings to true; serve public content through CloudFront.',
  // A bucket that leaves the configuration out gets all four settings on (S3's default for new buckets
  // since April 2023): statically that is safe; `--deploy` judges what the bucket really has.
  check(res) {
    const pab = res.properties.PublicAccessBlockConfiguration;
    if (isUnknown(pab)) return [skip(['PublicAccessBlockConfiguration'], pab)];
    if (res.origin === 'deployed' && pab === undefined)
      return [hit([], 'the deployed bucket has no Block Public Access configuration')];
    if (!isRecord(pab)) return [];
    const off = BPA_SETTINGS.filter(
      (k) => asBool(pab[k]) === false || (res.origin === 'deployed' && asBool(pab[k]) !== true),
    );
    const unknown = BPA_SETTINGS.filter((k) => asBool(pab[k]) === 'unknown');
    const results: RuleResult[] = unknown.map((k) => skip(['PublicAccessBlockConfiguration', k], pab[k]));
    if (off.length > 0)
      results.push(
        hit(['PublicAccessBlockConfiguration', off[0]!], `Block Public Access is off: ${off.join(', ')}`),
      );
    return results;
  },
};

const PUBLIC_ACLS = ['PublicRead', 'PublicReadWrite', 'AuthenticatedRead'];

export const S3002: Rule = {
  id: 'S3002',
  family: 's3',
  title: 'Bucket with a public canned ACL',
  severity: 'high',
  resourceTypes: [BUCKET],
  control: 'No bucket ACL grants access to everyone or to every AWS account.',
  fix: 'Remove AccessControl (or set it to Private) and set OwnershipControls to BucketOwnerEnforced.',
  check(res) {
    const acl = res.properties.AccessControl;
    if (isUnknown(acl)) return [skip(['AccessControl'], acl)];
    return typeof acl === 'string' && PUBLIC_ACLS.includes(acl)
      ? [
          hit(
            ['AccessControl'],
            `the bucket ACL ${acl} grants access to ${acl === 'AuthenticatedRead' ? 'every AWS account' : 'everyone'}`,
          ),
        ]
      : [];
  },
};

export const S3003: Rule = {
  id: 'S3003',
  family: 's3',
  title: 'Bucket policy granting access to everyone',
  severity: 'high',
  resourceTypes: [POLICY],
  control: 'No bucket policy allows anonymous access without a condition that limits who or where.',
  fix: 'Name the principals (accounts, roles, a CloudFront origin access control), or add a condition such as aws:SourceVpce or aws:PrincipalOrgID.',
  check(res) {
    return statementsOf(res.properties.PolicyDocument, ['PolicyDocument'])
      .filter((s) => isAllow(s) && grantsEveryone(s) && !hasCondition(s))
      .map((s) => hit([...s.path, 'Principal'], 'the policy allows any principal ("*") without a condition'));
  },
};

export const S3004: Rule = {
  id: 'S3004',
  family: 's3',
  title: 'Bucket without declared default encryption',
  severity: 'low',
  resourceTypes: [BUCKET],
  control:
    'Every bucket declares its default encryption, so the key that protects its data is a reviewed choice.',
  fix: 'Add BucketEncryption with SSE-KMS (aws:kms and a KMSMasterKeyID) for sensitive data, or AES256.',
  // S3 encrypts new objects with SSE-S3 since January 2023 even without it; hence low severity.
  check(res) {
    const enc = res.properties.BucketEncryption;
    if (isUnknown(enc)) return [skip(['BucketEncryption'], enc)];
    const rules = isRecord(enc) ? asList(enc.ServerSideEncryptionConfiguration) : [];
    const declared = rules.some((r) => isRecord(r) && isRecord(r.ServerSideEncryptionByDefault));
    return declared ? [] : [hit([], 'the bucket declares no default encryption (BucketEncryption)')];
  },
};

/** Bucket policies of the template that are attached to `bucket`, and whether some policy's bucket is unknown. */
function policiesOf(
  bucket: LintResource,
  ctx: RuleContext,
): { policies: LintResource[]; unresolved: boolean } {
  const policies: LintResource[] = [];
  let unresolved = false;
  for (const p of resourcesOfType(ctx, POLICY)) {
    const target = p.properties.Bucket;
    if (
      refersTo(target, bucket.id) ||
      (typeof target === 'string' && target === bucket.properties.BucketName)
    )
      policies.push(p);
    else if (isUnknown(target) && target.refs.length === 0) unresolved = true;
  }
  return { policies, unresolved };
}

function deniesInsecureTransport(policy: LintResource): boolean {
  return statementsOf(policy.properties.PolicyDocument, ['PolicyDocument']).some((s) => {
    if (String(s.value.Effect ?? '').toLowerCase() !== 'deny' || !conditionTests(s, ['aws:SecureTransport']))
      return false;
    const cond = s.value.Condition as Record<string, unknown>;
    return Object.entries(cond).some(
      ([op, block]) =>
        /^bool/i.test(op) &&
        isRecord(block) &&
        Object.entries(block).some(
          ([k, v]) => k.toLowerCase() === 'aws:securetransport' && asBool(asList(v)[0]) === false,
        ),
    );
  });
}

export const S3005: Rule = {
  id: 'S3005',
  family: 's3',
  title: 'Bucket without a TLS-only policy',
  severity: 'medium',
  resourceTypes: [BUCKET],
  control: 'Every bucket refuses requests that do not use TLS (aws:SecureTransport).',
  fix: 'Add a bucket policy statement that denies s3:* when aws:SecureTransport is false.',
  check(res, ctx) {
    const { policies, unresolved } = policiesOf(res, ctx);
    if (policies.some(deniesInsecureTransport)) return [];
    if (unresolved) return [skip([], undefined)];
    return [hit([], 'no bucket policy denies requests without TLS (aws:SecureTransport false)')];
  },
};

/** `!Ref Bucket` in a template; the bucket's name in a deployed stack. */
function names(v: unknown, bucket: LintResource): boolean {
  return refersTo(v, bucket.id) || (typeof v === 'string' && v !== '' && v === bucket.properties.BucketName);
}

/** Whether the template uses the bucket as a destination of logs: trails, server access logs, flow logs. */
function isLogBucket(bucket: LintResource, ctx: RuleContext): boolean {
  if (bucket.properties.AccessControl === 'LogDeliveryWrite') return true;
  return ctx.resources.some((r) => {
    const p = r.properties;
    if (r.type === 'AWS::CloudTrail::Trail') return names(p.S3BucketName, bucket);
    if (r.type === 'AWS::EC2::FlowLog') return refersTo(p.LogDestination, bucket.id);
    if (r.type === BUCKET && isRecord(p.LoggingConfiguration))
      return names(p.LoggingConfiguration.DestinationBucketName, bucket);
    return false;
  });
}

export const S3006: Rule = {
  id: 'S3006',
  family: 's3',
  title: 'Log bucket without versioning',
  severity: 'medium',
  resourceTypes: [BUCKET],
  control: 'Audit log buckets keep every version, so deleted or overwritten evidence can be recovered.',
  fix: 'Set VersioningConfiguration to Status: Enabled (and consider Object Lock) on buckets that receive logs.',
  check(res, ctx) {
    if (!isLogBucket(res, ctx)) return [];
    const v = res.properties.VersioningConfiguration;
    if (isUnknown(v)) return [skip(['VersioningConfiguration'], v)];
    const status = isRecord(v) ? v.Status : undefined;
    if (isUnknown(status)) return [skip(['VersioningConfiguration', 'Status'], status)];
    return status === 'Enabled'
      ? []
      : [hit([], 'the bucket receives logs but does not keep object versions')];
  },
};
