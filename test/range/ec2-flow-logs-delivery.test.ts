import { expect } from 'chai';
import {
  CreateFlowLogsCommand,
  CreateVpcCommand,
  DescribeFlowLogsCommand,
  EC2Client,
} from '@aws-sdk/client-ec2';
import { CreateRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import { startTestRange, type TestRange } from './harness.js';

/**
 * Flow logs to CloudWatch Logs deliver through a role VPC Flow Logs assumes. AWS accepts a flow log
 * whose role it cannot use and reports it: DescribeFlowLogs shows DeliverLogsStatus FAILED with
 * DeliverLogsErrorMessage "Access error" ("the IAM role associated with the flow log does not have
 * sufficient permissions to publish to CloudWatch Logs", EC2 API reference, FlowLog).
 */
describe('range: EC2 flow log delivery to CloudWatch Logs', () => {
  let range: TestRange;
  let ec2: EC2Client;
  let iam: IAMClient;
  let vpcId: string;
  const trust = (service: string) =>
    JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: { Service: service }, Action: 'sts:AssumeRole' }],
    });
  const roleArn = (name: string) => `arn:aws:iam::${range.accountId}:role/${name}`;

  before(async () => {
    range = await startTestRange();
    ec2 = new EC2Client(range.clientConfig());
    iam = new IAMClient(range.clientConfig());
    vpcId = (await ec2.send(new CreateVpcCommand({ CidrBlock: '10.70.0.0/16' }))).Vpc!.VpcId!;
    await iam.send(
      new CreateRoleCommand({
        RoleName: 'flow-logs-delivery',
        AssumeRolePolicyDocument: trust('vpc-flow-logs.amazonaws.com'),
      }),
    );
    await iam.send(
      new CreateRoleCommand({ RoleName: 'ec2-app', AssumeRolePolicyDocument: trust('ec2.amazonaws.com') }),
    );
  });
  after(() => range.stop());

  const create = async (group: string, role: string, traffic: 'ALL' | 'ACCEPT' | 'REJECT' = 'ALL') =>
    (
      await ec2.send(
        new CreateFlowLogsCommand({
          ResourceType: 'VPC',
          ResourceIds: [vpcId],
          TrafficType: traffic,
          LogGroupName: group,
          DeliverLogsPermissionArn: role,
        }),
      )
    ).FlowLogIds![0]!;
  const describe = async (id: string) =>
    (await ec2.send(new DescribeFlowLogsCommand({ FlowLogIds: [id] }))).FlowLogs![0]!;

  it('reports delivery as FAILED with "Access error" when the role is missing or does not trust VPC Flow Logs', async () => {
    const good = await create('/flow/good', roleArn('flow-logs-delivery'));
    const missing = await create('/flow/missing-role', roleArn('no-such-role'));
    const untrusted = await create('/flow/untrusted', roleArn('ec2-app'));
    const otherAccount = await create(
      '/flow/other-account',
      'arn:aws:iam::111122223333:role/flow-logs-delivery',
    );

    expect(await describe(good)).to.include({ FlowLogStatus: 'ACTIVE', DeliverLogsStatus: 'SUCCESS' });
    expect((await describe(good)).DeliverLogsErrorMessage).to.equal(undefined);
    for (const id of [missing, untrusted, otherAccount]) {
      // The flow log itself is accepted and active: only its delivery fails.
      expect(await describe(id), id).to.include({
        FlowLogStatus: 'ACTIVE',
        DeliverLogsStatus: 'FAILED',
        DeliverLogsErrorMessage: 'Access error',
      });
    }

    const failed = (await range.aws([
      'ec2',
      'describe-flow-logs',
      '--filter',
      'Name=deliver-log-status,Values=FAILED',
      `Name=resource-id,Values=${vpcId}`,
      '--query',
      'FlowLogs[].FlowLogId',
    ])) as string[];
    expect([...failed].sort()).to.deep.equal([missing, untrusted, otherAccount].sort());
  });

  it('treats a log group named by LogGroupName and by its ARN as one destination (FlowLogAlreadyExists)', async () => {
    await create('/flow/twin', roleArn('flow-logs-delivery'), 'REJECT');
    const again = (await range.aws([
      'ec2',
      'create-flow-logs',
      '--resource-type',
      'VPC',
      '--resource-ids',
      vpcId,
      '--traffic-type',
      'REJECT',
      '--log-destination-type',
      'cloud-watch-logs',
      '--log-destination',
      `arn:aws:logs:${range.region}:${range.accountId}:log-group:/flow/twin:*`,
      '--deliver-logs-permission-arn',
      roleArn('flow-logs-delivery'),
    ])) as { FlowLogIds: string[]; Unsuccessful: Array<{ ResourceId: string; Error: { Code: string } }> };
    expect(again.FlowLogIds).to.deep.equal([]);
    expect(again.Unsuccessful[0]).to.deep.include({ ResourceId: vpcId });
    expect(again.Unsuccessful[0]!.Error.Code).to.equal('FlowLogAlreadyExists');
  });
});
