import { expect } from 'chai';
import {
  AddRoleToInstanceProfileCommand,
  CreateAccessKeyCommand,
  CreateInstanceProfileCommand,
  CreateUserCommand,
  IAMClient,
  PutUserPolicyCommand,
} from '@aws-sdk/client-iam';
import { CreateFunctionCommand, GetFunctionCommand, LambdaClient } from '@aws-sdk/client-lambda';
import {
  CreateStackCommand,
  CloudFormationClient,
  DescribeStacksCommand,
} from '@aws-sdk/client-cloudformation';
import { failure, startTestRange, type TestRange } from './harness.js';
import { executionRole, packageOf } from './lambda-fixtures.js';

/**
 * "To pass a role (and its permissions) to an AWS service, a user must have permissions to pass the role to
 * the service" (IAM User Guide): a request that hands a role to a service needs iam:PassRole on that role,
 * with iam:PassedToService naming the service. The denial is the calling service's own error, and the
 * call it denies (not a PassRole event, which does not exist) is what CloudTrail records.
 */
describe('range: iam:PassRole on the roles a request hands to a service', function () {
  this.timeout(120_000);
  let range: TestRange;
  let iam: IAMClient;
  let acct: string;
  let key: { accessKeyId: string; secretAccessKey: string };
  let code: Uint8Array;

  const env = () => ({ AWS_ACCESS_KEY_ID: key.accessKeyId, AWS_SECRET_ACCESS_KEY: key.secretAccessKey });
  const policy = (name: string, statements: Array<Record<string, unknown>>) =>
    iam.send(
      new PutUserPolicyCommand({
        UserName: 'deployer',
        PolicyName: name,
        PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: statements }),
      }),
    );
  const createFunction = (name: string, role: string) =>
    new LambdaClient(range.clientConfig({ credentials: key })).send(
      new CreateFunctionCommand({
        FunctionName: name,
        Runtime: 'nodejs22.x',
        Handler: 'index.handler',
        Role: role,
        Code: { ZipFile: code },
      }),
    );

  before(async () => {
    range = await startTestRange();
    iam = new IAMClient(range.clientConfig());
    acct = range.accountId;
    code = packageOf({ 'index.mjs': 'whoami.mjs' });
    await executionRole(range, 'app-fn');
    await executionRole(range, 'admin-fn');
    await executionRole(range, 'app-web', 'ec2.amazonaws.com');
    await iam.send(new CreateInstanceProfileCommand({ InstanceProfileName: 'app-web' }));
    await iam.send(new CreateUserCommand({ UserName: 'deployer' }));
    const { AccessKey } = await iam.send(new CreateAccessKeyCommand({ UserName: 'deployer' }));
    key = { accessKeyId: AccessKey!.AccessKeyId!, secretAccessKey: AccessKey!.SecretAccessKey! };
    await policy('deploy', [
      {
        Effect: 'Allow',
        Action: [
          'lambda:CreateFunction',
          'ec2:RunInstances',
          'cloudformation:*',
          'iam:AddRoleToInstanceProfile',
        ],
        Resource: '*',
      },
      {
        Effect: 'Allow',
        Action: 'iam:PassRole',
        Resource: `arn:aws:iam::${acct}:role/app-*`,
        Condition: { StringEquals: { 'iam:PassedToService': 'lambda.amazonaws.com' } },
      },
    ]);
  });
  after(() => range.stop());

  it('CreateFunction passes its execution role: allowed on app-*, denied on another role with Lambda own error (SDK)', async () => {
    const made = await createFunction('allowed', `arn:aws:iam::${acct}:role/app-fn`);
    expect(made.Role).to.equal(`arn:aws:iam::${acct}:role/app-fn`);

    const err = await failure(createFunction('escalate', `arn:aws:iam::${acct}:role/admin-fn`));
    expect(err.name).to.equal('AccessDeniedException');
    expect(err.$metadata.httpStatusCode).to.equal(403);
    expect(err.message).to.equal(
      `User: arn:aws:iam::${acct}:user/deployer is not authorized to perform: iam:PassRole on resource: arn:aws:iam::${acct}:role/admin-fn because no identity-based policy allows the iam:PassRole action`,
    );
    // Nothing was created, and CloudTrail shows the denied CreateFunction, not a PassRole call.
    const lambda = new LambdaClient(range.clientConfig());
    expect((await failure(lambda.send(new GetFunctionCommand({ FunctionName: 'escalate' })))).name).to.equal(
      'ResourceNotFoundException',
    );
    const denied = range.events('CreateFunction').find((r) => r.errorCode !== undefined);
    expect(denied?.errorCode).to.match(/^AccessDenied/);
    expect(denied?.errorMessage).to.contain('iam:PassRole');
    expect(range.events('PassRole')).to.deep.equal([]);
  });

  it('iam:PassedToService must name the service that receives the role: EC2 is refused a role passed for Lambda (aws CLI)', async () => {
    await iam.send(
      new AddRoleToInstanceProfileCommand({ InstanceProfileName: 'app-web', RoleName: 'app-web' }),
    );
    const vpc = (await range.aws(['ec2', 'create-vpc', '--cidr-block', '10.40.0.0/16'])) as {
      Vpc: { VpcId: string };
    };
    const subnet = (await range.aws([
      'ec2',
      'create-subnet',
      '--vpc-id',
      vpc.Vpc.VpcId,
      '--cidr-block',
      '10.40.1.0/24',
    ])) as { Subnet: { SubnetId: string } };
    const run = [
      'ec2',
      'run-instances',
      '--image-id',
      'ami-0abcdef1234567890',
      '--instance-type',
      't3.micro',
      '--iam-instance-profile',
      'Name=app-web',
      '--subnet-id',
      subnet.Subnet.SubnetId,
    ];
    const denied = await range.awsFails(run, { env: env() });
    expect(denied.stderr).to.contain('(UnauthorizedOperation)');
    expect(denied.stderr).to.contain(`iam:PassRole on resource: arn:aws:iam::${acct}:role/app-web`);

    await policy('pass-to-ec2', [
      {
        Effect: 'Allow',
        Action: 'iam:PassRole',
        Resource: `arn:aws:iam::${acct}:role/app-*`,
        Condition: { StringEquals: { 'iam:PassedToService': 'ec2.amazonaws.com' } },
      },
    ]);
    const out = (await range.aws(run, { env: env() })) as {
      Instances: Array<{ IamInstanceProfile?: { Arn: string } }>;
    };
    expect(out.Instances[0]?.IamInstanceProfile?.Arn).to.equal(
      `arn:aws:iam::${acct}:instance-profile/app-web`,
    );
  });

  it('adding a role to an instance profile needs iam:PassRole without a receiving service (SDK)', async () => {
    await iam.send(new CreateInstanceProfileCommand({ InstanceProfileName: 'spare' }));
    const asDeployer = new IAMClient(range.clientConfig({ credentials: key }));
    // The deployer may pass app-* roles only to named services: no service receives the role here.
    const err = await failure(
      asDeployer.send(
        new AddRoleToInstanceProfileCommand({ InstanceProfileName: 'spare', RoleName: 'app-fn' }),
      ),
    );
    expect(err.name).to.equal('AccessDenied');
    expect(err.message).to.contain(`iam:PassRole on resource: arn:aws:iam::${acct}:role/app-fn`);
  });

  it('a stack whose function passes a role the caller may not pass fails with the reason (CloudFormation)', async () => {
    const template = JSON.stringify({
      Resources: {
        Fn: {
          Type: 'AWS::Lambda::Function',
          Properties: {
            Runtime: 'nodejs22.x',
            Handler: 'index.handler',
            Role: `arn:aws:iam::${acct}:role/admin-fn`,
            Code: { ZipFile: 'exports.handler = async () => 1;' },
          },
        },
      },
    });
    const cfn = new CloudFormationClient(range.clientConfig({ credentials: key }));
    await cfn.send(new CreateStackCommand({ StackName: 'escalate', TemplateBody: template }));
    let status = '';
    for (let i = 0; i < 400 && !/(COMPLETE|FAILED)$/.test(status); i++) {
      status =
        (await cfn.send(new DescribeStacksCommand({ StackName: 'escalate' }))).Stacks?.[0]?.StackStatus ?? '';
      if (!/(COMPLETE|FAILED)$/.test(status)) await new Promise((r) => setTimeout(r, 25));
    }
    expect(status).to.match(/ROLLBACK_COMPLETE|CREATE_FAILED/);
    const events = (await range.aws([
      'cloudformation',
      'describe-stack-events',
      '--stack-name',
      'escalate',
    ])) as {
      StackEvents: Array<{
        LogicalResourceId: string;
        ResourceStatus: string;
        ResourceStatusReason?: string;
      }>;
    };
    const failed = events.StackEvents.find(
      (e) => e.LogicalResourceId === 'Fn' && e.ResourceStatus === 'CREATE_FAILED',
    );
    expect(failed?.ResourceStatusReason).to.contain(
      `iam:PassRole on resource: arn:aws:iam::${acct}:role/admin-fn`,
    );
  });
});
