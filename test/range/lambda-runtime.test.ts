import { expect } from 'chai';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateFunctionCommand,
  InvokeCommand,
  LambdaClient,
  UpdateFunctionConfigurationCommand,
} from '@aws-sdk/client-lambda';
import { ManualClock } from '../../src/range/index.js';
import {
  DEFAULT_MAX_PROCESSES,
  lambdaRunsSettled,
  setFunctionConcurrency,
} from '../../src/range/services/lambda/index.js';
import { failure, startTestRange, type TestRange } from './harness.js';
import { executionRole, functionLog, packageOf } from './lambda-fixtures.js';

// How functions fail and how asynchronous invocations are retried, as the Lambda Developer Guide
// describes: "Lambda function errors in Node.js/Python" (errorType, errorMessage, trace/stackTrace,
// X-Amz-Function-Error: Unhandled), "Configure Lambda function timeout", and "Error handling and
// automatic retries" (an asynchronous invocation that fails is retried twice, one minute after the
// first attempt and two minutes after the second).
describe('range: Lambda runtimes, failures and asynchronous invocation', function () {
  this.timeout(60_000);
  // Sessions the function gets expire by the range clock and are checked against the wall clock
  // (signatures are): the range clock starts now.
  const clock = new ManualClock(Date.now());
  let range: TestRange;
  let lambda: LambdaClient;
  let roleArn: string;

  before(async () => {
    range = await startTestRange({ clock });
    lambda = new LambdaClient(range.clientConfig());
    roleArn = await executionRole(range, 'runtime-role');
    for (const [name, handler] of [
      ['fails', 'app.fails'],
      ['exits', 'app.exits'],
      ['hangs', 'app.hangs'],
      ['counts', 'app.counts'],
      ['warm', 'app.warm'],
      ['gate', 'app.gate'],
    ] as const) {
      await lambda.send(
        new CreateFunctionCommand({
          FunctionName: name,
          Runtime: 'nodejs18.x',
          Handler: handler,
          Role: roleArn,
          Code: { ZipFile: packageOf({ 'app.js': 'behaviours.js' }) },
          Timeout: name === 'hangs' ? 1 : name === 'gate' ? 60 : 10,
        }),
      );
    }
  });
  after(() => range.stop());

  const invoke = async (name: string, payload = '{}') => {
    const out = await lambda.send(
      new InvokeCommand({ FunctionName: name, Payload: Buffer.from(payload), LogType: 'Tail' }),
    );
    return {
      status: out.StatusCode,
      functionError: out.FunctionError,
      payload: JSON.parse(Buffer.from(out.Payload ?? []).toString()) as Record<string, unknown>,
      log: Buffer.from(out.LogResult ?? '', 'base64').toString(),
    };
  };

  it('reports a thrown error as an Unhandled function error with its type, message and trace', async () => {
    const out = await invoke('fails');
    expect(out.status).to.equal(200);
    expect(out.functionError).to.equal('Unhandled');
    expect(out.payload).to.include({ errorType: 'TypeError', errorMessage: 'the widget is missing' });
    expect((out.payload.trace as string[])[0]).to.equal('TypeError: the widget is missing');
    expect(out.log).to.match(/\tERROR\tabout to fail\n/);
    expect(out.log).to.match(/\tERROR\tInvoke Error \t\{"errorType":"TypeError"/);
  });

  it('reuses a warm process (module state survives) until the function changes; REPORT shows Init Duration on cold starts', async () => {
    const calls = async () => {
      const out = await lambda.send(new InvokeCommand({ FunctionName: 'warm', LogType: 'Tail' }));
      const report = Buffer.from(out.LogResult ?? '', 'base64')
        .toString()
        .split('\n')
        .find((l) => l.startsWith('REPORT'));
      return { count: Buffer.from(out.Payload ?? []).toString(), report: report ?? '' };
    };
    const init = /\tInit Duration: [\d.]+ ms\t$/;
    const first = await calls();
    expect(first.count).to.equal('1');
    expect(first.report).to.match(init);
    const second = await calls();
    expect(second.count).to.equal('2');
    expect(second.report).to.not.match(/Init Duration/);
    await lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: 'warm', MemorySize: 256 }));
    const fresh = await calls();
    expect(fresh.count).to.equal('1');
    expect(fresh.report).to.match(init);
  });

  it('reports a process that exits without answering as Runtime.ExitError', async () => {
    const out = await invoke('exits');
    expect(out.functionError).to.equal('Unhandled');
    expect(out.payload.errorType).to.equal('Runtime.ExitError');
    expect(out.payload.errorMessage).to.match(
      /^RequestId: [0-9a-f-]{36} Error: Runtime exited with error: exit status 3$/,
    );
  });

  it('stops a run at its Timeout: "Task timed out after 1.00 seconds"', async () => {
    const out = await invoke('hangs');
    expect(out.functionError).to.equal('Unhandled');
    expect(out.payload.errorType).to.equal('Sandbox.Timedout');
    expect(out.payload.errorMessage).to.match(/Error: Task timed out after 1\.00 seconds$/);
    expect(out.log).to.match(/Z [0-9a-f-]{36} Task timed out after 1\.00 seconds\n/);
    const log = await functionLog(range, 'hangs');
    expect(log.messages.some((m) => /Task timed out after 1\.00 seconds$/.test(m))).to.equal(true);
  });

  it('runs a Python handler with boto3 on the range (AWS CLI), and reports a raised exception', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sirs-lambda-py-'));
    try {
      writeFileSync(join(dir, 'py.zip'), packageOf({ 'app.py': 'whoami.py', 'oops.py': 'fails.py' }));
      await range.aws([
        'lambda',
        'create-function',
        '--function-name',
        'whoami-py',
        '--runtime',
        'python3.12',
        '--handler',
        'app.handler',
        '--role',
        roleArn,
        '--zip-file',
        `fileb://${join(dir, 'py.zip')}`,
        '--timeout',
        '60',
        '--environment',
        'Variables={COLOUR=green}',
      ]);
      const out = join(dir, 'out.json');
      const answer = (await range.aws([
        'lambda',
        'invoke',
        '--function-name',
        'whoami-py',
        '--payload',
        '{"n":3}',
        out,
      ])) as Record<string, unknown>;
      expect(answer).to.include({ StatusCode: 200 });
      expect(answer.FunctionError).to.equal(undefined);
      expect(JSON.parse(readFileSync(out, 'utf8'))).to.deep.equal({
        arn: `arn:aws:sts::${range.accountId}:assumed-role/runtime-role/whoami-py`,
        functionName: 'whoami-py',
        colour: 'green',
        event: { n: 3 },
      });
      const call = range.events('GetCallerIdentity').at(-1);
      expect(call?.userIdentity).to.include({
        arn: `arn:aws:sts::${range.accountId}:assumed-role/runtime-role/whoami-py`,
      });

      await range.aws([
        'lambda',
        'update-function-configuration',
        '--function-name',
        'whoami-py',
        '--handler',
        'oops.handler',
      ]);
      const failed = (await range.aws([
        'lambda',
        'invoke',
        '--function-name',
        'whoami-py',
        '--payload',
        '{"n":4}',
        out,
      ])) as Record<string, unknown>;
      expect(failed.FunctionError).to.equal('Unhandled');
      expect(JSON.parse(readFileSync(out, 'utf8'))).to.include({
        errorType: 'ValueError',
        errorMessage: 'bad input: 4',
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('queues an Event invocation on the range clock and retries a failing function twice (1 and 2 minutes later)', async () => {
    const starts = async () =>
      (await functionLog(range, 'counts').catch(() => ({ messages: [] as string[] }))).messages.filter((m) =>
        m.startsWith('START '),
      ).length;
    const accepted = await lambda.send(
      new InvokeCommand({
        FunctionName: 'counts',
        InvocationType: 'Event',
        Payload: Buffer.from('{"id":"e-1"}'),
      }),
    );
    expect(accepted.StatusCode).to.equal(202);
    await lambdaRunsSettled(range.engine.info);
    expect(await starts()).to.equal(0); // nothing runs until the range clock moves

    clock.advance(0);
    await lambdaRunsSettled(range.engine.info);
    expect(await starts()).to.equal(1);
    clock.advance(59_000);
    await lambdaRunsSettled(range.engine.info);
    expect(await starts()).to.equal(1);
    clock.advance(1_000);
    await lambdaRunsSettled(range.engine.info);
    expect(await starts()).to.equal(2);
    clock.advance(120_000);
    await lambdaRunsSettled(range.engine.info);
    expect(await starts()).to.equal(3);
    clock.advance(3_600_000);
    await lambdaRunsSettled(range.engine.info);
    expect(await starts()).to.equal(3);
    const log = await functionLog(range, 'counts');
    // The three attempts share the request id, as Lambda's retries of one event do.
    const ids = new Set(log.messages.filter((m) => m.startsWith('START ')).map((m) => m.split(' ')[2]));
    expect(ids.size).to.equal(1);
    expect(log.messages.filter((m) => m.includes('attempt for e-1'))).to.have.length(3);

    const dry = await lambda.send(new InvokeCommand({ FunctionName: 'counts', InvocationType: 'DryRun' }));
    expect(dry.StatusCode).to.equal(204);
  });

  it("throttles a synchronous invocation over the range's concurrency and queues an asynchronous one", async () => {
    setFunctionConcurrency(range.engine.info, 2);
    const dir = mkdtempSync(join(tmpdir(), 'sirs-lambda-gate-'));
    try {
      const gate = (id: number, type: 'RequestResponse' | 'Event' = 'RequestResponse') =>
        lambda.send(
          new InvokeCommand({
            FunctionName: 'gate',
            InvocationType: type,
            Payload: Buffer.from(JSON.stringify({ dir, id })),
          }),
        );
      const started = (id: number) => existsSync(join(dir, `started-${id}`));
      const first = gate(1);
      const second = gate(2);
      // Wait (on the condition, not on time) until both processes are running their handler.
      for (let i = 0; i < 2500 && !(started(1) && started(2)); i++)
        await new Promise((r) => setTimeout(r, 20));
      expect(started(1) && started(2)).to.equal(true);

      const err = await failure(gate(3));
      expect(err.name).to.equal('TooManyRequestsException');
      expect(err.$metadata.httpStatusCode).to.equal(429);
      expect((await gate(4, 'Event')).StatusCode).to.equal(202);
      clock.advance(0); // the queued run is due; it waits for a process, it is not throttled

      writeFileSync(join(dir, 'release'), '');
      expect(Buffer.from((await first).Payload ?? []).toString()).to.equal('1');
      expect(Buffer.from((await second).Payload ?? []).toString()).to.equal('2');
      await lambdaRunsSettled(range.engine.info);
      expect(started(3)).to.equal(false);
      expect(started(4)).to.equal(true);
    } finally {
      setFunctionConcurrency(range.engine.info, DEFAULT_MAX_PROCESSES);
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
