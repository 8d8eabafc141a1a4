import { expect } from 'chai';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AddPermissionCommand,
  CreateFunctionCommand,
  GetFunctionCommand,
  GetPolicyCommand,
  InvokeCommand,
  LambdaClient,
  ListFunctionsCommand,
  RemovePermissionCommand,
} from '@aws-sdk/client-lambda';
import { failure, startTestRange, type TestRange } from './harness.js';
import { executionRole, functionLog, packageOf } from './lambda-fixtures.js';
import { writeZip } from '../../src/range/services/lambda/zip.js';

// Lambda on the range: functions created from zips really run, with their execution role's session.
// Expected behaviour: AWS Lambda API Reference (CreateFunction, Invoke, AddPermission, GetPolicy) and
// the Developer Guide ("Lambda execution role", "Using Lambda environment variables", "Monitoring
// Lambda with CloudWatch Logs" for START/END/REPORT and the stream name form).
describe('range: Lambda functions', function () {
  this.timeout(60_000);
  let range: TestRange;
  let lambda: LambdaClient;
  let roleArn: string;
  let dir: string;

  before(async () => {
    range = await startTestRange();
    lambda = new LambdaClient(range.clientConfig());
    roleArn = await executionRole(range, 'whoami-role');
    dir = mkdtempSync(join(tmpdir(), 'sirs-lambda-test-'));
  });
  after(async () => {
    await range.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('runs a Node.js handler whose SDK calls act on the range as assumed-role/<role>/<function>', async () => {
    const created = await lambda.send(
      new CreateFunctionCommand({
        FunctionName: 'whoami-node',
        Runtime: 'nodejs20.x',
        Handler: 'index.handler',
        Role: roleArn,
        Code: { ZipFile: packageOf({ 'index.mjs': 'whoami.mjs' }) },
        Environment: { Variables: { COLOUR: 'blue' } },
        Timeout: 30,
      }),
    );
    expect(created).to.include({
      FunctionArn: `arn:aws:lambda:us-east-1:${range.accountId}:function:whoami-node`,
      Runtime: 'nodejs20.x',
      Timeout: 30,
      MemorySize: 128,
      State: 'Active',
      Version: '$LATEST',
    });
    const out = await lambda.send(
      new InvokeCommand({ FunctionName: 'whoami-node', Payload: Buffer.from('{"n":7}'), LogType: 'Tail' }),
    );
    expect(out.StatusCode).to.equal(200);
    expect(out.FunctionError).to.equal(undefined);
    expect(out.ExecutedVersion).to.equal('$LATEST');
    const result = JSON.parse(Buffer.from(out.Payload ?? []).toString()) as Record<string, unknown>;
    expect(result).to.deep.equal({
      arn: `arn:aws:sts::${range.accountId}:assumed-role/whoami-role/whoami-node`,
      functionName: 'whoami-node',
      colour: 'blue',
      event: { n: 7 },
    });
    const tail = Buffer.from(out.LogResult ?? '', 'base64').toString();
    expect(tail).to.match(/^START RequestId: [0-9a-f-]{36} Version: \$LATEST\n/);
    expect(tail).to.match(/\tINFO\tevent {"n":7}\n/);
    expect(tail).to.match(
      /END RequestId: [0-9a-f-]{36}\nREPORT RequestId: [0-9a-f-]{36}\tDuration: [\d.]+ ms\tBilled Duration: \d+ ms\tMemory Size: 128 MB\tMax Memory Used: \d+ MB/,
    );

    // CloudTrail: Lambda assumed the role as the service; the function's call names role and session.
    const assumed = range.events('AssumeRole').at(-1);
    expect(assumed?.userIdentity).to.deep.equal({ type: 'AWSService', invokedBy: 'lambda.amazonaws.com' });
    expect(assumed?.requestParameters).to.include({ roleArn, roleSessionName: 'whoami-node' });
    const call = range.events('GetCallerIdentity').at(-1);
    expect(call?.userIdentity).to.include({
      type: 'AssumedRole',
      arn: `arn:aws:sts::${range.accountId}:assumed-role/whoami-role/whoami-node`,
    });

    // CloudWatch Logs: /aws/lambda/<name>, stream YYYY/MM/DD/[$LATEST]<32 hex>.
    const log = await functionLog(range, 'whoami-node');
    expect(log.streams).to.have.length(1);
    expect(log.streams[0]).to.match(/^\d{4}\/\d{2}\/\d{2}\/\[\$LATEST\][0-9a-f]{32}$/);
    expect(log.messages[0]).to.match(/^START RequestId: /);
    expect(log.messages.some((m) => m.startsWith('END RequestId: '))).to.equal(true);
    expect(log.messages.at(-1)).to.match(/^REPORT RequestId: .*Memory Size: 128 MB/);
  });

  it('manages a function with the AWS CLI: create from a zip file, get, list, update, invoke, delete', async () => {
    const zip = join(dir, 'fn.zip');
    writeFileSync(zip, packageOf({ 'lib/app.js': 'behaviours.js' }));
    const created = (await range.aws([
      'lambda',
      'create-function',
      '--function-name',
      'cli-fn',
      '--runtime',
      'nodejs22.x',
      '--handler',
      'lib/app.callback',
      '--role',
      roleArn,
      '--zip-file',
      `fileb://${zip}`,
      '--memory-size',
      '256',
      '--tags',
      'team=blue',
    ])) as Record<string, unknown>;
    expect(created).to.include({
      FunctionName: 'cli-fn',
      Handler: 'lib/app.callback',
      MemorySize: 256,
      Timeout: 3,
    });
    expect(range.events('CreateFunction').at(-1)).to.include({ eventSource: 'lambda.amazonaws.com' });

    const got = (await range.aws(['lambda', 'get-function', '--function-name', 'cli-fn'])) as {
      Configuration: Record<string, unknown>;
      Code: Record<string, unknown>;
      Tags: Record<string, string>;
    };
    expect(got.Configuration.CodeSha256).to.equal(created.CodeSha256);
    expect(got.Code.RepositoryType).to.equal('S3');
    expect(got.Tags).to.deep.equal({ team: 'blue' });

    const updated = (await range.aws([
      'lambda',
      'update-function-configuration',
      '--function-name',
      'cli-fn',
      '--timeout',
      '10',
      '--environment',
      'Variables={STAGE=drill}',
    ])) as Record<string, unknown>;
    expect(updated).to.deep.include({ Timeout: 10, Environment: { Variables: { STAGE: 'drill' } } });

    const out = join(dir, 'out.json');
    const invoked = (await range.aws([
      'lambda',
      'invoke',
      '--function-name',
      `arn:aws:lambda:us-east-1:${range.accountId}:function:cli-fn`,
      '--payload',
      '{"n":21}',
      out,
    ])) as Record<string, unknown>;
    expect(invoked).to.include({ StatusCode: 200, ExecutedVersion: '$LATEST' });
    expect(JSON.parse(readFileSync(out, 'utf8'))).to.deep.equal({ doubled: 42, remaining: true });

    writeFileSync(zip, writeZip([{ path: 'lib/app.js', data: 'exports.callback = async () => "v2";' }]));
    const code = (await range.aws([
      'lambda',
      'update-function-code',
      '--function-name',
      'cli-fn',
      '--zip-file',
      `fileb://${zip}`,
    ])) as Record<string, unknown>;
    expect(code.CodeSha256).to.not.equal(created.CodeSha256);
    await range.aws(['lambda', 'invoke', '--function-name', 'cli-fn', out]);
    expect(readFileSync(out, 'utf8')).to.equal('"v2"');

    const listed = (await range.aws(['lambda', 'list-functions'])) as {
      Functions: Array<{ FunctionName: string }>;
    };
    expect(listed.Functions.map((f) => f.FunctionName)).to.include('cli-fn');
    await range.aws(['lambda', 'delete-function', '--function-name', 'cli-fn']);
    const gone = await range.awsFails(['lambda', 'get-function', '--function-name', 'cli-fn']);
    expect(gone.stderr).to.include('ResourceNotFoundException');
    expect(gone.stderr).to.include(
      `Function not found: arn:aws:lambda:us-east-1:${range.accountId}:function:cli-fn`,
    );
  });

  it('tags a function by its ARN (AWS CLI: tag-resource, list-tags, untag-resource)', async () => {
    const arn = `arn:aws:lambda:us-east-1:${range.accountId}:function:whoami-node`;
    await range.aws(['lambda', 'tag-resource', '--resource', arn, '--tags', 'owner=blue-team,loop=ssh']);
    expect(await range.aws(['lambda', 'list-tags', '--resource', arn])).to.deep.equal({
      Tags: { owner: 'blue-team', loop: 'ssh' },
    });
    await range.aws(['lambda', 'untag-resource', '--resource', arn, '--tag-keys', 'owner']);
    const got = await lambda.send(new GetFunctionCommand({ FunctionName: 'whoami-node' }));
    expect(got.Tags).to.deep.equal({ loop: 'ssh' });
    expect(range.events('TagResource').at(-1)?.eventSource).to.equal('lambda.amazonaws.com');
  });

  it('pages ListFunctions with MaxItems and NextMarker', async () => {
    for (const name of ['page-a', 'page-b', 'page-c']) {
      await lambda.send(
        new CreateFunctionCommand({
          FunctionName: name,
          Runtime: 'python3.12',
          Handler: 'index.handler',
          Role: roleArn,
          Code: { ZipFile: writeZip([{ path: 'index.py', data: 'def handler(e, c):\n    return 1\n' }]) },
        }),
      );
    }
    const seen: string[] = [];
    let marker: string | undefined;
    do {
      const page = await lambda.send(new ListFunctionsCommand({ MaxItems: 2, Marker: marker }));
      expect(page.Functions?.length).to.be.at.most(2);
      seen.push(...(page.Functions ?? []).map((f) => f.FunctionName ?? ''));
      marker = page.NextMarker;
    } while (marker);
    expect(seen.filter((n) => n.startsWith('page-'))).to.deep.equal(['page-a', 'page-b', 'page-c']);
  });

  it('refuses what AWS refuses: a role Lambda cannot assume, a taken name, reserved variables, a bad zip', async () => {
    const ec2Role = await executionRole(range, 'ec2-only-role', 'ec2.amazonaws.com');
    const base = {
      Runtime: 'nodejs20.x' as const,
      Handler: 'index.handler',
      Code: { ZipFile: writeZip([{ path: 'index.js', data: 'exports.handler = async () => 1;' }]) },
    };
    let err = await failure(
      lambda.send(new CreateFunctionCommand({ ...base, FunctionName: 'x', Role: ec2Role })),
    );
    expect(err.name).to.equal('InvalidParameterValueException');
    expect(err.message).to.equal('The role defined for the function cannot be assumed by Lambda.');
    const cli = await range.awsFails([
      'lambda',
      'create-function',
      '--function-name',
      'x',
      '--runtime',
      'nodejs20.x',
      '--handler',
      'index.handler',
      '--role',
      `arn:aws:iam::${range.accountId}:role/no-such-role`,
      '--zip-file',
      `fileb://${join(dir, 'fn.zip')}`,
    ]);
    expect(cli.stderr).to.include('InvalidParameterValueException');
    expect(cli.stderr).to.include('The role defined for the function cannot be assumed by Lambda.');

    await lambda.send(new CreateFunctionCommand({ ...base, FunctionName: 'taken', Role: roleArn }));
    err = await failure(
      lambda.send(new CreateFunctionCommand({ ...base, FunctionName: 'taken', Role: roleArn })),
    );
    expect(err.name).to.equal('ResourceConflictException');
    expect(err.$metadata.httpStatusCode).to.equal(409);

    err = await failure(
      lambda.send(
        new CreateFunctionCommand({
          ...base,
          FunctionName: 'y',
          Role: roleArn,
          Environment: { Variables: { AWS_REGION: 'eu-west-1' } },
        }),
      ),
    );
    expect(err.name).to.equal('InvalidParameterValueException');
    expect(err.message).to.include('Reserved keys used in this request: AWS_REGION');

    err = await failure(
      lambda.send(new CreateFunctionCommand({ ...base, FunctionName: 'y', Role: roleArn, Timeout: 901 })),
    );
    expect(err.name).to.equal('ValidationException');

    err = await failure(
      lambda.send(
        new CreateFunctionCommand({
          ...base,
          FunctionName: 'y',
          Role: roleArn,
          Code: { ZipFile: Buffer.from('not a zip') },
        }),
      ),
    );
    expect(err.name).to.equal('InvalidParameterValueException');
    expect(err.message).to.include('Could not unzip uploaded file');

    err = await failure(lambda.send(new InvokeCommand({ FunctionName: 'nope' })));
    expect(err.name).to.equal('ResourceNotFoundException');
    expect(err.$metadata.httpStatusCode).to.equal(404);
  });

  it('keeps a resource-based policy: AddPermission, GetPolicy, RemovePermission; services need it to invoke', async () => {
    await lambda.send(
      new CreateFunctionCommand({
        FunctionName: 'guarded',
        Runtime: 'nodejs20.x',
        Handler: 'index.handler',
        Role: roleArn,
        Code: { ZipFile: writeZip([{ path: 'index.js', data: 'exports.handler = async (e) => e;' }]) },
      }),
    );
    const arn = `arn:aws:lambda:us-east-1:${range.accountId}:function:guarded`;
    const ruleArn = `arn:aws:events:us-east-1:${range.accountId}:rule/revert-ssh`;
    const invokeAsEvents = () =>
      range.engine.dispatch(
        undefined,
        'lambda',
        'Invoke',
        { FunctionName: 'guarded', Payload: Buffer.from('{"from":"rule"}') },
        { invokedBy: 'events.amazonaws.com' },
      ) as Promise<{ Payload?: Buffer }>;
    const denied = await failure(invokeAsEvents());
    expect(denied.name).to.equal('ServiceError');
    expect(denied.message).to.include(
      'events.amazonaws.com is not authorized to perform: lambda:InvokeFunction',
    );

    const added = await lambda.send(
      new AddPermissionCommand({
        FunctionName: 'guarded',
        StatementId: 'events-invoke',
        Action: 'lambda:InvokeFunction',
        Principal: 'events.amazonaws.com',
        SourceArn: ruleArn,
      }),
    );
    const statement = {
      Sid: 'events-invoke',
      Effect: 'Allow',
      Principal: { Service: 'events.amazonaws.com' },
      Action: 'lambda:InvokeFunction',
      Resource: arn,
      Condition: { ArnLike: { 'AWS:SourceArn': ruleArn } },
    };
    expect(JSON.parse(added.Statement ?? '')).to.deep.equal(statement);
    const policy = (await range.aws(['lambda', 'get-policy', '--function-name', 'guarded'])) as {
      Policy: string;
    };
    expect(JSON.parse(policy.Policy)).to.deep.equal({
      Version: '2012-10-17',
      Id: 'default',
      Statement: [statement],
    });
    expect(Buffer.from((await invokeAsEvents()).Payload ?? []).toString()).to.equal('{"from":"rule"}');

    const again = await range.awsFails([
      'lambda',
      'add-permission',
      '--function-name',
      'guarded',
      '--statement-id',
      'events-invoke',
      '--action',
      'lambda:InvokeFunction',
      '--principal',
      'events.amazonaws.com',
    ]);
    expect(again.stderr).to.include('ResourceConflictException');
    await lambda.send(new RemovePermissionCommand({ FunctionName: 'guarded', StatementId: 'events-invoke' }));
    const none = await failure(lambda.send(new GetPolicyCommand({ FunctionName: 'guarded' })));
    expect(none.name).to.equal('ResourceNotFoundException');
    expect(
      (await lambda.send(new GetFunctionCommand({ FunctionName: arn }))).Configuration?.FunctionName,
    ).to.equal('guarded');
  });
});
