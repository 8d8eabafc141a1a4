import { expect } from 'chai';
import { parse as parseYaml } from 'yaml';
import {
  CloudFormationClient,
  CreateStackCommand,
  DeleteStackCommand,
  DescribeStacksCommand,
  UpdateStackCommand,
  type Stack,
} from '@aws-sdk/client-cloudformation';
import {
  CreateDocumentCommand,
  DeleteDocumentCommand,
  DescribeDocumentCommand,
  GetAutomationExecutionCommand,
  GetDocumentCommand,
  SendCommandCommand,
  SSMClient,
  StartAutomationExecutionCommand,
  UpdateDocumentCommand,
  UpdateDocumentDefaultVersionCommand,
} from '@aws-sdk/client-ssm';
import { ManualClock } from '../../src/range/clock.js';
import { runTimes } from '../../src/range/services/ssm/runs.js';
import { failure, startTestRange, type TestRange } from './harness.js';

// The documents API for an account's own SSM documents (CreateDocument and its kin in the SSM API
// reference) and CloudFormation's AWS::SSM::Document.

const automation = (steps: unknown[], parameters: Record<string, unknown> = {}) =>
  JSON.stringify({ schemaVersion: '0.3', parameters, mainSteps: steps });

const whoAmI = (name = 'WhoAmI') => ({
  name,
  action: 'aws:executeAwsApi',
  inputs: { Service: 'sts', Api: 'GetCallerIdentity' },
  outputs: [{ Name: 'Account', Selector: '$.Account', Type: 'String' }],
});

