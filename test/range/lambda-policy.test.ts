import { expect } from 'chai';
import { CreateAccessKeyCommand, CreateUserCommand, IAMClient } from '@aws-sdk/client-iam';
import {
  AddPermissionCommand,
  CreateFunctionCommand,
  InvokeCommand,
  LambdaClient,
  RemovePermissionCommand,
} from '@aws-sdk/client-lambda';
import { failure, startTestRange, type TestRange } from './harness.js';
import { executionRole, packageOf } from './lambda-fixtures.js';

// A function's resource-based policy (AddPermission) is evaluated for IAM principals as IAM's "Policy
// evaluation logic" says for resource-based policies within one account: naming the user grants without
// an identity-based policy; naming the account leaves the decision to identity-based policies.
describe('range: a Lambda function policy grants IAM principals', function () {
  this.timeout(60_000);
  let range: TestRange;
  let admin: LambdaClient;
  let asUser: LambdaClient;
  let userArn: string;

  before(async () => {
    range = await startTestRange();
    admin = new LambdaClient(range.clientConfig());
    const iam = new IAMClient(range.clientConfig());
    userArn = (await iam.send(new CreateUserCommand({ UserName: 'on-call' }))).User!.Arn!;
    const key = (await iam.send(new CreateAccessKeyCommand({ UserName: 'on-call' }))).AccessKey!;
    asUser = new LambdaClient(
      range.clientConfig({
        credentials: { accessKeyId: key.AccessKeyId!, secretAccessKey: key.SecretAccessKey! },
      }),
    );
    await admin.send(
      new CreateFunctionCommand({
        FunctionName: 'isolate-host',
        Runtime: 'nodejs20.x',
        Handler: 'index.handler',
        Role: await executionRole(range, 'isolate-role'),
        Code: { ZipFile: packageOf({ 'index.mjs': 'whoami.mjs' }) },
      }),
    );
  });
  after(() => range.stop());

  const dryRun = () =>
    asUser.send(new InvokeCommand({ FunctionName: 'isolate-host', InvocationType: 'DryRun' }));

  it('lets a user the policy names invoke, and only while the statement is there', async () => {
    const denied = await failure(dryRun());
    expect(denied.name).to.equal('AccessDeniedException');
    expect(denied.message).to.contain(`User: ${userArn} is not authorized to perform: lambda:InvokeFunction`);
    // Naming the account is not enough within it: the user still needs an identity-based allow.
    await admin.send(
      new AddPermissionCommand({
        FunctionName: 'isolate-host',
        StatementId: 'account',
        Action: 'lambda:InvokeFunction',
        Principal: range.accountId,
      }),
    );
    expect((await failure(dryRun())).name).to.equal('AccessDeniedException');
    await admin.send(
      new AddPermissionCommand({
        FunctionName: 'isolate-host',
        StatementId: 'on-call',
        Action: 'lambda:InvokeFunction',
        Principal: userArn,
      }),
    );
    expect((await dryRun()).StatusCode).to.equal(204);
    await admin.send(new RemovePermissionCommand({ FunctionName: 'isolate-host', StatementId: 'on-call' }));
    expect((await failure(dryRun())).name).to.equal('AccessDeniedException');
  });
});
