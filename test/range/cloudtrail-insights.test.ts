import { expect } from 'chai';
import {
  CloudTrailClient,
  CreateTrailCommand,
  GetInsightSelectorsCommand,
  GetTrailCommand,
  InsightNotEnabledException,
  PutEventSelectorsCommand,
  PutInsightSelectorsCommand,
} from '@aws-sdk/client-cloudtrail';
import {
  CreateAccessKeyCommand,
  CreateUserCommand,
  IAMClient,
  PutUserPolicyCommand,
} from '@aws-sdk/client-iam';
import { CreateBucketCommand, PutBucketPolicyCommand, S3Client } from '@aws-sdk/client-s3';
import { failure, startTestRange, type TestRange } from './harness.js';

// CloudTrail Insights selectors: CloudTrail API Reference, PutInsightSelectors ("You also use
// PutInsightSelectors to turn off Insights event logging, by passing an empty list"; ApiCallRateInsight
// needs a trail that logs write management events, ApiErrorRateInsight read or write ones) and
// GetInsightSelectors ("If you run GetInsightSelectors on a trail that does not have Insights events
// enabled, the operation throws the exception InsightNotEnabledException"). The range stores the
// selectors; it generates no Insights events.
describe('range: CloudTrail Insights selectors', function () {
  this.timeout(60_000);
  let range: TestRange;
  let ct: CloudTrailClient;
  let arn: string;

  before(async () => {
    range = await startTestRange();
    ct = new CloudTrailClient(range.clientConfig());
    const s3 = new S3Client(range.clientConfig());
    await s3.send(new CreateBucketCommand({ Bucket: 'trail-bucket' }));
    const cloudtrail = { Service: 'cloudtrail.amazonaws.com' };
    await s3.send(
      new PutBucketPolicyCommand({
        Bucket: 'trail-bucket',
        Policy: JSON.stringify({
          Version: '2012-10-17',
          Statement: [
            {
              Effect: 'Allow',
              Principal: cloudtrail,
              Action: 's3:GetBucketAcl',
              Resource: 'arn:aws:s3:::trail-bucket',
            },
            {
              Effect: 'Allow',
              Principal: cloudtrail,
              Action: 's3:PutObject',
              Resource: 'arn:aws:s3:::trail-bucket/*',
            },
          ],
        }),
      }),
    );
    arn =
      (await ct.send(new CreateTrailCommand({ Name: 'main', S3BucketName: 'trail-bucket' }))).TrailARN ?? '';
    await ct.send(new CreateTrailCommand({ Name: 'reads-only', S3BucketName: 'trail-bucket' }));
    await ct.send(
      new PutEventSelectorsCommand({
        TrailName: 'reads-only',
        EventSelectors: [{ ReadWriteType: 'ReadOnly', IncludeManagementEvents: true }],
      }),
    );
  });
  after(() => range.stop());

  it('answers InsightNotEnabledException until selectors are put, then stores and returns them', async () => {
    const none = await failure(ct.send(new GetInsightSelectorsCommand({ TrailName: 'main' })));
    expect(none).to.be.instanceOf(InsightNotEnabledException);
    const cliNone = await range.awsFails(['cloudtrail', 'get-insight-selectors', '--trail-name', 'main']);
    expect(cliNone.stderr).to.include(
      '(InsightNotEnabledException) when calling the GetInsightSelectors operation',
    );

    const put = await ct.send(
      new PutInsightSelectorsCommand({
        TrailName: 'main',
        InsightSelectors: [{ InsightType: 'ApiCallRateInsight' }],
      }),
    );
    expect(put).to.deep.include({ TrailARN: arn, InsightSelectors: [{ InsightType: 'ApiCallRateInsight' }] });
    const cliPut = await range.aws([
      'cloudtrail',
      'put-insight-selectors',
      '--trail-name',
      arn,
      '--insight-selectors',
      JSON.stringify([{ InsightType: 'ApiCallRateInsight' }, { InsightType: 'ApiErrorRateInsight' }]),
    ]);
    expect(cliPut).to.deep.equal({
      TrailARN: arn,
      InsightSelectors: [{ InsightType: 'ApiCallRateInsight' }, { InsightType: 'ApiErrorRateInsight' }],
    });
    expect(await range.aws(['cloudtrail', 'get-insight-selectors', '--trail-name', 'main'])).to.deep.equal(
      cliPut,
    );
    expect((await ct.send(new GetTrailCommand({ Name: 'main' }))).Trail?.HasInsightSelectors).to.equal(true);

    // An empty list turns Insights off again.
    await ct.send(new PutInsightSelectorsCommand({ TrailName: 'main', InsightSelectors: [] }));
    expect((await failure(ct.send(new GetInsightSelectorsCommand({ TrailName: 'main' })))).name).to.equal(
      'InsightNotEnabledException',
    );
    expect((await ct.send(new GetTrailCommand({ Name: 'main' }))).Trail?.HasInsightSelectors).to.equal(false);

    const puts = range.events('PutInsightSelectors');
    expect(puts).to.have.length(3);
    expect(puts[1]).to.deep.include({
      eventSource: 'cloudtrail.amazonaws.com',
      readOnly: false,
      requestParameters: {
        trailName: arn,
        insightSelectors: [{ insightType: 'ApiCallRateInsight' }, { insightType: 'ApiErrorRateInsight' }],
      },
    });
    expect(range.events('GetInsightSelectors').map((e) => e.errorCode)).to.deep.equal([
      'InsightNotEnabledException',
      'InsightNotEnabledException',
      undefined,
      'InsightNotEnabledException',
    ]);
  });

  it('refuses an unknown insight type, a call-rate insight on a trail without write events, and an unknown trail', async () => {
    const unknown = await failure(
      ct.send(
        new PutInsightSelectorsCommand({
          TrailName: 'main',
          InsightSelectors: [{ InsightType: 'ApiLatencyInsight' as 'ApiCallRateInsight' }],
        }),
      ),
    );
    expect(unknown.name).to.equal('InvalidInsightSelectorsException');
    const reads = await range.awsFails([
      'cloudtrail',
      'put-insight-selectors',
      '--trail-name',
      'reads-only',
      '--insight-selectors',
      '[{"InsightType":"ApiCallRateInsight"}]',
    ]);
    expect(reads.stderr).to.include(
      '(InvalidInsightSelectorsException) when calling the PutInsightSelectors operation',
    );
    // Error rates are analysed on read events too.
    await ct.send(
      new PutInsightSelectorsCommand({
        TrailName: 'reads-only',
        InsightSelectors: [{ InsightType: 'ApiErrorRateInsight' }],
      }),
    );
    const missing = await failure(ct.send(new GetInsightSelectorsCommand({ TrailName: 'nowhere' })));
    expect(missing.name).to.equal('TrailNotFoundException');
    expect(missing.message).to.equal(
      `Unknown trail: arn:aws:cloudtrail:us-east-1:${range.accountId}:trail/nowhere for the user: ${range.accountId}`,
    );
  });

  it('refuses an IAM user allowed cloudtrail:GetInsightSelectors only to put selectors (an attacker muting Insights)', async () => {
    const iam = new IAMClient(range.clientConfig());
    await iam.send(new CreateUserCommand({ UserName: 'auditor' }));
    await iam.send(
      new PutUserPolicyCommand({
        UserName: 'auditor',
        PolicyName: 'read',
        PolicyDocument: JSON.stringify({
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Action: 'cloudtrail:GetInsightSelectors', Resource: '*' }],
        }),
      }),
    );
    const key = (await iam.send(new CreateAccessKeyCommand({ UserName: 'auditor' }))).AccessKey!;
    const env = { AWS_ACCESS_KEY_ID: key.AccessKeyId!, AWS_SECRET_ACCESS_KEY: key.SecretAccessKey! };
    expect(
      await range.aws(['cloudtrail', 'get-insight-selectors', '--trail-name', 'reads-only'], { env }),
    ).to.deep.equal({
      TrailARN: `arn:aws:cloudtrail:us-east-1:${range.accountId}:trail/reads-only`,
      InsightSelectors: [{ InsightType: 'ApiErrorRateInsight' }],
    });
    const denied = await range.awsFails(
      ['cloudtrail', 'put-insight-selectors', '--trail-name', 'reads-only', '--insight-selectors', '[]'],
      { env },
    );
    expect(denied.stderr).to.include(
      '(AccessDeniedException) when calling the PutInsightSelectors operation',
    );
    expect(denied.stderr).to.include(
      `User: arn:aws:iam::${range.accountId}:user/auditor is not authorized to perform: cloudtrail:PutInsightSelectors on resource: arn:aws:cloudtrail:us-east-1:${range.accountId}:trail/reads-only`,
    );
  });
});
