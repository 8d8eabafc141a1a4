import { expect } from 'chai';
import {
  CreateFunctionCommand,
  GetFunctionUrlConfigCommand,
  LambdaClient,
  ListAliasesCommand,
  ListEventSourceMappingsCommand,
  ListFunctionUrlConfigsCommand,
  ListVersionsByFunctionCommand,
} from '@aws-sdk/client-lambda';
import { userWith } from './users.js';
import { failure, startTestRange, type TestRange } from './harness.js';
import { executionRole, packageOf } from './lambda-fixtures.js';

// The read-only listings of the incident-response playbook's "what else does this function have":
// AWS Lambda API Reference, ListVersionsByFunction ("Returns a list of versions, with the
// version-specific configuration of each", $LATEST included), ListAliases, ListEventSourceMappings,
// GetFunctionUrlConfig, ListFunctionUrlConfigs (FunctionUrlConfigs is a required member of the answer).
describe('range: Lambda listings a responder runs', function () {
  this.timeout(60_000);
  let range: TestRange;
  let lambda: LambdaClient;
  let arn: string;

  before(async () => {
    range = await startTestRange();
    lambda = new LambdaClient(range.clientConfig());
    const role = await executionRole(range, 'suspect-role');
    arn =
      (
        await lambda.send(
          new CreateFunctionCommand({
            FunctionName: 'suspect',
            Runtime: 'nodejs20.x',
            Handler: 'behaviours.warm',
            Role: role,
            Code: { ZipFile: packageOf({ 'behaviours.js': 'behaviours.js' }) },
          }),
        )
      ).FunctionArn ?? '';
  });
  after(() => range.stop());

  it('lists $LATEST as the only version, with its configuration', async () => {
    const out = await lambda.send(new ListVersionsByFunctionCommand({ FunctionName: 'suspect' }));
    expect(out.Versions?.map((v) => [v.Version, v.FunctionArn, v.Handler])).to.deep.equal([
      ['$LATEST', arn, 'behaviours.warm'],
    ]);
    expect(out.NextMarker).to.equal(undefined);
    const cli = (await range.aws(['lambda', 'list-versions-by-function', '--function-name', arn])) as {
      Versions: Array<{ Version: string; Role: string }>;
    };
    expect(cli.Versions.map((v) => v.Version)).to.deep.equal(['$LATEST']);
    expect(cli.Versions[0]?.Role).to.equal(`arn:aws:iam::${range.accountId}:role/suspect-role`);
    expect(range.events('ListVersionsByFunction').map((e) => e.requestParameters)).to.deep.equal([
      { functionName: 'suspect' },
      { functionName: arn },
    ]);
  });

  it('lists no aliases, event source mappings or function URLs, and finds no function URL', async () => {
    expect((await lambda.send(new ListAliasesCommand({ FunctionName: 'suspect' }))).Aliases).to.deep.equal(
      [],
    );
    expect(await range.aws(['lambda', 'list-aliases', '--function-name', 'suspect'])).to.deep.equal({
      Aliases: [],
    });
    expect(
      (await lambda.send(new ListEventSourceMappingsCommand({ FunctionName: 'suspect' })))
        .EventSourceMappings,
    ).to.deep.equal([]);
    expect(await range.aws(['lambda', 'list-event-source-mappings'])).to.deep.equal({
      EventSourceMappings: [],
    });
    expect(
      (await lambda.send(new ListFunctionUrlConfigsCommand({ FunctionName: 'suspect' }))).FunctionUrlConfigs,
    ).to.deep.equal([]);
    expect(
      await range.aws(['lambda', 'list-function-url-configs', '--function-name', 'suspect']),
    ).to.deep.equal({
      FunctionUrlConfigs: [],
    });
    const noUrl = await failure(lambda.send(new GetFunctionUrlConfigCommand({ FunctionName: 'suspect' })));
    expect(noUrl.name).to.equal('ResourceNotFoundException');
    expect(noUrl.$metadata.httpStatusCode).to.equal(404);
    expect(noUrl.message).to.equal('The resource you requested does not exist.');
    const cli = await range.awsFails(['lambda', 'get-function-url-config', '--function-name', 'suspect']);
    expect(cli.stderr).to.include(
      '(ResourceNotFoundException) when calling the GetFunctionUrlConfig operation',
    );
    for (const name of [
      'ListAliases',
      'ListEventSourceMappings',
      'ListFunctionUrlConfigs',
      'GetFunctionUrlConfig',
    ]) {
      expect(range.events(name), name).to.have.length(2);
    }
    expect(range.events('GetFunctionUrlConfig')[0]).to.include({ errorCode: 'ResourceNotFoundException' });
  });

  it('answers Function not found for an unknown function and a validation error for a bad name', async () => {
    const gone = `arn:aws:lambda:us-east-1:${range.accountId}:function:gone`;
    for (const send of [
      () => lambda.send(new ListVersionsByFunctionCommand({ FunctionName: 'gone' })),
      () => lambda.send(new ListAliasesCommand({ FunctionName: 'gone' })),
      () => lambda.send(new ListFunctionUrlConfigsCommand({ FunctionName: 'gone' })),
      () => lambda.send(new GetFunctionUrlConfigCommand({ FunctionName: 'gone' })),
    ]) {
      const err = await failure(send());
      expect(err.name).to.equal('ResourceNotFoundException');
      expect(err.message).to.equal(`Function not found: ${gone}`);
    }
    const cli = await range.awsFails(['lambda', 'list-versions-by-function', '--function-name', 'gone']);
    expect(cli.stderr).to.include(`Function not found: ${gone}`);
    const bad = await failure(lambda.send(new ListAliasesCommand({ FunctionName: 'not a name' })));
    expect(bad.name).to.equal('ValidationException');
    const many = await failure(
      lambda.send(new ListFunctionUrlConfigsCommand({ FunctionName: 'suspect', MaxItems: 51 })),
    );
    expect(many.name).to.equal('ValidationException');
  });

  it('refuses an IAM user allowed lambda:GetFunction only', async () => {
    const { env } = await userWith(range, 'triage', [
      { Effect: 'Allow', Action: 'lambda:GetFunction', Resource: '*' },
    ]);
    const denied = await range.awsFails(
      ['lambda', 'list-versions-by-function', '--function-name', 'suspect'],
      {
        env,
      },
    );
    expect(denied.stderr).to.include('(AccessDeniedException)');
    expect(denied.stderr).to.include(
      `User: arn:aws:iam::${range.accountId}:user/triage is not authorized to perform: lambda:ListVersionsByFunction on resource: ${arn}`,
    );
  });
});
