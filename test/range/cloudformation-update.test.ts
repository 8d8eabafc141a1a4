import { expect } from 'chai';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  CloudFormationClient,
  CreateChangeSetCommand,
  CreateStackCommand,
  DeleteChangeSetCommand,
  DeleteStackCommand,
  DescribeChangeSetCommand,
  DescribeStackEventsCommand,
  DescribeStackResourcesCommand,
  DescribeStacksCommand,
  ExecuteChangeSetCommand,
  ListChangeSetsCommand,
  ListExportsCommand,
  ListImportsCommand,
  UpdateStackCommand,
  waitUntilChangeSetCreateComplete,
  waitUntilStackUpdateComplete,
  type Stack,
  type StackEvent,
} from '@aws-sdk/client-cloudformation';
import { CloudWatchLogsClient, DescribeLogGroupsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { DescribeSecurityGroupsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { ListTagsForResourceCommand, SNSClient } from '@aws-sdk/client-sns';
import { ListTagsForResourceCommand as SsmListTagsCommand, SSMClient } from '@aws-sdk/client-ssm';
import {
  DeleteObjectCommand,
  GetBucketTaggingCommand,
  HeadBucketCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { failure, startTestRange, type TestRange } from './harness.js';

const templatePath = (name: string) => fileURLToPath(new URL(`./templates/${name}`, import.meta.url));
const template = (name: string) => readFileSync(templatePath(name), 'utf8');

async function settled(cfn: CloudFormationClient, name: string): Promise<Stack> {
  for (let i = 0; i < 400; i++) {
    const stack = (await cfn.send(new DescribeStacksCommand({ StackName: name }))).Stacks?.[0];
    if (stack && !stack.StackStatus?.endsWith('_IN_PROGRESS')) return stack;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`stack ${name} never settled`);
}

async function events(cfn: CloudFormationClient, name: string): Promise<StackEvent[]> {
  return ((await cfn.send(new DescribeStackEventsCommand({ StackName: name }))).StackEvents ?? []).reverse();
}

const output = (stack: Stack, key: string) =>
  stack.Outputs?.find((o) => o.OutputKey === key)?.OutputValue ?? '';

/**
 * `aws cloudformation deploy` polls the stack every 30 s. The CLI's Python sleeps are cut to 0.2 s for
 * it (a sitecustomize on PYTHONPATH), so the test does not wait on a poll interval.
 */
function fastCliEnv(): Record<string, string> {
  const dir = join(tmpdir(), `sirs-cfn-fast-waiters-${process.pid}`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, 'sitecustomize.py'),
    'import time\n_sleep = time.sleep\ntime.sleep = lambda s: _sleep(min(s, 0.2))\n',
  );
  return { PYTHONPATH: dir };
}

describe('range: CloudFormation updates, change sets and exports', function () {
  this.timeout(30_000);
  let range: TestRange;
  let cfn: CloudFormationClient;
  let ec2: EC2Client;
  before(async () => {
    range = await startTestRange();
    cfn = new CloudFormationClient(range.clientConfig());
    ec2 = new EC2Client(range.clientConfig());
  });
  after(() => range.stop());

  const ingress = async (groupId: string) => {
    const g = (await ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: [groupId] })))
      .SecurityGroups?.[0];
    return (g?.IpPermissions ?? [])
      .map((p) => `${p.FromPort} ${p.IpRanges?.map((r) => r.CidrIp).join(',')}`)
      .sort();
  };

  it('updates resources in place, by replacement, and rolls a failed update back', async () => {
    await cfn.send(new CreateStackCommand({ StackName: 'web', TemplateBody: template('web.yaml') }));
    const created = await settled(cfn, 'web');
    const groupId = output(created, 'WebSgId');
    expect(await ingress(groupId)).to.deep.equal(['22 0.0.0.0/0', '443 0.0.0.0/0']);

    // In place: the same group, its SSH rule narrowed; other parameters keep their previous values.
    await cfn.send(
      new UpdateStackCommand({
        StackName: 'web',
        UsePreviousTemplate: true,
        Parameters: [
          { ParameterKey: 'SshCidr', ParameterValue: '10.0.0.0/8' },
          { ParameterKey: 'Retention', UsePreviousValue: true },
        ],
      }),
    );
    expect(
      (await cfn.send(new DescribeStacksCommand({ StackName: 'web' }))).Stacks?.[0]?.StackStatus,
    ).to.equal('UPDATE_IN_PROGRESS');
    await waitUntilStackUpdateComplete({ client: cfn, maxWaitTime: 20, minDelay: 1 }, { StackName: 'web' });
    const updated = await settled(cfn, 'web');
    expect(output(updated, 'WebSgId')).to.equal(groupId);
    expect(await ingress(groupId)).to.deep.equal(['22 10.0.0.0/8', '443 0.0.0.0/0']);
    expect(range.events('RevokeSecurityGroupIngress').at(-1)?.userIdentity).to.include({
      invokedBy: 'cloudformation.amazonaws.com',
    });
    const stackStatuses = (await events(cfn, 'web'))
      .filter((e) => e.LogicalResourceId === 'web')
      .map((e) => e.ResourceStatus);
    expect(stackStatuses.slice(-3)).to.deep.equal([
      'UPDATE_IN_PROGRESS',
      'UPDATE_COMPLETE_CLEANUP_IN_PROGRESS',
      'UPDATE_COMPLETE',
    ]);
    const same = await failure(
      cfn.send(
        new UpdateStackCommand({
          StackName: 'web',
          UsePreviousTemplate: true,
          Parameters: [{ ParameterKey: 'SshCidr', UsePreviousValue: true }],
        }),
      ),
    );
    expect(same.name).to.equal('ValidationError');
    expect(same.message).to.equal('No updates are to be performed.');

    // Replacement: a new description means a new group; the old one goes in the cleanup phase.
    await cfn.send(
      new UpdateStackCommand({
        StackName: 'web',
        UsePreviousTemplate: true,
        Parameters: [
          { ParameterKey: 'SshCidr', UsePreviousValue: true },
          { ParameterKey: 'GroupDescription', ParameterValue: 'web tier' },
          { ParameterKey: 'ArchiveName', ParameterValue: 'archive-2' },
        ],
      }),
    );
    const replaced = await settled(cfn, 'web');
    expect(replaced.StackStatus).to.equal('UPDATE_COMPLETE');
    const newGroup = output(replaced, 'WebSgId');
    expect(newGroup).to.match(/^sg-/).and.not.to.equal(groupId);
    expect(await ingress(newGroup)).to.deep.equal(['22 10.0.0.0/8', '443 0.0.0.0/0']);
    expect(
      (await failure(ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: [groupId] })))).name,
    ).to.equal('InvalidGroup.NotFound');
    const sgEvents = (await events(cfn, 'web')).filter((e) => e.LogicalResourceId === 'WebSg');
    expect(sgEvents.map((e) => e.ResourceStatusReason)).to.include(
      'Requested update requires the creation of a new physical resource; hence creating one.',
    );
    expect(
      sgEvents.filter((e) => e.ResourceStatus === 'DELETE_COMPLETE').map((e) => e.PhysicalResourceId),
    ).to.deep.equal([groupId]);
    // UpdateReplacePolicy: Retain keeps the replaced log group.
    const logs = new CloudWatchLogsClient(range.clientConfig());
    const archives = (
      await logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: '/web/' }))
    ).logGroups?.map((g) => g.logGroupName);
    expect(archives).to.deep.equal(['/web/archive-1', '/web/archive-2']);
    const skipped = (await events(cfn, 'web')).find(
      (e) => e.LogicalResourceId === 'Archive' && e.ResourceStatus === 'DELETE_SKIPPED',
    );
    expect(skipped?.PhysicalResourceId).to.equal('/web/archive-1');

    // A failing update rolls back: the log group's retention returns, the new subnet never stays.
    await cfn.send(
      new UpdateStackCommand({
        StackName: 'web',
        UsePreviousTemplate: true,
        Parameters: [
          { ParameterKey: 'Retention', ParameterValue: '14' },
          { ParameterKey: 'WithBrokenSubnet', ParameterValue: 'yes' },
          { ParameterKey: 'SshCidr', UsePreviousValue: true },
          { ParameterKey: 'GroupDescription', UsePreviousValue: true },
          { ParameterKey: 'ArchiveName', UsePreviousValue: true },
        ],
      }),
    );
    const rolledBack = await settled(cfn, 'web');
    expect(rolledBack.StackStatus).to.equal('UPDATE_ROLLBACK_COMPLETE');
    const history = await events(cfn, 'web');
    expect(
      history.find((e) => e.ResourceStatus === 'UPDATE_ROLLBACK_IN_PROGRESS')?.ResourceStatusReason,
    ).to.equal('The following resource(s) failed to create: [BrokenSubnet]. ');
    expect(
      history
        .filter((e) => e.LogicalResourceId === 'web')
        .map((e) => e.ResourceStatus)
        .slice(-3),
    ).to.deep.equal([
      'UPDATE_ROLLBACK_IN_PROGRESS',
      'UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS',
      'UPDATE_ROLLBACK_COMPLETE',
    ]);
    const group = await logs.send(
      new DescribeLogGroupsCommand({ logGroupNamePrefix: output(rolledBack, 'LogGroup') }),
    );
    expect(group.logGroups?.[0]?.retentionInDays).to.equal(7);
    expect(rolledBack.Parameters?.find((p) => p.ParameterKey === 'Retention')?.ParameterValue).to.equal('7');
    const resources =
      (await cfn.send(new DescribeStackResourcesCommand({ StackName: 'web' }))).StackResources ?? [];
    expect(resources.map((r) => r.LogicalResourceId).sort()).to.deep.equal([
      'Archive',
      'Logs',
      'Vpc',
      'WebSg',
    ]);
  });

  it('cannot replace a custom-named resource, as in AWS', async () => {
    const body = [
      'Parameters: { Description: { Type: String, Default: one } }',
      'Resources:',
      '  Vpc: { Type: AWS::EC2::VPC, Properties: { CidrBlock: 10.77.0.0/16 } }',
      '  Named: { Type: AWS::EC2::SecurityGroup, Properties: { GroupName: fixed-name, GroupDescription: !Ref Description, VpcId: !Ref Vpc } }',
    ].join('\n');
    await cfn.send(new CreateStackCommand({ StackName: 'named', TemplateBody: body }));
    await settled(cfn, 'named');
    await cfn.send(
      new UpdateStackCommand({
        StackName: 'named',
        UsePreviousTemplate: true,
        Parameters: [{ ParameterKey: 'Description', ParameterValue: 'two' }],
      }),
    );
    expect((await settled(cfn, 'named')).StackStatus).to.equal('UPDATE_ROLLBACK_COMPLETE');
    const failed = (await events(cfn, 'named')).find((e) => e.ResourceStatus === 'UPDATE_FAILED');
    expect(failed?.ResourceStatusReason).to.equal(
      'CloudFormation cannot update a stack when a custom-named resource requires replacing. Rename fixed-name and update the stack again.',
    );
  });

  it('retags every resource when only the stack tags change', async () => {
    const body = [
      'Resources:',
      '  T: { Type: AWS::SNS::Topic, Properties: { Tags: [{ Key: own, Value: kept }] } }',
      '  P: { Type: AWS::SSM::Parameter, Properties: { Name: /retag/p, Type: String, Value: v } }',
      'Outputs: { Topic: { Value: !Ref T } }',
    ].join('\n');
    await cfn.send(
      new CreateStackCommand({ StackName: 'retag', TemplateBody: body, Tags: [{ Key: 'cost', Value: 'a' }] }),
    );
    const topic = output(await settled(cfn, 'retag'), 'Topic');
    await cfn.send(
      new UpdateStackCommand({
        StackName: 'retag',
        UsePreviousTemplate: true,
        Tags: [{ Key: 'owner', Value: 'blue' }],
      }),
    );
    const updated = await settled(cfn, 'retag');
    expect(updated.StackStatus).to.equal('UPDATE_COMPLETE');
    expect(updated.Tags).to.deep.equal([{ Key: 'owner', Value: 'blue' }]);
    const topicTags =
      (await new SNSClient(range.clientConfig()).send(new ListTagsForResourceCommand({ ResourceArn: topic })))
        .Tags ?? [];
    expect(topicTags).to.have.deep.members([
      { Key: 'own', Value: 'kept' },
      { Key: 'owner', Value: 'blue' },
    ]);
    const ssm = new SSMClient(range.clientConfig());
    const paramTags =
      (await ssm.send(new SsmListTagsCommand({ ResourceType: 'Parameter', ResourceId: '/retag/p' })))
        .TagList ?? [];
    expect(paramTags.map((t) => t.Key).sort()).to.deep.equal([
      'aws:cloudformation:logical-id',
      'aws:cloudformation:stack-id',
      'aws:cloudformation:stack-name',
      'owner',
    ]);
  });

  it('deploys and updates with `aws cloudformation deploy` (change sets), and refuses an empty one', async () => {
    const env = fastCliEnv();
    const deploy = (...extra: string[]) =>
      range.aws(
        [
          'cloudformation',
          'deploy',
          '--template-file',
          templatePath('basic.yaml'),
          '--stack-name',
          'deployed',
          ...extra,
        ],
        { env },
      );
    await deploy('--parameter-overrides', 'Env=dev', '--tags', 'team=green');
    const created = await settled(cfn, 'deployed');
    expect(created.StackStatus).to.equal('CREATE_COMPLETE');
    expect(created.Tags).to.deep.equal([{ Key: 'team', Value: 'green' }]);
    expect(created.ChangeSetId).to.match(
      /^arn:aws:cloudformation:us-east-1:123456789012:changeSet\/awscli-cloudformation-package-deploy-\d+\//,
    );
    await deploy('--parameter-overrides', 'Env=prod');
    const updated = await settled(cfn, 'deployed');
    expect(updated.StackStatus).to.equal('UPDATE_COMPLETE');
    expect(updated.Parameters?.find((p) => p.ParameterKey === 'Env')?.ParameterValue).to.equal('prod');
    const empty = await range.awsFails(
      ['cloudformation', 'deploy', '--template-file', templatePath('basic.yaml'), '--stack-name', 'deployed'],
      { env },
    );
    expect(empty.stderr).to.contain('No changes to deploy. Stack deployed is up to date');
    expect(range.events('ExecuteChangeSet')).to.have.length(2);
  });

  it('lets a new change set reuse the name of an executed one (the CLI names them by the second)', async () => {
    const create = (type: 'CREATE' | 'UPDATE', archive: string) =>
      cfn.send(
        new CreateChangeSetCommand({
          StackName: 'renamed-twice',
          ChangeSetName: 'same-name',
          ChangeSetType: type,
          TemplateBody: template('web.yaml'),
          Parameters: [{ ParameterKey: 'ArchiveName', ParameterValue: archive }],
        }),
      );
    const first = await create('CREATE', 'renamed-a');
    await waitUntilChangeSetCreateComplete(
      { client: cfn, maxWaitTime: 10, minDelay: 1 },
      { ChangeSetName: first.Id },
    );
    await cfn.send(new ExecuteChangeSetCommand({ ChangeSetName: first.Id }));
    expect((await settled(cfn, 'renamed-twice')).StackStatus).to.equal('CREATE_COMPLETE');
    const second = await create('UPDATE', 'renamed-b');
    expect(second.Id).to.be.a('string').and.not.equal(first.Id);
  });

  it('describes, executes and deletes change sets with the SDK', async () => {
    const { Id: createId, StackId } = await cfn.send(
      new CreateChangeSetCommand({
        StackName: 'staged',
        ChangeSetName: 'initial',
        ChangeSetType: 'CREATE',
        TemplateBody: template('web.yaml'),
        Parameters: [{ ParameterKey: 'ArchiveName', ParameterValue: 'staged' }],
      }),
    );
    expect(
      (await cfn.send(new DescribeStacksCommand({ StackName: 'staged' }))).Stacks?.[0]?.StackStatus,
    ).to.equal('REVIEW_IN_PROGRESS');
    await waitUntilChangeSetCreateComplete(
      { client: cfn, maxWaitTime: 10, minDelay: 1 },
      { ChangeSetName: createId },
    );
    const initial = await cfn.send(new DescribeChangeSetCommand({ ChangeSetName: createId }));
    expect(initial).to.deep.include({ Status: 'CREATE_COMPLETE', ExecutionStatus: 'AVAILABLE', StackId });
    expect(
      initial.Changes?.map((c) => `${c.ResourceChange?.Action} ${c.ResourceChange?.LogicalResourceId}`),
    ).to.have.members(['Add Vpc', 'Add WebSg', 'Add Logs', 'Add Archive']);
    await cfn.send(new ExecuteChangeSetCommand({ ChangeSetName: 'initial', StackName: 'staged' }));
    expect((await settled(cfn, 'staged')).StackStatus).to.equal('CREATE_COMPLETE');
    const executed = await cfn.send(new DescribeChangeSetCommand({ ChangeSetName: createId }));
    expect(executed.ExecutionStatus).to.equal('EXECUTE_COMPLETE');

    const params = (over: Record<string, string>) =>
      ['SshCidr', 'GroupDescription', 'Retention', 'WithBrokenSubnet', 'ArchiveName'].map((k) =>
        over[k] ? { ParameterKey: k, ParameterValue: over[k] } : { ParameterKey: k, UsePreviousValue: true },
      );
    await cfn.send(
      new CreateChangeSetCommand({
        StackName: 'staged',
        ChangeSetName: 'retention',
        UsePreviousTemplate: true,
        Parameters: params({ Retention: '30' }),
      }),
    );
    await cfn.send(
      new CreateChangeSetCommand({
        StackName: 'staged',
        ChangeSetName: 'rename',
        UsePreviousTemplate: true,
        Parameters: params({ GroupDescription: 'renamed' }),
      }),
    );
    await cfn.send(
      new CreateChangeSetCommand({
        StackName: 'staged',
        ChangeSetName: 'nothing',
        UsePreviousTemplate: true,
        Parameters: params({}),
      }),
    );
    await new Promise((r) => setTimeout(r, 50));
    const retention = await cfn.send(
      new DescribeChangeSetCommand({ StackName: 'staged', ChangeSetName: 'retention' }),
    );
    expect(retention.Changes).to.have.length(1);
    expect(retention.Changes?.[0]?.ResourceChange).to.deep.include({
      Action: 'Modify',
      LogicalResourceId: 'Logs',
      Replacement: 'False',
    });
    expect(retention.Changes?.[0]?.ResourceChange?.Details?.[0]?.Target).to.deep.include({
      Name: 'RetentionInDays',
      RequiresRecreation: 'Never',
    });
    const rename = await cfn.send(
      new DescribeChangeSetCommand({ StackName: 'staged', ChangeSetName: 'rename' }),
    );
    expect(rename.Changes?.[0]?.ResourceChange).to.deep.include({
      Action: 'Modify',
      LogicalResourceId: 'WebSg',
      Replacement: 'True',
    });
    const nothing = await cfn.send(
      new DescribeChangeSetCommand({ StackName: 'staged', ChangeSetName: 'nothing' }),
    );
    expect(nothing).to.deep.include({
      Status: 'FAILED',
      ExecutionStatus: 'UNAVAILABLE',
      StatusReason:
        "The submitted information didn't contain changes. Submit different information to create a change set.",
    });
    const refused = await failure(
      cfn.send(new ExecuteChangeSetCommand({ StackName: 'staged', ChangeSetName: 'nothing' })),
    );
    // The wire code is InvalidChangeSetStatus; the SDK names the modelled error after it.
    expect(refused.name).to.equal('InvalidChangeSetStatusException');
    const listed = await cfn.send(new ListChangeSetsCommand({ StackName: 'staged' }));
    expect(listed.Summaries?.map((s) => s.ChangeSetName)).to.include.members([
      'retention',
      'rename',
      'nothing',
    ]);
    await cfn.send(new DeleteChangeSetCommand({ StackName: 'staged', ChangeSetName: 'rename' }));
    const gone = await failure(
      cfn.send(new DescribeChangeSetCommand({ StackName: 'staged', ChangeSetName: 'rename' })),
    );
    expect(gone.name).to.equal('ChangeSetNotFoundException');
    expect(gone.message).to.equal('ChangeSet [rename] does not exist');

    await cfn.send(new ExecuteChangeSetCommand({ StackName: 'staged', ChangeSetName: 'retention' }));
    const stack = await settled(cfn, 'staged');
    expect(stack.StackStatus).to.equal('UPDATE_COMPLETE');
    expect(stack.Parameters?.find((p) => p.ParameterKey === 'Retention')?.ParameterValue).to.equal('30');
    const remaining = await cfn.send(new ListChangeSetsCommand({ StackName: 'staged' }));
    expect(remaining.Summaries?.map((s) => s.ChangeSetName)).to.deep.equal(['retention']);
    await cfn.send(new DeleteStackCommand({ StackName: 'staged' }));
    expect((await settled(cfn, StackId ?? '')).StackStatus).to.equal('DELETE_COMPLETE');
    expect(
      (await cfn.send(new ListChangeSetsCommand({ StackName: StackId }))).Summaries,
      'change sets go with their stack',
    ).to.deep.equal([]);
  });

  it('shares outputs across stacks with exports, and refuses to drop an export in use', async () => {
    await range.aws([
      'cloudformation',
      'create-stack',
      '--stack-name',
      'producer',
      '--template-body',
      `file://${templatePath('exporter.yaml')}`,
    ]);
    const producer = await settled(cfn, 'producer');
    await cfn.send(
      new CreateStackCommand({
        StackName: 'consumer',
        TemplateBody: template('importer.yaml'),
        Parameters: [{ ParameterKey: 'Producer', ParameterValue: 'producer' }],
      }),
    );
    const consumer = await settled(cfn, 'consumer');
    expect(consumer.StackStatus).to.equal('CREATE_COMPLETE');
    expect(output(consumer, 'Target')).to.equal(output(producer, 'SharedTopic'));
    const exports = (await range.aws(['cloudformation', 'list-exports'])) as {
      Exports: Array<{ Name: string; ExportingStackId: string; Value: string }>;
    };
    expect(exports.Exports.find((e) => e.Name === 'producer-SharedTopic')).to.deep.equal({
      Name: 'producer-SharedTopic',
      ExportingStackId: producer.StackId,
      Value: output(producer, 'SharedTopic'),
    });
    expect(
      (await cfn.send(new ListImportsCommand({ ExportName: 'producer-SharedTopic' }))).Imports,
    ).to.deep.equal(['consumer']);

    await cfn.send(
      new UpdateStackCommand({
        StackName: 'producer',
        UsePreviousTemplate: true,
        Parameters: [{ ParameterKey: 'Publish', ParameterValue: 'no' }],
      }),
    );
    const kept = await settled(cfn, 'producer');
    expect(kept.StackStatus).to.equal('UPDATE_ROLLBACK_COMPLETE');
    const reason = (await events(cfn, 'producer')).find(
      (e) => e.ResourceStatus === 'UPDATE_ROLLBACK_IN_PROGRESS',
    )?.ResourceStatusReason;
    expect(reason).to.equal('Export producer-SharedTopic cannot be deleted as it is in use by consumer. ');
    expect(output(kept, 'SharedTopic')).to.equal(output(producer, 'SharedTopic'));

    await cfn.send(new DeleteStackCommand({ StackName: 'producer' }));
    const blocked = await settled(cfn, 'producer');
    expect(blocked.StackStatus).to.equal('DELETE_FAILED');
    expect(blocked.StackStatusReason).to.equal(
      'Export producer-SharedTopic cannot be deleted as it is in use by consumer',
    );
    const missing = await failure(
      cfn.send(
        new CreateStackCommand({
          StackName: 'orphan',
          TemplateBody: template('importer.yaml'),
          Parameters: [{ ParameterKey: 'Producer', ParameterValue: 'nobody' }],
        }),
      ),
    );
    expect(missing.message).to.equal('No export named nobody-SharedTopic found.');
    await cfn.send(new DeleteStackCommand({ StackName: 'consumer' }));
    await settled(cfn, consumer.StackId!);
    await cfn.send(new DeleteStackCommand({ StackName: 'producer' }));
    expect((await settled(cfn, producer.StackId!)).StackStatus).to.equal('DELETE_COMPLETE');
    const left = (await cfn.send(new ListExportsCommand({}))).Exports ?? [];
    expect(left.map((e) => e.Name)).not.to.include('producer-SharedTopic');
  });

  it('fails to delete a non-empty bucket as AWS does, retains what DeletionPolicy or RetainResources keep', async () => {
    await cfn.send(
      new CreateStackCommand({
        StackName: 'store',
        TemplateBody: template('buckets.yaml'),
        Tags: [{ Key: 'team', Value: 'data' }],
      }),
    );
    const stack = await settled(cfn, 'store');
    const data = output(stack, 'Data');
    const archive = output(stack, 'Archive');
    expect(data).to.match(/^store-data-[a-z0-9]{13}$/);
    const s3 = new S3Client(range.clientConfig());
    const tags = await s3.send(new GetBucketTaggingCommand({ Bucket: data }));
    expect(tags.TagSet).to.deep.include.members([
      { Key: 'team', Value: 'data' },
      { Key: 'classification', Value: 'internal' },
    ]);
    await s3.send(new PutObjectCommand({ Bucket: data, Key: 'evidence.txt', Body: 'keep me' }));

    await range.aws(['cloudformation', 'delete-stack', '--stack-name', 'store']);
    const failed = await settled(cfn, 'store');
    expect(failed.StackStatus).to.equal('DELETE_FAILED');
    expect(failed.StackStatusReason).to.equal('The following resource(s) failed to delete: [Data]. ');
    const history = await events(cfn, 'store');
    const dataFailure = history.find(
      (e) => e.LogicalResourceId === 'Data' && e.ResourceStatus === 'DELETE_FAILED',
    );
    expect(dataFailure?.ResourceStatusReason).to.contain('The bucket you tried to delete is not empty');
    expect(history.find((e) => e.LogicalResourceId === 'Archive')?.ResourceStatus).to.be.a('string');
    expect(history.filter((e) => e.LogicalResourceId === 'Archive').at(-1)?.ResourceStatus).to.equal(
      'DELETE_SKIPPED',
    );
    const cliWait = await range.awsFails([
      'cloudformation',
      'wait',
      'stack-delete-complete',
      '--stack-name',
      'store',
    ]);
    expect(cliWait.stderr).to.contain('Waiter StackDeleteComplete failed');

    const retainWrong = await failure(
      cfn.send(new DeleteStackCommand({ StackName: 'web', RetainResources: ['Vpc'] })),
    );
    expect(retainWrong.name).to.equal('ValidationError');
    await cfn.send(new DeleteStackCommand({ StackName: 'store', RetainResources: ['Data'] }));
    expect((await settled(cfn, stack.StackId!)).StackStatus).to.equal('DELETE_COMPLETE');
    await s3.send(new HeadBucketCommand({ Bucket: data }));
    await s3.send(new HeadBucketCommand({ Bucket: archive }));
    await s3.send(new DeleteObjectCommand({ Bucket: data, Key: 'evidence.txt' }));
  });
});
