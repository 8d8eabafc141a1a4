import { createHash } from 'node:crypto';
import { expect } from 'chai';
import type { Condition } from '../../src/signals/registry.js';
import type { Observation } from '../../src/signals/types.js';
import { expectFixedBy, nextSecond, startLive, statuses, type Live } from './live.js';

type ExistsParams = Extract<Condition, { exists: unknown }>['exists'];

/** A present and an absent condition for one resource. */
function both(p: Omit<ExistsParams, 'expect'>): [Condition, Condition] {
  return [{ exists: { ...p, expect: 'present' } }, { exists: { ...p, expect: 'absent' } }];
}

function summary(obs: Observation | undefined): string {
  return obs && obs.status !== 'unknown' ? obs.evidence.summary : JSON.stringify(obs);
}

/**
 * Every resource is set up by sirs, seen present, deleted by the responder through the SDK (fast) and
 * seen gone, dated by the responder's call: all types share the two ticks.
 */
describe('the exists signal on a live range', () => {
  let live: Live;
  let account: string;

  before(async () => {
    live = await startLive();
    account = live.range.accountId;
  });
  after(() => live.stop());

  it('sees every type of resource present, then gone after the responder deletes it', async () => {
    const { sirs, responder } = live;
    const vpc = ((await sirs.call('ec2:CreateVpc', { CidrBlock: '10.40.0.0/16' })).Vpc as { VpcId: string })
      .VpcId;
    const subnet = (
      (await sirs.call('ec2:CreateSubnet', { VpcId: vpc, CidrBlock: '10.40.1.0/24' })).Subnet as {
        SubnetId: string;
      }
    ).SubnetId;
    const run = await sirs.call('ec2:RunInstances', {
      ImageId: 'ami-0123456789abcdef0',
      MinCount: 1,
      MaxCount: 1,
      SubnetId: subnet,
    });
    const instance = (
      run.Instances as Array<{
        InstanceId: string;
        BlockDeviceMappings?: Array<{ Ebs?: { VolumeId?: string } }>;
      }>
    )[0]!;
    const volumes = (
      await sirs.call('ec2:DescribeVolumes', {
        Filters: [{ Name: 'attachment.instance-id', Values: [instance.InstanceId] }],
      })
    ).Volumes as Array<{ VolumeId: string }>;
    const volumeId = volumes[0]!.VolumeId;
    const snapshotId = String((await sirs.call('ec2:CreateSnapshot', { VolumeId: volumeId })).SnapshotId);
    const groupId = String(
      (await sirs.call('ec2:CreateSecurityGroup', { GroupName: 'c2', Description: 'c2', VpcId: vpc }))
        .GroupId,
    );
    await sirs.call('logs:CreateLogGroup', { logGroupName: '/app/audit' });
    // A longer name under the same prefix must not pass for the group.
    await sirs.call('logs:CreateLogGroup', { logGroupName: '/app/audit-archive' });
    const flowLogId = (
      (await sirs.call('ec2:CreateFlowLogs', {
        ResourceType: 'VPC',
        ResourceIds: [vpc],
        TrafficType: 'ALL',
        LogGroupName: '/app/audit-archive',
        DeliverLogsPermissionArn: `arn:aws:iam::${account}:role/flow-logs`,
      })) as { FlowLogIds: string[] }
    ).FlowLogIds[0]!;
    const keyId = String(
      ((await sirs.call('kms:CreateKey', { Description: 'backups' })).KeyMetadata as { KeyId: string }).KeyId,
    );
    await sirs.call('kms:CreateAlias', { AliasName: 'alias/backups', TargetKeyId: keyId });
    await sirs.call('iam:CreateUser', { UserName: 'backdoor' });
    await sirs.call('iam:CreateRole', {
      RoleName: 'persistence',
      AssumeRolePolicyDocument: JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Principal: { AWS: '*' }, Action: 'sts:AssumeRole' }],
      }),
    });
    await sirs.call('iam:CreateUser', { UserName: 'deploy' });
    const accessKeyId = String(
      ((await sirs.call('iam:CreateAccessKey', { UserName: 'deploy' })).AccessKey as { AccessKeyId: string })
        .AccessKeyId,
    );
    await sirs.call('s3:CreateBucket', { Bucket: 'staging-uploads' });
    const trailBucket = await trailLogsBucket(live);
    await sirs.call('cloudtrail:CreateTrail', { Name: 'shadow', S3BucketName: trailBucket });

    const cases: Array<{ name: string; conditions: [Condition, Condition]; deletedBy: string }> = [
      {
        name: 's3Bucket',
        conditions: both({ type: 's3Bucket', id: 'staging-uploads' }),
        deletedBy: 'DeleteBucket',
      },
      {
        name: 'ec2Instance',
        conditions: both({ type: 'ec2Instance', id: instance.InstanceId }),
        deletedBy: 'TerminateInstances',
      },
      // The root volume goes with its instance: TerminateInstances names the instance, not the volume.
      {
        name: 'ebsVolume',
        conditions: both({ type: 'ebsVolume', id: volumeId }),
        deletedBy: 'TerminateInstances',
      },
      {
        name: 'ebsSnapshot',
        conditions: both({ type: 'ebsSnapshot', id: snapshotId }),
        deletedBy: 'DeleteSnapshot',
      },
      {
        name: 'kmsKey',
        conditions: both({ type: 'kmsKey', id: 'alias/backups' }),
        deletedBy: 'ScheduleKeyDeletion',
      },
      { name: 'iamUser', conditions: both({ type: 'iamUser', id: 'backdoor' }), deletedBy: 'DeleteUser' },
      { name: 'iamRole', conditions: both({ type: 'iamRole', id: 'persistence' }), deletedBy: 'DeleteRole' },
      // Without user, the key's owner is looked up; with it, the user's keys are listed.
      {
        name: 'accessKey',
        conditions: both({ type: 'accessKey', id: accessKeyId }),
        deletedBy: 'DeleteAccessKey',
      },
      {
        name: 'accessKey of a user',
        conditions: both({ type: 'accessKey', id: accessKeyId, user: 'deploy' }),
        deletedBy: 'DeleteAccessKey',
      },
      {
        name: 'logGroup',
        conditions: both({ type: 'logGroup', id: '/app/audit' }),
        deletedBy: 'DeleteLogGroup',
      },
      {
        name: 'securityGroup',
        conditions: both({ type: 'securityGroup', id: groupId }),
        deletedBy: 'DeleteSecurityGroup',
      },
      { name: 'trail', conditions: both({ type: 'trail', id: 'shadow' }), deletedBy: 'DeleteTrail' },
      { name: 'flowLog', conditions: both({ type: 'flowLog', id: flowLogId }), deletedBy: 'DeleteFlowLogs' },
    ];
    const all = cases.flatMap((c) => c.conditions);
    const neverThere: Condition = {
      exists: { type: 'accessKey', id: 'AKIAEXAMPLENOTAKEY01', expect: 'absent' },
    };

    const first = await live.tick(...all, neverThere);
    cases.forEach((c, i) => {
      expect(
        [first[2 * i]?.status, first[2 * i + 1]?.status],
        `${c.name}: ${summary(first[2 * i])}`,
      ).to.deep.equal(['met', 'not-met']);
    });
    expect(summary(first[all.length]), 'a key IAM never issued').to.equal(
      'Access key AKIAEXAMPLENOTAKEY01 does not exist: no IAM user has it',
    );
    expect(first[all.length]?.status).to.equal('met');
    expect(summary(first[2])).to.match(/^EC2 instance i-\w+ is (pending|running) /);
    expect(summary(first[14])).to.contain(`Access key ${accessKeyId} of user deploy exists (Active)`);

    await responder.call('s3:DeleteBucket', { Bucket: 'staging-uploads' });
    await responder.call('ec2:TerminateInstances', { InstanceIds: [instance.InstanceId] });
    await responder.call('ec2:DeleteSnapshot', { SnapshotId: snapshotId });
    await responder.call('kms:ScheduleKeyDeletion', { KeyId: keyId, PendingWindowInDays: 7 });
    await responder.call('iam:DeleteUser', { UserName: 'backdoor' });
    await responder.call('iam:DeleteRole', { RoleName: 'persistence' });
    await responder.call('iam:DeleteAccessKey', { UserName: 'deploy', AccessKeyId: accessKeyId });
    await responder.call('logs:DeleteLogGroup', { logGroupName: '/app/audit' });
    await responder.call('ec2:DeleteSecurityGroup', { GroupId: groupId });
    await responder.call('cloudtrail:DeleteTrail', { Name: 'shadow' });
    await responder.call('ec2:DeleteFlowLogs', { FlowLogIds: [flowLogId] });

    const second = await live.tick(...all);
    cases.forEach((c, i) => {
      expect(second[2 * i]?.status, `${c.name}: ${summary(second[2 * i])}`).to.equal('not-met');
      expectFixedBy(live, second[2 * i + 1], c.deletedBy);
    });
    expect(summary(second[1])).to.contain('Bucket staging-uploads does not exist');
    expect(summary(second[3])).to.match(/^EC2 instance i-\w+ is shutting-down/);
    expect(summary(second[9])).to.match(/is PendingDeletion \(deletion on /);
    expect(summary(second[11])).to.contain('IAM user backdoor does not exist');
    expect(summary(second[15])).to.contain(`Access key ${accessKeyId} does not exist (it was user deploy's)`);

    // A key taken back from deletion exists again, thanks to the responder's CancelKeyDeletion.
    await responder.call('kms:CancelKeyDeletion', { KeyId: keyId });
    const [kept] = await live.tick(cases[4]!.conditions[0]);
    expectFixedBy(live, kept, 'CancelKeyDeletion');
  });

  it('sees an object overwritten as changed and a deleted one as gone, dated by the probe (s3Object)', async () => {
    const bucket = 'payroll-exports';
    const key = '2026/01/payroll.csv';
    const content = 'employee,amount\nada,4200\n';
    await live.sirs.call('s3:CreateBucket', { Bucket: bucket });
    await live.sirs.call('s3:PutObject', { Bucket: bucket, Key: key, Body: content });
    const sha256 = createHash('sha256').update(content).digest('hex');
    const [intact, tampered] = both({ type: 's3Object', bucket, key, sha256 });
    const [there, gone] = both({ type: 's3Object', bucket, key });
    const gets = () => live.observer.stats().byApi['s3:GetObject'] ?? 0;
    await nextSecond();

    const before = gets();
    const seen = await live.tick(intact, tampered, there, gone);
    expect(statuses(seen)).to.deep.equal(['met', 'not-met', 'met', 'not-met']);
    expect(summary(seen[0])).to.match(
      /^Object s3:\/\/payroll-exports\/2026\/01\/payroll\.csv exists with its original content \(25 bytes, last modified /,
    );
    // The content is hashed once per version, not once a tick.
    await live.tick(intact, tampered);
    expect(gets() - before).to.equal(1);

    // Overwritten (ransomware-style): still there, but not the data that was to be kept.
    await live.responder.call('s3:PutObject', { Bucket: bucket, Key: key, Body: 'encrypted garbage' });
    const changed = await live.tick(intact, tampered, there, gone);
    expect(statuses(changed)).to.deep.equal(['not-met', 'met', 'met', 'not-met']);
    const garbage = createHash('sha256').update('encrypted garbage').digest('hex');
    expect(summary(changed[0])).to.contain(
      `is present but changed: its SHA-256 is ${garbage}, not ${sha256}`,
    );

    await live.responder.call('s3:DeleteObject', { Bucket: bucket, Key: key });
    const probedAt = Date.now();
    const deleted = await live.tick(intact, tampered, there, gone);
    expect(statuses(deleted)).to.deep.equal(['not-met', 'met', 'not-met', 'met']);
    // DeleteObject is a data event, absent from LookupEvents: the probe dates it.
    expect(deleted[3]?.status === 'met' && deleted[3].evidence).to.deep.include({
      source: 'probe',
      summary: `Object s3://${bucket}/${key} does not exist`,
    });
    expect(Date.parse(deleted[3]?.status === 'met' ? deleted[3].evidence.at : '')).to.be.within(
      probedAt - 1000,
      Date.now(),
    );
  });
});

/** A bucket CloudTrail may deliver to, as CreateTrail requires. */
async function trailLogsBucket(live: Live): Promise<string> {
  const bucket = 'trail-logs';
  const cloudtrail = { Service: 'cloudtrail.amazonaws.com' };
  await live.sirs.call('s3:CreateBucket', { Bucket: bucket });
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
          Resource: `arn:aws:s3:::${bucket}/AWSLogs/${live.range.accountId}/*`,
        },
      ],
    }),
  });
  return bucket;
}
