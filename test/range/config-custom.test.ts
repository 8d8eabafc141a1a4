import { expect } from 'chai';
import {
  ConfigServiceClient,
  DescribeConfigRuleEvaluationStatusCommand,
  GetComplianceDetailsByConfigRuleCommand,
  GetComplianceDetailsByResourceCommand,
  PutConfigRuleCommand,
} from '@aws-sdk/client-config-service';
import {
  CloudWatchLogsClient,
  CreateLogGroupCommand,
  FilterLogEventsCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import {
  AuthorizeSecurityGroupIngressCommand,
  CreateSecurityGroupCommand,
  CreateVpcCommand,
  EC2Client,
} from '@aws-sdk/client-ec2';
import { EventBridgeClient, PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge';
import { IAMClient, PutRolePolicyCommand } from '@aws-sdk/client-iam';
import { AddPermissionCommand, CreateFunctionCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { ManualClock } from '../../src/range/clock.js';
import { configIdle } from '../../src/range/services/config/schedule.js';
import { configTimes } from '../../src/range/services/config/store.js';
import { lambdaRunsSettled } from '../../src/range/services/lambda/index.js';
import { writeZip } from '../../src/range/services/lambda/zip.js';
import { startRecording, verdicts } from './config-fixtures.js';
import { executionRole } from './lambda-fixtures.js';
import { startTestRange, type TestRange } from './harness.js';

// A custom rule backed by a Lambda function (invoked with the event the AWS Config developer guide
// documents, answering with PutEvaluations), and the "Config Rules Compliance Change" events AWS
// Config sends to the default event bus.

/** The team's rule: a security group is NON_COMPLIANT when port 22 is open to 0.0.0.0/0. */
const handler = `
import { ConfigServiceClient, PutEvaluationsCommand } from '@aws-sdk/client-config-service';
export const handler = async (event) => {
  const invoking = JSON.parse(event.invokingEvent);
  const item = invoking.configurationItem;
  const open = (item.configuration?.ipPermissions ?? []).some(
    (p) => p.fromPort <= 22 && 22 <= p.toPort && (p.ipRanges ?? []).some((r) => r.cidrIp === '0.0.0.0/0'),
  );
  const params = JSON.parse(event.ruleParameters);
  await new ConfigServiceClient({}).send(new PutEvaluationsCommand({
    ResultToken: event.resultToken,
    Evaluations: [{
      ComplianceResourceType: item.resourceType,
      ComplianceResourceId: item.resourceId,
      ComplianceType: open ? 'NON_COMPLIANT' : 'COMPLIANT',
      Annotation: open ? params.message : undefined,
      OrderingTimestamp: new Date(item.configurationItemCaptureTime),
    }],
  }));
  return { rule: event.configRuleName, messageType: invoking.messageType };
};
`;

describe('range: AWS Config custom Lambda rules and compliance-change events', function () {
  this.timeout(120_000);
  // The function's role session expires an hour after the range clock's now, and its SDK signs with
  // the wall clock: the range clock starts at the wall clock's time.
  const clock = new ManualClock();
  let range: TestRange;
  let config: ConfigServiceClient;

  before(async () => {
    range = await startTestRange({ clock });
    config = new ConfigServiceClient(range.clientConfig());
    await startRecording(range, config);
  });
  after(() => range.stop());

  it('invokes the function on a change, takes its PutEvaluations, and sends the compliance change to EventBridge', async () => {
    const role = await executionRole(range, 'ssh-check-role');
    await new IAMClient(range.clientConfig()).send(
      new PutRolePolicyCommand({
        RoleName: 'ssh-check-role',
        PolicyName: 'evaluations',
        PolicyDocument: JSON.stringify({
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Action: 'config:PutEvaluations', Resource: '*' }],
        }),
      }),
    );
    const lambda = new LambdaClient(range.clientConfig());
    const fn = await lambda.send(
      new CreateFunctionCommand({
        FunctionName: 'ssh-check',
        Runtime: 'nodejs20.x',
        Handler: 'index.handler',
        Role: role,
        // Loading the SDK in a cold child process can take seconds on a busy machine.
        Timeout: 60,
        Code: { ZipFile: writeZip([{ path: 'index.mjs', data: handler }]) },
      }),
    );
    await lambda.send(
      new AddPermissionCommand({
        FunctionName: 'ssh-check',
        StatementId: 'config',
        Action: 'lambda:InvokeFunction',
        Principal: 'config.amazonaws.com',
      }),
    );
    await config.send(
      new PutConfigRuleCommand({
        ConfigRule: {
          ConfigRuleName: 'team-ssh-check',
          Scope: { ComplianceResourceTypes: ['AWS::EC2::SecurityGroup'] },
          InputParameters: JSON.stringify({ message: 'SSH must come from the bastion' }),
          Source: {
            Owner: 'CUSTOM_LAMBDA',
            SourceIdentifier: fn.FunctionArn,
            SourceDetails: [
              { EventSource: 'aws.config', MessageType: 'ConfigurationItemChangeNotification' },
            ],
          },
        },
      }),
    );
    const logs = new CloudWatchLogsClient(range.clientConfig());
    await logs.send(new CreateLogGroupCommand({ logGroupName: '/team/config-changes' }));
    const events = new EventBridgeClient(range.clientConfig());
    await events.send(
      new PutRuleCommand({
        Name: 'config-noncompliant',
        EventPattern: JSON.stringify({
          source: ['aws.config'],
          'detail-type': ['Config Rules Compliance Change'],
          detail: { newEvaluationResult: { complianceType: ['NON_COMPLIANT'] } },
        }),
      }),
    );
    await events.send(
      new PutTargetsCommand({
        Rule: 'config-noncompliant',
        Targets: [
          {
            Id: 'log',
            Arn: `arn:aws:logs:${range.region}:${range.accountId}:log-group:/team/config-changes`,
          },
        ],
      }),
    );

    const ec2 = new EC2Client(range.clientConfig());
    const vpc = (await ec2.send(new CreateVpcCommand({ CidrBlock: '10.5.0.0/16' }))).Vpc?.VpcId;
    const group =
      (await ec2.send(new CreateSecurityGroupCommand({ GroupName: 'web', Description: 'web', VpcId: vpc })))
        .GroupId ?? '';
    await ec2.send(
      new AuthorizeSecurityGroupIngressCommand({
        GroupId: group,
        IpPermissions: [{ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '0.0.0.0/0' }] }],
      }),
    );
    clock.advance(configTimes.changeEvaluationMs);
    await configIdle();
    clock.advance(0);
    await lambdaRunsSettled(range.engine.info);
    await configIdle();

    expect((await verdicts(config, 'team-ssh-check'))[group]).to.equal('NON_COMPLIANT');
    const details = await config.send(
      new GetComplianceDetailsByResourceCommand({
        ResourceType: 'AWS::EC2::SecurityGroup',
        ResourceId: group,
      }),
    );
    expect(details.EvaluationResults?.[0]).to.deep.include({
      ComplianceType: 'NON_COMPLIANT',
      Annotation: 'SSH must come from the bastion',
    });
    const byRule = (await range.aws([
      'configservice',
      'get-compliance-details-by-config-rule',
      '--config-rule-name',
      'team-ssh-check',
      '--compliance-types',
      'NON_COMPLIANT',
    ])) as {
      EvaluationResults: Array<{
        EvaluationResultIdentifier: { EvaluationResultQualifier: { ResourceId: string } };
      }>;
    };
    expect(
      byRule.EvaluationResults.map((r) => r.EvaluationResultIdentifier.EvaluationResultQualifier.ResourceId),
    ).to.deep.equal([group]);
    const status = await config.send(
      new DescribeConfigRuleEvaluationStatusCommand({ ConfigRuleNames: ['team-ssh-check'] }),
    );
    expect(status.ConfigRulesEvaluationStatus?.[0]?.LastSuccessfulInvocationTime).to.be.instanceOf(Date);

    // CloudTrail: the function's role answered (Invoke itself is a data event, not in the history).
    expect(String(range.events('PutEvaluations').at(-1)?.userIdentity.arn)).to.contain(
      ':assumed-role/ssh-check-role/',
    );

    // EventBridge: the compliance change, with the detail the developer guide documents.
    const delivered = await logs.send(new FilterLogEventsCommand({ logGroupName: '/team/config-changes' }));
    const event = JSON.parse(delivered.events?.[0]?.message ?? '{}') as {
      source: string;
      'detail-type': string;
      detail: Record<string, unknown> & { newEvaluationResult: Record<string, unknown> };
    };
    expect(event).to.deep.include({ source: 'aws.config', 'detail-type': 'Config Rules Compliance Change' });
    expect(event.detail).to.deep.include({
      configRuleName: 'team-ssh-check',
      resourceType: 'AWS::EC2::SecurityGroup',
      resourceId: group,
      messageType: 'ComplianceChangeNotification',
      awsAccountId: range.accountId,
    });
    expect(event.detail.newEvaluationResult).to.deep.include({ complianceType: 'NON_COMPLIANT' });
    expect(event.detail).not.to.have.property('oldEvaluationResult');
    // The VPC's default group, judged on the rule's first run, has no world-open SSH.
    const compliant = await config.send(
      new GetComplianceDetailsByConfigRuleCommand({
        ConfigRuleName: 'team-ssh-check',
        ComplianceTypes: ['COMPLIANT'],
      }),
    );
    const ids = compliant.EvaluationResults?.map(
      (r) => r.EvaluationResultIdentifier?.EvaluationResultQualifier?.ResourceId,
    );
    expect(ids).to.have.length.greaterThan(0);
    expect(ids).not.to.include(group);
  });
});
