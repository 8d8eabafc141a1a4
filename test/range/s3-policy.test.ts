import { expect } from 'chai';
import { isAclPublic } from '../../src/range/services/s3/acl.js';
import { evaluate } from '../../src/range/policy/evaluate.js';
import type { EvaluationRequest, PolicyDocument } from '../../src/range/policy/types.js';
import { PolicyError, isPolicyPublic, parseBucketPolicy } from '../../src/range/services/s3/policy.js';
import {
  ALL_USERS,
  AUTHENTICATED_USERS,
  LOG_DELIVERY,
  ownerGrant,
} from '../../src/range/services/s3/store.js';

const bucket = 'reports';

function policy(...statements: object[]): string {
  return JSON.stringify({ Version: '2012-10-17', Statement: statements });
}

const publicRead = {
  Effect: 'Allow',
  Principal: '*',
  Action: 's3:GetObject',
  Resource: `arn:aws:s3:::${bucket}/*`,
};

function isPublic(...statements: object[]): boolean {
  return isPolicyPublic(parseBucketPolicy(policy(...statements), bucket));
}

type PolicyRequest = Omit<EvaluationRequest, 'principal'> & { principal: EvaluationRequest['principal'] };

/** What a bucket policy alone says of a request, on the range's one evaluator. */
function evaluatePolicy(doc: PolicyDocument, request: PolicyRequest): 'Allow' | 'Deny' | 'None' {
  const d = evaluate({
    request,
    identity: [],
    resource: { id: 'bucket-policy', kind: 'resource', document: doc },
  });
  if (d.decision === 'explicitDeny') return 'Deny';
  return d.matched.some((m) => m.effect === 'Allow') ? 'Allow' : 'None';
}

function malformed(text: string): string {
  try {
    parseBucketPolicy(text, bucket);
  } catch (err) {
    expect(err).to.be.instanceOf(PolicyError);
    return (err as Error).message;
  }
  throw new Error('the policy was accepted');
}

