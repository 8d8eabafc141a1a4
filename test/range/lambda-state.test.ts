import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AddPermissionCommand,
  CreateFunctionCommand,
  GetFunctionConcurrencyCommand,
  GetPolicyCommand,
  InvokeCommand,
  LambdaClient,
  PutFunctionConcurrencyCommand,
} from '@aws-sdk/client-lambda';
import { failure, startTestRange } from './harness.js';
import { executionRole } from './lambda-fixtures.js';
import { writeZip } from '../../src/range/services/lambda/zip.js';

// A range started with --state-dir keeps its functions: the package, settings and resource policy are
// state like any other, and the restarted range runs the function again from the saved package.
describe('range: Lambda functions across a restart', function () {
  this.timeout(60_000);
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'sirs-lambda-state-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  // A one-letter name is valid for Lambda, though shorter than an STS session name may be.
  it('runs a function created before the restart, with its environment and policy; a stopped one stays stopped', async () => {
    const first = await startTestRange({ stateDir: dir });
    try {
      const lambda = new LambdaClient(first.clientConfig());
      await lambda.send(
        new CreateFunctionCommand({
          FunctionName: 'k',
          Runtime: 'nodejs20.x',
          Handler: 'index.handler',
          Role: await executionRole(first, 'kept-role'),
          Code: {
            ZipFile: writeZip([
              { path: 'index.js', data: 'exports.handler = async (e) => process.env.GREETING + e.who;' },
            ]),
          },
          Environment: { Variables: { GREETING: 'hello ' } },
        }),
      );
      await lambda.send(
        new AddPermissionCommand({
          FunctionName: 'k',
          StatementId: 'sns',
          Action: 'lambda:InvokeFunction',
          Principal: 'sns.amazonaws.com',
        }),
      );
      // A responder stopped this one (reserved concurrency 0).
      await lambda.send(
        new CreateFunctionCommand({
          FunctionName: 'stopped',
          Runtime: 'nodejs20.x',
          Handler: 'index.handler',
          Role: await executionRole(first, 'stopped-role'),
          Code: { ZipFile: writeZip([{ path: 'index.js', data: 'exports.handler = async () => 1;' }]) },
        }),
      );
      await lambda.send(
        new PutFunctionConcurrencyCommand({ FunctionName: 'stopped', ReservedConcurrentExecutions: 0 }),
      );
    } finally {
      await first.stop();
    }
    const second = await startTestRange({ stateDir: dir });
    try {
      const lambda = new LambdaClient(second.clientConfig());
      const out = await lambda.send(
        new InvokeCommand({ FunctionName: 'k', Payload: Buffer.from('{"who":"range"}') }),
      );
      expect(out.FunctionError).to.equal(undefined);
      expect(Buffer.from(out.Payload ?? []).toString()).to.equal('"hello range"');
      const policy = JSON.parse(
        (await lambda.send(new GetPolicyCommand({ FunctionName: 'k' }))).Policy ?? '{}',
      ) as {
        Statement: Array<{ Sid: string }>;
      };
      expect(policy.Statement.map((s) => s.Sid)).to.deep.equal(['sns']);
      expect(
        (await lambda.send(new GetFunctionConcurrencyCommand({ FunctionName: 'stopped' })))
          .ReservedConcurrentExecutions,
      ).to.equal(0);
      const throttled = await failure(lambda.send(new InvokeCommand({ FunctionName: 'stopped' })));
      expect(throttled.name).to.equal('TooManyRequestsException');
    } finally {
      await second.stop();
    }
  });
});
