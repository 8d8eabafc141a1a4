import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  CloudFormationClient,
  CreateStackCommand,
  DeleteStackCommand,
  DescribeStackEventsCommand,
  DescribeStackResourceCommand,
  DescribeStackResourcesCommand,
  DescribeStacksCommand,
  GetTemplateCommand,
  GetTemplateSummaryCommand,
  ListStackResourcesCommand,
  UpdateStackCommand,
  ValidateTemplateCommand,
  waitUntilStackCreateComplete,
  type Stack,
  type StackEvent,
} from '@aws-sdk/client-cloudformation';
import { DescribeLogGroupsCommand, CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { DescribeVpcsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { ListTagsForResourceCommand, SNSClient, GetTopicAttributesCommand } from '@aws-sdk/client-sns';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { failure, startTestRange, type TestRange } from './harness.js';

const templatePath = (name: string) => fileURLToPath(new URL(`./templates/${name}`, import.meta.url));
const template = (name: string) => readFileSync(templatePath(name), 'utf8');

/** Poll as a client would until the stack leaves its *_IN_PROGRESS statuses. */
async function settled(cfn: CloudFormationClient, name: string): Promise<Stack> {
  for (let i = 0; i < 400; i++) {
    const stack = (await cfn.send(new DescribeStacksCommand({ StackName: name }))).Stacks?.[0];
    if (stack && !stack.StackStatus?.endsWith('_IN_PROGRESS')) return stack;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`stack ${name} never settled`);
}

/** Every event of a stack, oldest first (DescribeStackEvents pages newest first). */
async function events(cfn: CloudFormationClient, name: string): Promise<StackEvent[]> {
  const all: StackEvent[] = [];
  let NextToken: string | undefined;
  do {
    const page = await cfn.send(new DescribeStackEventsCommand({ StackName: name, NextToken }));
    all.push(...(page.StackEvents ?? []));
    NextToken = page.NextToken;
  } while (NextToken);
  return all.reverse();
}

const line = (e: StackEvent) => `${e.LogicalResourceId} ${e.ResourceStatus}`;

describe('range: CloudFormation stacks', function () {
  this.timeout(30_000);
  let range: TestRange;
  let cfn: CloudFormationClient;
  before(async () => {
    range = await startTestRange();
    cfn = new CloudFormationClient(range.clientConfig());
  });
  after(() => range.stop());

  it('creates a stack asynchronously: the poller sees CREATE_IN_PROGRESS, then every resource and CREATE_COMPLETE (SDK)', async () => {
    const body = template('basic.yaml');
    const { StackId } = await cfn.send(
      new CreateStackCommand({
        StackName: 'alerts',
        TemplateBody: body,
        Parameters: [{ ParameterKey: 'Secret', ParameterValue: 'hunter2' }],
        Tags: [{ Key: 'team', Value: 'blue' }],
      }),
    );
    expect(StackId).to.match(/^arn:aws:cloudformation:us-east-1:123456789012:stack\/alerts\/[0-9a-f-]{36}$/);
    const first = (await cfn.send(new DescribeStacksCommand({ StackName: 'alerts' }))).Stacks?.[0];
    expect(first?.StackStatus).to.equal('CREATE_IN_PROGRESS');
    await waitUntilStackCreateComplete(
      { client: cfn, maxWaitTime: 20, minDelay: 1 },
      { StackName: 'alerts' },
    );
    const stack = (await cfn.send(new DescribeStacksCommand({ StackName: StackId }))).Stacks?.[0];
    expect(stack).to.deep.include({
      StackName: 'alerts',
      StackStatus: 'CREATE_COMPLETE',
      Description: 'An alerts topic and a log group, with parameters and exports.',
    });
    expect(stack?.Parameters).to.deep.include.members([
      { ParameterKey: 'Secret', ParameterValue: '****' },
      { ParameterKey: 'Env', ParameterValue: 'dev' },
    ]);
    const outputs = Object.fromEntries((stack?.Outputs ?? []).map((o) => [o.OutputKey, o]));
    expect(outputs.TopicArn?.OutputValue).to.match(
      /^arn:aws:sns:us-east-1:123456789012:alerts-Alerts-[A-Z0-9]{13}$/,
    );
    expect(outputs.TopicArn?.ExportName).to.equal('alerts-TopicArn');
    expect(outputs.LogGroupArn?.OutputValue).to.equal(
      'arn:aws:logs:us-east-1:123456789012:log-group:/sirs/alerts:*',
    );

    const history = await events(cfn, 'alerts');
    expect(line(history[0]!)).to.equal('alerts CREATE_IN_PROGRESS');
    expect(history[0]?.ResourceStatusReason).to.equal('User Initiated');
    expect(line(history.at(-1)!)).to.equal('alerts CREATE_COMPLETE');
    for (const id of ['Alerts', 'Logs', 'Marker']) {
      const own = history.filter((e) => e.LogicalResourceId === id).map((e) => e.ResourceStatus);
      expect(own).to.deep.equal(['CREATE_IN_PROGRESS', 'CREATE_IN_PROGRESS', 'CREATE_COMPLETE']);
    }

    // The resources exist in their own services, tagged with the stack's tags.
    const sns = new SNSClient(range.clientConfig());
    const topicArn = outputs.TopicArn?.OutputValue ?? '';
    const attrs = await sns.send(new GetTopicAttributesCommand({ TopicArn: topicArn }));
    expect(attrs.Attributes?.DisplayName).to.equal('alerts (dev)');
    const tags = await sns.send(new ListTagsForResourceCommand({ ResourceArn: topicArn }));
    expect(tags.Tags).to.deep.include.members([
      { Key: 'team', Value: 'blue' },
      { Key: 'owner', Value: 'secops' },
    ]);
    const logs = new CloudWatchLogsClient(range.clientConfig());
    const groups = await logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: '/sirs/alerts' }));
    expect(groups.logGroups?.[0]?.retentionInDays).to.equal(7);

    const resources = await cfn.send(new DescribeStackResourcesCommand({ StackName: 'alerts' }));
    expect(
      resources.StackResources?.map((r) => [r.LogicalResourceId, r.ResourceType, r.ResourceStatus]),
    ).to.have.deep.members([
      ['Alerts', 'AWS::SNS::Topic', 'CREATE_COMPLETE'],
      ['Logs', 'AWS::Logs::LogGroup', 'CREATE_COMPLETE'],
      ['Marker', 'AWS::CloudFormation::WaitConditionHandle', 'CREATE_COMPLETE'],
    ]);
    const byPhysical = await cfn.send(
      new DescribeStackResourcesCommand({ PhysicalResourceId: '/sirs/alerts' }),
    );
    expect(byPhysical.StackResources?.[0]?.StackName).to.equal('alerts');
    const one = await cfn.send(
      new DescribeStackResourceCommand({ StackName: 'alerts', LogicalResourceId: 'Alerts' }),
    );
    expect(one.StackResourceDetail?.PhysicalResourceId).to.equal(topicArn);
    const summaries = await cfn.send(new ListStackResourcesCommand({ StackName: 'alerts' }));
    expect(summaries.StackResourceSummaries).to.have.length(3);
    const missing = await failure(
      cfn.send(new DescribeStackResourceCommand({ StackName: 'alerts', LogicalResourceId: 'Nope' })),
    );
    expect(missing.message).to.equal('Resource Nope does not exist for stack alerts');

    const got = await cfn.send(new GetTemplateCommand({ StackName: 'alerts' }));
    expect(got.TemplateBody).to.equal(body);
    expect(got.StagesAvailable).to.deep.equal(['Original', 'Processed']);
    const summary = await cfn.send(new GetTemplateSummaryCommand({ StackName: 'alerts' }));
    expect(summary.ResourceTypes).to.have.members([
      'AWS::SNS::Topic',
      'AWS::Logs::LogGroup',
      'AWS::CloudFormation::WaitConditionHandle',
    ]);
    expect(
      summary.Parameters?.find((p) => p.ParameterKey === 'Env')?.ParameterConstraints?.AllowedValues,
    ).to.deep.equal(['dev', 'prod']);

    // CloudTrail: the caller's CreateStack, and CreateTopic made by CloudFormation on the caller's behalf.
    const create = range.events('CreateStack').at(-1);
    expect(create?.userIdentity).to.include({ type: 'IAMUser', userName: 'range-admin' });
    expect(create?.userIdentity).not.to.have.property('invokedBy');
    const topic = range.events('CreateTopic').at(-1);
    expect(topic?.userIdentity).to.include({
      arn: 'arn:aws:iam::123456789012:user/range-admin',
      invokedBy: 'cloudformation.amazonaws.com',
    });
    expect(topic?.sourceIPAddress).to.equal('cloudformation.amazonaws.com');
    expect(topic?.userAgent).to.equal('cloudformation.amazonaws.com');
    expect(range.events('CreateLogGroup').at(-1)?.userIdentity).to.include({
      invokedBy: 'cloudformation.amazonaws.com',
    });
  });

  it('runs create-stack, wait, list-stacks and delete-stack from the AWS CLI, keeping deleted stacks by id', async () => {
    const created = (await range.aws([
      'cloudformation',
      'create-stack',
      '--stack-name',
      'cli-stack',
      '--template-body',
      `file://${templatePath('basic.yaml')}`,
      '--parameters',
      'ParameterKey=Env,ParameterValue=prod',
      '--tags',
      'Key=team,Value=red',
    ])) as { StackId: string };
    await range.aws(['cloudformation', 'wait', 'stack-create-complete', '--stack-name', 'cli-stack']);
    const described = (await range.aws([
      'cloudformation',
      'describe-stacks',
      '--stack-name',
      'cli-stack',
    ])) as { Stacks: Stack[] };
    expect(described.Stacks[0]?.StackStatus).to.equal('CREATE_COMPLETE');
    expect(described.Stacks[0]?.Tags).to.deep.equal([{ Key: 'team', Value: 'red' }]);
    const logs = new CloudWatchLogsClient(range.clientConfig());
    const groups = await logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: '/sirs/cli-stack' }));
    expect(groups.logGroups?.[0]?.retentionInDays, 'the prod branch of Fn::If').to.equal(30);

    await range.aws(['cloudformation', 'delete-stack', '--stack-name', 'cli-stack']);
    await range.aws(['cloudformation', 'wait', 'stack-delete-complete', '--stack-name', 'cli-stack']);
    const gone = await range.awsFails(['cloudformation', 'describe-stacks', '--stack-name', 'cli-stack']);
    expect(gone.stderr)
      .to.contain('ValidationError')
      .and.to.contain('Stack with id cli-stack does not exist');
    const byId = (await range.aws([
      'cloudformation',
      'describe-stacks',
      '--stack-name',
      created.StackId,
    ])) as { Stacks: Stack[] };
    expect(byId.Stacks[0]?.StackStatus).to.equal('DELETE_COMPLETE');
    expect(byId.Stacks[0]?.DeletionTime).to.be.a('string');
    const listed = (await range.aws([
      'cloudformation',
      'list-stacks',
      '--stack-status-filter',
      'DELETE_COMPLETE',
    ])) as {
      StackSummaries: Array<{ StackName: string; StackStatus: string }>;
    };
    expect(listed.StackSummaries.map((s) => s.StackName)).to.include('cli-stack');
    expect(listed.StackSummaries.every((s) => s.StackStatus === 'DELETE_COMPLETE')).to.equal(true);
    const deletedGroups = await logs.send(
      new DescribeLogGroupsCommand({ logGroupNamePrefix: '/sirs/cli-stack' }),
    );
    expect(deletedGroups.logGroups).to.deep.equal([]);
    const deleteEvents = (await events(cfn, created.StackId)).map(line);
    expect(deleteEvents.slice(-1)).to.deep.equal(['cli-stack DELETE_COMPLETE']);
    expect(deleteEvents).to.include.members([
      'Logs DELETE_IN_PROGRESS',
      'Logs DELETE_COMPLETE',
      'Alerts DELETE_COMPLETE',
    ]);
  });

  it('creates independent resources in parallel and dependent ones in order, and deletes in reverse (the 30-resource benchmark template)', async () => {
    await cfn.send(
      new CreateStackCommand({
        StackName: 'thirty',
        TemplateBody: template('thirty-resources.yaml'),
        Capabilities: ['CAPABILITY_IAM'],
      }),
    );
    const stack = await settled(cfn, 'thirty');
    expect(stack.StackStatus).to.equal('CREATE_COMPLETE');
    expect(
      (await cfn.send(new ListStackResourcesCommand({ StackName: 'thirty' }))).StackResourceSummaries,
    ).to.have.length(30);
    const created = (await events(cfn, 'thirty')).map(line);
    const at = (list: string[], entry: string) => {
      expect(list, entry).to.include(entry);
      return list.indexOf(entry);
    };
    expect(at(created, 'Vpc1 CREATE_IN_PROGRESS'), 'independent VPCs start together').to.be.lessThan(
      at(created, 'Vpc0 CREATE_COMPLETE'),
    );
    expect(at(created, 'Bucket5 CREATE_IN_PROGRESS')).to.be.lessThan(at(created, 'Vpc0 CREATE_COMPLETE'));
    expect(at(created, 'Subnet00 CREATE_IN_PROGRESS'), 'a subnet waits for its VPC').to.be.greaterThan(
      at(created, 'Vpc0 CREATE_COMPLETE'),
    );
    expect(at(created, 'Sg11 CREATE_IN_PROGRESS')).to.be.greaterThan(at(created, 'Vpc1 CREATE_COMPLETE'));
    await cfn.send(new DeleteStackCommand({ StackName: 'thirty' }));
    expect((await settled(cfn, stack.StackId ?? '')).StackStatus).to.equal('DELETE_COMPLETE');
    const deleted = (await events(cfn, stack.StackId ?? '')).map(line).slice(created.length);
    expect(at(deleted, 'Subnet00 DELETE_COMPLETE'), 'a VPC goes after its subnets').to.be.lessThan(
      at(deleted, 'Vpc0 DELETE_IN_PROGRESS'),
    );
    expect(at(deleted, 'Sg01 DELETE_COMPLETE')).to.be.lessThan(at(deleted, 'Vpc0 DELETE_IN_PROGRESS'));
  });

  it('rolls back a stack whose resource fails, leaving nothing behind', async () => {
    await cfn.send(
      new CreateStackCommand({ StackName: 'broken', TemplateBody: template('failing-subnet.yaml') }),
    );
    const stack = await settled(cfn, 'broken');
    expect(stack.StackStatus).to.equal('ROLLBACK_COMPLETE');
    const history = await events(cfn, 'broken');
    const failed = history.find(
      (e) => e.ResourceStatus === 'CREATE_FAILED' && e.LogicalResourceId === 'Subnet',
    );
    expect(failed?.ResourceStatusReason).to.match(
      /^Resource handler returned message: ".*192\.168\.1\.0\/24.*\(Service: EC2, Status Code: 400/,
    );
    const rollback = history.find((e) => e.ResourceStatus === 'ROLLBACK_IN_PROGRESS');
    expect(rollback?.ResourceStatusReason).to.equal(
      'The following resource(s) failed to create: [Subnet]. Rollback requested by user.',
    );
    const order = history.map(line);
    expect(order.indexOf('broken ROLLBACK_IN_PROGRESS')).to.be.lessThan(
      order.indexOf('Vpc DELETE_IN_PROGRESS'),
    );
    expect(order.indexOf('Vpc DELETE_IN_PROGRESS')).to.be.lessThan(order.indexOf('Vpc DELETE_COMPLETE'));
    expect(order).to.include('Logs DELETE_COMPLETE');
    expect(line(history.at(-1)!)).to.equal('broken ROLLBACK_COMPLETE');
    const vpcId = history.find(
      (e) => e.LogicalResourceId === 'Vpc' && e.ResourceStatus === 'CREATE_COMPLETE',
    )?.PhysicalResourceId;
    const ec2 = new EC2Client(range.clientConfig());
    const err = await failure(ec2.send(new DescribeVpcsCommand({ VpcIds: [vpcId ?? ''] })));
    expect(err.name).to.equal('InvalidVpcID.NotFound');
    expect(range.events('DeleteVpc').at(-1)?.userIdentity).to.include({
      invokedBy: 'cloudformation.amazonaws.com',
    });

    const update = await failure(
      cfn.send(new UpdateStackCommand({ StackName: 'broken', UsePreviousTemplate: true })),
    );
    expect(update.name).to.equal('ValidationError');
    expect(update.message).to.equal(
      `Stack:${stack.StackId} is in ROLLBACK_COMPLETE state and can not be updated.`,
    );
    await cfn.send(new DeleteStackCommand({ StackName: 'broken' }));
    expect((await settled(cfn, stack.StackId!)).StackStatus).to.equal('DELETE_COMPLETE');
  });

  it('honours OnFailure DO_NOTHING and DELETE, and fails types the range cannot create', async () => {
    await cfn.send(
      new CreateStackCommand({
        StackName: 'keep',
        TemplateBody: template('failing-subnet.yaml'),
        OnFailure: 'DO_NOTHING',
      }),
    );
    const kept = await settled(cfn, 'keep');
    expect(kept.StackStatus).to.equal('CREATE_FAILED');
    expect(kept.StackStatusReason).to.equal('The following resource(s) failed to create: [Subnet]. ');
    expect(kept.DisableRollback).to.equal(true);
    const left =
      (await cfn.send(new DescribeStackResourcesCommand({ StackName: 'keep' }))).StackResources ?? [];
    expect(left.find((r) => r.LogicalResourceId === 'Vpc')?.ResourceStatus).to.equal('CREATE_COMPLETE');

    const { StackId } = await cfn.send(
      new CreateStackCommand({
        StackName: 'drop',
        TemplateBody: template('failing-subnet.yaml'),
        OnFailure: 'DELETE',
      }),
    );
    expect((await settled(cfn, StackId!)).StackStatus).to.equal('DELETE_COMPLETE');

    await cfn.send(
      new CreateStackCommand({ StackName: 'queue', TemplateBody: template('unknown-type.yaml') }),
    );
    expect((await settled(cfn, 'queue')).StackStatus).to.equal('ROLLBACK_COMPLETE');
    const queue = (await events(cfn, 'queue')).find(
      (e) => e.LogicalResourceId === 'Queue' && e.ResourceStatus === 'CREATE_FAILED',
    );
    expect(queue?.ResourceStatusReason).to.equal(
      'The range cannot create resources of type AWS::SQS::Queue yet.',
    );
    expect((await events(cfn, 'queue')).map(line)).to.include('Topic DELETE_COMPLETE');

    // Properties are checked like CloudFormation's schemas; the ones the range lacks are named, never ignored.
    const body = [
      'Resources:',
      '  Typo: { Type: AWS::SNS::Topic, Properties: { DisplayNme: x } }',
      '  Accelerated: { Type: AWS::S3::Bucket, Properties: { AccelerateConfiguration: { AccelerationStatus: Enabled } } }',
    ].join('\n');
    await cfn.send(
      new CreateStackCommand({ StackName: 'props', TemplateBody: body, OnFailure: 'DO_NOTHING' }),
    );
    await settled(cfn, 'props');
    const reasons = Object.fromEntries(
      (await events(cfn, 'props'))
        .filter((e) => e.ResourceStatus === 'CREATE_FAILED' && e.LogicalResourceId !== 'props')
        .map((e) => [e.LogicalResourceId, e.ResourceStatusReason]),
    );
    expect(reasons).to.deep.equal({
      Typo: 'Properties validation failed for resource Typo with message: #: extraneous key [DisplayNme] is not permitted',
      Accelerated: 'The range does not support the property AccelerateConfiguration of AWS::S3::Bucket yet.',
    });
  });

  it('refuses bad templates and parameters with CloudFormation errors, through the SDK and the CLI', async () => {
    const create = (TemplateBody: string, extra: object = {}) =>
      failure(cfn.send(new CreateStackCommand({ StackName: 'bad', TemplateBody, ...extra })));
    const unresolved = await create(
      'Resources:\n  T:\n    Type: AWS::SNS::Topic\n    Properties:\n      DisplayName: !Ref Missing\n',
    );
    expect(unresolved.name).to.equal('ValidationError');
    expect(unresolved.$metadata.httpStatusCode).to.equal(400);
    expect(unresolved.message).to.equal(
      'Template format error: Unresolved resource dependencies [Missing] in the Resources block of the template',
    );
    expect(
      (
        await create(
          'Resources: { T: { Type: AWS::SNS::Topic, Properties: { DisplayName: !GetAtt Ghost.Arn } } }',
        )
      ).message,
    ).to.equal('Template error: instance of Fn::GetAtt references undefined resource Ghost');
    expect(
      (await create(template('basic.yaml'), { Parameters: [{ ParameterKey: 'Env', ParameterValue: 'qa' }] }))
        .message,
    ).to.equal("Parameter 'Env' must be one of AllowedValues");
    expect(
      (await create('Parameters: { Name: { Type: String } }\nResources: { T: { Type: AWS::SNS::Topic } }'))
        .message,
    ).to.equal('Parameters: [Name] must have values');
    expect(
      (
        await create(
          'Resources:\n  A: { Type: AWS::SNS::Topic, DependsOn: B }\n  B: { Type: AWS::SNS::Topic, DependsOn: A }\n',
        )
      ).message,
    ).to.equal('Circular dependency between resources: [A, B]');
    const cli = await range.awsFails([
      'cloudformation',
      'validate-template',
      '--template-body',
      'Resources:\n  A: { Type: AWS::SNS::Topic',
    ]);
    expect(cli.stderr).to.match(
      /ValidationError.*Template format error: YAML not well-formed\. \(line \d+, column \d+\)/,
    );
    expect(range.events('ValidateTemplate').at(-1)?.errorCode).to.equal('ValidationError');
    const valid = await cfn.send(new ValidateTemplateCommand({ TemplateBody: template('basic.yaml') }));
    expect(valid.Parameters?.find((p) => p.ParameterKey === 'Secret')).to.deep.include({
      NoEcho: true,
      DefaultValue: 's3cr3t',
    });
    const needsIam = await cfn.send(new ValidateTemplateCommand({ TemplateBody: template('iam-role.yaml') }));
    expect(needsIam.Capabilities).to.deep.equal(['CAPABILITY_IAM']);
    expect(needsIam.CapabilitiesReason).to.equal(
      'The following resource(s) require capabilities: [AWS::IAM::Role]',
    );
    const policy = await create('Resources: { T: { Type: AWS::SNS::Topic } }', {
      StackPolicyBody: '{"Statement":[]}',
    });
    expect(policy.message).to.equal('The range does not support stack policies yet.');
    expect(policy.$metadata.httpStatusCode).to.equal(501);
    const existing = await failure(
      cfn.send(new CreateStackCommand({ StackName: 'alerts', TemplateBody: template('basic.yaml') })),
    );
    expect(existing.name).to.equal('AlreadyExistsException');
    expect(existing.message).to.equal('Stack [alerts] already exists');
  });

  it('enforces CAPABILITY_IAM and CAPABILITY_NAMED_IAM', async () => {
    const plain = await failure(
      cfn.send(new CreateStackCommand({ StackName: 'role', TemplateBody: template('iam-role.yaml') })),
    );
    expect(plain.name).to.equal('InsufficientCapabilitiesException');
    expect(plain.message).to.equal('Requires capabilities : [CAPABILITY_IAM]');
    const named = await range.awsFails([
      'cloudformation',
      'create-stack',
      '--stack-name',
      'named',
      '--template-body',
      `file://${templatePath('named-role.yaml')}`,
      '--capabilities',
      'CAPABILITY_IAM',
    ]);
    expect(named.stderr)
      .to.contain('InsufficientCapabilitiesException')
      .and.to.contain('Requires capabilities : [CAPABILITY_NAMED_IAM]');
    await cfn.send(
      new CreateStackCommand({
        StackName: 'role',
        TemplateBody: template('iam-role.yaml'),
        Capabilities: ['CAPABILITY_IAM'],
      }),
    );
    const stack = await settled(cfn, 'role');
    expect(stack.StackStatus).to.equal('CREATE_COMPLETE');
    expect(stack.Outputs?.[0]?.OutputValue).to.match(
      /^arn:aws:iam::123456789012:role\/role-Role-[A-Z0-9]{13}$/,
    );
  });

  it('protects stacks from deletion while termination protection is on', async () => {
    await range.aws([
      'cloudformation',
      'create-stack',
      '--stack-name',
      'protected',
      '--template-body',
      'Resources: { T: { Type: AWS::SNS::Topic } }',
      '--enable-termination-protection',
    ]);
    await settled(cfn, 'protected');
    const refused = await range.awsFails(['cloudformation', 'delete-stack', '--stack-name', 'protected']);
    expect(refused.stderr)
      .to.contain('ValidationError')
      .and.to.contain('Stack [protected] cannot be deleted while TerminationProtection is enabled');
    const sdk = await failure(cfn.send(new DeleteStackCommand({ StackName: 'protected' })));
    expect(sdk.name).to.equal('ValidationError');
    expect((await settled(cfn, 'protected')).EnableTerminationProtection).to.equal(true);
    await range.aws([
      'cloudformation',
      'update-termination-protection',
      '--stack-name',
      'protected',
      '--no-enable-termination-protection',
    ]);
    await cfn.send(new DeleteStackCommand({ StackName: 'protected' }));
    expect(range.events('UpdateTerminationProtection')).to.have.length(1);
    const stacks = (await cfn.send(new DescribeStacksCommand({}))).Stacks ?? [];
    expect(stacks.find((s) => s.StackName === 'protected')?.StackStatus ?? 'gone').to.match(
      /DELETE_IN_PROGRESS|gone/,
    );
  });

  it('treats a repeated ClientRequestToken as the same request, and deletes a stack still being created', async () => {
    const body = 'Resources: { T: { Type: AWS::SNS::Topic }, U: { Type: AWS::SNS::Topic, DependsOn: T } }';
    const a = await cfn.send(
      new CreateStackCommand({ StackName: 'token', TemplateBody: body, ClientRequestToken: 'req-1' }),
    );
    const b = await cfn.send(
      new CreateStackCommand({ StackName: 'token', TemplateBody: body, ClientRequestToken: 'req-1' }),
    );
    expect(b.StackId).to.equal(a.StackId);
    await cfn.send(new DeleteStackCommand({ StackName: 'token', ClientRequestToken: 'del-1' }));
    const stack = await settled(cfn, a.StackId!);
    expect(stack.StackStatus).to.equal('DELETE_COMPLETE');
    const history = await events(cfn, a.StackId!);
    expect(history[0]?.ClientRequestToken).to.equal('req-1');
    expect(history.map(line)).to.include('token DELETE_IN_PROGRESS');
    expect(history.map(line)).not.to.include('U CREATE_COMPLETE');
  });

  it('resolves AWS::SSM::Parameter::Value parameters and shows the resolved value', async () => {
    const ssm = new SSMClient(range.clientConfig());
    await ssm.send(
      new PutParameterCommand({ Name: '/sirs/display-name', Value: 'from parameter store', Type: 'String' }),
    );
    const body = [
      'Parameters:',
      '  Display: { Type: "AWS::SSM::Parameter::Value<String>", Default: /sirs/display-name }',
      'Resources:',
      '  T: { Type: AWS::SNS::Topic, Properties: { DisplayName: !Ref Display } }',
      'Outputs:',
      '  Display: { Value: !Ref Display }',
    ].join('\n');
    await cfn.send(new CreateStackCommand({ StackName: 'ssm-param', TemplateBody: body }));
    const stack = await settled(cfn, 'ssm-param');
    expect(stack.Parameters).to.deep.equal([
      {
        ParameterKey: 'Display',
        ParameterValue: '/sirs/display-name',
        ResolvedValue: 'from parameter store',
      },
    ]);
    expect(stack.Outputs?.[0]?.OutputValue).to.equal('from parameter store');
    const missing = await failure(
      cfn.send(
        new CreateStackCommand({
          StackName: 'ssm-missing',
          TemplateBody: body,
          Parameters: [{ ParameterKey: 'Display', ParameterValue: '/nope' }],
        }),
      ),
    );
    expect(missing.message).to.equal(
      'Unable to fetch parameters [/nope] from parameter store for this account.',
    );
  });

  it('reads templates from S3 through TemplateURL, and returns them with GetTemplate', async () => {
    const s3 = new S3Client(range.clientConfig());
    await s3.send(new CreateBucketCommand({ Bucket: 'templates' }));
    const body = 'Resources:\n  T: { Type: AWS::SNS::Topic }\nOutputs:\n  Arn: { Value: !Ref T }\n';
    await s3.send(new PutObjectCommand({ Bucket: 'templates', Key: 'alerts/topic.yaml', Body: body }));
    await cfn.send(
      new CreateStackCommand({
        StackName: 'from-s3',
        TemplateURL: `${range.endpoint}/templates/alerts/topic.yaml`,
      }),
    );
    expect((await settled(cfn, 'from-s3')).StackStatus).to.equal('CREATE_COMPLETE');
    expect((await cfn.send(new GetTemplateCommand({ StackName: 'from-s3' }))).TemplateBody).to.equal(body);
    const processed = await cfn.send(
      new GetTemplateCommand({ StackName: 'from-s3', TemplateStage: 'Processed' }),
    );
    expect(JSON.parse(processed.TemplateBody ?? '')).to.deep.equal({
      Resources: { T: { Type: 'AWS::SNS::Topic' } },
      Outputs: { Arn: { Value: { Ref: 'T' } } },
    });
    const virtualHost = await cfn.send(
      new ValidateTemplateCommand({
        TemplateURL: 'https://templates.s3.us-east-1.amazonaws.com/alerts/topic.yaml',
      }),
    );
    expect(virtualHost.Parameters).to.deep.equal([]);
    const missing = await failure(
      cfn.send(new ValidateTemplateCommand({ TemplateURL: 'https://templates.s3.amazonaws.com/nope.yaml' })),
    );
    expect(missing.name).to.equal('ValidationError');
    expect(missing.message).to.match(/^S3 error: /);
    const neither = await failure(cfn.send(new CreateStackCommand({ StackName: 'nothing' })));
    expect(neither.message).to.equal('Either Template URL or Template Body must be specified.');
    const listed = (await cfn.send(new DescribeStacksCommand({}))).Stacks ?? [];
    expect(listed.map((st) => st.StackName)).to.include('from-s3');
    expect(
      listed.filter((st) => st.StackStatus === 'DELETE_COMPLETE'),
      'deleted stacks are found by id only',
    ).to.deep.equal([]);
  });
});
