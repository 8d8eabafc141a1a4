import { expect } from 'chai';
import type { Condition } from '../../src/signals/registry.js';
import { expectFixedBy, startLive, statuses, type Live } from './live.js';

describe('audit and logging signals on a live range', () => {
  let live: Live;
  const bucket = 'org-trail-logs';

  before(async () => {
    live = await startLive();
    const account = live.range.accountId;
    await live.sirs.call('s3:CreateBucket', { Bucket: bucket });
    const cloudtrail = { Service: 'cloudtrail.amazonaws.com' };
    await live.sirs.call('s3:PutBucketPolicy', {
      Bucket: bucket,
      Policy: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Principal: cloudtrail,
            Action: 's3:GetBucketAcl',
            Resource: `arn:aws:s3:::${bucket}`,
          },
          {
            Effect: 'Allow',
            Principal: cloudtrail,
            Action: 's3:PutObject',
            Resource: `arn:aws:s3:::${bucket}/AWSLogs/${account}/*`,
          },
        ],
      }),
    });
    await live.sirs.call('logs:CreateLogGroup', { logGroupName: '/trail/main' });
    await live.sirs.call('iam:CreateRole', {
      RoleName: 'trail-to-logs',
      AssumeRolePolicyDocument: JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Principal: cloudtrail, Action: 'sts:AssumeRole' }],
      }),
    });
    await live.sirs.call('cloudtrail:CreateTrail', {
      Name: 'main',
      S3BucketName: bucket,
      CloudWatchLogsLogGroupArn: `arn:aws:logs:${live.range.region}:${account}:log-group:/trail/main:*`,
      CloudWatchLogsRoleArn: `arn:aws:iam::${account}:role/trail-to-logs`,
    });
    await live.sirs.call('cloudtrail:StartLogging', { Name: 'main' });
  });
  after(() => live.stop());

  it('sees the trail stopped and started again, and the StopLogging call itself (trailLogging, cloudtrailEvent)', async () => {
    const logging: Condition = { trailLogging: { trail: 'main', expect: 'logging' } };
    const stopped: Condition = { trailLogging: { trail: 'main', expect: 'stopped' } };
    const stopCall: Condition = {
      cloudtrailEvent: { eventName: 'StopLogging', userArn: live.responderArn, resource: 'main' },
    };
    expect(statuses(await live.tick(logging, stopped, stopCall))).to.deep.equal([
      'met',
      'not-met',
      'not-met',
    ]);

    await live.cli(['cloudtrail', 'stop-logging', '--name', 'main']);
    const [notLogging, off, call] = await live.tick(logging, stopped, stopCall);
    expect(notLogging?.status).to.equal('not-met');
    expectFixedBy(live, off, 'StopLogging');
    expectFixedBy(live, call, 'StopLogging');

    await live.cli(['cloudtrail', 'start-logging', '--name', 'main']);
    const [on] = await live.tick(logging, stopped);
    expectFixedBy(live, on, 'StartLogging');
  });

  it("sees management events dropped and restored by selectors, and the team's log alert fire (trailManagementEvents, logEvents)", async () => {
    const covered: Condition = { trailManagementEvents: { trail: 'main', expect: 'covered' } };
    const notCovered: Condition = { trailManagementEvents: { trail: 'main', expect: 'not-covered' } };
    const alert: Condition = {
      logEvents: { logGroup: '/trail/main', filterPattern: '{ $.eventName = "PutEventSelectors" }' },
    };
    expect(statuses(await live.tick(covered, notCovered, alert))).to.deep.equal([
      'met',
      'not-met',
      'not-met',
    ]);

    const writeOnly = '[{"ReadWriteType":"WriteOnly","IncludeManagementEvents":true}]';
    await live.cli([
      'cloudtrail',
      'put-event-selectors',
      '--trail-name',
      'main',
      '--event-selectors',
      writeOnly,
    ]);
    const [, reduced, fired] = await live.tick(covered, notCovered, alert);
    expectFixedBy(live, reduced, 'PutEventSelectors');
    expect(reduced?.status === 'met' && reduced.evidence.summary).to.match(
      /records only write management events/,
    );
    const delivered = live.range.events('PutEventSelectors').at(-1)!;
    expect(fired).to.deep.include({ status: 'met' });
    expect(fired?.status === 'met' && fired.evidence).to.deep.include({
      source: 'logs',
      at: new Date(delivered.eventTime).toISOString(),
    });
    expect(fired?.status === 'met' && fired.evidence.summary).to.contain(delivered.eventID);

    const advanced =
      '[{"Name":"all management","FieldSelectors":[{"Field":"eventCategory","Equals":["Management"]}]}]';
    await live.cli([
      'cloudtrail',
      'put-event-selectors',
      '--trail-name',
      'main',
      '--advanced-event-selectors',
      advanced,
    ]);
    const [restored] = await live.tick(covered, notCovered);
    expectFixedBy(live, restored, 'PutEventSelectors');
  });

  it('sees a trail created and deleted, and a failed read call in CloudTrail (trailExists, cloudtrailEvent)', async () => {
    const exists: Condition = { trailExists: { trail: 'shadow-ops', expect: 'present' } };
    const gone: Condition = { trailExists: { trail: 'shadow-ops', expect: 'absent' } };
    const probing: Condition = {
      cloudtrailEvent: {
        eventName: 'GetTrailStatus',
        errorCode: 'TrailNotFoundException',
        userArn: live.responderArn,
      },
    };
    expect(statuses(await live.tick(exists, gone, probing))).to.deep.equal(['not-met', 'met', 'not-met']);

    await live.cli(['cloudtrail', 'create-trail', '--name', 'shadow-ops', '--s3-bucket-name', bucket]);
    const [created] = await live.tick(exists, gone);
    expectFixedBy(live, created, 'CreateTrail');

    await live.cli(['cloudtrail', 'delete-trail', '--name', 'shadow-ops']);
    expect(
      (await live.cliFails(['cloudtrail', 'get-trail-status', '--name', 'shadow-ops'])).stderr,
    ).to.contain('TrailNotFoundException');
    const [, deleted, failedRead] = await live.tick(exists, gone, probing);
    expectFixedBy(live, deleted, 'DeleteTrail');
    const event = live.range.events('GetTrailStatus').find((e) => e.errorCode === 'TrailNotFoundException')!;
    expect(failedRead?.status === 'met' && failedRead.evidence).to.deep.include({
      source: 'cloudtrail',
      eventId: event.eventID,
      actor: live.responderArn,
    });
  });
});
