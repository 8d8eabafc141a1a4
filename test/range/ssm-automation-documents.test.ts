import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import {
  AuthorizeSecurityGroupIngressCommand,
  CreateSecurityGroupCommand,
  CreateVpcCommand,
  DescribeSecurityGroupsCommand,
  EC2Client,
} from '@aws-sdk/client-ec2';
import { CreateDocumentCommand, SSMClient } from '@aws-sdk/client-ssm';
import {
  ConfigServiceClient,
  DescribeRemediationExecutionStatusCommand,
  PutConfigRuleCommand,
  PutRemediationConfigurationsCommand,
} from '@aws-sdk/client-config-service';
import { ManualClock } from '../../src/range/clock.js';
import { configIdle } from '../../src/range/services/config/schedule.js';
import { configTimes } from '../../src/range/services/config/store.js';
import { startRecording } from './config-fixtures.js';
import { runTimes } from '../../src/range/services/ssm/runs.js';
import { automationRole, runAutomation } from './automation-fixtures.js';
import { startTestRange, type TestRange } from './harness.js';

// Customer Automation runbooks (schemaVersion 0.3) created with CreateDocument and run with
// StartAutomationExecution, as the Systems Manager Automation actions reference describes them.

/** A team's remediation: revoke world-open SSH, re-allow the bastion CIDR (even if it is already there). */
const CLOSE_SSH = `
description: Close world-open SSH and allow the bastion
schemaVersion: '0.3'
assumeRole: '{{ AutomationAssumeRole }}'
parameters:
  AutomationAssumeRole: { type: String }
  GroupIds: { type: StringList }
  BastionCidr: { type: String, default: 10.0.0.0/24 }
outputs:
  - Describe.VpcId
  - Describe.Ports
mainSteps:
  - name: Describe
    action: aws:executeAwsApi
    inputs:
      Service: ec2
      Api: describe_security_groups
      GroupIds: '{{ GroupIds }}'
    outputs:
      - { Name: GroupId, Selector: '$.SecurityGroups[0].GroupId', Type: String }
      - { Name: VpcId, Selector: '$.SecurityGroups[0].VpcId', Type: String }
      - { Name: Ports, Selector: '$.SecurityGroups[0].IpPermissions[*].FromPort', Type: StringList }
  - name: RevokeWorldSsh
    action: aws:executeAwsApi
    onFailure: Continue
    isCritical: false
    inputs:
      Service: ec2
      Api: RevokeSecurityGroupIngress
      GroupId: '{{ Describe.GroupId }}'
      IpPermissions:
        - { IpProtocol: tcp, FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: 0.0.0.0/0 }] }
  - name: AllowBastion
    action: aws:executeAwsApi
    onFailure: Continue
    isCritical: false
    inputs:
      Service: ec2
      Api: AuthorizeSecurityGroupIngress
      GroupId: '{{ Describe.GroupId }}'
      IpPermissions:
        - IpProtocol: tcp
          FromPort: 22
          ToPort: 22
          IpRanges: [{ CidrIp: '{{ BastionCidr }}', Description: 'bastion ({{ global:ACCOUNT_ID }})' }]
  - name: TagGroup
    action: aws:executeAwsApi
    inputs:
      Service: ec2
      Api: CreateTags
      Resources: ['{{ Describe.GroupId }}']
      Tags: [{ Key: remediated-by, Value: '{{ automation:EXECUTION_ID }}' }]
`;