describe('range: SSM documents of the account (CreateDocument, versions, AWS::SSM::Document)', function () {
  this.timeout(60_000);
  const clock = new ManualClock(Date.parse('2026-06-02T14:00:00Z'));
  let range: TestRange;
  let ssm: SSMClient;
  let cfn: CloudFormationClient;

  async function settled(name: string): Promise<Stack | undefined> {
    for (let i = 0; i < 600; i++) {
      const stack = (await cfn.send(new DescribeStacksCommand({ StackName: name }))).Stacks?.[0];
      if (stack && !stack.StackStatus?.endsWith('_IN_PROGRESS')) return stack;
      clock.advance(1_000);
      await new Promise((r) => setImmediate(r));
    }
    throw new Error(`stack ${name} never settled`);
  }

  async function runToEnd(name: string, version?: string) {
    const { AutomationExecutionId } = await ssm.send(
      new StartAutomationExecutionCommand({ DocumentName: name, DocumentVersion: version }),
    );
    clock.advance(runTimes.automationMs);
    return (await ssm.send(new GetAutomationExecutionCommand({ AutomationExecutionId }))).AutomationExecution;
  }

  before(async () => {
    range = await startTestRange({ clock });
    ssm = new SSMClient(range.clientConfig());
    cfn = new CloudFormationClient(range.clientConfig());
  });
  after(() => range.stop());

  it('refuses content SSM would refuse, and names it may not take', async () => {
    const refusals: Array<[string, string]> = [
      ['{"schemaVersion": "0.3", "mainSteps": [', 'not valid JSON'],
      [JSON.stringify({ mainSteps: [whoAmI()] }), 'no schemaVersion'],
      [JSON.stringify({ schemaVersion: '0.3' }), 'no mainSteps'],
      [automation([{ name: 'X', action: 'aws:doMagic' }]), 'aws:doMagic'],
      [automation([{ action: 'aws:sleep', inputs: { Duration: 'PT1S' } }]), 'has no name'],
      [automation([{ name: 'X' }]), 'has no action'],
      [automation([whoAmI('Same'), whoAmI('Same')]), 'more than once'],
      [
        automation([{ name: 'X', action: 'aws:sleep', inputs: { Duration: '{{ Delay }}' } }]),
        '"Delay" is referenced but not declared',
      ],
    ];
    for (const [content, message] of refusals) {
      const err = await failure(
        ssm.send(
          new CreateDocumentCommand({ Name: 'Acme-Bad', Content: content, DocumentType: 'Automation' }),
        ),
      );
      expect(err.name, content).to.equal('InvalidDocumentContent');
      expect(err.message, content).to.contain(message);
    }
    const schema = await failure(
      ssm.send(
        new CreateDocumentCommand({
          Name: 'Acme-Bad',
          Content: JSON.stringify({ schemaVersion: '2.2', mainSteps: [whoAmI()] }),
          DocumentType: 'Automation',
        }),
      ),
    );
    expect(schema.name).to.equal('InvalidDocumentSchemaVersion');

    const content = automation([whoAmI()]);
    for (const name of [
      'ab',
      'has space',
      'AWS-Mine',
      'aws-mine',
      'amazon-thing',
      'AmznX',
      'AWSConfigRemediation-X',
    ]) {
      const err = await failure(
        ssm.send(new CreateDocumentCommand({ Name: name, Content: content, DocumentType: 'Automation' })),
      );
      expect(err.name, name).to.equal('ValidationException');
    }
    await range.aws([
      'ssm',
      'create-document',
      '--name',
      'Acme-Once',
      '--content',
      content,
      '--document-type',
      'Automation',
    ]);
    const again = await range.awsFails([
      'ssm',
      'create-document',
      '--name',
      'Acme-Once',
      '--content',
      content,
      '--document-type',
      'Automation',
    ]);
    expect(again.stderr).to.contain('(DocumentAlreadyExists)');
    // Actions the range does not run are still valid content (AWS accepts them).
    await ssm.send(
      new CreateDocumentCommand({
        Name: 'Acme-Approve',
        Content: automation([{ name: 'Approve', action: 'aws:approve', inputs: { Approvers: ['x'] } }]),
        DocumentType: 'Automation',
      }),
    );
  });

  it('keeps versions: UpdateDocument adds $LATEST, the default runs until it is moved', async () => {
    const v1 = automation([whoAmI('First')]);
    const v2 = automation([whoAmI('Second')]);
    await ssm.send(
      new CreateDocumentCommand({ Name: 'Acme-Versions', Content: v1, DocumentType: 'Automation' }),
    );
    const updated = (await range.aws([
      'ssm',
      'update-document',
      '--name',
      'Acme-Versions',
      '--content',
      v2,
      '--document-version',
      '$LATEST',
    ])) as { DocumentDescription: Record<string, unknown> };
    expect(updated.DocumentDescription).to.include({
      DocumentVersion: '2',
      LatestVersion: '2',
      DefaultVersion: '1',
    });
    const first = await runToEnd('Acme-Versions');
    expect(first?.DocumentVersion).to.equal('1');
    expect(first?.StepExecutions?.map((s) => s.StepName)).to.deep.equal(['First']);
    expect(first?.StepExecutions?.[0]?.Outputs).to.deep.equal({ Account: [range.accountId] });
    const latest = await runToEnd('Acme-Versions', '$LATEST');
    expect(latest?.StepExecutions?.map((s) => s.StepName)).to.deep.equal(['Second']);

    const moved = await ssm.send(
      new UpdateDocumentDefaultVersionCommand({ Name: 'Acme-Versions', DocumentVersion: '2' }),
    );
    expect(moved.Description).to.include({ Name: 'Acme-Versions', DefaultVersion: '2' });
    const described = await ssm.send(new DescribeDocumentCommand({ Name: 'Acme-Versions' }));
    expect(described.Document).to.include({
      DocumentVersion: '2',
      DefaultVersion: '2',
      Owner: range.accountId,
    });
    const old = await ssm.send(new GetDocumentCommand({ Name: 'Acme-Versions', DocumentVersion: '1' }));
    expect(old.Content).to.equal(v1);
    const asYaml = await ssm.send(
      new GetDocumentCommand({ Name: 'Acme-Versions', DocumentVersion: '1', DocumentFormat: 'YAML' }),
    );
    expect(asYaml.DocumentFormat).to.equal('YAML');
    expect(parseYaml(asYaml.Content ?? '')).to.deep.equal(JSON.parse(v1));
    const versions = (await range.aws(['ssm', 'list-document-versions', '--name', 'Acme-Versions'])) as {
      DocumentVersions: Array<{ DocumentVersion: string; IsDefaultVersion: boolean }>;
    };
    expect(versions.DocumentVersions.map((v) => [v.DocumentVersion, v.IsDefaultVersion])).to.deep.equal([
      ['1', false],
      ['2', true],
    ]);

    const same = await failure(
      ssm.send(new UpdateDocumentCommand({ Name: 'Acme-Versions', Content: v2, DocumentVersion: '$LATEST' })),
    );
    expect(same.name).to.equal('DuplicateDocumentContent');
    const stale = await failure(
      ssm.send(
        new UpdateDocumentCommand({
          Name: 'Acme-Versions',
          Content: automation([whoAmI('Third')]),
          DocumentVersion: '1',
        }),
      ),
    );
    expect(stale.name).to.equal('InvalidDocumentVersion');
    const missing = await failure(
      ssm.send(new UpdateDocumentDefaultVersionCommand({ Name: 'Acme-Versions', DocumentVersion: '9' })),
    );
    expect(missing.name).to.equal('InvalidDocumentVersion');
  });

  it('lists its own documents with Owner=Self, stores Command documents without running them, deletes', async () => {
    await ssm.send(
      new CreateDocumentCommand({
        Name: 'Acme-Hello',
        Content: JSON.stringify({
          schemaVersion: '2.2',
          description: 'Say hello',
          mainSteps: [
            { name: 'hello', action: 'aws:runShellScript', inputs: { runCommand: ['echo hello'] } },
          ],
        }),
        DocumentType: 'Command',
        Tags: [{ Key: 'team', Value: 'acme' }],
      }),
    );
    const mine = (await range.aws(['ssm', 'list-documents', '--filters', 'Key=Owner,Values=Self'])) as {
      DocumentIdentifiers: Array<{ Name: string; Owner: string }>;
    };
    expect(mine.DocumentIdentifiers.map((d) => d.Name)).to.include.members(['Acme-Hello', 'Acme-Versions']);
    expect(mine.DocumentIdentifiers.every((d) => d.Owner === range.accountId)).to.equal(true);
    const amazon = (await range.aws(['ssm', 'list-documents', '--filters', 'Key=Owner,Values=Amazon'])) as {
      DocumentIdentifiers: Array<{ Name: string }>;
    };
    expect(amazon.DocumentIdentifiers.map((d) => d.Name))
      .to.include('AWS-RunShellScript')
      .and.not.include('Acme-Hello');
    const tagged = (await range.aws(['ssm', 'list-documents', '--filters', 'Key=tag:team,Values=acme'])) as {
      DocumentIdentifiers: Array<{ Name: string }>;
    };
    expect(tagged.DocumentIdentifiers.map((d) => d.Name)).to.deep.equal(['Acme-Hello']);

    await range.aws([
      'ssm',
      'add-tags-to-resource',
      '--resource-type',
      'Document',
      '--resource-id',
      'Acme-Hello',
      '--tags',
      'Key=env,Value=prod',
    ]);
    const tags = (await range.aws([
      'ssm',
      'list-tags-for-resource',
      '--resource-type',
      'Document',
      '--resource-id',
      'Acme-Hello',
    ])) as { TagList: Array<{ Key: string; Value: string }> };
    expect(tags.TagList).to.deep.equal([
      { Key: 'team', Value: 'acme' },
      { Key: 'env', Value: 'prod' },
    ]);
    const hello = await ssm.send(new DescribeDocumentCommand({ Name: 'Acme-Hello' }));
    expect(hello.Document).to.include({
      DocumentType: 'Command',
      SchemaVersion: '2.2',
      Description: 'Say hello',
    });
    const send = await failure(
      ssm.send(new SendCommandCommand({ DocumentName: 'Acme-Hello', InstanceIds: ['i-0123456789abcdef0'] })),
    );
    expect(send.name).to.equal('InvalidDocument');
    expect(send.message).to.contain('AWS-owned command documents');

    await range.aws(['ssm', 'delete-document', '--name', 'Acme-Hello']);
    const gone = await range.awsFails(['ssm', 'describe-document', '--name', 'Acme-Hello']);
    expect(gone.stderr).to.contain('(InvalidDocument)');
    await ssm.send(new DeleteDocumentCommand({ Name: 'Acme-Versions' }));
    const notRunnable = await failure(
      ssm.send(new StartAutomationExecutionCommand({ DocumentName: 'Acme-Versions' })),
    );
    expect(notRunnable.name).to.equal('AutomationDefinitionNotFoundException');
    expect(range.events('DeleteDocument').map((e) => e.requestParameters)).to.deep.include({
      name: 'Acme-Versions',
    });
  });

  it('deploys a runbook with AWS::SSM::Document (content as an object, generated name) and removes it with the stack', async () => {
    const template = {
      Resources: {
        Runbook: {
          Type: 'AWS::SSM::Document',
          Properties: {
            DocumentType: 'Automation',
            DocumentFormat: 'YAML',
            Content: { schemaVersion: '0.3', description: 'From a stack', mainSteps: [whoAmI()] },
            Tags: [{ Key: 'team', Value: 'acme' }],
          },
        },
      },
      Outputs: { RunbookName: { Value: { Ref: 'Runbook' } } },
    };
    await cfn.send(
      new CreateStackCommand({ StackName: 'acme-defences', TemplateBody: JSON.stringify(template) }),
    );
    const stack = await settled('acme-defences');
    expect(stack?.StackStatus, stack?.StackStatusReason).to.equal('CREATE_COMPLETE');
    const name = stack?.Outputs?.find((o) => o.OutputKey === 'RunbookName')?.OutputValue ?? '';
    expect(name).to.match(/^acme-defences-Runbook-[A-Za-z0-9]+$/);
    const doc = await ssm.send(new GetDocumentCommand({ Name: name }));
    expect(doc).to.include({ DocumentFormat: 'YAML', DocumentType: 'Automation' });
    expect(doc.Content).to.contain('description: From a stack');
    const described = await ssm.send(new DescribeDocumentCommand({ Name: name }));
    expect(described.Document?.Tags).to.deep.include({ Key: 'team', Value: 'acme' });
    const out = await runToEnd(name);
    expect(out?.AutomationExecutionStatus, out?.FailureMessage).to.equal('Success');
    expect(range.events('CreateDocument').at(-1)?.userIdentity).to.deep.include({
      invokedBy: 'cloudformation.amazonaws.com',
    });

    // A content change is a new version, made the default (UpdateMethod: NewVersion).
    template.Resources.Runbook.Properties.Content.description = 'Changed in the stack';
    await cfn.send(
      new UpdateStackCommand({ StackName: 'acme-defences', TemplateBody: JSON.stringify(template) }),
    );
    const updatedStack = await settled('acme-defences');
    expect(updatedStack?.StackStatus, updatedStack?.StackStatusReason).to.equal('UPDATE_COMPLETE');
    const changed = await ssm.send(new DescribeDocumentCommand({ Name: name }));
    expect(changed.Document).to.include({ DefaultVersion: '2', Description: 'Changed in the stack' });

    await cfn.send(new DeleteStackCommand({ StackName: 'acme-defences' }));
    const deleted = await settled(stack?.StackId ?? '');
    expect(deleted?.StackStatus).to.equal('DELETE_COMPLETE');
    const gone = await failure(ssm.send(new DescribeDocumentCommand({ Name: name })));
    expect(gone.name).to.equal('InvalidDocument');
  });
  it('waits for a property: desired at once succeeds, never desired times out after timeoutSeconds on the range clock', async () => {
    const wait = (name: string, desired: string, extra: Record<string, unknown> = {}) => ({
      name,
      action: 'aws:waitForAwsResourceProperty',
      ...extra,
      inputs: {
        Service: 'sts',
        Api: 'GetCallerIdentity',
        PropertySelector: '$.Account',
        DesiredValues: [desired],
      },
    });
    await ssm.send(
      new CreateDocumentCommand({
        Name: 'Acme-Wait',
        Content: automation([
          wait('Ready', range.accountId),
          wait('Never', '000000000000', { timeoutSeconds: 600 }),
        ]),
        DocumentType: 'Automation',
      }),
    );
    const { AutomationExecutionId } = await ssm.send(
      new StartAutomationExecutionCommand({ DocumentName: 'Acme-Wait' }),
    );
    clock.advance(runTimes.automationMs);
    const waiting = await ssm.send(new GetAutomationExecutionCommand({ AutomationExecutionId }));
    expect(waiting.AutomationExecution?.AutomationExecutionStatus).to.equal('InProgress');
    clock.advance(600_000);
    const out = (await ssm.send(new GetAutomationExecutionCommand({ AutomationExecutionId })))
      .AutomationExecution;
    // "By default, if an action times out, the automation execution status will be Timed Out" (Handling
    // timeouts in runbooks).
    expect(out?.AutomationExecutionStatus).to.equal('TimedOut');
    expect(out?.StepExecutions?.map((s) => [s.StepName, s.StepStatus])).to.deep.equal([
      ['Ready', 'Success'],
      ['Never', 'TimedOut'],
    ]);
    expect(out?.FailureMessage).to.contain('000000000000');
  });
});
