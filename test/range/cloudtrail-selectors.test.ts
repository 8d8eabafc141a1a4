import { expect } from 'chai';
import {
  AddTagsCommand,
  CloudTrailClient,
  CreateTrailCommand,
  GetEventSelectorsCommand,
  GetTrailCommand,
  ListTagsCommand,
  PutEventSelectorsCommand,
  RemoveTagsCommand,
} from '@aws-sdk/client-cloudtrail';
import { CreateBucketCommand, PutBucketPolicyCommand, S3Client } from '@aws-sdk/client-s3';
import { failure, startTestRange, type TestRange } from './harness.js';

describe('range: CloudTrail event selectors and tags', function () {
  this.timeout(60_000);
  let range: TestRange;
  /** The AWS CLI against the range: the words of `command`, then further arguments as they are. */
  const aws = (command: string, ...args: string[]) => range.aws([...command.split(' '), ...args]);
  let ct: CloudTrailClient;
  let account: string;
  const arnOf = (name: string) => `arn:aws:cloudtrail:us-east-1:${account}:trail/${name}`;

  before(async () => {
    range = await startTestRange();
    account = range.accountId;
    ct = new CloudTrailClient(range.clientConfig());
    const s3 = new S3Client(range.clientConfig());
    await s3.send(new CreateBucketCommand({ Bucket: 'trail-bucket' }));
    const policy = {
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { Service: 'cloudtrail.amazonaws.com' },
          Action: 's3:GetBucketAcl',
          Resource: 'arn:aws:s3:::trail-bucket',
        },
        {
          Effect: 'Allow',
          Principal: { Service: 'cloudtrail.amazonaws.com' },
          Action: 's3:PutObject',
          Resource: 'arn:aws:s3:::trail-bucket/*',
        },
      ],
    };
    await s3.send(new PutBucketPolicyCommand({ Bucket: 'trail-bucket', Policy: JSON.stringify(policy) }));
    await ct.send(
      new CreateTrailCommand({ Name: 'main', S3BucketName: 'trail-bucket', IsMultiRegionTrail: true }),
    );
    await ct.send(new CreateTrailCommand({ Name: 'local', S3BucketName: 'trail-bucket' }));
  });
  after(() => range.stop());

  it('puts and gets basic and advanced event selectors, refusing invalid ones', async () => {
    const initial = await ct.send(new GetEventSelectorsCommand({ TrailName: 'local' }));
    expect(initial.EventSelectors).to.deep.equal([
      {
        ReadWriteType: 'All',
        IncludeManagementEvents: true,
        DataResources: [],
        ExcludeManagementEventSources: [],
      },
    ]);
    const basic = await ct.send(
      new PutEventSelectorsCommand({
        TrailName: 'local',
        EventSelectors: [
          {
            ReadWriteType: 'WriteOnly',
            DataResources: [{ Type: 'AWS::S3::Object', Values: ['arn:aws:s3:::trail-bucket/'] }],
          },
        ],
      }),
    );
    expect(basic.TrailARN).to.equal(arnOf('local'));
    expect(basic.EventSelectors?.[0]).to.deep.include({
      ReadWriteType: 'WriteOnly',
      IncludeManagementEvents: true,
    });
    expect((await ct.send(new GetTrailCommand({ Name: 'local' }))).Trail?.HasCustomEventSelectors).to.equal(
      true,
    );
    const advanced = [
      {
        Name: 'writes',
        FieldSelectors: [
          { Field: 'eventCategory', Equals: ['Management'] },
          { Field: 'readOnly', Equals: ['false'] },
        ],
      },
    ];
    await aws(
      'cloudtrail put-event-selectors --trail-name local --advanced-event-selectors',
      JSON.stringify(advanced),
    );
    const got = (await aws('cloudtrail get-event-selectors --trail-name local')) as Record<string, unknown>;
    expect(got.AdvancedEventSelectors).to.deep.equal(advanced);
    expect(got.EventSelectors).to.equal(undefined);
    for (const input of [
      { EventSelectors: [{}], AdvancedEventSelectors: advanced },
      {},
      { EventSelectors: [{ DataResources: [{ Type: 'AWS::S3::Bucket', Values: ['arn:aws:s3:::x/'] }] }] },
      { EventSelectors: [{ DataResources: [{ Type: 'AWS::S3::Object', Values: ['s3://x/'] }] }] },
      { EventSelectors: Array.from({ length: 6 }, () => ({})) },
      { AdvancedEventSelectors: [{ FieldSelectors: [{ Field: 'readOnly', Equals: ['true'] }] }] },
      { AdvancedEventSelectors: [{ FieldSelectors: [{ Field: 'eventCategory', Equals: ['Data'] }] }] },
    ]) {
      const err = await failure(ct.send(new PutEventSelectorsCommand({ TrailName: 'local', ...input })));
      expect(err.name, JSON.stringify(input)).to.equal('InvalidEventSelectorsException');
    }
  });

  it('tags trails', async () => {
    await ct.send(
      new AddTagsCommand({
        ResourceId: arnOf('main'),
        TagsList: [
          { Key: 'env', Value: 'prod' },
          { Key: 'owner', Value: 'ir' },
        ],
      }),
    );
    await aws('cloudtrail remove-tags --resource-id', arnOf('main'), '--tags-list', 'Key=env');
    const cli = (await aws('cloudtrail list-tags --resource-id-list', arnOf('main'), arnOf('local'))) as {
      ResourceTagList: Array<{ ResourceId: string; TagsList: unknown[] }>;
    };
    expect(cli.ResourceTagList).to.deep.equal([
      { ResourceId: arnOf('main'), TagsList: [{ Key: 'owner', Value: 'ir' }] },
      { ResourceId: arnOf('local'), TagsList: [] },
    ]);
    const missing = await failure(ct.send(new ListTagsCommand({ ResourceIdList: [arnOf('ghost')] })));
    expect(missing.name).to.equal('ResourceNotFoundException');
    const many = Array.from({ length: 50 }, (_, i) => ({ Key: `k${i}`, Value: 'v' }));
    expect(
      (await failure(ct.send(new AddTagsCommand({ ResourceId: arnOf('main'), TagsList: many })))).name,
    ).to.equal('TagsLimitExceededException');
    await ct.send(new RemoveTagsCommand({ ResourceId: arnOf('main'), TagsList: [{ Key: 'owner' }] }));
    expect(
      (await ct.send(new ListTagsCommand({ ResourceIdList: [arnOf('main')] }))).ResourceTagList?.[0]
        ?.TagsList,
    ).to.deep.equal([]);
  });
});
