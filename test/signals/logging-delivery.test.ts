import { expect } from 'chai';
import type { Condition } from '../../src/signals/registry.js';
import { expectFixedBy, startLive, statuses, type Live } from './live.js';

/**
 * Where logs go, not only whether something logs: a trail or flow log recreated with another destination
 * does not restore the monitoring built on the original one (metric filters, retention, the evidence).
 * And a user's credentials killed by an explicit deny rather than by removing its keys.
 */
describe('logging destinations and explicit denies on a live range', () => {
  let live: Live;
  const bucket = 'audit-trail-logs';
  let account: string;
  let region: string;
  const groupArn = (name: string) => `arn:aws:logs:${region}:${account}:log-group:${name}:*`;
  const role = () => `arn:aws:iam::${account}:role/trail-to-logs`;

  before(async () => {
    live = await startLive();
    account = live.range.accountId;
    region = live.range.region;
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
    for (const g of ['/trail/audit', '/trail/other', '/vpc/flow', '/vpc/elsewhere'])
      await live.sirs.call('logs:CreateLogGroup', { logGroupName: g });
    await live.sirs.call('iam:CreateRole', {
      RoleName: 'trail-to-logs',
      AssumeRolePolicyDocument: JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Principal: cloudtrail, Action: 'sts:AssumeRole' }],
      }),
    });
    await live.sirs.call('cloudtrail:CreateTrail', {
      Name: 'audit',
      S3BucketName: bucket,
      IsMultiRegionTrail: true,
      CloudWatchLogsLogGroupArn: groupArn('/trail/audit'),
      CloudWatchLogsRoleArn: role(),
    });
    await live.sirs.call('cloudtrail:StartLogging', { Name: 'audit' });
  });
  after(() => live.stop());

  it('counts a recreated trail as logging only when it delivers to the same bucket and log group, in every region (trailLogging)', async () => {
    const delivery = { bucket, logGroup: '/trail/audit', multiRegion: true };
    const anyLogging: Condition = { trailLogging: { trail: 'audit', expect: 'logging' } };
    const sameDelivery: Condition = { trailLogging: { trail: 'audit', expect: 'logging', ...delivery } };
    // The log group may be named by its ARN, as CloudTrail shows it.
    const byArn: Condition = {
      trailLogging: { trail: 'audit', expect: 'logging', logGroup: groupArn('/trail/audit') },
    };
    const notThere: Condition = { trailLogging: { trail: 'audit', expect: 'stopped', ...delivery } };
    expect(statuses(await live.tick(anyLogging, sameDelivery, byArn, notThere))).to.deep.equal([
      'met',
      'met',
      'met',
      'not-met',
    ]);

    await live.cli(['cloudtrail', 'delete-trail', '--name', 'audit']);
    const [, , , gone] = await live.tick(anyLogging, sameDelivery, byArn, notThere);
    expectFixedBy(live, gone, 'DeleteTrail');

    // Recreated in one region, without its CloudWatch Logs delivery, and started: it logs, but not there.
    await live.cli(['cloudtrail', 'create-trail', '--name', 'audit', '--s3-bucket-name', bucket]);
    await live.cli(['cloudtrail', 'start-logging', '--name', 'audit']);
    const [logging, same, arnForm, elsewhere] = await live.tick(anyLogging, sameDelivery, byArn, notThere);
    expectFixedBy(live, logging, 'StartLogging');
    expect(same?.status).to.equal('not-met');
    expect(same?.status === 'not-met' && same.evidence.summary).to.match(
      /delivers to no CloudWatch Logs group; it is a single-region trail/,
    );
    expect(arnForm?.status).to.equal('not-met');
    expect(elsewhere?.status).to.equal('met');

    // Another log group is not the same delivery either.
    await live.cli([
      'cloudtrail',
      'update-trail',
      '--name',
      'audit',
      '--is-multi-region-trail',
      '--cloud-watch-logs-log-group-arn',
      groupArn('/trail/other'),
      '--cloud-watch-logs-role-arn',
      role(),
    ]);
    const [, other] = await live.tick(anyLogging, sameDelivery);
    expect(other?.status === 'not-met' && other.evidence.summary).to.contain(
      'delivers to log group /trail/other, not /trail/audit',
    );

    // Pointed back at the original group: logging as before, dated by the UpdateTrail that completed it.
    await live.cli([
      'cloudtrail',
      'update-trail',
      '--name',
      'audit',
      '--cloud-watch-logs-log-group-arn',
      groupArn('/trail/audit'),
      '--cloud-watch-logs-role-arn',
      role(),
    ]);
    const [, restored, restoredByArn, notElsewhere] = await live.tick(
      anyLogging,
      sameDelivery,
      byArn,
      notThere,
    );
    expectFixedBy(live, restored, 'UpdateTrail');
    expect(restoredByArn?.status).to.equal('met');
    expect(notElsewhere?.status).to.equal('not-met');
  });

  it('counts flow logs as restored only to the same log group, named either way, capturing the traffic asked (flowLogs)', async () => {
    const vpc = (
      (await live.sirs.call('ec2:CreateVpc', { CidrBlock: '10.30.0.0/16' })).Vpc as { VpcId: string }
    ).VpcId;
    await live.sirs.call('iam:CreateRole', {
      RoleName: 'flow-logs',
      AssumeRolePolicyDocument: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Principal: { Service: 'vpc-flow-logs.amazonaws.com' },
            Action: 'sts:AssumeRole',
          },
        ],
      }),
    });
    let deliver = `arn:aws:iam::${account}:role/flow-logs`;
    const anyFlowLog: Condition = { flowLogs: { resource: vpc, expect: 'enabled' } };
    const toGroup: Condition = {
      flowLogs: { resource: vpc, expect: 'enabled', logGroup: '/vpc/flow', trafficType: 'ALL' },
    };
    const rejectedToGroup: Condition = {
      flowLogs: { resource: vpc, expect: 'enabled', logGroup: '/vpc/flow', trafficType: 'REJECT' },
    };
    const notToGroup: Condition = { flowLogs: { resource: vpc, expect: 'disabled', logGroup: '/vpc/flow' } };
    const create = (...args: string[]) =>
      live.cli([
        'ec2',
        'create-flow-logs',
        '--resource-type',
        'VPC',
        '--resource-ids',
        vpc,
        '--deliver-logs-permission-arn',
        deliver,
        ...args,
      ]) as Promise<{ FlowLogIds: string[] }>;

    const elsewhere = await create('--traffic-type', 'ALL', '--log-group-name', '/vpc/elsewhere');
    const [some, group, , off] = await live.tick(anyFlowLog, toGroup, rejectedToGroup, notToGroup);
    expectFixedBy(live, some, 'CreateFlowLogs');
    expect(group?.status === 'not-met' && group.evidence.summary).to.contain(
      `no active flow log to log group /vpc/flow capturing ALL traffic, only ${elsewhere.FlowLogIds[0]} to log group /vpc/elsewhere`,
    );
    expect(off?.status).to.equal('met');

    // Only rejected traffic, to the right group: enough for REJECT, not for ALL.
    const rejects = await create('--traffic-type', 'REJECT', '--log-group-name', '/vpc/flow');
    const [, all, rejected] = await live.tick(anyFlowLog, toGroup, rejectedToGroup);
    expect(all?.status).to.equal('not-met');
    expectFixedBy(live, rejected, 'CreateFlowLogs');

    // To the right group, but through a role VPC Flow Logs cannot assume: nothing arrives there.
    await live.cli(['ec2', 'delete-flow-logs', '--flow-log-ids', rejects.FlowLogIds[0]!]);
    deliver = role();
    const failing = await create('--traffic-type', 'ALL', '--log-group-name', '/vpc/flow');
    const [stillSome, undelivered] = await live.tick(anyFlowLog, toGroup);
    expect(stillSome?.status).to.equal('met');
    expect(undelivered?.status === 'not-met' && undelivered.evidence.summary).to.contain(
      `${failing.FlowLogIds[0]} to log group /vpc/flow, ALL traffic, delivery FAILED: Access error`,
    );

    // The group named by its ARN (the console's and SDK's LogDestination form) is the same group.
    await live.cli(['ec2', 'delete-flow-logs', '--flow-log-ids', failing.FlowLogIds[0]!]);
    deliver = `arn:aws:iam::${account}:role/flow-logs`;
    await create(
      '--traffic-type',
      'ALL',
      '--log-destination-type',
      'cloud-watch-logs',
      '--log-destination',
      `arn:aws:logs:${region}:${account}:log-group:/vpc/flow`,
    );
    const [, restored, , notOff] = await live.tick(anyFlowLog, toGroup, rejectedToGroup, notToGroup);
    expectFixedBy(live, restored, 'CreateFlowLogs');
    expect(notOff?.status).to.equal('not-met');
  });

  it("sees a user's credentials killed by an unconditional explicit deny, its own or its group's (userDenied)", async () => {
    await live.sirs.call('iam:CreateUser', { UserName: 'intruder' });
    await live.sirs.call('iam:CreateGroup', { GroupName: 'quarantine' });
    const denied: Condition = { userDenied: { user: 'intruder', expect: 'denied' } };
    const notDenied: Condition = { userDenied: { user: 'intruder', expect: 'not-denied' } };
    const denyAll = (condition?: object) =>
      JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Deny', Action: '*', Resource: '*', ...(condition ? { Condition: condition } : {}) },
        ],
      });
    expect(statuses(await live.tick(denied, notDenied))).to.deep.equal(['not-met', 'met']);

    // A deny that applies only under a condition may not stop the intruder: it does not count.
    await live.cli([
      'iam',
      'put-user-policy',
      '--user-name',
      'intruder',
      '--policy-name',
      'office-hours',
      '--policy-document',
      denyAll({ Bool: { 'aws:MultiFactorAuthPresent': 'false' } }),
    ]);
    expect(statuses(await live.tick(denied))).to.deep.equal(['not-met']);

    await live.cli([
      'iam',
      'put-user-policy',
      '--user-name',
      'intruder',
      '--policy-name',
      'deny-all',
      '--policy-document',
      denyAll(),
    ]);
    const [dead, notAlive] = await live.tick(denied, notDenied);
    expectFixedBy(live, dead, 'PutUserPolicy');
    expect(notAlive?.status).to.equal('not-met');
    expect(dead?.status === 'met' && dead.evidence.summary).to.contain(
      'inline policy deny-all of user intruder',
    );

    await live.cli(['iam', 'delete-user-policy', '--user-name', 'intruder', '--policy-name', 'deny-all']);
    const [, alive] = await live.tick(denied, notDenied);
    expectFixedBy(live, alive, 'DeleteUserPolicy');

    // Through a group: the group's policy names the group, so the membership dates it.
    await live.sirs.call('iam:PutGroupPolicy', {
      GroupName: 'quarantine',
      PolicyName: 'deny-all',
      PolicyDocument: denyAll(),
    });
    await live.cli(['iam', 'add-user-to-group', '--user-name', 'intruder', '--group-name', 'quarantine']);
    const [viaGroup] = await live.tick(denied);
    expectFixedBy(live, viaGroup, 'AddUserToGroup');
    expect(viaGroup?.status === 'met' && viaGroup.evidence.summary).to.contain('of group quarantine');
  });
});
