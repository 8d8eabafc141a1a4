import { expect } from 'chai';
import {
  CreateAliasCommand,
  CreateKeyCommand,
  DisableKeyCommand,
  EnableKeyCommand,
  KMSClient,
} from '@aws-sdk/client-kms';
import {
  AddTagsToResourceCommand,
  DeleteParametersCommand,
  DescribeParametersCommand,
  GetParameterCommand,
  GetParameterHistoryCommand,
  GetParametersByPathCommand,
  GetParametersCommand,
  PutParameterCommand,
  SSMClient,
} from '@aws-sdk/client-ssm';
import { failure, startTestRange, type TestRange } from './harness.js';

interface Param {
  Name: string;
  Type: string;
  Value: string;
  Version: number;
  ARN: string;
}

describe('range: SSM Parameter Store', function () {
  this.timeout(90_000);
  let range: TestRange;
  let ssm: SSMClient;
  const secret = 'pg-password-Zq8!vR2#';

  before(async () => {
    range = await startTestRange();
    ssm = new SSMClient(range.clientConfig());
  });
  after(() => range.stop());

  it('creates, overwrites with versions, and reads by version, over the CLI and the SDK', async () => {
    const put = (await range.aws([
      'ssm',
      'put-parameter',
      '--name',
      '/app/db/host',
      '--value',
      'db.internal',
      '--type',
      'String',
      '--description',
      'db host',
    ])) as {
      Version: number;
      Tier: string;
    };
    expect(put).to.deep.equal({ Version: 1, Tier: 'Standard' });
    const again = await range.awsFails([
      'ssm',
      'put-parameter',
      '--name',
      '/app/db/host',
      '--value',
      'x',
      '--type',
      'String',
    ]);
    expect(again.stderr)
      .to.contain('(ParameterAlreadyExists)')
      .and.contain('set the overwrite option in the request to true');
    const v2 = await ssm.send(
      new PutParameterCommand({ Name: '/app/db/host', Value: 'db2.internal', Overwrite: true }),
    );
    expect(v2.Version).to.equal(2);

    const got = (await range.aws(['ssm', 'get-parameter', '--name', '/app/db/host'])) as { Parameter: Param };
    expect(got.Parameter).to.include({
      Name: '/app/db/host',
      Type: 'String',
      Value: 'db2.internal',
      Version: 2,
    });
    expect(got.Parameter.ARN).to.equal(
      `arn:aws:ssm:${range.region}:${range.accountId}:parameter/app/db/host`,
    );
    const first = await ssm.send(new GetParameterCommand({ Name: '/app/db/host:1' }));
    expect(first.Parameter).to.include({ Value: 'db.internal', Version: 1, Selector: ':1' });
    const noVersion = await failure(ssm.send(new GetParameterCommand({ Name: '/app/db/host:9' })));
    expect(noVersion.name).to.equal('ParameterVersionNotFound');
    const history = await ssm.send(new GetParameterHistoryCommand({ Name: '/app/db/host' }));
    expect(history.Parameters?.map((h) => [h.Version, h.Value, h.Description])).to.deep.equal([
      [1, 'db.internal', 'db host'],
      [2, 'db2.internal', 'db host'],
    ]);
    expect(history.Parameters?.[1]?.LastModifiedUser).to.equal(
      `arn:aws:iam::${range.accountId}:user/range-admin`,
    );

    const missing = await range.awsFails(['ssm', 'get-parameter', '--name', '/app/nope']);
    expect(missing.stderr).to.contain('(ParameterNotFound)');
    const badName = await failure(
      ssm.send(new PutParameterCommand({ Name: 'aws-thing', Value: 'x', Type: 'String' })),
    );
    expect(badName.name).to.equal('ValidationException');
    const notQualified = await failure(
      ssm.send(new PutParameterCommand({ Name: 'app/x', Value: 'x', Type: 'String' })),
    );
    expect(notQualified.message).to.equal('Parameter name must be a fully qualified name.');
    const pattern = await failure(
      ssm.send(
        new PutParameterCommand({
          Name: '/app/port',
          Value: 'http',
          Type: 'String',
          AllowedPattern: '^\\d+$',
        }),
      ),
    );
    expect(pattern.name).to.equal('ParameterPatternMismatchException');
    expect(range.events('PutParameter').at(-1)?.errorCode).to.equal('ParameterPatternMismatchException');
    // LookupEvents finds parameter calls by the parameter's name.
    const stored = [...range.engine.history.entries()].find(
      (e) => e.record.eventName === 'GetParameterHistory',
    );
    expect(stored?.resources).to.deep.equal([
      { ResourceType: 'AWS::SSM::Parameter', ResourceName: '/app/db/host' },
    ]);
  });

  it('encrypts SecureStrings with KMS, decrypts only on request, and never shows the value in CloudTrail', async () => {
    await range.aws([
      'ssm',
      'put-parameter',
      '--name',
      '/app/db/password',
      '--value',
      secret,
      '--type',
      'SecureString',
    ]);
    const sealed = (await range.aws(['ssm', 'get-parameter', '--name', '/app/db/password'])) as {
      Parameter: Param;
    };
    expect(sealed.Parameter.Type).to.equal('SecureString');
    expect(sealed.Parameter.Value).not.to.contain(secret);
    expect(Buffer.from(sealed.Parameter.Value, 'base64').length).to.be.greaterThan(secret.length);
    const open = (await range.aws([
      'ssm',
      'get-parameter',
      '--name',
      '/app/db/password',
      '--with-decryption',
    ])) as { Parameter: Param };
    expect(open.Parameter.Value).to.equal(secret);

    // A customer managed key, by alias.
    const kms = new KMSClient(range.clientConfig());
    const key = (await kms.send(new CreateKeyCommand({ Description: 'app secrets' }))).KeyMetadata;
    await kms.send(new CreateAliasCommand({ AliasName: 'alias/app', TargetKeyId: key?.KeyId }));
    await ssm.send(
      new PutParameterCommand({
        Name: '/app/api/token',
        Value: `${secret}-token`,
        Type: 'SecureString',
        KeyId: 'alias/app',
      }),
    );
    const meta = await ssm.send(
      new DescribeParametersCommand({ ParameterFilters: [{ Key: 'Type', Values: ['SecureString'] }] }),
    );
    expect(meta.Parameters?.map((p) => [p.Name, p.KeyId])).to.deep.equal([
      ['/app/api/token', 'alias/app'],
      ['/app/db/password', 'alias/aws/ssm'],
    ]);
    const both = await ssm.send(
      new GetParametersCommand({
        Names: ['/app/api/token', '/app/db/password', '/app/missing'],
        WithDecryption: true,
      }),
    );
    expect(both.Parameters?.map((p) => p.Value)).to.deep.equal([`${secret}-token`, secret]);
    expect(both.InvalidParameters).to.deep.equal(['/app/missing']);

    // SSM calls KMS on the caller's behalf, as CloudTrail shows in AWS.
    const decrypts = range
      .events('Decrypt')
      .filter((e) => (e.userIdentity as { invokedBy?: string }).invokedBy === 'ssm.amazonaws.com');
    expect(decrypts.length).to.be.greaterThan(0);
    expect(decrypts[0]?.requestParameters).to.deep.include({
      encryptionContext: {
        PARAMETER_ARN: `arn:aws:ssm:${range.region}:${range.accountId}:parameter/app/db/password`,
      },
    });
    expect(range.events('PutParameter').at(-1)?.requestParameters).to.deep.include({
      name: '/app/api/token',
      value: 'HIDDEN_DUE_TO_SECURITY_REASONS',
    });
    const everything = JSON.stringify(range.events());
    expect(everything).not.to.contain(secret);
    expect(everything).not.to.contain(Buffer.from(secret).toString('base64'));

    // A disabled key cannot decrypt.
    await kms.send(new DisableKeyCommand({ KeyId: key?.KeyId }));
    const disabled = await failure(
      ssm.send(new GetParameterCommand({ Name: '/app/api/token', WithDecryption: true })),
    );
    expect(disabled.name).to.equal('DisabledException');
    await kms.send(new EnableKeyCommand({ KeyId: key?.KeyId }));
    const badKey = await range.awsFails([
      'ssm',
      'put-parameter',
      '--name',
      '/app/x',
      '--value',
      'x',
      '--type',
      'SecureString',
      '--key-id',
      'alias/none',
    ]);
    expect(badKey.stderr).to.contain('(InvalidKeyId)');
  });

  it('lists by path (one level or recursive, with pagination) and describes with filters', async () => {
    await ssm.send(new PutParameterCommand({ Name: '/app/flags', Value: 'a,b,c', Type: 'StringList' }));
    await ssm.send(new PutParameterCommand({ Name: '/app/db/port', Value: '5432', Type: 'String' }));
    const oneLevel = (await range.aws(['ssm', 'get-parameters-by-path', '--path', '/app'])) as {
      Parameters: Param[];
    };
    expect(oneLevel.Parameters.map((p) => p.Name)).to.deep.equal(['/app/flags']);
    const all = (await range.aws([
      'ssm',
      'get-parameters-by-path',
      '--path',
      '/app/',
      '--recursive',
      '--with-decryption',
    ])) as { Parameters: Param[] };
    expect(all.Parameters.map((p) => p.Name)).to.deep.equal([
      '/app/api/token',
      '/app/db/host',
      '/app/db/password',
      '/app/db/port',
      '/app/flags',
    ]);
    expect(all.Parameters.find((p) => p.Name === '/app/db/password')?.Value).to.equal(secret);

    const page1 = await ssm.send(new GetParametersByPathCommand({ Path: '/app/db', MaxResults: 2 }));
    expect(page1.Parameters?.map((p) => p.Name)).to.deep.equal(['/app/db/host', '/app/db/password']);
    const page2 = await ssm.send(
      new GetParametersByPathCommand({ Path: '/app/db', MaxResults: 2, NextToken: page1.NextToken }),
    );
    expect(page2.Parameters?.map((p) => p.Name)).to.deep.equal(['/app/db/port']);
    expect(page2.NextToken).to.equal(undefined);

    const described = (await range.aws([
      'ssm',
      'describe-parameters',
      '--parameter-filters',
      'Key=Path,Option=OneLevel,Values=/app/db',
    ])) as {
      Parameters: Array<{ Name: string; Type: string; Version: number }>;
    };
    expect(described.Parameters.map((p) => p.Name)).to.deep.equal([
      '/app/db/host',
      '/app/db/password',
      '/app/db/port',
    ]);
    const byName = await ssm.send(
      new DescribeParametersCommand({
        ParameterFilters: [{ Key: 'Name', Option: 'BeginsWith', Values: ['/app/f'] }],
      }),
    );
    expect(byName.Parameters?.map((p) => [p.Name, p.Type])).to.deep.equal([['/app/flags', 'StringList']]);
  });

  it('tags parameters and deletes them one by one or in bulk', async () => {
    await ssm.send(
      new AddTagsToResourceCommand({
        ResourceType: 'Parameter',
        ResourceId: '/app/flags',
        Tags: [{ Key: 'team', Value: 'blue' }],
      }),
    );
    await range.aws([
      'ssm',
      'add-tags-to-resource',
      '--resource-type',
      'Parameter',
      '--resource-id',
      '/app/flags',
      '--tags',
      'Key=env,Value=prod',
    ]);
    await range.aws([
      'ssm',
      'remove-tags-from-resource',
      '--resource-type',
      'Parameter',
      '--resource-id',
      '/app/flags',
      '--tag-keys',
      'team',
    ]);
    const tags = (await range.aws([
      'ssm',
      'list-tags-for-resource',
      '--resource-type',
      'Parameter',
      '--resource-id',
      '/app/flags',
    ])) as { TagList: unknown[] };
    expect(tags.TagList).to.deep.equal([{ Key: 'env', Value: 'prod' }]);
    const tagged = await ssm.send(
      new DescribeParametersCommand({ ParameterFilters: [{ Key: 'tag:env', Values: ['prod'] }] }),
    );
    expect(tagged.Parameters?.map((p) => p.Name)).to.deep.equal(['/app/flags']);
    const noSuch = await failure(
      ssm.send(
        new AddTagsToResourceCommand({
          ResourceType: 'Parameter',
          ResourceId: '/nope',
          Tags: [{ Key: 'a', Value: 'b' }],
        }),
      ),
    );
    expect(noSuch.name).to.equal('InvalidResourceId');
    const tagsAndOverwrite = await failure(
      ssm.send(
        new PutParameterCommand({
          Name: '/app/flags',
          Value: 'x',
          Overwrite: true,
          Tags: [{ Key: 'a', Value: 'b' }],
        }),
      ),
    );
    expect(tagsAndOverwrite.message).to.contain("tags and overwrite can't be used together");

    await range.aws(['ssm', 'delete-parameter', '--name', '/app/flags']);
    const gone = await failure(ssm.send(new GetParameterCommand({ Name: '/app/flags' })));
    expect(gone.name).to.equal('ParameterNotFound');
    const bulk = await ssm.send(
      new DeleteParametersCommand({ Names: ['/app/db/host', '/app/db/port', '/app/flags'] }),
    );
    expect(bulk.DeletedParameters).to.deep.equal(['/app/db/host', '/app/db/port']);
    expect(bulk.InvalidParameters).to.deep.equal(['/app/flags']);
    expect(range.events('DeleteParameter').at(-1)?.requestParameters).to.deep.equal({ name: '/app/flags' });
  });
});
