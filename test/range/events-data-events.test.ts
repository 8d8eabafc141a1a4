import { expect } from 'chai';
import {
  CloudTrailClient,
  CreateTrailCommand,
  PutEventSelectorsCommand,
  StartLoggingCommand,
  StopLoggingCommand,
} from '@aws-sdk/client-cloudtrail';
import { readFileSync } from 'node:fs';
import {
  EventBridgeClient,
  PutRuleCommand,
  PutTargetsCommand,
  TestEventPatternCommand,
} from '@aws-sdk/client-eventbridge';
import {
  CreateBucketCommand,
  DeletePublicAccessBlockCommand,
  GetObjectCommand,
  PutObjectAclCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { parseTemplateBody } from '../../src/range/services/cloudformation/template/parse.js';
import { publishedMessages } from '../../src/range/services/sns/index.js';
import { startTestRange, type TestRange } from './harness.js';
import { trailBucket } from './config-fixtures.js';
import { topicForEvents } from './events-fixtures.js';

// S3 object calls are CloudTrail data events. "Events from AWS services" (EventBridge user guide): events
// with detail-type "AWS API Call via CloudTrail" need a logging trail, and for S3 the trail must be
// configured to log data events; without one, no object call reaches the default bus. The rule-state
// opt-in (ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS) concerns read-only *management* events only.

interface BusEvent {
  'detail-type': string;
  source: string;
  account: string;
  region: string;
  detail: {
    eventSource: string;
    eventName: string;
    eventCategory: string;
    managementEvent: boolean;
    readOnly: boolean;
    requestParameters: Record<string, unknown>;
    userIdentity: { arn: string };
  };
}

describe('range: CloudTrail data events on the default bus', function () {
  this.timeout(60_000);
  let range: TestRange;
  let s3: S3Client;
  let cloudtrail: CloudTrailClient;
  let topic: string;

  const received = (): BusEvent[] =>
    publishedMessages(range.engine.state, topic).map((m) => JSON.parse(m.Message) as BusEvent);

  before(async () => {
    range = await startTestRange();
    s3 = new S3Client(range.clientConfig({ forcePathStyle: true }));
    cloudtrail = new CloudTrailClient(range.clientConfig());
    const events = new EventBridgeClient(range.clientConfig());
    // Buckets whose objects may carry ACLs, as the fault of s3-public-object needs.
    for (const b of ['exports', 'other']) {
      await s3.send(new CreateBucketCommand({ Bucket: b, ObjectOwnership: 'ObjectWriter' }));
      await s3.send(new DeletePublicAccessBlockCommand({ Bucket: b }));
    }
    await trailBucket(range, 'trail-logs');
    topic = await topicForEvents(range, 'object-calls');
    await events.send(
      new PutRuleCommand({
        Name: 'object-calls',
        EventPattern: JSON.stringify({
          source: ['aws.s3'],
          'detail-type': ['AWS API Call via CloudTrail'],
          detail: { eventSource: ['s3.amazonaws.com'], eventCategory: ['Data'] },
        }),
      }),
    );
    await events.send(new PutTargetsCommand({ Rule: 'object-calls', Targets: [{ Id: 't', Arn: topic }] }));
    events.destroy();
  });
  after(() => range.stop());

  it('no object call reaches the bus while no logging trail selects data events', async () => {
    // A trail with the default selectors logs management events only.
    await cloudtrail.send(new CreateTrailCommand({ Name: 'management', S3BucketName: 'trail-logs' }));
    await cloudtrail.send(new StartLoggingCommand({ Name: 'management' }));
    await s3.send(new PutObjectCommand({ Bucket: 'exports', Key: 'a.csv', Body: 'x', ACL: 'public-read' }));
    expect(received()).to.deep.equal([]);
  });

  it('with a trail selecting the bucket\'s objects, PutObject reaches the bus as "AWS API Call via CloudTrail" with the data event as detail (SDK)', async () => {
    await cloudtrail.send(new CreateTrailCommand({ Name: 'objects', S3BucketName: 'trail-logs' }));
    await cloudtrail.send(
      new PutEventSelectorsCommand({
        TrailName: 'objects',
        EventSelectors: [
          {
            ReadWriteType: 'All',
            IncludeManagementEvents: false,
            DataResources: [{ Type: 'AWS::S3::Object', Values: ['arn:aws:s3:::exports/'] }],
          },
        ],
      }),
    );
    await cloudtrail.send(new StartLoggingCommand({ Name: 'objects' }));
    await s3.send(new PutObjectCommand({ Bucket: 'exports', Key: 'b.csv', Body: 'x', ACL: 'public-read' }));
    // Another bucket's objects are not selected.
    await s3.send(new PutObjectCommand({ Bucket: 'other', Key: 'c.csv', Body: 'x' }));
    const got = received();
    expect(got).to.have.length(1);
    const [event] = got as [BusEvent];
    expect(event).to.include({
      'detail-type': 'AWS API Call via CloudTrail',
      source: 'aws.s3',
      account: range.accountId,
      region: 'us-east-1',
    });
    expect(event.detail).to.include({
      eventSource: 's3.amazonaws.com',
      eventName: 'PutObject',
      eventCategory: 'Data',
      managementEvent: false,
      readOnly: false,
    });
    expect(event.detail.requestParameters).to.include({
      bucketName: 'exports',
      key: 'b.csv',
      'x-amz-acl': 'public-read',
    });
    expect(event.detail.userIdentity.arn).to.equal(`arn:aws:iam::${range.accountId}:user/range-admin`);

    // Read-only data events need no rule opt-in (that is for read-only management events).
    await s3
      .send(new GetObjectCommand({ Bucket: 'exports', Key: 'b.csv' }))
      .then((r) => r.Body?.transformToString());
    expect(received().map((e) => e.detail.eventName)).to.deep.equal(['PutObject', 'GetObject']);
  });

  it('PutObjectAcl from the aws CLI reaches the bus through a trail with advanced event selectors, and stops when the trail stops', async () => {
    await cloudtrail.send(
      new PutEventSelectorsCommand({
        TrailName: 'objects',
        AdvancedEventSelectors: [
          {
            Name: 'S3 object writes',
            FieldSelectors: [
              { Field: 'eventCategory', Equals: ['Data'] },
              { Field: 'resources.type', Equals: ['AWS::S3::Object'] },
              { Field: 'readOnly', Equals: ['false'] },
            ],
          },
        ],
      }),
    );
    const before = received().length;
    await range.aws([
      's3api',
      'put-object-acl',
      '--bucket',
      'other',
      '--key',
      'c.csv',
      '--acl',
      'public-read',
    ]);
    const [event] = received().slice(before);
    expect(event?.detail).to.include({ eventName: 'PutObjectAcl', eventCategory: 'Data' });
    expect(event?.detail.requestParameters).to.include({
      bucketName: 'other',
      key: 'c.csv',
      'x-amz-acl': 'public-read',
      acl: '',
    });

    await cloudtrail.send(new StopLoggingCommand({ Name: 'objects' }));
    const stopped = received().length;
    await range.aws(['s3api', 'put-object-acl', '--bucket', 'other', '--key', 'c.csv', '--acl', 'private']);
    expect(received()).to.have.length(stopped);
  });
  describe('ACL grants are recorded as S3 logs them', () => {
    const ALL_USERS = 'http://acs.amazonaws.com/groups/global/AllUsers';
    const XSI = 'http://www.w3.org/2001/XMLSchema-instance';
    let owner: string;
    // The shipped public-object guard's rule: written for AWS's record shape, it must match the range's.
    const guardPattern = (): string => {
      const template = parseTemplateBody(
        readFileSync('templates/defenses/public-object-guard.cfn.yaml', 'utf8'),
      );
      const rule = (template.Resources as Record<string, { Properties: { EventPattern: unknown } }>)
        .PublicObjectRule!;
      return JSON.stringify(rule.Properties.EventPattern);
    };
    const guardMatches = async (event: BusEvent): Promise<boolean> => {
      const events = new EventBridgeClient(range.clientConfig());
      const out = await events.send(
        new TestEventPatternCommand({
          EventPattern: guardPattern(),
          Event: JSON.stringify({ ...event, id: '1', time: new Date().toISOString(), resources: [] }),
        }),
      );
      events.destroy();
      return out.Result === true;
    };

    before(async () => {
      await cloudtrail.send(new StartLoggingCommand({ Name: 'objects' }));
      const acl = (await range.aws(['s3api', 'get-bucket-acl', '--bucket', 'exports'])) as {
        Owner: { ID: string };
      };
      owner = acl.Owner.ID;
      await s3.send(new PutObjectCommand({ Bucket: 'exports', Key: 'grants.csv', Body: 'x' }));
    });

    it('an AccessControlPolicy body: AccessControlList.Grant with xsi:type grantees, a list for several (SDK)', async () => {
      const before = received().length;
      await s3.send(
        new PutObjectAclCommand({
          Bucket: 'exports',
          Key: 'grants.csv',
          AccessControlPolicy: {
            Owner: { ID: owner },
            Grants: [
              { Grantee: { Type: 'CanonicalUser', ID: owner }, Permission: 'FULL_CONTROL' },
              { Grantee: { Type: 'Group', URI: ALL_USERS }, Permission: 'READ' },
            ],
          },
        }),
      );
      const [event] = received().slice(before) as [BusEvent];
      expect(event.detail.eventName).to.equal('PutObjectAcl');
      expect(event.detail.requestParameters.AccessControlPolicy).to.deep.equal({
        AccessControlList: {
          Grant: [
            {
              Grantee: { 'xsi:type': 'CanonicalUser', 'xmlns:xsi': XSI, ID: owner },
              Permission: 'FULL_CONTROL',
            },
            { Grantee: { 'xsi:type': 'Group', 'xmlns:xsi': XSI, URI: ALL_USERS }, Permission: 'READ' },
          ],
        },
        xmlns: 'http://s3.amazonaws.com/doc/2006-03-01/',
        Owner: { ID: owner },
      });
      expect(event.detail.requestParameters).to.not.have.property('accessControlPolicy');
      expect(await guardMatches(event)).to.equal(true);
    });

    it('a single grant is one Grant object, and an owner-only ACL does not match the guard (aws CLI)', async () => {
      const before = received().length;
      const policy = {
        Owner: { ID: owner },
        Grants: [{ Grantee: { Type: 'CanonicalUser', ID: owner }, Permission: 'FULL_CONTROL' }],
      };
      await range.aws([
        's3api',
        'put-object-acl',
        '--bucket',
        'exports',
        '--key',
        'grants.csv',
        '--access-control-policy',
        JSON.stringify(policy),
      ]);
      const [event] = received().slice(before) as [BusEvent];
      expect(event.detail.requestParameters.AccessControlPolicy).to.deep.include({
        AccessControlList: {
          Grant: {
            Grantee: { 'xsi:type': 'CanonicalUser', 'xmlns:xsi': XSI, ID: owner },
            Permission: 'FULL_CONTROL',
          },
        },
      });
      expect(await guardMatches(event)).to.equal(false);
    });

    it('grant headers under their header names: x-amz-grant-read and the others (aws CLI)', async () => {
      const before = received().length;
      await range.aws([
        's3api',
        'put-object-acl',
        '--bucket',
        'exports',
        '--key',
        'grants.csv',
        '--grant-read',
        `uri=${ALL_USERS}`,
        '--grant-full-control',
        `id=${owner}`,
        '--grant-read-acp',
        `id=${owner}`,
      ]);
      const [event] = received().slice(before) as [BusEvent];
      expect(event.detail.requestParameters).to.include({
        'x-amz-grant-read': `uri=${ALL_USERS}`,
        'x-amz-grant-full-control': `id=${owner}`,
        'x-amz-grant-read-acp': `id=${owner}`,
        acl: '',
      });
      expect(Object.keys(event.detail.requestParameters).filter((k) => /^grant/i.test(k))).to.deep.equal([]);
      expect(await guardMatches(event)).to.equal(true);
    });
  });
});