describe('range: S3 bucket policy rules (unit)', () => {
  describe('validation, with the messages PutBucketPolicy gives', () => {
    it('refuses what is not a JSON object, or has no statements', () => {
      expect(malformed('')).to.equal("Policies must be valid JSON and the first byte must be '{'");
      expect(malformed('[]')).to.equal("Policies must be valid JSON and the first byte must be '{'");
      expect(malformed('{"Statement": [')).to.equal('This policy contains invalid Json');
      expect(malformed('{}')).to.equal('Missing required field Statement');
      expect(malformed('{"Statement": []}')).to.equal('Could not parse the policy: Statement is empty!');
      expect(malformed('{"Version": "2020-01-01", "Statement": []}')).to.equal(
        'The policy must contain a valid version string',
      );
    });

    it('checks each statement: effect, principal, actions and resources of this bucket', () => {
      expect(malformed(policy({ ...publicRead, Effect: undefined }))).to.equal(
        'Missing required field Effect',
      );
      expect(malformed(policy({ ...publicRead, Effect: 'Maybe' }))).to.equal('Invalid effect: Maybe');
      expect(malformed(policy({ ...publicRead, Principal: undefined }))).to.equal(
        'Missing required field Principal',
      );
      expect(malformed(policy({ ...publicRead, Principal: { AWS: 'alice' } }))).to.equal(
        'Invalid principal in policy',
      );
      expect(malformed(policy({ ...publicRead, Action: 'ec2:RunInstances' }))).to.equal(
        'Policy has invalid action',
      );
      expect(malformed(policy({ ...publicRead, Resource: 'arn:aws:s3:::other-bucket/*' }))).to.equal(
        'Policy has invalid resource',
      );
      expect(malformed(policy({ ...publicRead, Resource: `arn:aws:s3:::${bucket}` }))).to.equal(
        'Action does not apply to any resource(s) in statement',
      );
      // A single statement object (not a list) and account principals are fine.
      const doc = parseBucketPolicy(
        JSON.stringify({
          Statement: {
            Effect: 'Deny',
            Principal: { AWS: ['111122223333', 'arn:aws:iam::111122223333:role/r'] },
            Action: 's3:*',
            Resource: '*',
          },
        }),
        bucket,
      );
      expect(doc.Statement).to.have.length(1);
    });
  });

  describe('"The meaning of public"', () => {
    it('a statement allowing * or {"AWS": "*"} without conditions is public', () => {
      expect(isPublic(publicRead)).to.equal(true);
      expect(isPublic({ ...publicRead, Principal: { AWS: '*' } })).to.equal(true);
      expect(isPublic({ ...publicRead, Principal: { AWS: ['111122223333', '*'] } })).to.equal(true);
      expect(isPublic({ ...publicRead, Action: ['s3:GetObject', 's3:PutObject'] })).to.equal(true);
    });

    it('grants to fixed principals, and denies, are not public', () => {
      expect(isPublic({ ...publicRead, Principal: { AWS: 'arn:aws:iam::111122223333:root' } })).to.equal(
        false,
      );
      expect(isPublic({ ...publicRead, Principal: { Service: 'cloudtrail.amazonaws.com' } })).to.equal(false);
      expect(isPublic({ ...publicRead, Effect: 'Deny' })).to.equal(false);
      // One public statement among private ones makes the policy public.
      expect(isPublic({ ...publicRead, Principal: { AWS: '111122223333' } }, publicRead)).to.equal(true);
    });

    it('NotPrincipal with Allow grants to everyone else, so it is public', () => {
      expect(
        isPublic({ ...publicRead, Principal: undefined, NotPrincipal: { AWS: '111122223333' } }),
      ).to.equal(true);
    });

    it('a fixed value of a restricting condition key makes * non-public', () => {
      const cond = (Condition: object) => isPublic({ ...publicRead, Condition });
      expect(cond({ StringEquals: { 'aws:SourceVpc': 'vpc-91237329' } })).to.equal(false);
      expect(cond({ StringEquals: { 'aws:SourceVpce': 'vpce-1a2b3c4d' } })).to.equal(false);
      expect(cond({ StringEquals: { 'aws:SourceAccount': '111122223333' } })).to.equal(false);
      expect(
        cond({ ArnEquals: { 'aws:SourceArn': 'arn:aws:cloudtrail:us-east-1:111122223333:trail/t' } }),
      ).to.equal(false);
      expect(cond({ StringEquals: { 'aws:PrincipalOrgID': 'o-abc123' } })).to.equal(false);
      expect(cond({ StringLike: { 'aws:userid': 'AROAEXAMPLEROLEID:*' } })).to.equal(false);
      expect(cond({ IpAddress: { 'aws:SourceIp': '192.0.2.0/24' } })).to.equal(false);
      expect(cond({ IpAddress: { 'aws:SourceIp': ['10.0.0.0/8', '2001:db8::/32'] } })).to.equal(false);
    });

    it('wildcards, negations, broad CIDRs and unrelated keys leave it public', () => {
      const cond = (Condition: object) => isPublic({ ...publicRead, Condition });
      expect(cond({ StringLike: { 'aws:SourceVpc': 'vpc-*' } })).to.equal(true);
      expect(cond({ StringNotEquals: { 'aws:SourceVpc': 'vpc-91237329' } })).to.equal(true);
      expect(cond({ StringEquals: { 'aws:SourceAccount': '${aws:PrincipalAccount}' } })).to.equal(true);
      expect(cond({ IpAddress: { 'aws:SourceIp': '0.0.0.0/1' } })).to.equal(true);
      expect(cond({ IpAddress: { 'aws:SourceIp': ['192.0.2.0/24', '0.0.0.0/0'] } })).to.equal(true);
      expect(cond({ NotIpAddress: { 'aws:SourceIp': '192.0.2.0/24' } })).to.equal(true);
      expect(cond({ Bool: { 'aws:SecureTransport': 'true' } })).to.equal(true);
      expect(cond({ StringEquals: { 's3:prefix': 'public/' } })).to.equal(true);
    });
  });

  describe('evaluation of a request (on the shared evaluator)', () => {
    const doc = parseBucketPolicy(
      policy(
        publicRead,
        {
          Effect: 'Deny',
          Principal: '*',
          Action: 's3:GetObject',
          Resource: `arn:aws:s3:::${bucket}/secret/*`,
        },
        {
          Effect: 'Allow',
          Principal: { AWS: 'arn:aws:iam::111122223333:role/Auditor' },
          Action: 's3:ListBucket',
          Resource: `arn:aws:s3:::${bucket}`,
          Condition: { StringLike: { 's3:prefix': 'logs/*' } },
        },
        {
          Effect: 'Allow',
          Principal: '*',
          Action: 's3:PutObject',
          Resource: `arn:aws:s3:::${bucket}/*`,
          Condition: { IpAddress: { 'aws:SourceIp': '203.0.113.0/24' } },
        },
      ),
      bucket,
    );
    const anonymous = (
      action: string,
      resource: string,
      context: PolicyRequest['context'] = {},
    ): PolicyRequest => ({
      principal: { arn: '', accountId: '', type: 'Anonymous' },
      action,
      resource,
      context,
    });
    const auditor = {
      accountId: '111122223333',
      arn: 'arn:aws:sts::111122223333:assumed-role/Auditor/s1',
      type: 'AssumedRole' as const,
      roleArn: 'arn:aws:iam::111122223333:role/Auditor',
    };

    it('allows by wildcard principal and resource pattern; explicit deny wins', () => {
      expect(evaluatePolicy(doc, anonymous('s3:GetObject', `arn:aws:s3:::${bucket}/a.txt`))).to.equal(
        'Allow',
      );
      expect(evaluatePolicy(doc, anonymous('s3:GetObject', `arn:aws:s3:::${bucket}/secret/x`))).to.equal(
        'Deny',
      );
      expect(evaluatePolicy(doc, anonymous('s3:DeleteObject', `arn:aws:s3:::${bucket}/a.txt`))).to.equal(
        'None',
      );
    });

    it('matches role sessions to their role, and evaluates conditions against the request', () => {
      const list = (prefix?: string): PolicyRequest => ({
        principal: auditor,
        action: 's3:ListBucket',
        resource: `arn:aws:s3:::${bucket}`,
        context: { 's3:prefix': prefix },
      });
      expect(evaluatePolicy(doc, list('logs/2024/'))).to.equal('Allow');
      expect(evaluatePolicy(doc, list('private/'))).to.equal('None');
      // A missing key fails a positive operator.
      expect(evaluatePolicy(doc, list(undefined))).to.equal('None');
      const put = (ip: string) =>
        anonymous('s3:PutObject', `arn:aws:s3:::${bucket}/up.txt`, { 'aws:sourceip': ip });
      expect(evaluatePolicy(doc, put('203.0.113.7'))).to.equal('Allow');
      expect(evaluatePolicy(doc, put('127.0.0.1'))).to.equal('None');
    });

    it('treats negated operators and IfExists as satisfied when the key is absent', () => {
      const d = parseBucketPolicy(
        policy(
          {
            Effect: 'Deny',
            Principal: '*',
            Action: 's3:*',
            Resource: `arn:aws:s3:::${bucket}/*`,
            Condition: { StringNotEquals: { 'aws:SourceVpce': 'vpce-1' } },
          },
          { ...publicRead, Condition: { StringEqualsIfExists: { 'aws:SourceVpc': 'vpc-1' } } },
        ),
        bucket,
      );
      expect(evaluatePolicy(d, anonymous('s3:GetObject', `arn:aws:s3:::${bucket}/k`))).to.equal('Deny');
      expect(
        evaluatePolicy(
          d,
          anonymous('s3:GetObject', `arn:aws:s3:::${bucket}/k`, { 'aws:sourcevpce': 'vpce-1' }),
        ),
      ).to.equal('Allow');
    });
  });

  describe('ACLs', () => {
    it('are public when they grant anything to AllUsers or AuthenticatedUsers', () => {
      const owner = ownerGrant('123456789012');
      expect(isAclPublic([owner])).to.equal(false);
      expect(
        isAclPublic([owner, { grantee: { type: 'Group', uri: LOG_DELIVERY }, permission: 'WRITE' }]),
      ).to.equal(false);
      expect(
        isAclPublic([owner, { grantee: { type: 'Group', uri: ALL_USERS }, permission: 'READ' }]),
      ).to.equal(true);
      expect(
        isAclPublic([{ grantee: { type: 'Group', uri: AUTHENTICATED_USERS }, permission: 'READ_ACP' }]),
      ).to.equal(true);
    });
  });
});
