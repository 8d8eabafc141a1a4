import type { Grant } from '@aws-sdk/client-s3';
import { expect } from 'chai';
import { eventMatches, needsReadEvents } from '../../src/signals/kinds/cloudtrailEvent.js';
import { managementCoverage } from '../../src/signals/kinds/trailManagementEvents.js';
import { grantsEverything } from '../../src/signals/kinds/userAdmin.js';
import type { BucketFacts } from '../../src/signals/reads/s3.js';
import { bucketVerdict, objectVerdict, policyGrantsPublicRead } from '../../src/signals/s3-public.js';
import { refersTo, sameResource, type TrailEvent } from '../../src/signals/trail-events.js';

describe('signal matching: access, selectors and events', () => {
  describe('S3 public access', () => {
    const ALL_USERS = 'http://acs.amazonaws.com/groups/global/AllUsers';
    const AUTHENTICATED = 'http://acs.amazonaws.com/groups/global/AuthenticatedUsers';
    const grant = (uri: string, permission: string): Grant =>
      ({ Grantee: { Type: 'Group', URI: uri }, Permission: permission }) as Grant;
    const facts = (f: Partial<BucketFacts>): BucketFacts => ({
      exists: true,
      policyPublic: false,
      grants: [],
      block: {},
      ...f,
    });

    it('calls a bucket public for a public policy unless RestrictPublicBuckets confines it', () => {
      expect(bucketVerdict(facts({ policyPublic: true }), {})).to.deep.equal({
        public: true,
        reasons: ['its bucket policy is public'],
      });
      expect(
        bucketVerdict(facts({ policyPublic: true, block: { RestrictPublicBuckets: true } }), {}).public,
      ).to.equal(false);
      expect(bucketVerdict(facts({ policyPublic: true }), { RestrictPublicBuckets: true })).to.deep.equal({
        public: false,
        reasons: ['its bucket policy is public but RestrictPublicBuckets is on for the account'],
      });
      // BlockPublicPolicy only refuses new public policies.
      expect(
        bucketVerdict(facts({ policyPublic: true, block: { BlockPublicPolicy: true } }), {}).public,
      ).to.equal(true);
    });

    it('calls a bucket public for a grant to everyone unless ACLs are ignored or disabled', () => {
      const open = facts({ grants: [grant(ALL_USERS, 'READ')] });
      expect(bucketVerdict(open, {})).to.deep.equal({
        public: true,
        reasons: ['its ACL grants READ to AllUsers'],
      });
      expect(bucketVerdict(facts({ grants: [grant(AUTHENTICATED, 'WRITE')] }), {}).public).to.equal(true);
      expect(bucketVerdict({ ...open, block: { IgnorePublicAcls: true } }, {}).public).to.equal(false);
      expect(bucketVerdict(open, { IgnorePublicAcls: true }).public).to.equal(false);
      expect(bucketVerdict({ ...open, ownership: 'BucketOwnerEnforced' }, {})).to.deep.equal({
        public: false,
        reasons: [
          'its ACL grants READ to AllUsers but ACLs are disabled (Object Ownership BucketOwnerEnforced)',
        ],
      });
      expect(bucketVerdict({ ...open, block: { BlockPublicAcls: true } }, {}).public).to.equal(true);
      expect(bucketVerdict(facts({}), {}).public).to.equal(false);
      expect(bucketVerdict({ ...open, exists: false }, {})).to.deep.equal({
        public: false,
        reasons: ['it does not exist'],
      });
    });

    it('calls an object public when its ACL or the bucket policy lets everyone read it', () => {
      const policy = JSON.stringify({
        Statement: [
          {
            Effect: 'Allow',
            Principal: { AWS: '*' },
            Action: ['s3:Get*'],
            Resource: 'arn:aws:s3:::site/public/*',
          },
        ],
      });
      const bucket = facts({ policyPublic: true });
      expect(objectVerdict(bucket, {}, [], policy, 'site', 'public/index.html').public).to.equal(true);
      expect(objectVerdict(bucket, {}, [], policy, 'site', 'private/db.sql').public).to.equal(false);
      expect(
        objectVerdict(bucket, { RestrictPublicBuckets: true }, [], policy, 'site', 'public/a').public,
      ).to.equal(false);
      expect(
        objectVerdict(facts({}), {}, [grant(ALL_USERS, 'READ')], undefined, 'site', 'k').public,
      ).to.equal(true);
      expect(
        objectVerdict(facts({}), {}, [grant(ALL_USERS, 'READ_ACP')], undefined, 'site', 'k').public,
      ).to.equal(false);
      expect(
        objectVerdict(
          facts({ ownership: 'BucketOwnerEnforced' }),
          {},
          [grant(ALL_USERS, 'READ')],
          undefined,
          'site',
          'k',
        ).public,
      ).to.equal(false);
      expect(objectVerdict(facts({}), {}, undefined, undefined, 'site', 'gone').reasons).to.deep.equal([
        'it does not exist',
      ]);
    });

    it('finds policy statements that let everyone GET an object', () => {
      const doc = (statement: object) => JSON.stringify({ Version: '2012-10-17', Statement: statement });
      const arn = 'arn:aws:s3:::b/*';
      expect(
        policyGrantsPublicRead(
          doc({ Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: arn }),
          'b',
          'k',
        ),
      ).to.equal(true);
      expect(
        policyGrantsPublicRead(
          doc({ Effect: 'Allow', Principal: '*', Action: 's3:*', Resource: [arn] }),
          'b',
          'k',
        ),
      ).to.equal(true);
      expect(
        policyGrantsPublicRead(
          doc({ Effect: 'Deny', Principal: '*', Action: 's3:GetObject', Resource: arn }),
          'b',
          'k',
        ),
      ).to.equal(false);
      expect(
        policyGrantsPublicRead(
          doc({ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::1:root' }, Action: '*', Resource: arn }),
          'b',
          'k',
        ),
      ).to.equal(false);
      expect(
        policyGrantsPublicRead(
          doc({ Effect: 'Allow', Principal: '*', Action: 's3:ListBucket', Resource: 'arn:aws:s3:::b' }),
          'b',
          'k',
        ),
      ).to.equal(false);
      expect(policyGrantsPublicRead('not json', 'b', 'k')).to.equal(false);
    });
  });

  describe('administrator policies', () => {
    it('finds Allow * on *, as a string or in a list, and nothing less', () => {
      const doc = (s: object) => JSON.stringify({ Version: '2012-10-17', Statement: s });
      expect(grantsEverything(doc({ Effect: 'Allow', Action: '*', Resource: '*' }))).to.equal(true);
      expect(grantsEverything(doc([{ Effect: 'Allow', Action: ['s3:*', '*'], Resource: ['*'] }]))).to.equal(
        true,
      );
      expect(grantsEverything(doc({ Effect: 'Deny', Action: '*', Resource: '*' }))).to.equal(false);
      expect(grantsEverything(doc({ Effect: 'Allow', Action: 'iam:*', Resource: '*' }))).to.equal(false);
      expect(grantsEverything(doc({ Effect: 'Allow', Action: '*', Resource: 'arn:aws:s3:::b' }))).to.equal(
        false,
      );
      expect(grantsEverything(doc({ Effect: 'Allow', NotAction: 'iam:*', Resource: '*' }))).to.equal(false);
    });
  });

  describe('trail event selectors', () => {
    it('adds up classic selectors and refuses ones that exclude sources', () => {
      expect(
        managementCoverage({ EventSelectors: [{ ReadWriteType: 'All', IncludeManagementEvents: true }] }),
      ).to.deep.equal({ read: true, write: true, partial: [] });
      expect(
        managementCoverage({
          EventSelectors: [{ ReadWriteType: 'WriteOnly', IncludeManagementEvents: true }],
        }),
      ).to.include({ read: false, write: true });
      expect(
        managementCoverage({
          EventSelectors: [
            { ReadWriteType: 'ReadOnly', IncludeManagementEvents: true },
            { ReadWriteType: 'WriteOnly', IncludeManagementEvents: true },
          ],
        }),
      ).to.include({ read: true, write: true });
      expect(
        managementCoverage({ EventSelectors: [{ ReadWriteType: 'All', IncludeManagementEvents: false }] }),
      ).to.include({ read: false, write: false });
      expect(
        managementCoverage({
          EventSelectors: [{ ReadWriteType: 'All', ExcludeManagementEventSources: ['kms.amazonaws.com'] }],
        }),
      ).to.deep.equal({ read: false, write: false, partial: ['a selector excludes kms.amazonaws.com'] });
      expect(managementCoverage({})).to.include({ read: false, write: false });
    });

    it('reads advanced selectors by eventCategory and readOnly', () => {
      const mgmt = { Field: 'eventCategory', Equals: ['Management'] };
      expect(managementCoverage({ AdvancedEventSelectors: [{ FieldSelectors: [mgmt] }] })).to.include({
        read: true,
        write: true,
      });
      expect(
        managementCoverage({
          AdvancedEventSelectors: [{ FieldSelectors: [mgmt, { Field: 'readOnly', Equals: ['false'] }] }],
        }),
      ).to.include({ read: false, write: true });
      expect(
        managementCoverage({
          AdvancedEventSelectors: [
            { FieldSelectors: [mgmt, { Field: 'readOnly', Equals: ['true'] }] },
            { FieldSelectors: [mgmt, { Field: 'readOnly', NotEquals: ['true'] }] },
          ],
        }),
      ).to.include({ read: true, write: true });
      expect(
        managementCoverage({
          AdvancedEventSelectors: [
            {
              Name: 'no-kms',
              FieldSelectors: [mgmt, { Field: 'eventSource', NotEquals: ['kms.amazonaws.com'] }],
            },
          ],
        }),
      ).to.deep.equal({
        read: false,
        write: false,
        partial: ['selector "no-kms" also filters on eventSource'],
      });
      expect(
        managementCoverage({
          AdvancedEventSelectors: [{ FieldSelectors: [{ Field: 'eventCategory', Equals: ['Data'] }] }],
        }),
      ).to.include({ read: false, write: false });
    });
  });

  describe('CloudTrail events', () => {
    const event: TrailEvent = {
      eventId: 'e1',
      eventName: 'StopLogging',
      eventSource: 'cloudtrail.amazonaws.com',
      time: 0,
      readOnly: false,
      identityType: 'IAMUser',
      userArn: 'arn:aws:iam::123456789012:user/mallory',
      actor: 'arn:aws:iam::123456789012:user/mallory',
      requestParameters: {
        name: 'arn:aws:cloudtrail:us-east-1:123456789012:trail/main',
        tags: { items: [{ value: 'x' }] },
      },
      resources: [],
      seq: 1,
    };

    it('matches every given field, the resource in request parameters or resources', () => {
      expect(eventMatches(event, { eventName: 'StopLogging', userIdentityType: 'IAMUser' })).to.equal(true);
      expect(eventMatches(event, { eventName: 'StopLogging', resource: 'main' })).to.equal(true);
      expect(eventMatches(event, { eventName: 'StopLogging', resource: 'other' })).to.equal(false);
      expect(eventMatches(event, { userArn: 'arn:aws:iam::123456789012:user/alice' })).to.equal(false);
      expect(eventMatches(event, { eventName: 'StopLogging', errorCode: 'AccessDenied' })).to.equal(false);
      expect(eventMatches({ ...event, errorCode: 'AccessDenied' }, { errorCode: 'AccessDenied' })).to.equal(
        true,
      );
      expect(refersTo({ ...event, requestParameters: null, resources: ['sg-1'] }, ['sg-1'])).to.equal(true);
      expect(refersTo(event, ['x'])).to.equal(true);
    });

    it('tells names and ARNs of the same resource apart from lookalikes', () => {
      expect(sameResource('arn:aws:cloudtrail:us-east-1:1:trail/main', 'main')).to.equal(true);
      expect(sameResource('main', 'arn:aws:cloudtrail:us-east-1:1:trail/main')).to.equal(true);
      expect(sameResource('arn:aws:s3:::bucket', 'bucket')).to.equal(true);
      expect(sameResource('arn:aws:cloudtrail:us-east-1:1:trail/main-2', 'main')).to.equal(false);
      expect(sameResource('arn:aws:iam::1:user/a', 'arn:aws:iam::1:user/b')).to.equal(false);
    });

    it('fetches read-only events only for conditions that may need them', () => {
      expect(needsReadEvents({ eventName: 'StopLogging' })).to.equal(false);
      expect(needsReadEvents({ eventName: 'GetSecretValue' })).to.equal(true);
      expect(needsReadEvents({ errorCode: 'AccessDenied' })).to.equal(true);
    });
  });
});
