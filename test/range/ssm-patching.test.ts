import { expect } from 'chai';
import { CreateSubnetCommand, CreateVpcCommand, EC2Client, RunInstancesCommand } from '@aws-sdk/client-ec2';
import {
  DescribeInstancePatchesCommand,
  DescribeInstancePatchStatesCommand,
  DescribeInstancePatchStatesForPatchGroupCommand,
  GetCommandInvocationCommand,
  ListComplianceSummariesCommand,
  ListResourceComplianceSummariesCommand,
  SendCommandCommand,
  SSMClient,
} from '@aws-sdk/client-ssm';
import { ManualClock } from '../../src/range/clock.js';
import { runTimes } from '../../src/range/services/ssm/runs.js';
import { startTestRange, type TestRange } from './harness.js';

interface PatchState {
  InstanceId: string;
  MissingCount: number;
  InstalledCount: number;
  CriticalNonCompliantCount: number;
  SecurityNonCompliantCount: number;
  Operation: string;
  PatchGroup: string;
  BaselineId: string;
  OperationEndTime: number;
}
interface Invocation {
  Status: string;
  StatusDetails: string;
  ResponseCode: number;
  StandardOutputContent: string;
  PluginName: string;
  ExecutionElapsedTime: string;
}

describe('range: SSM managed instances and the patch loop', function () {
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

  it('lists running instances as online managed instances', async () => {
    const out = (await range.aws(['ssm', 'describe-instance-information'])) as {
      InstanceInformationList: Array<Record<string, unknown>>;
    };
    const byId = Object.fromEntries(out.InstanceInformationList.map((i) => [i.InstanceId, i]));
    expect(byId[web]).to.include({
      PingStatus: 'Online',
      PlatformType: 'Linux',
      PlatformName: 'Amazon Linux',
      ResourceType: 'EC2Instance',
      IPAddress: '10.0.1.4',
      ComputerName: 'ip-10-0-1-4.ec2.internal',
      SourceType: 'AWS::EC2::Instance',
    });
    expect(byId[web]?.AgentVersion).to.match(/^\d+\.\d+\.\d+\.\d+$/);
    expect(byId[db]).to.include({ PingStatus: 'Online' });
    const tagged = (await range.aws([
      'ssm',
      'describe-instance-information',
      '--filters',
      'Key=tag:role,Values=db',
    ])) as {
      InstanceInformationList: Array<{ InstanceId: string }>;
    };
    expect(tagged.InstanceInformationList.map((i) => i.InstanceId)).to.deep.equal([db]);
  });

  it('reports the patch state an instance was tagged with: missing patches, non-compliant', async () => {
    const out = (await range.aws(['ssm', 'describe-instance-patch-states', '--instance-ids', web, db])) as {
      InstancePatchStates: PatchState[];
    };
    const byId = Object.fromEntries(out.InstancePatchStates.map((s) => [s.InstanceId, s]));
    expect(byId[web]).to.include({
      MissingCount: 7,
      CriticalNonCompliantCount: 2,
      SecurityNonCompliantCount: 7,
      Operation: 'Scan',
      PatchGroup: 'web',
    });
    expect(byId[web]?.BaselineId).to.match(/^pb-[0-9a-f]{17}$/);
    expect(byId[db]).to.include({ MissingCount: 0, CriticalNonCompliantCount: 0 });

    const missing = await ssm.send(
      new DescribeInstancePatchesCommand({
        InstanceId: web,
        Filters: [{ Key: 'State', Values: ['Missing'] }],
      }),
    );
    expect(missing.Patches).to.have.length(7);
    expect(missing.Patches?.filter((p) => p.Severity === 'Critical')).to.have.length(2);
    expect(missing.Patches?.[0]).to.include({
      State: 'MISSING',
      Classification: 'Security',
      KBId: 'kernel.x86_64',
    });
    expect(missing.Patches?.[0]?.InstalledTime?.getTime()).to.equal(0);

    const items = (await range.aws([
      'ssm',
      'list-compliance-items',
      '--resource-ids',
      web,
      '--resource-types',
      'ManagedInstance',
      '--filters',
      'Key=ComplianceType,Values=Patch,Type=EQUAL',
      'Key=Status,Values=NON_COMPLIANT,Type=EQUAL',
    ])) as {
      ComplianceItems: Array<{
        Status: string;
        Severity: string;
        ResourceId: string;
        ComplianceType: string;
      }>;
    };
    expect(items.ComplianceItems).to.have.length(7);
    expect(
      items.ComplianceItems.every(
        (i) => i.Status === 'NON_COMPLIANT' && i.ResourceId === web && i.ComplianceType === 'Patch',
      ),
    ).to.equal(true);
    expect(items.ComplianceItems.filter((i) => i.Severity === 'CRITICAL')).to.have.length(2);

    const resources = await ssm.send(
      new ListResourceComplianceSummariesCommand({
        Filters: [{ Key: 'ComplianceType', Values: ['Patch'], Type: 'EQUAL' }],
      }),
    );
    const summary = resources.ResourceComplianceSummaryItems?.find((r) => r.ResourceId === web);
    expect(summary).to.include({ Status: 'NON_COMPLIANT', OverallSeverity: 'CRITICAL' });
    expect(summary?.NonCompliantSummary?.NonCompliantCount).to.equal(7);
    expect(resources.ResourceComplianceSummaryItems?.find((r) => r.ResourceId === db)?.Status).to.equal(
      'COMPLIANT',
    );
  });

  it('installs the missing patches with AWS-RunPatchBaseline after a realistic delay on the range clock (the CLI loop)', async () => {
    const sent = (await range.aws([
      'ssm',
      'send-command',
      '--document-name',
      'AWS-RunPatchBaseline',
      '--parameters',
      'Operation=Install',
      '--instance-ids',
      web,
      '--comment',
      'patch web-1',
    ])) as {
      Command: {
        CommandId: string;
        Status: string;
        TargetCount: number;
        Parameters: Record<string, string[]>;
      };
    };
    const commandId = sent.Command.CommandId;
    expect(sent.Command).to.include({ Status: 'Pending', TargetCount: 1 });
    expect(sent.Command.Parameters).to.deep.include({
      Operation: ['Install'],
      RebootOption: ['RebootIfNeeded'],
    });
    const invocation = async () =>
      (await range.aws([
        'ssm',
        'get-command-invocation',
        '--command-id',
        commandId,
        '--instance-id',
        web,
      ])) as Invocation;

    expect((await invocation()).Status).to.equal('Pending');
    clock.advance(runTimes.deliveryMs);
    expect(await invocation()).to.include({
      Status: 'InProgress',
      ResponseCode: -1,
      StandardOutputContent: '',
    });
    const during = await ssm.send(new DescribeInstancePatchStatesCommand({ InstanceIds: [web] }));
    expect(during.InstancePatchStates?.[0]?.MissingCount).to.equal(7);

    expect(runTimes.patchInstallMs).to.be.within(30_000, 90_000);
    clock.advance(runTimes.patchInstallMs);
    const done = await invocation();
    expect(done).to.include({
      Status: 'Success',
      StatusDetails: 'Success',
      ResponseCode: 0,
      PluginName: 'PatchLinux',
      ExecutionElapsedTime: 'PT1M0S',
    });
    expect(done.StandardOutputContent)
      .to.contain('Installed 7 missing patch(es)')
      .and.contain('Compliance: COMPLIANT');

    const after = (await range.aws(['ssm', 'describe-instance-patch-states', '--instance-ids', web])) as {
      InstancePatchStates: PatchState[];
    };
    const state = after.InstancePatchStates[0];
    expect(state).to.include({ MissingCount: 0, CriticalNonCompliantCount: 0, Operation: 'Install' });
    const installed = await ssm.send(
      new DescribeInstancePatchesCommand({
        InstanceId: web,
        Filters: [{ Key: 'KBId', Values: ['kernel.x86_64'] }],
      }),
    );
    expect(installed.Patches?.[0]).to.include({ State: 'INSTALLED', KBId: 'kernel.x86_64' });
    expect(installed.Patches?.[0]?.InstalledTime?.getTime()).to.equal(clock.now().getTime());
    const firstPage = await ssm.send(new DescribeInstancePatchesCommand({ InstanceId: db }));
    expect(firstPage.Patches).to.have.length(10);
    expect(firstPage.NextToken).to.be.a('string');
    const dbState = await ssm.send(new DescribeInstancePatchStatesCommand({ InstanceIds: [db] }));
    expect(state?.InstalledCount).to.equal((dbState.InstancePatchStates?.[0]?.InstalledCount ?? 0) + 7);
    const summaries = await ssm.send(new ListResourceComplianceSummariesCommand({}));
    expect(summaries.ResourceComplianceSummaryItems?.find((r) => r.ResourceId === web)?.Status).to.equal(
      'COMPLIANT',
    );
    const totals = await ssm.send(new ListComplianceSummariesCommand({}));
    expect(totals.ComplianceSummaryItems?.[0]).to.deep.include({ ComplianceType: 'Patch' });
    expect(totals.ComplianceSummaryItems?.[0]?.NonCompliantSummary?.NonCompliantCount).to.equal(0);

    const listed = (await range.aws([
      'ssm',
      'list-command-invocations',
      '--command-id',
      commandId,
      '--details',
    ])) as {
      CommandInvocations: Array<{
        Status: string;
        CommandPlugins: Array<{ Name: string; Status: string; Output: string }>;
      }>;
    };
    const plugins = listed.CommandInvocations[0]?.CommandPlugins ?? [];
    expect(plugins.map((p) => [p.Name, p.Status])).to.deep.equal([
      ['PatchWindows', 'Success'],
      ['PatchLinux', 'Success'],
      ['PatchMacOS', 'Success'],
    ]);
    expect(plugins[0]?.Output).to.contain('Step execution skipped');

    const event = range.events('SendCommand').at(-1);
    expect(event?.eventSource).to.equal('ssm.amazonaws.com');
    expect(event?.requestParameters).to.deep.include({
      documentName: 'AWS-RunPatchBaseline',
      instanceIds: [web],
      comment: 'patch web-1',
    });
    expect((event?.responseElements as { command: { commandId: string } }).command.commandId).to.equal(
      commandId,
    );
  });

  it('lists commands with their aggregate status, and runs scans and shell scripts by tag target', async () => {
    const scan = await ssm.send(
      new SendCommandCommand({
        DocumentName: 'AWS-RunPatchBaseline',
        Targets: [{ Key: 'tag:role', Values: ['db'] }],
        Parameters: { Operation: ['Scan'] },
      }),
    );
    const script = await ssm.send(
      new SendCommandCommand({
        DocumentName: 'AWS-RunShellScript',
        InstanceIds: [db],
        Parameters: { commands: ['uptime', 'df -h'] },
      }),
    );
    clock.advance(runTimes.deliveryMs + runTimes.patchScanMs);
    const commands = (await range.aws(['ssm', 'list-commands', '--filters', 'key=Status,value=Success'])) as {
      Commands: Array<{
        CommandId: string;
        DocumentName: string;
        CompletedCount: number;
        TargetCount: number;
      }>;
    };
    expect(commands.Commands.map((c) => c.CommandId)).to.include.members([
      scan.Command?.CommandId,
      script.Command?.CommandId,
    ]);
    expect(commands.Commands.find((c) => c.CommandId === scan.Command?.CommandId)).to.include({
      TargetCount: 1,
      CompletedCount: 1,
    });
    const out = await ssm.send(
      new GetCommandInvocationCommand({ CommandId: script.Command?.CommandId, InstanceId: db }),
    );
    expect(out.Status).to.equal('Success');
    expect(out.StandardOutputContent).to.contain('does not execute commands').and.contain('$ uptime');
    const dbState = await ssm.send(new DescribeInstancePatchStatesCommand({ InstanceIds: [db] }));
    expect(dbState.InstancePatchStates?.[0]).to.include({ Operation: 'Scan', MissingCount: 0 });
    expect(dbState.InstancePatchStates?.[0]?.OperationEndTime?.getTime()).to.equal(clock.now().getTime());
    const group = await ssm.send(
      new DescribeInstancePatchStatesForPatchGroupCommand({
        PatchGroup: 'web',
        Filters: [{ Key: 'MissingCount', Values: ['0'], Type: 'Equal' }],
      }),
    );
    expect(group.InstancePatchStates?.map((s) => s.InstanceId)).to.deep.equal([web]);
  });
});