describe('range: customer SSM Automation documents (CreateDocument, executeAwsApi and friends)', function () {
  this.timeout(60_000);
  const clock = new ManualClock(Date.parse('2026-06-02T14:00:00Z'));
  let range: TestRange;
  let ssm: SSMClient;
  let ec2: EC2Client;
  let dir: string;
  let roleArn: string;
  let vpcId: string;
  let groupId: string;

  const run = (name: string, parameters: Record<string, string[]>, extraMs = 0) =>
    runAutomation(ssm, clock, name, parameters, extraMs);

  const runbook = (steps: string, params = '') =>
    JSON.stringify({
      schemaVersion: '0.3',
      assumeRole: '{{ AutomationAssumeRole }}',
      parameters: { AutomationAssumeRole: { type: 'String' }, ...JSON.parse(params || '{}') },
      mainSteps: JSON.parse(steps),
    });

  async function create(name: string, content: string): Promise<void> {
    await ssm.send(new CreateDocumentCommand({ Name: name, Content: content, DocumentType: 'Automation' }));
  }

  before(async () => {
    range = await startTestRange({ clock });
    ssm = new SSMClient(range.clientConfig());
    ec2 = new EC2Client(range.clientConfig());
    dir = await mkdtemp(join(tmpdir(), 'sirs-ssm-docs-'));
    roleArn = await automationRole(range, 'acme-remediation', [
      'ec2:DescribeSecurityGroups',
      'ec2:DescribeVpcs',
      'ec2:RevokeSecurityGroupIngress',
      'ec2:AuthorizeSecurityGroupIngress',
      'ec2:CreateTags',
    ]);
    vpcId = (await ec2.send(new CreateVpcCommand({ CidrBlock: '10.7.0.0/16' }))).Vpc?.VpcId ?? '';
    groupId =
      (await ec2.send(new CreateSecurityGroupCommand({ GroupName: 'web', Description: 'web', VpcId: vpcId })))
        .GroupId ?? '';
    await ec2.send(
      new AuthorizeSecurityGroupIngressCommand({
        GroupId: groupId,
        IpPermissions: [{ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '0.0.0.0/0' }] }],
      }),
    );
  });
  after(async () => {
    await range.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('runs a YAML runbook made with the aws CLI: SSH closed, bastion allowed, as the assumed role, twice', async () => {
    const file = join(dir, 'close-ssh.yaml');
    await writeFile(file, CLOSE_SSH);
    const created = (await range.aws([
      'ssm',
      'create-document',
      '--name',
      'Acme-CloseSsh',
      '--content',
      `file://${file}`,
      '--document-type',
      'Automation',
      '--document-format',
      'YAML',
    ])) as { DocumentDescription: Record<string, unknown> };
    expect(created.DocumentDescription).to.deep.include({
      Name: 'Acme-CloseSsh',
      Owner: range.accountId,
      Status: 'Active',
      DocumentType: 'Automation',
      DocumentFormat: 'YAML',
      SchemaVersion: '0.3',
      DocumentVersion: '1',
      Hash: createHash('sha256').update(CLOSE_SSH).digest('hex'),
    });
    const params = { AutomationAssumeRole: [roleArn], GroupIds: [groupId] };

    const first = await run('Acme-CloseSsh', params);
    expect(first.AutomationExecutionStatus, first.FailureMessage).to.equal('Success');
    const group = (await ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: [groupId] })))
      .SecurityGroups?.[0];
    expect(group?.IpPermissions?.flatMap((p) => p.IpRanges?.map((r) => r.CidrIp))).to.deep.equal([
      '10.0.0.0/24',
    ]);
    expect(group?.IpPermissions?.[0]?.IpRanges?.[0]?.Description).to.equal(`bastion (${range.accountId})`);
    expect(group?.Tags).to.deep.include({ Key: 'remediated-by', Value: first.AutomationExecutionId });
    // A StringList parameter substituted whole stays a list; outputs chain into later steps.
    expect(first.StepExecutions?.[0]?.Inputs?.GroupIds).to.equal(JSON.stringify([groupId]));
    expect(first.StepExecutions?.[0]?.Outputs).to.deep.include({
      GroupId: [groupId],
      VpcId: [vpcId],
      Ports: ['22'],
    });
    expect(first.StepExecutions?.[1]?.Inputs?.GroupId).to.equal(JSON.stringify(groupId));
    expect(first.Outputs).to.deep.equal({ 'Describe.VpcId': [vpcId], 'Describe.Ports': ['22'] });

    // CloudTrail: the steps' calls are the assumed role's session, invoked by Systems Manager.
    const authorize = range.events('AuthorizeSecurityGroupIngress').at(-1);
    expect(authorize?.userIdentity).to.deep.include({
      type: 'AssumedRole',
      invokedBy: 'ssm.amazonaws.com',
      arn: `arn:aws:sts::${range.accountId}:assumed-role/acme-remediation/${first.AutomationExecutionId}`,
    });

    // Second run, from the aws CLI: nothing to revoke, the bastion rule is already there; both steps
    // fail and the run goes on (onFailure: Continue, isCritical: false).
    const { AutomationExecutionId: secondId } = (await range.aws([
      'ssm',
      'start-automation-execution',
      '--document-name',
      'Acme-CloseSsh',
      '--parameters',
      JSON.stringify(params),
    ])) as { AutomationExecutionId: string };
    clock.advance(runTimes.automationMs);
    const described = (await range.aws([
      'ssm',
      'get-automation-execution',
      '--automation-execution-id',
      secondId,
    ])) as {
      AutomationExecution: {
        AutomationExecutionStatus: string;
        DocumentName: string;
        StepExecutions: Array<{
          StepName: string;
          StepStatus: string;
          OnFailure: string;
          IsCritical: boolean;
          FailureMessage?: string;
        }>;
      };
    };
    expect(described.AutomationExecution).to.include({
      AutomationExecutionStatus: 'Success',
      DocumentName: 'Acme-CloseSsh',
    });
    const byName = Object.fromEntries(
      described.AutomationExecution.StepExecutions.map((s) => [s.StepName, s]),
    );
    expect(byName.RevokeWorldSsh?.StepStatus).to.equal('Failed');
    expect(byName.AllowBastion).to.deep.include({
      StepStatus: 'Failed',
      OnFailure: 'Continue',
      IsCritical: false,
    });
    expect(byName.AllowBastion?.FailureMessage).to.contain('InvalidPermission.Duplicate');
    expect(byName.TagGroup?.StepStatus).to.equal('Success');
  });

  it('fails a step the role may not take with the service’s denial, recorded in CloudTrail', async () => {
    await create(
      'Acme-DeleteGroup',
      runbook(
        `[{"name":"Delete","action":"aws:executeAwsApi","inputs":{"Service":"ec2","Api":"DeleteSecurityGroup","GroupId":"{{ GroupId }}"}},
          {"name":"Never","action":"aws:sleep","inputs":{"Duration":"PT1S"}}]`,
        '{"GroupId":{"type":"String"}}',
      ),
    );
    const out = await run('Acme-DeleteGroup', { AutomationAssumeRole: [roleArn], GroupId: [groupId] });
    expect(out.AutomationExecutionStatus).to.equal('Failed');
    expect(out.FailureMessage).to.contain('UnauthorizedOperation');
    expect(out.StepExecutions?.map((s) => s.StepName)).to.deep.equal(['Delete']);
    const denied = range.events('DeleteSecurityGroup').at(-1);
    expect(denied?.errorCode).to.equal('Client.UnauthorizedOperation');
    expect(denied?.userIdentity).to.deep.include({ invokedBy: 'ssm.amazonaws.com' });
  });

  it('closes a Config loop with the team’s runbook: restricted-ssh remediated by Acme-CloseSsh', async () => {
    const config = new ConfigServiceClient(range.clientConfig());
    await startRecording(range, config);
    await config.send(
      new PutConfigRuleCommand({
        ConfigRule: {
          ConfigRuleName: 'restricted-ssh',
          Source: { Owner: 'AWS', SourceIdentifier: 'INCOMING_SSH_DISABLED' },
        },
      }),
    );
    await config.send(
      new PutRemediationConfigurationsCommand({
        RemediationConfigurations: [
          {
            ConfigRuleName: 'restricted-ssh',
            TargetType: 'SSM_DOCUMENT',
            TargetId: 'Acme-CloseSsh',
            Parameters: {
              GroupIds: { ResourceValue: { Value: 'RESOURCE_ID' } },
              AutomationAssumeRole: { StaticValue: { Values: [roleArn] } },
            },
            Automatic: true,
            MaximumAutomaticAttempts: 1,
          },
        ],
      }),
    );
    const open =
      (await ec2.send(new CreateSecurityGroupCommand({ GroupName: 'app', Description: 'app', VpcId: vpcId })))
        .GroupId ?? '';
    await ec2.send(
      new AuthorizeSecurityGroupIngressCommand({
        GroupId: open,
        IpPermissions: [{ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '0.0.0.0/0' }] }],
      }),
    );
    clock.advance(configTimes.changeEvaluationMs);
    await configIdle();
    clock.advance(runTimes.automationMs);
    const rules = (await ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: [open] })))
      .SecurityGroups?.[0]?.IpPermissions;
    expect(rules?.flatMap((p) => p.IpRanges?.map((r) => r.CidrIp))).to.deep.equal(['10.0.0.0/24']);
    const status = await config.send(
      new DescribeRemediationExecutionStatusCommand({ ConfigRuleName: 'restricted-ssh' }),
    );
    const mine = status.RemediationExecutionStatuses?.find((x) => x.ResourceKey?.resourceId === open);
    expect(mine?.State).to.equal('SUCCEEDED');
    expect(mine?.StepDetails?.map((d) => d.Name)).to.deep.equal([
      'Describe',
      'RevokeWorldSsh',
      'AllowBastion',
      'TagGroup',
    ]);
  });
});
