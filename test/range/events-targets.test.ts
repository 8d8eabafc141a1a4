import { expect } from 'chai';
import { CloudWatchClient, GetMetricStatisticsCommand } from '@aws-sdk/client-cloudwatch';
import {
  DescribeRuleCommand,
  DisableRuleCommand,
  EventBridgeClient,
  ListTargetsByRuleCommand,
  PutEventsCommand,
  PutRuleCommand,
  PutTargetsCommand,
} from '@aws-sdk/client-eventbridge';
import {
  CreateStackCommand,
  CloudFormationClient,
  DeleteStackCommand,
  DescribeStacksCommand,
} from '@aws-sdk/client-cloudformation';
import {
  AuthorizeSecurityGroupIngressCommand,
  CreateSecurityGroupCommand,
  CreateVpcCommand,
  DescribeSecurityGroupsCommand,
  EC2Client,
} from '@aws-sdk/client-ec2';
import { IAMClient, PutRolePolicyCommand } from '@aws-sdk/client-iam';
import { AddPermissionCommand, CreateFunctionCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { ManualClock } from '../../src/range/clock.js';
import { scheduledDeliveriesSettled } from '../../src/range/services/events/index.js';
import { lambdaRunsSettled } from '../../src/range/services/lambda/index.js';
import { writeZip } from '../../src/range/services/lambda/zip.js';
import { publishedMessages } from '../../src/range/services/sns/index.js';
import { failure, startTestRange, type TestRange } from './harness.js';
import { topicForEvents } from './events-fixtures.js';
import { executionRole, functionLog } from './lambda-fixtures.js';

// Rules on the range clock (ScheduleExpression: "Creating a rule that runs on a schedule"), and the
// target kinds that close loops: Lambda (invoked asynchronously, allowed by its resource policy),
// Systems Manager Automation (through the target's IAM role), and AWS::Events::Rule in CloudFormation.

describe('range: EventBridge schedules and targets (Lambda, SSM Automation, CloudFormation)', function () {
  this.timeout(60_000);
  const clock = new ManualClock(Date.parse('2026-03-02T11:00:00Z'));
  let range: TestRange;
  let events: EventBridgeClient;

  before(async () => {
    range = await startTestRange({ clock });
    events = new EventBridgeClient(range.clientConfig());
  });
  after(() => range.stop());

  async function failedInvocations(rule: string): Promise<number | undefined> {
    const now = clock.now().getTime();
    const out = await new CloudWatchClient(range.clientConfig()).send(
      new GetMetricStatisticsCommand({
        Namespace: 'AWS/Events',
        MetricName: 'FailedInvocations',
        Dimensions: [{ Name: 'RuleName', Value: rule }],
        StartTime: new Date(now - 86_400_000),
        EndTime: new Date(now + 60_000),
        Period: 86_400,
        Statistics: ['Sum'],
      }),
    );
    const points = out.Datapoints ?? [];
    return points.length ? points.reduce((n, p) => n + (p.Sum ?? 0), 0) : undefined;
  }

  it('runs rate and cron schedules on the range clock, sending Scheduled Events until the rule is disabled', async () => {
    const ticks = await topicForEvents(range, 'ticks');
    const noon = await topicForEvents(range, 'noon');
    const rate = await events.send(
      new PutRuleCommand({ Name: 'every-5', ScheduleExpression: 'rate(5 minutes)' }),
    );
    await events.send(new PutTargetsCommand({ Rule: 'every-5', Targets: [{ Id: 't', Arn: ticks }] }));
    await range.aws([
      'events',
      'put-rule',
      '--name',
      'at-noon',
      '--schedule-expression',
      'cron(0 12 ? * MON-FRI *)',
    ]);
    await events.send(
      new PutTargetsCommand({ Rule: 'at-noon', Targets: [{ Id: 't', Arn: noon, InputPath: '$.time' }] }),
    );

    clock.advance(4 * 60_000);
    expect(publishedMessages(range.engine.state, ticks)).to.have.length(0);
    clock.advance(60_000);
    await scheduledDeliveriesSettled(range.engine.info);
    const first = JSON.parse(publishedMessages(range.engine.state, ticks)[0]?.Message ?? '{}') as Record<
      string,
      unknown
    >;
    expect(first).to.include({
      'detail-type': 'Scheduled Event',
      source: 'aws.events',
      time: '2026-03-02T11:05:00Z',
    });
    expect(first.resources).to.deep.equal([rate.RuleArn]);
    expect(first.detail).to.deep.equal({});

    clock.advance(55 * 60_000); // 12:00 on Monday 2 March 2026
    await scheduledDeliveriesSettled(range.engine.info);
    expect(publishedMessages(range.engine.state, ticks)).to.have.length(12);
    expect(publishedMessages(range.engine.state, noon).map((m) => m.Message)).to.deep.equal([
      '"2026-03-02T12:00:00Z"',
    ]);

    await events.send(new DisableRuleCommand({ Name: 'every-5' }));
    clock.advance(30 * 60_000);
    await scheduledDeliveriesSettled(range.engine.info);
    expect(publishedMessages(range.engine.state, ticks)).to.have.length(12);
  });

  it('invokes a Lambda function the rule may invoke (its resource policy), and counts one it may not as failed', async () => {
    const lambda = new LambdaClient(range.clientConfig());
    const role = await executionRole(range, 'events-fn-role');
    for (const name of ['on-order', 'not-allowed']) {
      await lambda.send(
        new CreateFunctionCommand({
          FunctionName: name,
          Runtime: 'nodejs20.x',
          Handler: 'index.handler',
          Role: role,
          Code: {
            ZipFile: writeZip([
              {
                path: 'index.js',
                data: 'exports.handler = async (e) => { console.log("GOT " + JSON.stringify(e)); };',
              },
            ]),
          },
        }),
      );
    }
    const arn = (name: string) => `arn:aws:lambda:us-east-1:${range.accountId}:function:${name}`;
    const rule = await events.send(
      new PutRuleCommand({ Name: 'orders', EventPattern: JSON.stringify({ source: ['app.orders'] }) }),
    );
    await lambda.send(
      new AddPermissionCommand({
        FunctionName: 'on-order',
        StatementId: 'events',
        Action: 'lambda:InvokeFunction',
        Principal: 'events.amazonaws.com',
        SourceArn: rule.RuleArn,
      }),
    );
    await events.send(
      new PutTargetsCommand({
        Rule: 'orders',
        Targets: [
          { Id: 'fn', Arn: arn('on-order'), InputPath: '$.detail' },
          { Id: 'denied', Arn: arn('not-allowed') },
        ],
      }),
    );
    await events.send(
      new PutEventsCommand({
        Entries: [{ Source: 'app.orders', DetailType: 'Order', Detail: '{"order":7}' }],
      }),
    );
    clock.advance(0);
    await lambdaRunsSettled(range.engine.info);
    const log = await functionLog(range, 'on-order');
    expect(log.messages.some((m) => m.includes('GOT {"order":7}'))).to.equal(true);
    expect(await failedInvocations('orders')).to.equal(1);
    // The function EventBridge may not invoke never ran: it has no log group.
    expect((await failure(functionLog(range, 'not-allowed'))).name).to.equal('ResourceNotFoundException');
  });

  it('closes a loop: a world-open SSH rule triggers SSM Automation through the target role, which revokes it', async () => {
    const ec2 = new EC2Client(range.clientConfig());
    const iam = new IAMClient(range.clientConfig());
    const vpc = (await ec2.send(new CreateVpcCommand({ CidrBlock: '10.1.0.0/16' }))).Vpc?.VpcId;
    const group = (
      await ec2.send(new CreateSecurityGroupCommand({ GroupName: 'bastion', Description: 'b', VpcId: vpc }))
    ).GroupId as string;
    const role = await executionRole(range, 'events-remediation', 'events.amazonaws.com');
    await iam.send(
      new PutRolePolicyCommand({
        RoleName: 'events-remediation',
        PolicyName: 'remediate',
        PolicyDocument: JSON.stringify({
          Version: '2012-10-17',
          Statement: [
            {
              Effect: 'Allow',
              Action: [
                'ssm:StartAutomationExecution',
                'ec2:DescribeSecurityGroups',
                'ec2:RevokeSecurityGroupIngress',
              ],
              Resource: '*',
            },
          ],
        }),
      }),
    );
    await events.send(
      new PutRuleCommand({
        Name: 'ssh-open',
        EventPattern: JSON.stringify({
          source: ['aws.ec2'],
          detail: {
            eventName: ['AuthorizeSecurityGroupIngress'],
            requestParameters: {
              ipPermissions: { items: { toPort: [22], ipRanges: { items: { cidrIp: ['0.0.0.0/0'] } } } },
            },
          },
        }),
      }),
    );
    const automation = `arn:aws:ssm:us-east-1:${range.accountId}:automation-definition/AWS-DisableIncomingSSHOnPort22:$DEFAULT`;
    const transformer = {
      InputPathsMap: { group: '$.detail.requestParameters.groupId' },
      InputTemplate: '{"SecurityGroupIds": [<group>]}',
    };
    const put = await events.send(
      new PutTargetsCommand({
        Rule: 'ssh-open',
        Targets: [{ Id: 'revoke', Arn: automation, RoleArn: role, InputTransformer: transformer }],
      }),
    );
    const noRole = await events.send(
      new PutTargetsCommand({ Rule: 'ssh-open', Targets: [{ Id: 'norole', Arn: automation }] }),
    );
    expect(noRole.FailedEntries?.map((f) => f.ErrorCode)).to.deep.equal(['ValidationException']);
    expect(put.FailedEntryCount).to.equal(0);
    const sshToWorld = [{ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '0.0.0.0/0' }] }];
    await ec2.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: group, IpPermissions: sshToWorld }));
    const sg = (await ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: [group] }))).SecurityGroups?.[0];
    expect(sg?.IpPermissions).to.deep.equal([]);
    const revoke = range.events('RevokeSecurityGroupIngress').at(-1);
    expect(revoke?.userIdentity.arn).to.match(/:assumed-role\/events-remediation\/EventBridge-revoke$/);
    expect(revoke?.userIdentity.invokedBy).to.equal('ssm.amazonaws.com');
    const assumed = range.events('AssumeRole').at(-1);
    expect(assumed?.userIdentity).to.include({ type: 'AWSService', invokedBy: 'events.amazonaws.com' });

    expect(await failedInvocations('ssh-open')).to.equal(undefined);

    // A target role that does not trust events.amazonaws.com: the delivery fails, and the rule's
    // metrics say so while the group stays open.
    const lambdaOnly = await executionRole(range, 'not-for-events');
    await events.send(
      new PutTargetsCommand({
        Rule: 'ssh-open',
        Targets: [{ Id: 'revoke', Arn: automation, RoleArn: lambdaOnly, InputTransformer: transformer }],
      }),
    );
    await ec2.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: group, IpPermissions: sshToWorld }));
    const still = (await ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: [group] })))
      .SecurityGroups?.[0];
    expect(still?.IpPermissions).to.have.length(1);
    expect(await failedInvocations('ssh-open')).to.equal(1);
  });

  it('creates AWS::Events::Rule with targets from a template, with Ref and Arn, and deletes it with the stack', async () => {
    const topic = await topicForEvents(range, 'cfn-alerts');
    const cfn = new CloudFormationClient(range.clientConfig());
    const template = {
      Resources: {
        Rule: {
          Type: 'AWS::Events::Rule',
          Properties: {
            Description: 'Trail stopped',
            EventPattern: { source: ['aws.cloudtrail'], detail: { eventName: ['StopLogging'] } },
            State: 'ENABLED',
            Targets: [{ Id: 'alert', Arn: topic, InputPath: '$.detail.requestParameters' }],
          },
        },
        Paused: {
          Type: 'AWS::Events::Rule',
          Properties: {
            Name: 'paused-rule',
            EventPattern: '{"source":["app.paused"]}',
            State: 'DISABLED',
          },
        },
      },
      Outputs: { Name: { Value: { Ref: 'Rule' } }, Arn: { Value: { 'Fn::GetAtt': ['Rule', 'Arn'] } } },
    };
    await cfn.send(new CreateStackCommand({ StackName: 'watch', TemplateBody: JSON.stringify(template) }));
    let stack = (await cfn.send(new DescribeStacksCommand({ StackName: 'watch' }))).Stacks?.[0];
    for (let i = 0; i < 100 && stack?.StackStatus?.endsWith('IN_PROGRESS'); i++) {
      clock.advance(1000);
      await new Promise((r) => setTimeout(r, 5));
      stack = (await cfn.send(new DescribeStacksCommand({ StackName: 'watch' }))).Stacks?.[0];
    }
    expect(stack?.StackStatus).to.equal('CREATE_COMPLETE');
    const outputs = Object.fromEntries((stack?.Outputs ?? []).map((o) => [o.OutputKey, o.OutputValue]));
    expect(outputs.Name).to.match(/^watch-Rule-/);
    expect(outputs.Arn).to.equal(`arn:aws:events:us-east-1:${range.accountId}:rule/${outputs.Name}`);
    const rule = await events.send(new DescribeRuleCommand({ Name: outputs.Name }));
    expect(JSON.parse(rule.EventPattern ?? '{}')).to.deep.equal(
      template.Resources.Rule.Properties.EventPattern,
    );
    expect((await events.send(new ListTargetsByRuleCommand({ Rule: outputs.Name }))).Targets).to.deep.equal([
      { Id: 'alert', Arn: topic, InputPath: '$.detail.requestParameters' },
    ]);
    expect(range.events('PutRule').at(-1)?.userIdentity.invokedBy).to.equal('cloudformation.amazonaws.com');
    // EventPattern given as a JSON string, and State, as the template says.
    expect(await events.send(new DescribeRuleCommand({ Name: 'paused-rule' }))).to.include({
      EventPattern: '{"source":["app.paused"]}',
      State: 'DISABLED',
    });

    await cfn.send(new DeleteStackCommand({ StackName: 'watch' }));
    for (let i = 0; i < 100; i++) {
      clock.advance(1000);
      await new Promise((r) => setTimeout(r, 5));
      const s = (await cfn.send(new DescribeStacksCommand({ StackName: 'watch' })).catch(() => undefined))
        ?.Stacks?.[0];
      if (!s || s.StackStatus === 'DELETE_COMPLETE') break;
    }
    const gone = await failure(events.send(new DescribeRuleCommand({ Name: outputs.Name })));
    expect(gone.name).to.equal('ResourceNotFoundException');
  });
});
