import type { IpPermission } from '@aws-sdk/client-ec2';
import type { Grant } from '@aws-sdk/client-s3';
import { expect } from 'chai';
import { cidrContains } from '../../src/signals/cidr.js';
import { eventMatches, needsReadEvents } from '../../src/signals/kinds/cloudtrailEvent.js';
import { entryMatches } from '../../src/signals/kinds/naclEntry.js';
import { managementCoverage } from '../../src/signals/kinds/trailManagementEvents.js';
import { grantsEverything } from '../../src/signals/kinds/userAdmin.js';
import type { BucketFacts } from '../../src/signals/reads/s3.js';
import { bucketVerdict, objectVerdict, policyGrantsPublicRead } from '../../src/signals/s3-public.js';
import { findCoveringRule, sgRuleParams } from '../../src/signals/sg-rule.js';
import { refersTo, sameResource, type TrailEvent } from '../../src/signals/trail-events.js';

describe('signal matching', () => {
  describe('CIDR containment', () => {
    it('contains equal and narrower blocks of the same family only', () => {
      expect(cidrContains('0.0.0.0/0', '0.0.0.0/0')).to.equal(true);
      expect(cidrContains('0.0.0.0/0', '10.1.2.3/32')).to.equal(true);
      expect(cidrContains('10.0.0.0/16', '10.0.5.0/24')).to.equal(true);
      expect(cidrContains('10.0.0.0/24', '10.0.0.0/16')).to.equal(false);
      expect(cidrContains('0.0.0.0/1', '0.0.0.0/0')).to.equal(false);
      expect(cidrContains('10.0.0.0/8', '11.0.0.0/24')).to.equal(false);
      expect(cidrContains('::/0', '2001:db8::/32')).to.equal(true);
      expect(cidrContains('2001:db8::/32', '2001:db8:0:1::/64')).to.equal(true);
      expect(cidrContains('2001:db8::/32', '2001:db9::/32')).to.equal(false);
      expect(cidrContains('::/0', '0.0.0.0/0')).to.equal(false);
      expect(cidrContains('not-a-cidr', '0.0.0.0/0')).to.equal(false);
    });
  });

  describe('security group rules', () => {
    const query = (p: Record<string, unknown>) =>
      sgRuleParams('inbound').parse({ group: 'sg-1', expect: 'present', ...p });
    const tcp = (from: number, to: number, cidr = '0.0.0.0/0'): IpPermission => ({
      IpProtocol: 'tcp',
      FromPort: from,
      ToPort: to,
      IpRanges: [{ CidrIp: cidr }],
    });
    const covers = (perms: IpPermission[], p: Record<string, unknown>) =>
      findCoveringRule(perms, query(p)) !== undefined;

    it('matches a rule whose port range covers the asked port (0-65535 open to the world is SSH open too)', () => {
      expect(covers([tcp(22, 22)], { port: 22, cidr: '0.0.0.0/0' })).to.equal(true);
      expect(covers([tcp(0, 65535)], { port: 22, cidr: '0.0.0.0/0' })).to.equal(true);
      expect(covers([tcp(20, 21)], { port: 22, cidr: '0.0.0.0/0' })).to.equal(false);
      expect(covers([tcp(20, 30)], { fromPort: 22, toPort: 25 })).to.equal(true);
      expect(covers([tcp(22, 24)], { fromPort: 22, toPort: 25 })).to.equal(false);
    });

    it('treats protocol -1 as every protocol and port, numbers and names alike', () => {
      const all: IpPermission = { IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }] };
      expect(covers([all], { port: 22, cidr: '0.0.0.0/0' })).to.equal(true);
      expect(covers([all], { protocol: 'all' })).to.equal(true);
      expect(covers([tcp(0, 65535)], { protocol: 'all' })).to.equal(false);
      expect(covers([{ ...tcp(22, 22), IpProtocol: '6' }], { port: 22 })).to.equal(true);
      expect(covers([{ ...tcp(53, 53), IpProtocol: 'udp' }], { port: 53 })).to.equal(false);
      expect(covers([{ ...tcp(53, 53), IpProtocol: '17' }], { protocol: 'udp', port: 53 })).to.equal(true);
    });

    it('reads ICMP rules as type and code', () => {
      const echo: IpPermission = {
        IpProtocol: 'icmp',
        FromPort: 8,
        ToPort: -1,
        IpRanges: [{ CidrIp: '0.0.0.0/0' }],
      };
      const every: IpPermission = {
        IpProtocol: 'icmp',
        FromPort: -1,
        ToPort: -1,
        IpRanges: [{ CidrIp: '0.0.0.0/0' }],
      };
      expect(covers([echo], { protocol: 'icmp', port: 8 })).to.equal(true);
      expect(covers([echo], { protocol: 'icmp', port: 0 })).to.equal(false);
      expect(covers([every], { protocol: 'icmp', port: 0 })).to.equal(true);
    });

    it('matches the peer: containing CIDR, IPv6, prefix list, referenced group, or any without one', () => {
      expect(covers([tcp(22, 22, '0.0.0.0/0')], { port: 22, cidr: '203.0.113.0/24' })).to.equal(true);
      expect(covers([tcp(22, 22, '10.0.0.0/24')], { port: 22, cidr: '0.0.0.0/0' })).to.equal(false);
      const v6: IpPermission = {
        IpProtocol: 'tcp',
        FromPort: 22,
        ToPort: 22,
        Ipv6Ranges: [{ CidrIpv6: '::/0' }],
      };
      expect(covers([v6], { port: 22, ipv6Cidr: '::/0' })).to.equal(true);
      expect(covers([v6], { port: 22, cidr: '0.0.0.0/0' })).to.equal(false);
      const pl: IpPermission = {
        IpProtocol: 'tcp',
        FromPort: 443,
        ToPort: 443,
        PrefixListIds: [{ PrefixListId: 'pl-1' }],
      };
      expect(covers([pl], { port: 443, prefixList: 'pl-1' })).to.equal(true);
      expect(covers([pl], { port: 443, prefixList: 'pl-2' })).to.equal(false);
      const ref: IpPermission = {
        IpProtocol: 'tcp',
        FromPort: 5432,
        ToPort: 5432,
        UserIdGroupPairs: [{ GroupId: 'sg-app' }],
      };
      expect(covers([ref], { port: 5432, sourceGroup: 'sg-app' })).to.equal(true);
      expect(covers([ref], { port: 5432 })).to.equal(true);
      expect(covers([ref], { port: 5432, cidr: '0.0.0.0/0' })).to.equal(false);
      expect(covers([tcp(1, 2)], {})).to.equal(true);
    });
  });

  describe('network ACL entries', () => {
    const entry = {
      RuleNumber: 100,
      Protocol: '6',
      RuleAction: 'allow',
      Egress: false,
      CidrBlock: '0.0.0.0/0',
      PortRange: { From: 22, To: 22 },
    } as const;

    it('matches on the given fields, with covering ports and CIDRs', () => {
      expect(entryMatches(entry, { port: 22, cidr: '0.0.0.0/0', protocol: 'tcp', action: 'allow' })).to.equal(
        true,
      );
      expect(entryMatches(entry, { ruleNumber: 100 })).to.equal(true);
      expect(entryMatches(entry, { ruleNumber: 110 })).to.equal(false);
      expect(entryMatches(entry, { action: 'deny' })).to.equal(false);
      expect(entryMatches(entry, { egress: true })).to.equal(false);
      expect(entryMatches(entry, { port: 23 })).to.equal(false);
      expect(entryMatches(entry, { protocol: 'udp' })).to.equal(false);
      expect(entryMatches(entry, { cidr: '10.0.0.0/8' })).to.equal(true);
      expect(entryMatches({ ...entry, CidrBlock: '10.0.0.0/8' }, { cidr: '0.0.0.0/0' })).to.equal(false);
      const all = { ...entry, Protocol: '-1', PortRange: undefined };
      expect(entryMatches(all, { protocol: 'tcp', port: 3389 })).to.equal(true);
      expect(entryMatches(entry, { protocol: 'all' })).to.equal(false);
    });

    it('never matches the default rule every ACL ends with', () => {
      expect(entryMatches({ ...entry, RuleNumber: 32767, Protocol: '-1', RuleAction: 'deny' }, {})).to.equal(
        false,
      );
    });
  });

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
