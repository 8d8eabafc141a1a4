import { expect } from 'chai';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CloudWatchLogsClient, DescribeLogGroupsCommand } from '@aws-sdk/client-cloudwatch-logs';
import {
  CreateFunctionCommand,
  DeleteFunctionConcurrencyCommand,
  GetAccountSettingsCommand,
  GetFunctionCommand,
  GetFunctionConcurrencyCommand,
  InvokeCommand,
  LambdaClient,
  PutFunctionConcurrencyCommand,
  TooManyRequestsException,
} from '@aws-sdk/client-lambda';
import { ManualClock } from '../../src/range/index.js';
import { lambdaRunsSettled } from '../../src/range/services/lambda/index.js';
import { userWith } from './users.js';
import { failure, startTestRange, type TestRange } from './harness.js';
import { executionRole, packageOf } from './lambda-fixtures.js';

// Reserved concurrency, the incident-response step "stop a malicious function": AWS Lambda API
// Reference (PutFunctionConcurrency: "leave at least 100 simultaneous executions unreserved";
// GetFunctionConcurrency; DeleteFunctionConcurrency; GetFunction's Concurrency; TooManyRequestsException's
// Reason ReservedFunctionConcurrentInvocationLimitExceeded) and the Developer Guide ("Configuring
// reserved concurrency": 0 throttles every invocation; "Asynchronous invocation": throttled events go
// back to the queue and are retried for up to six hours).
describe('range: Lambda reserved concurrency', function () {
  this.timeout(60_000);
  const clock = new ManualClock(Date.now());
  let range: TestRange;
  let lambda: LambdaClient;
  let dir: string;

  before(async () => {
    range = await startTestRange({ clock });
    lambda = new LambdaClient(range.clientConfig());
    dir = mkdtempSync(join(tmpdir(), 'sirs-lambda-concurrency-'));
    // `gate` writes started-<id> in the folder the event names and returns once `release` exists.
    writeFileSync(join(dir, 'release'), '');
    const role = await executionRole(range, 'acts-role');
    for (const name of ['acts', 'greedy']) {
      await lambda.send(
        new CreateFunctionCommand({
          FunctionName: name,
          Runtime: 'nodejs20.x',
          Handler: 'behaviours.gate',
          Role: role,
          Code: { ZipFile: packageOf({ 'behaviours.js': 'behaviours.js' }) },
          Timeout: 30,
        }),
      );
    }
  });
  after(async () => {
    await range.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const event = (id: string) => Buffer.from(JSON.stringify({ dir, id }));

  it('sets, reads and removes a reservation through the SDK and the AWS CLI, recorded in CloudTrail', async () => {
    expect(
      await lambda.send(new GetFunctionConcurrencyCommand({ FunctionName: 'acts' })),
    ).to.not.have.property('ReservedConcurrentExecutions');
    expect((await lambda.send(new GetFunctionCommand({ FunctionName: 'acts' }))).Concurrency).to.equal(
      undefined,
    );
    const put = await lambda.send(
      new PutFunctionConcurrencyCommand({ FunctionName: 'acts', ReservedConcurrentExecutions: 5 }),
    );
    expect(put.ReservedConcurrentExecutions).to.equal(5);
    expect((await lambda.send(new GetFunctionCommand({ FunctionName: 'acts' }))).Concurrency).to.deep.equal({
      ReservedConcurrentExecutions: 5,
    });
    expect(await range.aws(['lambda', 'get-function-concurrency', '--function-name', 'acts'])).to.deep.equal({
      ReservedConcurrentExecutions: 5,
    });
    expect(
      await range.aws([
        'lambda',
        'put-function-concurrency',
        '--function-name',
        `arn:aws:lambda:us-east-1:${range.accountId}:function:acts`,
        '--reserved-concurrent-executions',
        '2',
      ]),
    ).to.deep.equal({ ReservedConcurrentExecutions: 2 });
    await range.aws(['lambda', 'delete-function-concurrency', '--function-name', 'acts']);
    expect(await range.aws(['lambda', 'get-function', '--function-name', 'acts'])).to.not.have.property(
      'Concurrency',
    );
    await lambda.send(new DeleteFunctionConcurrencyCommand({ FunctionName: 'acts' }));
    const puts = range.events('PutFunctionConcurrency');
    expect(puts.map((e) => e.requestParameters)).to.deep.equal([
      { functionName: 'acts', reservedConcurrentExecutions: 5 },
      {
        functionName: `arn:aws:lambda:us-east-1:${range.accountId}:function:acts`,
        reservedConcurrentExecutions: 2,
      },
    ]);
    expect(puts[0]).to.include({ eventSource: 'lambda.amazonaws.com', readOnly: false });
    expect(range.events('DeleteFunctionConcurrency')).to.have.length(2);
    expect(range.events('GetFunctionConcurrency')[0]).to.include({ readOnly: true });

    const missing = await range.awsFails(['lambda', 'get-function-concurrency', '--function-name', 'nope']);
    expect(missing.stderr).to.include(
      '(ResourceNotFoundException) when calling the GetFunctionConcurrency operation',
    );
    expect(missing.stderr).to.include(
      `Function not found: arn:aws:lambda:us-east-1:${range.accountId}:function:nope`,
    );
  });

  it('stops a function with reserved concurrency 0: a synchronous invocation is throttled and nothing runs', async () => {
    await range.aws([
      'lambda',
      'put-function-concurrency',
      '--function-name',
      'acts',
      '--reserved-concurrent-executions',
      '0',
    ]);
    const err = await failure(
      lambda.send(new InvokeCommand({ FunctionName: 'acts', Payload: event('sync') })),
    );
    expect(err).to.be.instanceOf(TooManyRequestsException);
    expect(err.$metadata.httpStatusCode).to.equal(429);
    expect((err as TooManyRequestsException).Reason).to.equal(
      'ReservedFunctionConcurrentInvocationLimitExceeded',
    );
    expect(err.message).to.equal('Rate Exceeded.');
    const cli = await range.awsFails([
      'lambda',
      'invoke',
      '--function-name',
      'acts',
      '--payload',
      JSON.stringify({ dir, id: 'cli' }),
      join(dir, 'out.json'),
    ]);
    expect(cli.stderr).to.include('(TooManyRequestsException) when calling the Invoke operation');
    expect(cli.stderr).to.include('Rate Exceeded.');
    expect(existsSync(join(dir, 'started-sync'))).to.equal(false);
    expect(existsSync(join(dir, 'started-cli'))).to.equal(false);
    // No run means no log stream: Lambda never started an execution environment.
    const logs = new CloudWatchLogsClient(range.clientConfig());
    const groups = await logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: '/aws/lambda/acts' }));
    expect(groups.logGroups ?? []).to.deep.equal([]);
  });

  it('accepts an Event invocation of a stopped function without running it, and runs it once the reservation is removed', async () => {
    const out = await lambda.send(
      new InvokeCommand({ FunctionName: 'acts', InvocationType: 'Event', Payload: event('queued') }),
    );
    expect(out.StatusCode).to.equal(202);
    clock.advance(0);
    await lambdaRunsSettled(range.engine.info);
    clock.advance(60_000);
    await lambdaRunsSettled(range.engine.info);
    expect(existsSync(join(dir, 'started-queued'))).to.equal(false);
    await lambda.send(new DeleteFunctionConcurrencyCommand({ FunctionName: 'acts' }));
    clock.advance(5 * 60_000);
    await lambdaRunsSettled(range.engine.info);
    expect(existsSync(join(dir, 'started-queued'))).to.equal(true);
  });

  it("keeps 100 of the account's 1,000 concurrent executions unreserved", async () => {
    await lambda.send(
      new PutFunctionConcurrencyCommand({ FunctionName: 'acts', ReservedConcurrentExecutions: 400 }),
    );
    const err = await failure(
      lambda.send(
        new PutFunctionConcurrencyCommand({ FunctionName: 'greedy', ReservedConcurrentExecutions: 501 }),
      ),
    );
    expect(err.name).to.equal('InvalidParameterValueException');
    expect(err.message).to.equal(
      "Specified ReservedConcurrentExecutions for function decreases account's UnreservedConcurrentExecution below its minimum value of [100].",
    );
    expect(
      await range.aws([
        'lambda',
        'put-function-concurrency',
        '--function-name',
        'greedy',
        '--reserved-concurrent-executions',
        '500',
      ]),
    ).to.deep.equal({ ReservedConcurrentExecutions: 500 });
    // GetAccountSettings shows what the reservations left (AWS CLI and SDK).
    const settings = (await range.aws(['lambda', 'get-account-settings'])) as {
      AccountLimit: { ConcurrentExecutions: number; UnreservedConcurrentExecutions: number };
      AccountUsage: { FunctionCount: number };
    };
    expect(settings.AccountLimit).to.include({
      ConcurrentExecutions: 1000,
      UnreservedConcurrentExecutions: 100,
    });
    expect(settings.AccountUsage.FunctionCount).to.equal(2);
    expect(range.events('GetAccountSettings')).to.have.length(1);
    // Changing a function's own reservation counts the new value, not both.
    await lambda.send(
      new PutFunctionConcurrencyCommand({ FunctionName: 'acts', ReservedConcurrentExecutions: 400 }),
    );
    await lambda.send(new DeleteFunctionConcurrencyCommand({ FunctionName: 'acts' }));
    await lambda.send(new DeleteFunctionConcurrencyCommand({ FunctionName: 'greedy' }));
    const after = await lambda.send(new GetAccountSettingsCommand({}));
    expect(after.AccountLimit?.UnreservedConcurrentExecutions).to.equal(1000);
  });

  it('throttles a synchronous invocation beyond a reservation of 1 while one run is in progress', async () => {
    await lambda.send(
      new PutFunctionConcurrencyCommand({ FunctionName: 'acts', ReservedConcurrentExecutions: 1 }),
    );
    rmSync(join(dir, 'release'));
    const holding = lambda.send(new InvokeCommand({ FunctionName: 'acts', Payload: event('holding') }));
    // Wait (on the condition, not on time) until the first run is inside its handler.
    for (let i = 0; i < 2500 && !existsSync(join(dir, 'started-holding')); i++)
      await new Promise((r) => setTimeout(r, 20));
    expect(existsSync(join(dir, 'started-holding'))).to.equal(true);
    const second = await failure(
      lambda.send(new InvokeCommand({ FunctionName: 'acts', Payload: event('second') })),
    );
    expect((second as TooManyRequestsException).Reason).to.equal(
      'ReservedFunctionConcurrentInvocationLimitExceeded',
    );
    writeFileSync(join(dir, 'release'), '');
    expect(Buffer.from((await holding).Payload ?? []).toString()).to.equal('"holding"');
    const third = await lambda.send(new InvokeCommand({ FunctionName: 'acts', Payload: event('third') }));
    expect(third.StatusCode).to.equal(200);
    expect(existsSync(join(dir, 'started-second'))).to.equal(false);
    await lambda.send(new DeleteFunctionConcurrencyCommand({ FunctionName: 'acts' }));
  });

  it('refuses an IAM user without lambda:PutFunctionConcurrency', async () => {
    const user = await userWith(range, 'reader', [{ Effect: 'Allow', Action: 'lambda:Get*', Resource: '*' }]);
    const reader = new LambdaClient(range.clientConfig({ credentials: user.credentials }));
    expect(
      await reader.send(new GetFunctionConcurrencyCommand({ FunctionName: 'acts' })),
    ).to.not.have.property('ReservedConcurrentExecutions');
    const err = await failure(
      reader.send(
        new PutFunctionConcurrencyCommand({ FunctionName: 'acts', ReservedConcurrentExecutions: 0 }),
      ),
    );
    expect(err.name).to.equal('AccessDeniedException');
    expect(err.message).to.equal(
      `User: arn:aws:iam::${range.accountId}:user/reader is not authorized to perform: lambda:PutFunctionConcurrency on resource: arn:aws:lambda:us-east-1:${range.accountId}:function:acts because no identity-based policy allows the lambda:PutFunctionConcurrency action`,
    );
  });
});
