import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  CloudFormationClient,
  DeleteStackCommand,
  DescribeStacksCommand,
  UpdateStackCommand,
  type Stack,
} from '@aws-sdk/client-cloudformation';
import {
  CreateUserCommand,
  GetGroupCommand,
  GetInstanceProfileCommand,
  GetLoginProfileCommand,
  GetPolicyCommand,
  GetPolicyVersionCommand,
  GetRoleCommand,
  GetUserCommand,
  IAMClient,
  ListAttachedGroupPoliciesCommand,
  ListAttachedRolePoliciesCommand,
  ListRolePoliciesCommand,
  ListUserPoliciesCommand,
} from '@aws-sdk/client-iam';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { failure, startTestRange, type TestRange } from './harness.js';

const template = readFileSync(fileURLToPath(new URL('./templates/iam.yaml', import.meta.url)), 'utf8');

async function settled(cfn: CloudFormationClient, name: string): Promise<Stack> {
  for (let i = 0; i < 400; i++) {
    const stack = (await cfn.send(new DescribeStacksCommand({ StackName: name }))).Stacks?.[0];
    if (stack && !stack.StackStatus?.endsWith('_IN_PROGRESS')) return stack;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`stack ${name} never settled`);
}

const outputs = (stack: Stack) =>
  Object.fromEntries((stack.Outputs ?? []).map((o) => [o.OutputKey, o.OutputValue ?? '']));

