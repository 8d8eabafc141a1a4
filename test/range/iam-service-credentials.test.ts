import { expect } from 'chai';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateAccessKeyCommand,
  CreateServiceSpecificCredentialCommand,
  CreateUserCommand,
  DeleteServiceSpecificCredentialCommand,
  DeleteUserCommand,
  IAMClient,
  ListServiceSpecificCredentialsCommand,
  PutUserPolicyCommand,
  UpdateServiceSpecificCredentialCommand,
  UpdateUserCommand,
} from '@aws-sdk/client-iam';
import { failure, startTestRange, type TestRange } from './harness.js';

describe('range: IAM service-specific credentials', function () {
  this.timeout(60_000);
  let range: TestRange;
  let iam: IAMClient;
  before(async () => {
    range = await startTestRange();
    iam = new IAMClient(range.clientConfig());
    await iam.send(new CreateUserCommand({ UserName: 'dev' }));
  });
  after(() => range.stop());
  it('creates and resets service-specific credentials whose password never reaches CloudTrail', async () => {
    await iam.send(new CreateUserCommand({ UserName: 'git' }));
    const { ServiceSpecificCredential: made } = await iam.send(
      new CreateServiceSpecificCredentialCommand({
        UserName: 'git',
        ServiceName: 'codecommit.amazonaws.com',
      }),
    );
    expect(made).to.include({
      UserName: 'git',
      ServiceName: 'codecommit.amazonaws.com',
      ServiceUserName: `git-at-${range.accountId}`,
      Status: 'Active',
    });
    expect(made?.ServiceSpecificCredentialId).to.match(/^ACCA[A-Z0-9]{16}$/);
    expect(made?.ServicePassword).to.have.length(44);

    const reset = (await range.aws([
      'iam',
      'reset-service-specific-credential',
      '--user-name',
      'git',
      '--service-specific-credential-id',
      made?.ServiceSpecificCredentialId ?? '',
    ])) as { ServiceSpecificCredential: { ServicePassword: string } };
    expect(reset.ServiceSpecificCredential.ServicePassword)
      .to.have.length(44)
      .and.not.equal(made?.ServicePassword);
    await range.aws([
      'iam',
      'create-service-specific-credential',
      '--user-name',
      'git',
      '--service-name',
      'cassandra.amazonaws.com',
    ]);

    const trail = JSON.stringify(range.events());
    expect(trail).not.to.contain(made?.ServicePassword);
    expect(trail).not.to.contain(reset.ServiceSpecificCredential.ServicePassword);
    const [created] = range.events('CreateServiceSpecificCredential');
    expect(created?.responseElements).to.deep.nested.include({
      'serviceSpecificCredential.servicePassword': 'HIDDEN_DUE_TO_SECURITY_REASONS',
      'serviceSpecificCredential.serviceUserName': `git-at-${range.accountId}`,
    });

    await iam.send(
      new UpdateServiceSpecificCredentialCommand({
        UserName: 'git',
        ServiceSpecificCredentialId: made?.ServiceSpecificCredentialId,
        Status: 'Inactive',
      }),
    );
    const listed = (await range.aws(['iam', 'list-service-specific-credentials', '--user-name', 'git'])) as {
      ServiceSpecificCredentials: Array<Record<string, string>>;
    };
    expect(listed.ServiceSpecificCredentials.map((c) => [c.ServiceName, c.Status])).to.deep.equal([
      ['codecommit.amazonaws.com', 'Inactive'],
      ['cassandra.amazonaws.com', 'Active'],
    ]);
    expect(listed.ServiceSpecificCredentials[0]).not.to.have.property('ServicePassword');
    const onlyKeyspaces = (await range.aws([
      'iam',
      'list-service-specific-credentials',
      '--user-name',
      'git',
      '--service-name',
      'cassandra.amazonaws.com',
    ])) as { ServiceSpecificCredentials: unknown[] };
    expect(onlyKeyspaces.ServiceSpecificCredentials).to.have.length(1);

    await iam.send(
      new CreateServiceSpecificCredentialCommand({
        UserName: 'git',
        ServiceName: 'codecommit.amazonaws.com',
      }),
    );
    const third = await failure(
      iam.send(
        new CreateServiceSpecificCredentialCommand({
          UserName: 'git',
          ServiceName: 'codecommit.amazonaws.com',
        }),
      ),
    );
    expect([third.name, third.$metadata.httpStatusCode]).to.deep.equal(['LimitExceededException', 409]);
    const unsupported = await failure(
      iam.send(
        new CreateServiceSpecificCredentialCommand({ UserName: 'git', ServiceName: 's3.amazonaws.com' }),
      ),
    );
    expect([unsupported.name, unsupported.$metadata.httpStatusCode]).to.deep.equal([
      'ServiceNotSupportedException',
      404,
    ]);

    // Renaming the user keeps its credentials: the responder finds them under the new name.
    await iam.send(new UpdateUserCommand({ UserName: 'git', NewUserName: 'gitops' }));
    const renamed = await iam.send(new ListServiceSpecificCredentialsCommand({ UserName: 'gitops' }));
    expect(renamed.ServiceSpecificCredentials?.map((c) => c.UserName)).to.deep.equal([
      'gitops',
      'gitops',
      'gitops',
    ]);
    await iam.send(new UpdateUserCommand({ UserName: 'gitops', NewUserName: 'git' }));

    const conflict = await failure(iam.send(new DeleteUserCommand({ UserName: 'git' })));
    expect(conflict.message).to.equal(
      'Cannot delete entity, must delete service specific credentials first.',
    );
    const all = (await range.aws(['iam', 'list-service-specific-credentials', '--user-name', 'git'])) as {
      ServiceSpecificCredentials: Array<{ ServiceSpecificCredentialId: string }>;
    };
    for (const c of all.ServiceSpecificCredentials) {
      await iam.send(
        new DeleteServiceSpecificCredentialCommand({
          UserName: 'git',
          ServiceSpecificCredentialId: c.ServiceSpecificCredentialId,
        }),
      );
    }
    await iam.send(new DeleteUserCommand({ UserName: 'git' }));
    const missing = await failure(
      iam.send(
        new DeleteServiceSpecificCredentialCommand({
          UserName: 'dev',
          ServiceSpecificCredentialId: made?.ServiceSpecificCredentialId,
        }),
      ),
    );
    expect(missing.name).to.equal('NoSuchEntityException');
    expect(range.events('DeleteServiceSpecificCredential').filter((e) => !e.errorCode)).to.have.length(3);
  });

  it('refuses to plant a credential for a user whose policies only allow listing', async () => {
    await iam.send(new CreateUserCommand({ UserName: 'auditor' }));
    await iam.send(
      new PutUserPolicyCommand({
        UserName: 'auditor',
        PolicyName: 'read',
        PolicyDocument: JSON.stringify({
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Action: ['iam:List*', 'iam:Get*'], Resource: '*' }],
        }),
      }),
    );
    const { AccessKey } = await iam.send(new CreateAccessKeyCommand({ UserName: 'auditor' }));
    const env = {
      AWS_ACCESS_KEY_ID: AccessKey?.AccessKeyId ?? '',
      AWS_SECRET_ACCESS_KEY: AccessKey?.SecretAccessKey ?? '',
    };
    const listed = (await range.aws(['iam', 'list-ssh-public-keys', '--user-name', 'dev'], { env })) as {
      SSHPublicKeys: unknown[];
    };
    expect(listed.SSHPublicKeys).to.be.an('array');
    const denied = await range.awsFails(
      [
        'iam',
        'create-service-specific-credential',
        '--user-name',
        'dev',
        '--service-name',
        'codecommit.amazonaws.com',
      ],
      { env },
    );
    expect(denied.stderr)
      .to.contain('(AccessDenied)')
      .and.contain('is not authorized to perform: iam:CreateServiceSpecificCredential')
      .and.contain(`on resource: arn:aws:iam::${range.accountId}:user/dev`);
    const refused = range
      .events('CreateServiceSpecificCredential')
      .filter((e) => e.errorCode === 'AccessDenied');
    expect(refused).to.have.length(1);
  });

  it('keeps the credential across a restart with --state-dir, but never writes its password to disk', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sirs-iam-ssc-'));
    try {
      const first = await startTestRange({ stateDir: dir });
      const client = new IAMClient(first.clientConfig());
      await client.send(new CreateUserCommand({ UserName: 'coder' }));
      const { ServiceSpecificCredential: made } = await client.send(
        new CreateServiceSpecificCredentialCommand({
          UserName: 'coder',
          ServiceName: 'codecommit.amazonaws.com',
        }),
      );
      await first.stop();
      let onDisk = '';
      for (const name of await readdir(dir)) onDisk += await readFile(join(dir, name), 'latin1');
      expect(onDisk).to.contain(made?.ServiceSpecificCredentialId);
      expect(onDisk).not.to.contain(made?.ServicePassword);

      const second = await startTestRange({ stateDir: dir });
      try {
        const listed = await new IAMClient(second.clientConfig()).send(
          new ListServiceSpecificCredentialsCommand({ UserName: 'coder' }),
        );
        expect(listed.ServiceSpecificCredentials?.map((c) => c.ServiceSpecificCredentialId)).to.deep.equal([
          made?.ServiceSpecificCredentialId,
        ]);
      } finally {
        await second.stop();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
