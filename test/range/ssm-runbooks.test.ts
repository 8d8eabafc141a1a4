import { expect } from 'chai';
import {
  CreateSubnetCommand,
  CreateVpcCommand,
  DescribeInstancesCommand,
  EC2Client,
  RunInstancesCommand,
} from '@aws-sdk/client-ec2';
import {
  CreateAssociationCommand,
  DescribeAssociationCommand,
  DescribeDocumentCommand,
  DescribeInstancePatchStatesCommand,
  GetAutomationExecutionCommand,
  ListAssociationsCommand,
  SSMClient,
  StartAutomationExecutionCommand,
} from '@aws-sdk/client-ssm';
import { ManualClock } from '../../src/range/clock.js';
import { runTimes } from '../../src/range/services/ssm/runs.js';
import { failure, startTestRange, type TestRange } from './harness.js';

describe('range: SSM State Manager, Automation and documents (what runbooks use)', function () {
  this.timeout(90_000);
  const clock = new ManualClock(Date.parse('2026-06-02T14:00:00Z'));
  let range: TestRange;
  let ssm: SSMClient;
  let ec2: EC2Client;
  let app: string;
  let bastion: string;

  before(async () => {
    range = await startTestRange({ clock });
    ssm = new SSMClient(range.clientConfig());
    ec2 = new EC2Client(range.clientConfig());
    const vpcId = (await ec2.send(new CreateVpcCommand({ CidrBlock: '10.9.0.0/16' }))).Vpc?.VpcId;
    const subnetId = (await ec2.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: '10.9.1.0/24' })))
      .Subnet?.SubnetId;
    const launch = async (tags: Array<{ Key: string; Value: string }>) =>
      (
        await ec2.send(
          new RunInstancesCommand({
            ImageId: 'ami-0abcdef1234567890',
            MinCount: 1,
            MaxCount: 1,
            SubnetId: subnetId,
            TagSpecifications: [{ ResourceType: 'instance', Tags: tags }],
          }),
        )
      ).Instances?.[0]?.InstanceId ?? '';
    app = await launch([
      { Key: 'Patch Group', Value: 'app' },
      { Key: 'sirs:range:missing-patches', Value: '3' },
    ]);
    bastion = await launch([{ Key: 'Name', Value: 'bastion' }]);
    clock.advance(5_000);
  });
  after(() => range.stop());

  it('runs an AWS-RunPatchBaseline Install association on its targets like a command, and reports it', async () => {
    const created = (await range.aws([
      'ssm',
      'create-association',
      '--name',
      'AWS-RunPatchBaseline',
      '--association-name',
      'patch-app',
      '--targets',
      'Key=tag:Patch Group,Values=app',
      '--parameters',
      'Operation=Install',
      '--schedule-expression',
      'rate(1 day)',
    ])) as {
      AssociationDescription: {
        AssociationId: string;
        Overview: { Status: string };
        Name: string;
        ScheduleExpression: string;
      };
    };
    const id = created.AssociationDescription.AssociationId;
    expect(created.AssociationDescription).to.deep.include({
      Name: 'AWS-RunPatchBaseline',
      ScheduleExpression: 'rate(1 day)',
    });
    expect(created.AssociationDescription.Overview.Status).to.equal('Pending');

    clock.advance(runTimes.deliveryMs + runTimes.patchInstallMs);
    const state = await ssm.send(new DescribeInstancePatchStatesCommand({ InstanceIds: [app] }));
    expect(state.InstancePatchStates?.[0]).to.include({ MissingCount: 0, Operation: 'Install' });
    const described = await ssm.send(new DescribeAssociationCommand({ AssociationId: id }));
    expect(described.AssociationDescription?.Overview).to.deep.equal({
      Status: 'Success',
      DetailedStatus: 'Success',
      AssociationStatusAggregatedCount: { Success: 1 },
    });
    expect(described.AssociationDescription?.LastExecutionDate?.getTime()).to.equal(clock.now().getTime());
    const info = (await range.aws([
      'ssm',
      'describe-instance-information',
      '--filters',
      `Key=InstanceIds,Values=${app}`,
    ])) as {
      InstanceInformationList: Array<{ AssociationStatus: string }>;
    };
    expect(info.InstanceInformationList[0]?.AssociationStatus).to.equal('Success');
    // State Manager's runs are not commands an operator sent.
    const commands = (await range.aws(['ssm', 'list-commands'])) as { Commands: unknown[] };
    expect(commands.Commands).to.deep.equal([]);

    const listed = await ssm.send(
      new ListAssociationsCommand({
        AssociationFilterList: [{ key: 'AssociationName', value: 'patch-app' }],
      }),
    );
    expect(listed.Associations?.map((a) => a.AssociationId)).to.deep.equal([id]);
    await range.aws(['ssm', 'delete-association', '--association-id', id]);
    const gone = await failure(ssm.send(new DescribeAssociationCommand({ AssociationId: id })));
    expect(gone.name).to.equal('AssociationDoesNotExist');
    expect(range.events('CreateAssociation').at(-1)?.requestParameters).to.deep.include({
      name: 'AWS-RunPatchBaseline',
      associationName: 'patch-app',
    });
  });

  it('stops an instance with the AWS-StopEC2Instance automation, through EC2 on the caller’s behalf', async () => {
    const started = (await range.aws([
      'ssm',
      'start-automation-execution',
      '--document-name',
      'AWS-StopEC2Instance',
      '--parameters',
      `InstanceId=${bastion}`,
    ])) as { AutomationExecutionId: string };
    const executionId = started.AutomationExecutionId;
    // LookupEvents finds the automation by the instance it acted on.
    const recorded = [...range.engine.history.entries()].find(
      (e) => e.record.eventName === 'StartAutomationExecution',
    );
    expect(recorded?.resources).to.deep.include({
      ResourceType: 'AWS::EC2::Instance',
      ResourceName: bastion,
    });
    const stop = range.events('StopInstances').at(-1);
    expect(stop?.userIdentity).to.deep.include({ invokedBy: 'ssm.amazonaws.com', userName: 'range-admin' });
    expect(stop?.sourceIPAddress).to.equal('ssm.amazonaws.com');

    const running = await ssm.send(new GetAutomationExecutionCommand({ AutomationExecutionId: executionId }));
    expect(running.AutomationExecution).to.include({
      AutomationExecutionStatus: 'InProgress',
      DocumentName: 'AWS-StopEC2Instance',
      CurrentStepName: 'stopInstances',
    });
    clock.advance(runTimes.automationMs);
    const done = (await range.aws([
      'ssm',
      'get-automation-execution',
      '--automation-execution-id',
      executionId,
    ])) as {
      AutomationExecution: {
        AutomationExecutionStatus: string;
        StepExecutions: Array<{ StepName: string; StepStatus: string; Inputs: Record<string, string> }>;
      };
    };
    expect(done.AutomationExecution.AutomationExecutionStatus).to.equal('Success');
    expect(done.AutomationExecution.StepExecutions[0]).to.deep.include({
      StepName: 'stopInstances',
      StepStatus: 'Success',
    });
    expect(done.AutomationExecution.StepExecutions[0]?.Inputs).to.deep.include({
      InstanceIds: JSON.stringify([bastion]),
      DesiredState: '"stopped"',
    });
    const instance = await ec2.send(new DescribeInstancesCommand({ InstanceIds: [bastion] }));
    expect(instance.Reservations?.[0]?.Instances?.[0]?.State?.Name).to.equal('stopped');

    const missing = await failure(
      ssm.send(new StartAutomationExecutionCommand({ DocumentName: 'AWS-StopEC2Instance', Parameters: {} })),
    );
    expect(missing.name).to.equal('InvalidAutomationExecutionParametersException');
    const unknown = await range.awsFails([
      'ssm',
      'get-automation-execution',
      '--automation-execution-id',
      '00000000-0000-4000-8000-000000000000',
    ]);
    expect(unknown.stderr).to.contain('(AutomationExecutionNotFoundException)');
  });

  it('fails an automation whose EC2 call fails, with the reason', async () => {
    const { AutomationExecutionId } = await ssm.send(
      new StartAutomationExecutionCommand({
        DocumentName: 'AWS-StopEC2Instance',
        Parameters: { InstanceId: ['i-0123456789abcdef0'] },
      }),
    );
    clock.advance(runTimes.automationMs);
    const done = await ssm.send(new GetAutomationExecutionCommand({ AutomationExecutionId }));
    expect(done.AutomationExecution?.AutomationExecutionStatus).to.equal('Failed');
    expect(done.AutomationExecution?.FailureMessage).to.contain('InvalidInstanceID.NotFound');
  });

  it('describes and lists the AWS documents it runs', async () => {
    const doc = await ssm.send(new DescribeDocumentCommand({ Name: 'AWS-RunPatchBaseline' }));
    expect(doc.Document).to.include({
      Name: 'AWS-RunPatchBaseline',
      Owner: 'Amazon',
      DocumentType: 'Command',
      Status: 'Active',
      SchemaVersion: '2.2',
    });
    expect(doc.Document?.Parameters?.find((p) => p.Name === 'Operation')).to.include({
      DefaultValue: 'Scan',
      Type: 'String',
    });
    const listed = (await range.aws([
      'ssm',
      'list-documents',
      '--filters',
      'Key=DocumentType,Values=Automation',
    ])) as {
      DocumentIdentifiers: Array<{ Name: string }>;
    };
    expect(listed.DocumentIdentifiers.map((d) => d.Name)).to.include.members([
      'AWS-StopEC2Instance',
      'AWS-StartEC2Instance',
      'AWS-DisablePublicAccessForSecurityGroup',
    ]);
    expect(listed.DocumentIdentifiers.map((d) => d.Name)).not.to.include('AWS-RunShellScript');
    const content = (await range.aws(['ssm', 'get-document', '--name', 'AWS-RunShellScript'])) as {
      Content: string;
    };
    expect(JSON.parse(content.Content).parameters).to.have.property('commands');
    const unknown = await range.awsFails(['ssm', 'describe-document', '--name', 'Acme-Nothing']);
    expect(unknown.stderr).to.contain('(InvalidDocument)');
    const association = await failure(
      ssm.send(
        new CreateAssociationCommand({
          Name: 'AWS-RunShellScript',
          Targets: [{ Key: 'InstanceIds', Values: [app] }],
        }),
      ),
    );
    expect(association.name).to.equal('InvalidParameters');
  });
});
