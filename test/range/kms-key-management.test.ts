import { expect } from 'chai';
import {
  CloudFormationClient,
  CreateStackCommand,
  DeleteStackCommand,
  DescribeStacksCommand,
  type Stack,
} from '@aws-sdk/client-cloudformation';
import {
  CancelKeyDeletionCommand,
  CreateAliasCommand,
  CreateKeyCommand,
  DescribeKeyCommand,
  DisableKeyCommand,
  EnableKeyCommand,
  KMSClient,
  ScheduleKeyDeletionCommand,
} from '@aws-sdk/client-kms';
import { failure, startTestRange, type TestRange } from './harness.js';

async function settled(cfn: CloudFormationClient, name: string): Promise<Stack> {
  for (let i = 0; i < 800; i++) {
    const stack = (await cfn.send(new DescribeStacksCommand({ StackName: name }))).Stacks?.[0];
    if (stack && !stack.StackStatus?.endsWith('_IN_PROGRESS')) return stack;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`stack ${name} never settled`);
}

describe('range: KMS key management by id or ARN, and CloudFormation deleting a key already scheduled', function () {
  this.timeout(60_000);
  let range: TestRange;
  let kms: KMSClient;
  let cfn: CloudFormationClient;

  before(async () => {
    range = await startTestRange();
    kms = new KMSClient(range.clientConfig());
    cfn = new CloudFormationClient(range.clientConfig());
  });
  after(() => range.stop());

  it('refuses an alias where the API takes a key id or key ARN only, and accepts the ARN', async () => {
    const { KeyMetadata: key } = await kms.send(new CreateKeyCommand({ Description: 'ledger' }));
    await kms.send(new CreateAliasCommand({ AliasName: 'alias/ledger', TargetKeyId: key!.KeyId }));
    // ScheduleKeyDeletion, CancelKeyDeletion, EnableKey, DisableKey: "Specify the key ID or key ARN of the
    // KMS key" (API reference); DescribeKey and the cryptographic operations also take aliases.
    const aliasArn = `arn:aws:kms:${range.region}:${range.accountId}:alias/ledger`;
    for (const ref of ['alias/ledger', aliasArn]) {
      const schedule = await failure(kms.send(new ScheduleKeyDeletionCommand({ KeyId: ref })));
      expect(schedule.name).to.equal('NotFoundException');
      expect(schedule.message).to.equal(`Invalid keyId ${ref}`);
      expect((await failure(kms.send(new DisableKeyCommand({ KeyId: ref })))).name).to.equal(
        'NotFoundException',
      );
    }
    const described = await kms.send(new DescribeKeyCommand({ KeyId: 'alias/ledger' }));
    expect(described.KeyMetadata?.KeyState).to.equal('Enabled');

    await range.aws(['kms', 'schedule-key-deletion', '--key-id', key!.Arn!, '--pending-window-in-days', '7']);
    const byAlias = await range.awsFails(['kms', 'cancel-key-deletion', '--key-id', 'alias/ledger']);
    expect(byAlias.stderr).to.contain('(NotFoundException)').and.contain('Invalid keyId alias/ledger');
    await range.aws(['kms', 'cancel-key-deletion', '--key-id', key!.Arn!]);
    const enable = await failure(kms.send(new EnableKeyCommand({ KeyId: 'alias/ledger' })));
    expect(enable.name).to.equal('NotFoundException');
    await range.aws(['kms', 'enable-key', '--key-id', key!.Arn!]);
    const after = await kms.send(new DescribeKeyCommand({ KeyId: key!.KeyId }));
    expect(after.KeyMetadata).to.include({ KeyState: 'Enabled', Enabled: true });
    const cancels = range.events('CancelKeyDeletion');
    expect(cancels.map((e) => e.errorCode ?? 'ok')).to.deep.equal(['NotFoundException', 'ok']);
    const again = await failure(kms.send(new CancelKeyDeletionCommand({ KeyId: key!.KeyId })));
    expect(again.name).to.equal('KMSInvalidStateException');
  });

  it('deletes a stack whose key someone already scheduled for deletion (the deletion stands)', async () => {
    const template = {
      Resources: {
        Key: { Type: 'AWS::KMS::Key', Properties: { Description: 'doomed', PendingWindowInDays: 7 } },
        Alias: {
          Type: 'AWS::KMS::Alias',
          Properties: { AliasName: 'alias/doomed-by-hand', TargetKeyId: { Ref: 'Key' } },
        },
      },
      Outputs: { KeyId: { Value: { Ref: 'Key' } } },
    };
    await cfn.send(
      new CreateStackCommand({ StackName: 'kms-doomed', TemplateBody: JSON.stringify(template) }),
    );
    const stack = await settled(cfn, 'kms-doomed');
    expect(stack.StackStatus, stack.StackStatusReason).to.equal('CREATE_COMPLETE');
    const keyId = stack.Outputs?.find((o) => o.OutputKey === 'KeyId')?.OutputValue;
    const scheduled = await kms.send(
      new ScheduleKeyDeletionCommand({ KeyId: keyId, PendingWindowInDays: 30 }),
    );

    // AWS's AWS::KMS::Key handler takes KMSInvalidStateException from ScheduleKeyDeletion as success.
    await cfn.send(new DeleteStackCommand({ StackName: 'kms-doomed' }));
    const deleted = await settled(cfn, stack.StackId!);
    expect(deleted.StackStatus, deleted.StackStatusReason).to.equal('DELETE_COMPLETE');
    const key = await kms.send(new DescribeKeyCommand({ KeyId: keyId }));
    expect(key.KeyMetadata?.KeyState).to.equal('PendingDeletion');
    expect(key.KeyMetadata?.DeletionDate?.getTime()).to.equal(scheduled.DeletionDate?.getTime());
    const byCfn = range
      .events('ScheduleKeyDeletion')
      .filter((e) => e.userIdentity?.invokedBy === 'cloudformation.amazonaws.com');
    expect(byCfn.map((e) => e.errorCode)).to.deep.equal(['KMSInvalidStateException']);
  });
});