describe('range: CloudFormation IAM resources', function () {
  this.timeout(30_000);
  let range: TestRange;
  let cfn: CloudFormationClient;
  let iam: IAMClient;
  before(async () => {
    range = await startTestRange();
    cfn = new CloudFormationClient(range.clientConfig());
    iam = new IAMClient(range.clientConfig());
    await iam.send(new CreateUserCommand({ UserName: 'on-call' }));
  });
  after(() => range.stop());

  it('creates users, groups, roles, policies, keys and profiles that IAM reports, and a key that works', async () => {
    const refused = await range.awsFails([
      'cloudformation',
      'create-stack',
      '--stack-name',
      'ids',
      '--template-body',
      template,
      '--parameters',
      'ParameterKey=Responder,ParameterValue=on-call',
      '--capabilities',
      'CAPABILITY_IAM',
    ]);
    expect(refused.stderr).to.contain('Requires capabilities : [CAPABILITY_NAMED_IAM]');
    await range.aws([
      'cloudformation',
      'create-stack',
      '--stack-name',
      'ids',
      '--template-body',
      template,
      '--parameters',
      'ParameterKey=Responder,ParameterValue=on-call',
      '--capabilities',
      'CAPABILITY_NAMED_IAM',
      '--tags',
      'Key=exercise,Value=ex-1',
    ]);
    await range.aws(['cloudformation', 'wait', 'stack-create-complete', '--stack-name', 'ids']);
    const out = outputs(await settled(cfn, 'ids'));
    expect(out.UserName).to.match(/^ids-Analyst-[A-Z0-9]{13}$/);
    expect(out.UserArn).to.equal(`arn:aws:iam::123456789012:user/sirs/${out.UserName}`);
    expect(out.RoleArn).to.equal('arn:aws:iam::123456789012:role/apps/ids-app');
    expect(out.RoleId).to.match(/^AROA/);
    expect(out.PolicyArn).to.match(/^arn:aws:iam::123456789012:policy\/ids-ReadData-[A-Z0-9]{13}$/);

    const user = (await iam.send(new GetUserCommand({ UserName: out.UserName }))).User;
    expect(user?.Tags).to.deep.include.members([
      { Key: 'role', Value: 'analyst' },
      { Key: 'exercise', Value: 'ex-1' },
    ]);
    expect(
      (await iam.send(new GetLoginProfileCommand({ UserName: out.UserName }))).LoginProfile
        ?.PasswordResetRequired,
    ).to.equal(true);
    expect(
      (await iam.send(new ListUserPoliciesCommand({ UserName: out.UserName }))).PolicyNames,
    ).to.deep.equal(['describe-instances']);
    const group = await iam.send(new GetGroupCommand({ GroupName: 'ids-responders' }));
    expect(group.Users?.map((u) => u.UserName)).to.have.members([out.UserName, 'on-call']);
    expect(
      (
        await iam.send(new ListAttachedGroupPoliciesCommand({ GroupName: 'ids-responders' }))
      ).AttachedPolicies?.map((p) => p.PolicyName),
    ).to.deep.equal(['ReadOnlyAccess']);
    const role = (await range.aws(['iam', 'get-role', '--role-name', 'ids-app'])) as {
      Role: { MaxSessionDuration: number; Description: string; Path: string };
    };
    expect(role.Role).to.deep.include({
      MaxSessionDuration: 7200,
      Description: 'application role',
      Path: '/apps/',
    });
    expect(
      (await iam.send(new ListRolePoliciesCommand({ RoleName: 'ids-app' }))).PolicyNames,
    ).to.have.members(['logs', 'describe-instances']);
    expect(
      (await iam.send(new ListAttachedRolePoliciesCommand({ RoleName: 'ids-app' }))).AttachedPolicies?.map(
        (p) => p.PolicyArn,
      ),
    ).to.deep.equal([out.PolicyArn]);
    const profile = (await iam.send(new GetInstanceProfileCommand({ InstanceProfileName: out.ProfileName })))
      .InstanceProfile;
    expect(profile?.Roles?.map((r) => r.RoleName)).to.deep.equal(['ids-app']);

    // The access key CloudFormation made is a working credential of the new user.
    const asAnalyst = new STSClient(
      range.clientConfig({ credentials: { accessKeyId: out.KeyId, secretAccessKey: out.Secret } }),
    );
    expect((await asAnalyst.send(new GetCallerIdentityCommand({}))).Arn).to.equal(out.UserArn);
    const keyEvent = range.events('CreateAccessKey').at(-1);
    expect(keyEvent?.userIdentity).to.include({ invokedBy: 'cloudformation.amazonaws.com' });
    expect(JSON.stringify(keyEvent)).not.to.contain(out.Secret);

    // Update: a new default policy version, a deactivated key.
    await cfn.send(
      new UpdateStackCommand({
        StackName: 'ids',
        UsePreviousTemplate: true,
        Capabilities: ['CAPABILITY_NAMED_IAM'],
        Parameters: [
          { ParameterKey: 'KeyStatus', ParameterValue: 'Inactive' },
          { ParameterKey: 'ReadActions', ParameterValue: 's3:GetObject,s3:ListBucket' },
          { ParameterKey: 'Responder', UsePreviousValue: true },
        ],
      }),
    );
    const updated = await settled(cfn, 'ids');
    expect(updated.StackStatus).to.equal('UPDATE_COMPLETE');
    expect(outputs(updated).KeyId).to.equal(out.KeyId);
    const policy = (await iam.send(new GetPolicyCommand({ PolicyArn: out.PolicyArn }))).Policy;
    expect(policy?.DefaultVersionId).to.equal('v2');
    const doc =
      (await iam.send(new GetPolicyVersionCommand({ PolicyArn: out.PolicyArn, VersionId: 'v2' })))
        .PolicyVersion?.Document ?? '';
    expect(JSON.parse(decodeURIComponent(doc)).Statement[0].Action).to.deep.equal([
      's3:GetObject',
      's3:ListBucket',
    ]);
    expect((await failure(asAnalyst.send(new GetCallerIdentityCommand({})))).name).to.equal(
      'InvalidClientTokenId',
    );

    await cfn.send(new DeleteStackCommand({ StackName: 'ids' }));
    expect((await settled(cfn, updated.StackId ?? '')).StackStatus).to.equal('DELETE_COMPLETE');
    expect((await failure(iam.send(new GetUserCommand({ UserName: out.UserName })))).name).to.equal(
      'NoSuchEntityException',
    );
    expect((await failure(iam.send(new GetRoleCommand({ RoleName: 'ids-app' })))).name).to.equal(
      'NoSuchEntityException',
    );
    expect((await failure(iam.send(new GetPolicyCommand({ PolicyArn: out.PolicyArn })))).name).to.equal(
      'NoSuchEntityException',
    );
    expect(
      (await iam.send(new GetUserCommand({ UserName: 'on-call' }))).User?.UserName,
      'users from outside the stack stay',
    ).to.equal('on-call');
  });
});
