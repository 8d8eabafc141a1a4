import { expect } from 'chai';
import {
  CreateSubnetCommand,
  CreateVpcCommand,
  EC2Client,
  RunInstancesCommand,
  StopInstancesCommand,
} from '@aws-sdk/client-ec2';
import { GetCommandInvocationCommand, SendCommandCommand, SSMClient } from '@aws-sdk/client-ssm';
import { ManualClock } from '../../src/range/clock.js';
import { runTimes } from '../../src/range/services/ssm/runs.js';
import { failure, startTestRange, type TestRange } from './harness.js';

describe('range: SSM commands: errors, stopped instances and cancellation', function () {
  this.timeout(90_000);
  const clock = new ManualClock(Date.parse('2026-06-01T09:00:00Z'));
  let range: TestRange;
  let ssm: SSMClient;
  let ec2: EC2Client;
  let subnetId: string;
  let web: string;
  let db: string;

  async function launch(tags: Record<string, string>): Promise<string> {
    const out = await ec2.send(
      new RunInstancesCommand({
        ImageId: 'ami-0abcdef1234567890',
        MinCount: 1,
        MaxCount: 1,
        SubnetId: subnetId,
        TagSpecifications: [
          { ResourceType: 'instance', Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })) },
        ],
      }),
    );
    return out.Instances?.[0]?.InstanceId ?? '';
  }

  before(async () => {
    range = await startTestRange({ clock });
    ssm = new SSMClient(range.clientConfig());
    ec2 = new EC2Client(range.clientConfig());
    const vpcId = (await ec2.send(new CreateVpcCommand({ CidrBlock: '10.0.0.0/16' }))).Vpc?.VpcId;
    subnetId =
      (await ec2.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: '10.0.1.0/24' }))).Subnet
        ?.SubnetId ?? '';
    web = await launch({
      Name: 'web-1',
      'Patch Group': 'web',
      'sirs:range:missing-patches': '7',
      'sirs:range:missing-critical': '2',
    });
    db = await launch({ Name: 'db-1', role: 'db' });
    clock.advance(5_000);
  });
  after(() => range.stop());

  it('refuses stopped instances, unknown documents and bad parameters, and cancels a running command', async () => {
    const spare = await launch({ Name: 'spare' });
    clock.advance(5_000);
    await ec2.send(new StopInstancesCommand({ InstanceIds: [spare] }));
    clock.advance(10_000);
    const info = await range.aws([
      'ssm',
      'describe-instance-information',
      '--filters',
      `Key=InstanceIds,Values=${spare}`,
    ]);
    expect(info).to.deep.nested.include({ 'InstanceInformationList[0].PingStatus': 'ConnectionLost' });
    const stopped = await range.awsFails([
      'ssm',
      'send-command',
      '--document-name',
      'AWS-RunShellScript',
      '--parameters',
      'commands=ls',
      '--instance-ids',
      spare,
    ]);
    expect(stopped.stderr)
      .to.contain('(InvalidInstanceId)')
      .and.contain(`Instances [[${spare}]] not in a valid state for account ${range.accountId}`);
    const unknown = await failure(
      ssm.send(new SendCommandCommand({ DocumentName: 'AWS-NoSuchDocument', InstanceIds: [web] })),
    );
    expect(unknown.name).to.equal('InvalidDocument');
    const badOperation = await failure(
      ssm.send(
        new SendCommandCommand({
          DocumentName: 'AWS-RunPatchBaseline',
          InstanceIds: [web],
          Parameters: { Operation: ['Reboot'] },
        }),
      ),
    );
    expect(badOperation.name).to.equal('InvalidParameters');
    expect(range.events('SendCommand').at(-1)?.errorCode).to.equal('InvalidParameters');

    const sent = await ssm.send(
      new SendCommandCommand({
        DocumentName: 'AWS-RunShellScript',
        InstanceIds: [web],
        Parameters: { commands: ['sleep 600'] },
      }),
    );
    const commandId = sent.Command?.CommandId ?? '';
    const nowhere = await range.awsFails([
      'ssm',
      'get-command-invocation',
      '--command-id',
      commandId,
      '--instance-id',
      db,
    ]);
    expect(nowhere.stderr).to.contain('(InvocationDoesNotExist)');
    clock.advance(runTimes.deliveryMs);
    await range.aws(['ssm', 'cancel-command', '--command-id', commandId]);
    clock.advance(runTimes.scriptMs);
    const cancelled = await ssm.send(
      new GetCommandInvocationCommand({ CommandId: commandId, InstanceId: web }),
    );
    expect(cancelled.Status).to.equal('Cancelled');
  });
});
