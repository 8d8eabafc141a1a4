import { expect } from 'chai';
import {
  CreateAccessKeyCommand,
  CreateUserCommand,
  IAMClient,
  PutUserPolicyCommand,
} from '@aws-sdk/client-iam';
import {
  CreateBucketCommand,
  DeleteBucketCorsCommand,
  DeleteBucketWebsiteCommand,
  GetBucketAccelerateConfigurationCommand,
  GetBucketCorsCommand,
  GetBucketLifecycleConfigurationCommand,
  GetBucketLoggingCommand,
  GetBucketNotificationConfigurationCommand,
  GetBucketReplicationCommand,
  GetBucketRequestPaymentCommand,
  GetBucketWebsiteCommand,
  GetObjectLockConfigurationCommand,
  PutBucketCorsCommand,
  PutBucketLifecycleConfigurationCommand,
  PutBucketLoggingCommand,
  PutBucketWebsiteCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import {
  CloudFormationClient,
  CreateStackCommand,
  DescribeStacksCommand,
  UpdateStackCommand,
  type Stack,
} from '@aws-sdk/client-cloudformation';
import { failure, startTestRange, type TestRange } from './harness.js';
import { otherAccountUser } from './other-account.js';

// Expected answers come from the S3 API Reference (each operation's "Errors" and response syntax).

describe('range: S3 bucket settings a responder sweeps (logging, CORS, lifecycle, website, and the read-only rest)', () => {
  let range: TestRange;
  let s3: S3Client;
  before(async () => {
    range = await startTestRange();
    s3 = new S3Client(range.clientConfig());
    for (const Bucket of ['evidence', 'access-logs', 'locked'])
      await s3.send(
        new CreateBucketCommand({
          Bucket,
          ObjectLockEnabledForBucket: Bucket === 'locked' ? true : undefined,
        }),
      );
  });
  after(() => range.stop());

  it('turns server access logging on and off, refusing a target bucket that does not exist or is not owned', async () => {
    expect(await s3.send(new GetBucketLoggingCommand({ Bucket: 'evidence' }))).to.not.have.property(
      'LoggingEnabled',
    );
    const missing = await failure(
      s3.send(
        new PutBucketLoggingCommand({
          Bucket: 'evidence',
          BucketLoggingStatus: { LoggingEnabled: { TargetBucket: 'no-such-logs', TargetPrefix: 'x/' } },
        }),
      ),
    );
    expect(missing.name).to.equal('InvalidTargetBucketForLogging');
    const stranger = otherAccountUser(range, {
      userName: 'stranger',
      accessKeyId: 'AKIASTRANGERLOGS0001',
      secretAccessKey: 'stranger-secret-for-logging-tests',
    });
    await new S3Client(range.clientConfig({ credentials: stranger })).send(
      new CreateBucketCommand({ Bucket: 'strangers-logs' }),
    );
    const foreign = await failure(
      s3.send(
        new PutBucketLoggingCommand({
          Bucket: 'evidence',
          BucketLoggingStatus: { LoggingEnabled: { TargetBucket: 'strangers-logs', TargetPrefix: 'x/' } },
        }),
      ),
    );
    expect(foreign.name).to.equal('InvalidTargetBucketForLogging');
    await s3.send(
      new PutBucketLoggingCommand({
        Bucket: 'evidence',
        BucketLoggingStatus: { LoggingEnabled: { TargetBucket: 'access-logs', TargetPrefix: 'evidence/' } },
      }),
    );
    const cli = (await range.aws(['s3api', 'get-bucket-logging', '--bucket', 'evidence'])) as {
      LoggingEnabled: { TargetBucket: string; TargetPrefix: string };
    };
    expect(cli.LoggingEnabled).to.deep.equal({ TargetBucket: 'access-logs', TargetPrefix: 'evidence/' });
    // An attacker turns logging off with an empty status; the record says so.
    await range.aws(['s3api', 'put-bucket-logging', '--bucket', 'evidence', '--bucket-logging-status', '{}']);
    expect(await s3.send(new GetBucketLoggingCommand({ Bucket: 'evidence' }))).to.not.have.property(
      'LoggingEnabled',
    );
    const puts = range.events('PutBucketLogging').filter((e) => !e.errorCode);
    expect(puts).to.have.length(2);
    expect(puts[0]?.requestParameters).to.deep.include({ bucketName: 'evidence', logging: '' });
    expect(puts[0]?.requestParameters?.BucketLoggingStatus).to.deep.include({
      LoggingEnabled: { TargetBucket: 'access-logs', TargetPrefix: 'evidence/' },
    });
    expect(range.events('GetBucketLogging').at(-1)?.readOnly).to.equal(true);
  });

  it('keeps CORS rules, answers NoSuchCORSConfiguration without them, and refuses unsupported methods', async () => {
    expect((await failure(s3.send(new GetBucketCorsCommand({ Bucket: 'evidence' })))).name).to.equal(
      'NoSuchCORSConfiguration',
    );
    const patch = await failure(
      s3.send(
        new PutBucketCorsCommand({
          Bucket: 'evidence',
          CORSConfiguration: { CORSRules: [{ AllowedMethods: ['PATCH'], AllowedOrigins: ['*'] }] },
        }),
      ),
    );
    expect(patch.name).to.equal('InvalidRequest');
    await range.aws([
      's3api',
      'put-bucket-cors',
      '--bucket',
      'evidence',
      '--cors-configuration',
      JSON.stringify({
        CORSRules: [{ AllowedMethods: ['GET', 'PUT'], AllowedOrigins: ['*'], MaxAgeSeconds: 60 }],
      }),
    ]);
    const out = await s3.send(new GetBucketCorsCommand({ Bucket: 'evidence' }));
    expect(out.CORSRules).to.deep.equal([
      { AllowedMethods: ['GET', 'PUT'], AllowedOrigins: ['*'], MaxAgeSeconds: 60 },
    ]);
    await s3.send(new DeleteBucketCorsCommand({ Bucket: 'evidence' }));
    const gone = await range.awsFails(['s3api', 'get-bucket-cors', '--bucket', 'evidence']);
    expect(gone.stderr).to.contain('NoSuchCORSConfiguration');
    expect(range.events('DeleteBucketCors')[0]?.requestParameters).to.deep.include({ cors: '' });
    // Logged under the XML body's element names, as S3 logs bodies (the user guide's PutBucketAcl record).
    const put = range.events('PutBucketCors').filter((e) => !e.errorCode)[0];
    expect(put?.requestParameters?.CORSConfiguration).to.deep.equal({
      xmlns: 'http://s3.amazonaws.com/doc/2006-03-01/',
      CORSRule: { AllowedMethod: ['GET', 'PUT'], AllowedOrigin: '*', MaxAgeSeconds: 60 },
    });
  });

  it('keeps lifecycle rules (recorded as PutBucketLifecycle), and refuses duplicate ids and rules without actions', async () => {
    expect(
      (await failure(s3.send(new GetBucketLifecycleConfigurationCommand({ Bucket: 'evidence' })))).name,
    ).to.equal('NoSuchLifecycleConfiguration');
    const rule = {
      ID: 'expire',
      Status: 'Enabled' as const,
      Filter: { Prefix: 'tmp/' },
      Expiration: { Days: 1 },
    };
    const dup = await failure(
      s3.send(
        new PutBucketLifecycleConfigurationCommand({
          Bucket: 'evidence',
          LifecycleConfiguration: { Rules: [rule, rule] },
        }),
      ),
    );
    expect(dup.name).to.equal('InvalidArgument');
    const noAction = await failure(
      s3.send(
        new PutBucketLifecycleConfigurationCommand({
          Bucket: 'evidence',
          LifecycleConfiguration: { Rules: [{ ID: 'idle', Status: 'Enabled', Filter: {} }] },
        }),
      ),
    );
    expect(noAction.name).to.equal('InvalidRequest');
    // A rule that deletes every object after a day: how an attacker destroys evidence.
    await s3.send(
      new PutBucketLifecycleConfigurationCommand({
        Bucket: 'evidence',
        LifecycleConfiguration: { Rules: [rule] },
      }),
    );
    const cli = (await range.aws([
      's3api',
      'get-bucket-lifecycle-configuration',
      '--bucket',
      'evidence',
    ])) as {
      Rules: unknown[];
    };
    expect(cli.Rules).to.deep.equal([rule]);
    const put = range.events('PutBucketLifecycle').filter((e) => !e.errorCode);
    expect(put).to.have.length(1);
    expect(put[0]?.requestParameters).to.deep.include({ lifecycle: '' });
    await range.aws(['s3api', 'delete-bucket-lifecycle', '--bucket', 'evidence']);
    expect(
      (await failure(s3.send(new GetBucketLifecycleConfigurationCommand({ Bucket: 'evidence' })))).name,
    ).to.equal('NoSuchLifecycleConfiguration');
    expect(range.events('DeleteBucketLifecycle')).to.have.length(1);
  });

  it('keeps a website configuration and answers NoSuchWebsiteConfiguration without one', async () => {
    expect((await failure(s3.send(new GetBucketWebsiteCommand({ Bucket: 'evidence' })))).name).to.equal(
      'NoSuchWebsiteConfiguration',
    );
    const noIndex = await failure(
      s3.send(
        new PutBucketWebsiteCommand({
          Bucket: 'evidence',
          WebsiteConfiguration: { ErrorDocument: { Key: 'e.html' } },
        }),
      ),
    );
    expect(noIndex.name).to.equal('InvalidArgument');
    await range.aws([
      's3api',
      'put-bucket-website',
      '--bucket',
      'evidence',
      '--website-configuration',
      '{"IndexDocument":{"Suffix":"index.html"},"ErrorDocument":{"Key":"error.html"}}',
    ]);
    const out = await s3.send(new GetBucketWebsiteCommand({ Bucket: 'evidence' }));
    expect(out.IndexDocument).to.deep.equal({ Suffix: 'index.html' });
    expect(out.ErrorDocument).to.deep.equal({ Key: 'error.html' });
    await s3.send(new DeleteBucketWebsiteCommand({ Bucket: 'evidence' }));
    const gone = await range.awsFails(['s3api', 'get-bucket-website', '--bucket', 'evidence']);
    expect(gone.stderr).to.contain('NoSuchWebsiteConfiguration');
    expect(range.events('PutBucketWebsite')[0]?.requestParameters).to.deep.include({ website: '' });
  });

  it('answers the read-only settings a sweep asks for as AWS does for a bucket that never had them', async () => {
    const replication = await failure(s3.send(new GetBucketReplicationCommand({ Bucket: 'evidence' })));
    expect(replication.name).to.equal('ReplicationConfigurationNotFoundError');
    const notification = await s3.send(new GetBucketNotificationConfigurationCommand({ Bucket: 'evidence' }));
    expect(notification.TopicConfigurations ?? []).to.deep.equal([]);
    expect(notification.LambdaFunctionConfigurations ?? []).to.deep.equal([]);
    expect(
      (await failure(s3.send(new GetObjectLockConfigurationCommand({ Bucket: 'evidence' })))).name,
    ).to.equal('ObjectLockConfigurationNotFoundError');
    const locked = await s3.send(new GetObjectLockConfigurationCommand({ Bucket: 'locked' }));
    expect(locked.ObjectLockConfiguration?.ObjectLockEnabled).to.equal('Enabled');
    expect((await s3.send(new GetBucketRequestPaymentCommand({ Bucket: 'evidence' }))).Payer).to.equal(
      'BucketOwner',
    );
    expect(
      (await s3.send(new GetBucketAccelerateConfigurationCommand({ Bucket: 'evidence' }))).Status,
    ).to.equal(undefined);
    // The CLI sweep a responder runs over a bucket goes through without a 501.
    for (const cmd of [
      'get-bucket-notification-configuration',
      'get-bucket-request-payment',
      'get-bucket-accelerate-configuration',
    ]) {
      await range.aws(['s3api', cmd, '--bucket', 'evidence']);
    }
    const repl = await range.awsFails(['s3api', 'get-bucket-replication', '--bucket', 'evidence']);
    expect(repl.stderr).to.contain('ReplicationConfigurationNotFoundError');
    expect(range.events('GetBucketNotification')).to.have.length(2);
    expect(range.events('GetBucketReplication').every((e) => e.readOnly === true)).to.equal(true);
  });

  it("denies a user without the setting's permission, and lets one with it read", async () => {
    const iam = new IAMClient(range.clientConfig());
    await iam.send(new CreateUserCommand({ UserName: 'auditor' }));
    await iam.send(
      new PutUserPolicyCommand({
        UserName: 'auditor',
        PolicyName: 'read-logging',
        PolicyDocument: JSON.stringify({
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Action: 's3:GetBucketLogging', Resource: 'arn:aws:s3:::evidence' }],
        }),
      }),
    );
    const { AccessKey } = await iam.send(new CreateAccessKeyCommand({ UserName: 'auditor' }));
    const env = {
      AWS_ACCESS_KEY_ID: AccessKey!.AccessKeyId!,
      AWS_SECRET_ACCESS_KEY: AccessKey!.SecretAccessKey!,
    };
    await range.aws(['s3api', 'get-bucket-logging', '--bucket', 'evidence'], { env });
    const denied = await range.awsFails(
      ['s3api', 'put-bucket-logging', '--bucket', 'evidence', '--bucket-logging-status', '{}'],
      { env },
    );
    expect(denied.stderr).to.contain('AccessDenied');
    expect(denied.stderr).to.contain('s3:PutBucketLogging');
    const cors = await range.awsFails(['s3api', 'get-bucket-cors', '--bucket', 'evidence'], { env });
    expect(cors.stderr).to.contain('s3:GetBucketCORS');
    const record = range.events('PutBucketLogging').at(-1);
    expect(record?.errorCode).to.equal('AccessDenied');
    expect(record?.userIdentity?.userName).to.equal('auditor');
  });

  it('sets logging, CORS, lifecycle and website from an AWS::S3::Bucket template, and removes them on update', async () => {
    const cfn = new CloudFormationClient(range.clientConfig());
    const settled = async (): Promise<Stack> => {
      // Polls until the stack leaves *_IN_PROGRESS; the bound only guards against a hang.
      for (let i = 0; i < 4000; i++) {
        const stack = (await cfn.send(new DescribeStacksCommand({ StackName: 'site' }))).Stacks?.[0];
        if (stack && !stack.StackStatus?.endsWith('_IN_PROGRESS')) return stack;
        await new Promise((r) => setTimeout(r, 25));
      }
      throw new Error('stack never settled');
    };
    const template = (settings: object) =>
      JSON.stringify({
        Resources: { Site: { Type: 'AWS::S3::Bucket', Properties: { BucketName: 'cfn-site', ...settings } } },
      });
    await cfn.send(
      new CreateStackCommand({
        StackName: 'site',
        TemplateBody: template({
          LoggingConfiguration: { DestinationBucketName: 'access-logs', LogFilePrefix: 'site/' },
          CorsConfiguration: {
            CorsRules: [{ AllowedMethods: ['GET'], AllowedOrigins: ['https://example.com'], MaxAge: 30 }],
          },
          LifecycleConfiguration: {
            Rules: [{ Id: 'old', Status: 'Enabled', Prefix: 'tmp/', ExpirationInDays: 7 }],
          },
          WebsiteConfiguration: { IndexDocument: 'index.html', ErrorDocument: 'error.html' },
        }),
      }),
    );
    const created = await settled();
    expect(created.StackStatus, created.StackStatusReason).to.equal('CREATE_COMPLETE');
    expect((await s3.send(new GetBucketLoggingCommand({ Bucket: 'cfn-site' }))).LoggingEnabled).to.deep.equal(
      {
        TargetBucket: 'access-logs',
        TargetPrefix: 'site/',
      },
    );
    expect((await s3.send(new GetBucketCorsCommand({ Bucket: 'cfn-site' }))).CORSRules).to.deep.equal([
      { AllowedMethods: ['GET'], AllowedOrigins: ['https://example.com'], MaxAgeSeconds: 30 },
    ]);
    const lifecycle = await s3.send(new GetBucketLifecycleConfigurationCommand({ Bucket: 'cfn-site' }));
    expect(lifecycle.Rules).to.deep.equal([
      { ID: 'old', Status: 'Enabled', Filter: { Prefix: 'tmp/' }, Expiration: { Days: 7 } },
    ]);
    expect(
      (await s3.send(new GetBucketWebsiteCommand({ Bucket: 'cfn-site' }))).IndexDocument?.Suffix,
    ).to.equal('index.html');
    expect(range.events('PutBucketLogging').at(-1)?.userIdentity?.invokedBy).to.equal(
      'cloudformation.amazonaws.com',
    );
    await cfn.send(new UpdateStackCommand({ StackName: 'site', TemplateBody: template({}) }));
    const updated = await settled();
    expect(updated.StackStatus, updated.StackStatusReason).to.equal('UPDATE_COMPLETE');
    expect(await s3.send(new GetBucketLoggingCommand({ Bucket: 'cfn-site' }))).to.not.have.property(
      'LoggingEnabled',
    );
    expect((await failure(s3.send(new GetBucketCorsCommand({ Bucket: 'cfn-site' })))).name).to.equal(
      'NoSuchCORSConfiguration',
    );
    expect(
      (await failure(s3.send(new GetBucketLifecycleConfigurationCommand({ Bucket: 'cfn-site' })))).name,
    ).to.equal('NoSuchLifecycleConfiguration');
    expect((await failure(s3.send(new GetBucketWebsiteCommand({ Bucket: 'cfn-site' })))).name).to.equal(
      'NoSuchWebsiteConfiguration',
    );
  });
});
