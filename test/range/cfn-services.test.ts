import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  CloudFormationClient,
  CreateStackCommand,
  DeleteStackCommand,
  DescribeStacksCommand,
  UpdateStackCommand,
  type Stack,
} from '@aws-sdk/client-cloudformation';
import {
  CloudTrailClient,
  DescribeTrailsCommand,
  GetEventSelectorsCommand,
  GetTrailStatusCommand,
  ListTagsCommand,
  StartLoggingCommand,
  StopLoggingCommand,
} from '@aws-sdk/client-cloudtrail';
import { CloudWatchClient, DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import { CloudWatchLogsClient, DescribeMetricFiltersCommand } from '@aws-sdk/client-cloudwatch-logs';
import {
  DescribeKeyCommand,
  GetKeyRotationStatusCommand,
  KMSClient,
  ListAliasesCommand,
  ListResourceTagsCommand,
} from '@aws-sdk/client-kms';
import {
  GetBucketEncryptionCommand,
  GetBucketOwnershipControlsCommand,
  GetBucketPolicyCommand,
  GetBucketVersioningCommand,
  GetPublicAccessBlockCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { GetTopicAttributesCommand, SNSClient } from '@aws-sdk/client-sns';
import {
  DescribeAssociationCommand,
  GetParameterCommand,
  ListTagsForResourceCommand,
  SSMClient,
} from '@aws-sdk/client-ssm';
import { startTestRange, type TestRange } from './harness.js';

const template = readFileSync(fileURLToPath(new URL('./templates/detection.yaml', import.meta.url)), 'utf8');

async function settled(cfn: CloudFormationClient, name: string): Promise<Stack> {
  for (let i = 0; i < 400; i++) {
    const stack = (await cfn.send(new DescribeStacksCommand({ StackName: name }))).Stacks?.[0];
    if (stack && !stack.StackStatus?.endsWith('_IN_PROGRESS')) return stack;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`stack ${name} never settled`);
}

const outputs = (stack: Stack) =>
  Object.fromEntries((stack.Outputs ?? []).map((o) => [o.OutputKey, o.OutputValue ?? '']));

describe('range: CloudFormation S3, CloudTrail, Logs, CloudWatch, SNS, KMS and SSM resources', function () {
  this.timeout(30_000);
  let range: TestRange;
  let cfn: CloudFormationClient;
  before(async () => {
    range = await startTestRange();
    cfn = new CloudFormationClient(range.clientConfig());
  });
  after(() => range.stop());

  it('deploys detection infrastructure that each service reports, which then detects a StopLogging', async () => {
    await cfn.send(
      new CreateStackCommand({
        StackName: 'detect',
        TemplateBody: template,
        Capabilities: ['CAPABILITY_IAM'],
      }),
    );
    const stack = await settled(cfn, 'detect');
    expect(stack.StackStatus, stack.StackStatusReason).to.equal('CREATE_COMPLETE');
    const out = outputs(stack);

    const s3 = new S3Client(range.clientConfig());
    const bucket = { Bucket: out.Bucket };
    expect(
      (await s3.send(new GetPublicAccessBlockCommand(bucket))).PublicAccessBlockConfiguration,
    ).to.deep.equal({
      BlockPublicAcls: true,
      IgnorePublicAcls: true,
      BlockPublicPolicy: true,
      RestrictPublicBuckets: true,
    });
    expect(
      (await s3.send(new GetBucketOwnershipControlsCommand(bucket))).OwnershipControls?.Rules,
    ).to.deep.equal([{ ObjectOwnership: 'BucketOwnerEnforced' }]);
    const sse = (await s3.send(new GetBucketEncryptionCommand(bucket))).ServerSideEncryptionConfiguration
      ?.Rules?.[0];
    expect(sse?.ApplyServerSideEncryptionByDefault).to.deep.equal({
      SSEAlgorithm: 'aws:kms',
      KMSMasterKeyID: out.KeyArn,
    });
    expect((await s3.send(new GetBucketVersioningCommand(bucket))).Status).to.equal('Enabled');
    const policy = JSON.parse((await s3.send(new GetBucketPolicyCommand(bucket))).Policy ?? '{}') as {
      Statement: Array<{ Sid: string }>;
    };
    expect(policy.Statement.map((s) => s.Sid)).to.deep.equal(['AclCheck', 'Write']);

    const cloudtrail = new CloudTrailClient(range.clientConfig());
    const trail = (await cloudtrail.send(new DescribeTrailsCommand({ trailNameList: [out.Trail] })))
      .trailList?.[0];
    expect(trail).to.deep.include({
      TrailARN: out.TrailArn,
      S3BucketName: out.Bucket,
      IsMultiRegionTrail: true,
      IncludeGlobalServiceEvents: true,
      LogFileValidationEnabled: true,
      CloudWatchLogsLogGroupArn: `arn:aws:logs:us-east-1:123456789012:log-group:${out.LogGroup}:*`,
    });
    expect((await cloudtrail.send(new GetTrailStatusCommand({ Name: out.Trail }))).IsLogging).to.equal(true);
    expect(
      (await cloudtrail.send(new GetEventSelectorsCommand({ TrailName: out.Trail }))).EventSelectors?.[0],
    ).to.deep.include({
      ReadWriteType: 'All',
      IncludeManagementEvents: true,
    });
    const trailTags =
      (await cloudtrail.send(new ListTagsCommand({ ResourceIdList: [out.TrailArn] }))).ResourceTagList?.[0]
        ?.TagsList ?? [];
    expect(trailTags).to.deep.include.members([
      { Key: 'control', Value: 'audit' },
      { Key: 'aws:cloudformation:stack-name', Value: 'detect' },
      { Key: 'aws:cloudformation:logical-id', Value: 'Trail' },
    ]);
    expect(range.events('StartLogging').at(-1)?.userIdentity).to.include({
      invokedBy: 'cloudformation.amazonaws.com',
    });

    const logs = new CloudWatchLogsClient(range.clientConfig());
    const filter = (await logs.send(new DescribeMetricFiltersCommand({ logGroupName: out.LogGroup })))
      .metricFilters?.[0];
    expect(filter?.filterName).to.match(/^detect-TamperingFilter-[A-Z0-9]{13}$/);
    expect(filter?.metricTransformations?.[0]).to.deep.include({
      metricNamespace: 'CloudTrailMetrics',
      metricName: 'TrailTamperingCount',
      metricValue: '1',
    });

    const kms = new KMSClient(range.clientConfig());
    expect((await kms.send(new DescribeKeyCommand({ KeyId: out.KeyId }))).KeyMetadata).to.deep.include({
      Arn: out.KeyArn,
      Description: 'evidence encryption',
      KeyState: 'Enabled',
    });
    expect(
      (await kms.send(new GetKeyRotationStatusCommand({ KeyId: out.KeyId }))).KeyRotationEnabled,
    ).to.equal(true);
    const keyTags = (await kms.send(new ListResourceTagsCommand({ KeyId: out.KeyId }))).Tags ?? [];
    expect(keyTags).to.deep.include.members([
      { TagKey: 'aws:cloudformation:stack-name', TagValue: 'detect' },
      { TagKey: 'aws:cloudformation:logical-id', TagValue: 'EvidenceKey' },
      { TagKey: 'aws:cloudformation:stack-id', TagValue: stack.StackId },
    ]);
    const aliases = (await kms.send(new ListAliasesCommand({ KeyId: out.KeyId }))).Aliases ?? [];
    expect(aliases.map((a) => a.AliasName)).to.deep.equal(['alias/detect-evidence']);

    const ssm = new SSMClient(range.clientConfig());
    expect(
      (await ssm.send(new GetParameterCommand({ Name: '/detect/trail-name' }))).Parameter?.Value,
    ).to.equal(`${out.Trail} (true)`);
    expect(out.ParameterValue).to.equal(`${out.Trail} (true)`);
    const paramTags = (
      await ssm.send(
        new ListTagsForResourceCommand({ ResourceType: 'Parameter', ResourceId: '/detect/trail-name' }),
      )
    ).TagList;
    expect(paramTags).to.deep.include({ Key: 'control', Value: 'audit' });
    const association = (await ssm.send(new DescribeAssociationCommand({ AssociationId: out.Association })))
      .AssociationDescription;
    expect(association).to.deep.include({ Name: 'AWS-RunPatchBaseline', ScheduleExpression: 'rate(1 day)' });

    // The detection the stack built works: a responder's StopLogging sets the alarm off.
    const cw = new CloudWatchClient(range.clientConfig());
    const alarmState = async () =>
      (await cw.send(new DescribeAlarmsCommand({ AlarmNames: [out.Alarm] }))).MetricAlarms?.[0];
    const before = await alarmState();
    expect(before).to.deep.include({
      AlarmArn: out.AlarmArn,
      StateValue: 'OK',
      AlarmActions: [out.Topic],
      Period: 60,
    });
    await cloudtrail.send(new StopLoggingCommand({ Name: out.Trail }));
    let state = await alarmState();
    for (let i = 0; i < 100 && state?.StateValue !== 'ALARM'; i++) {
      await new Promise((r) => setTimeout(r, 20));
      state = await alarmState();
    }
    expect(state?.StateValue).to.equal('ALARM');

    // An update in place across services: logging off, versioning suspended, new alarm, topic, key and parameter settings.
    await cloudtrail.send(new StartLoggingCommand({ Name: out.Trail }));
    await cfn.send(
      new UpdateStackCommand({
        StackName: 'detect',
        UsePreviousTemplate: true,
        Capabilities: ['CAPABILITY_IAM'],
        Parameters: [
          { ParameterKey: 'Logging', ParameterValue: 'false' },
          { ParameterKey: 'Versioning', ParameterValue: 'Suspended' },
          { ParameterKey: 'Threshold', ParameterValue: '3' },
          { ParameterKey: 'AlertsName', ParameterValue: 'tamper alerts' },
          { ParameterKey: 'KeyDescription', ParameterValue: 'evidence key v2' },
        ],
      }),
    );
    const updated = await settled(cfn, 'detect');
    expect(updated.StackStatus, updated.StackStatusReason).to.equal('UPDATE_COMPLETE');
    expect(outputs(updated)).to.deep.include({
      Trail: out.Trail,
      KeyId: out.KeyId,
      Topic: out.Topic,
      Alarm: out.Alarm,
      Bucket: out.Bucket,
    });
    expect((await cloudtrail.send(new GetTrailStatusCommand({ Name: out.Trail }))).IsLogging).to.equal(false);
    expect(range.events('StopLogging').at(-1)?.userIdentity).to.include({
      invokedBy: 'cloudformation.amazonaws.com',
    });
    expect((await s3.send(new GetBucketVersioningCommand(bucket))).Status).to.equal('Suspended');
    expect((await alarmState())?.Threshold).to.equal(3);
    expect(
      (await new SNSClient(range.clientConfig()).send(new GetTopicAttributesCommand({ TopicArn: out.Topic })))
        .Attributes?.DisplayName,
    ).to.equal('tamper alerts');
    expect((await kms.send(new DescribeKeyCommand({ KeyId: out.KeyId }))).KeyMetadata?.Description).to.equal(
      'evidence key v2',
    );
    expect(
      (await ssm.send(new GetParameterCommand({ Name: '/detect/trail-name' }))).Parameter,
    ).to.deep.include({ Value: `${out.Trail} (false)`, Version: 2 });

    await cfn.send(new DeleteStackCommand({ StackName: 'detect' }));
    const deleted = await settled(cfn, stack.StackId ?? '');
    expect(deleted.StackStatus, deleted.StackStatusReason).to.equal('DELETE_COMPLETE');
    // A deleted key is only scheduled for deletion, with the template's pending window.
    const key = (await kms.send(new DescribeKeyCommand({ KeyId: out.KeyId }))).KeyMetadata;
    expect(key?.KeyState).to.equal('PendingDeletion');
    expect(key?.PendingDeletionWindowInDays).to.equal(7);
    expect((await cloudtrail.send(new DescribeTrailsCommand({}))).trailList ?? []).to.deep.equal([]);
    expect((await cw.send(new DescribeAlarmsCommand({}))).MetricAlarms ?? []).to.deep.equal([]);
    // DeletionPolicy Retain: the evidence bucket outlives the stack.
    expect((await s3.send(new GetBucketVersioningCommand(bucket))).Status).to.equal('Suspended');
  });
});
