import { expect } from 'chai';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateAccessKeyCommand,
  CreateAccountAliasCommand,
  CreateLoginProfileCommand,
  CreateUserCommand,
  CreateVirtualMFADeviceCommand,
  DeactivateMFADeviceCommand,
  DeleteAccessKeyCommand,
  DeleteAccountAliasCommand,
  DeleteAccountPasswordPolicyCommand,
  DeleteLoginProfileCommand,
  DeleteUserCommand,
  DeleteVirtualMFADeviceCommand,
  EnableMFADeviceCommand,
  GenerateCredentialReportCommand,
  GetAccountPasswordPolicyCommand,
  GetAccountSummaryCommand,
  GetCredentialReportCommand,
  GetLoginProfileCommand,
  IAMClient,
  ListAccessKeysCommand,
  ListAccountAliasesCommand,
  ListMFADevicesCommand,
  ListVirtualMFADevicesCommand,
  UpdateAccountPasswordPolicyCommand,
  UpdateLoginProfileCommand,
} from '@aws-sdk/client-iam';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { ManualClock } from '../../src/range/clock.js';
import { failure, startTestRange, type TestRange } from './harness.js';

describe('range: IAM passwords, MFA, account summary and credential report', function () {
  this.timeout(150_000);
  let range: TestRange;
  let iam: IAMClient;
  let root: IAMClient;
  let rootEnv: Record<string, string>;
  let acct: string;
  const clock = new ManualClock(Date.parse('2026-06-01T08:00:00Z'));
  const summary = async () => (await iam.send(new GetAccountSummaryCommand({}))).SummaryMap ?? {};

  before(async () => {
    range = await startTestRange({ clock });
    iam = new IAMClient(range.clientConfig());
    root = new IAMClient(range.clientConfig({ credentials: range.rootCredentials }));
    rootEnv = {
      AWS_ACCESS_KEY_ID: range.rootCredentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: range.rootCredentials.secretAccessKey,
    };
    acct = range.accountId;
    await iam.send(new CreateUserCommand({ UserName: 'frank' }));
  });
  after(() => range.stop());

  it('manages login profiles under the password policy, never recording the password', async () => {
    const weak = await range.awsFails([
      'iam',
      'create-login-profile',
      '--user-name',
      'frank',
      '--password',
      'short',
    ]);
    expect(weak.stderr)
      .to.contain('PasswordPolicyViolation')
      .and.contain('does not conform to the account password policy');
    const created = (await range.aws([
      'iam',
      'create-login-profile',
      '--user-name',
      'frank',
      '--password',
      'Tr0ub4dor&3x',
      '--password-reset-required',
    ])) as { LoginProfile: Record<string, unknown> };
    expect(created.LoginProfile).to.include({ UserName: 'frank', PasswordResetRequired: true });
    const again = await failure(
      iam.send(new CreateLoginProfileCommand({ UserName: 'frank', Password: 'An0ther-Passw0rd' })),
    );
    expect(again.name).to.equal('EntityAlreadyExistsException');
    const event = range.events('CreateLoginProfile').find((e) => !e.errorCode);
    expect(event?.requestParameters).to.deep.equal({
      userName: 'frank',
      password: 'HIDDEN_DUE_TO_SECURITY_REASONS',
      passwordResetRequired: true,
    });
    expect(JSON.stringify(range.events())).not.to.contain('Tr0ub4dor&3x');

    await range.aws([
      'iam',
      'update-login-profile',
      '--user-name',
      'frank',
      '--password',
      'N3w-Passw0rd!',
      '--no-password-reset-required',
    ]);
    const got = (await range.aws(['iam', 'get-login-profile', '--user-name', 'frank'])) as {
      LoginProfile: { PasswordResetRequired: boolean };
    };
    expect(got.LoginProfile.PasswordResetRequired).to.equal(false);
    expect(JSON.stringify(range.events('UpdateLoginProfile'))).not.to.contain('N3w-Passw0rd!');

    const none = await range.awsFails(['iam', 'get-account-password-policy']);
    expect(none.stderr)
      .to.contain('NoSuchEntity')
      .and.contain(`The Password Policy with domain name ${acct} cannot be found.`);
    await range.aws([
      'iam',
      'update-account-password-policy',
      '--minimum-password-length',
      '14',
      '--require-symbols',
      '--require-numbers',
      '--max-password-age',
      '90',
    ]);
    const { PasswordPolicy } = await iam.send(new GetAccountPasswordPolicyCommand({}));
    expect(PasswordPolicy).to.include({
      MinimumPasswordLength: 14,
      RequireSymbols: true,
      RequireUppercaseCharacters: false,
      MaxPasswordAge: 90,
      ExpirePasswords: true,
    });
    const short = await failure(
      iam.send(new UpdateLoginProfileCommand({ UserName: 'frank', Password: 'Sh0rt-one!' })),
    );
    expect([short.name, short.message]).to.deep.equal([
      'PasswordPolicyViolationException',
      'Password should have a minimum length of 14',
    ]);
    const noSymbol = await failure(
      iam.send(new UpdateLoginProfileCommand({ UserName: 'frank', Password: 'longenoughbutplain1' })),
    );
    expect(noSymbol.message).to.equal('Password should have at least one symbol');
    await iam.send(
      new UpdateLoginProfileCommand({ UserName: 'frank', Password: 'long-enough-and-1-symbol' }),
    );
    const bad = await failure(iam.send(new UpdateAccountPasswordPolicyCommand({ MinimumPasswordLength: 4 })));
    expect(bad.message).to.contain("Value '4' at 'minimumPasswordLength' failed to satisfy constraint");

    await range.aws(['iam', 'delete-login-profile', '--user-name', 'frank']);
    const gone = await failure(iam.send(new GetLoginProfileCommand({ UserName: 'frank' })));
    expect([gone.name, gone.message, gone.$metadata?.httpStatusCode]).to.deep.equal([
      'NoSuchEntityException',
      'Login Profile for User frank cannot be found.',
      404,
    ]);
    await range.aws(['iam', 'delete-account-password-policy']);
    expect((await failure(iam.send(new DeleteAccountPasswordPolicyCommand({})))).name).to.equal(
      'NoSuchEntityException',
    );
  });

  it('creates, enables, lists, deactivates and deletes virtual MFA devices', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sirs-mfa-'));
    const qr = join(dir, 'qr.png');
    const created = (await range.aws([
      'iam',
      'create-virtual-mfa-device',
      '--virtual-mfa-device-name',
      'frank-phone',
      '--outfile',
      qr,
      '--bootstrap-method',
      'QRCodePNG',
    ])) as { VirtualMFADevice: { SerialNumber: string } };
    const serial = `arn:aws:iam::${acct}:mfa/frank-phone`;
    expect(created.VirtualMFADevice.SerialNumber).to.equal(serial);
    expect(existsSync(qr)).to.equal(true);
    const sdk = await iam.send(new CreateVirtualMFADeviceCommand({ VirtualMFADeviceName: 'spare' }));
    expect(Buffer.from(sdk.VirtualMFADevice!.Base32StringSeed!).toString('ascii')).to.match(
      /^[A-Z2-7]{32,}$/,
    );
    const createEvent = range.events('CreateVirtualMFADevice').at(-1);
    expect(JSON.stringify(createEvent)).not.to.contain(
      Buffer.from(sdk.VirtualMFADevice!.Base32StringSeed!).toString('ascii'),
    );

    const badCode = await failure(
      iam.send(
        new EnableMFADeviceCommand({
          UserName: 'frank',
          SerialNumber: serial,
          AuthenticationCode1: '123456',
          AuthenticationCode2: '123456',
        }),
      ),
    );
    expect([badCode.name, badCode.$metadata?.httpStatusCode]).to.deep.equal([
      'InvalidAuthenticationCodeException',
      403,
    ]);
    await range.aws([
      'iam',
      'enable-mfa-device',
      '--user-name',
      'frank',
      '--serial-number',
      serial,
      '--authentication-code1',
      '123456',
      '--authentication-code2',
      '654321',
    ]);
    const listed = (await range.aws(['iam', 'list-mfa-devices', '--user-name', 'frank'])) as {
      MFADevices: Array<{ SerialNumber: string; UserName: string }>;
    };
    expect(listed.MFADevices.map((d) => [d.UserName, d.SerialNumber])).to.deep.equal([['frank', serial]]);
    const assigned = (await range.aws([
      'iam',
      'list-virtual-mfa-devices',
      '--assignment-status',
      'Assigned',
    ])) as {
      VirtualMFADevices: Array<{ SerialNumber: string; User: { Arn: string } }>;
    };
    expect(assigned.VirtualMFADevices.map((d) => [d.SerialNumber, d.User.Arn])).to.deep.equal([
      [serial, `arn:aws:iam::${acct}:user/frank`],
      // The account root starts with MFA, as a well-kept account does.
      [`arn:aws:iam::${acct}:mfa/root-account-mfa-device`, `arn:aws:iam::${acct}:root`],
    ]);
    const unassigned = await iam.send(new ListVirtualMFADevicesCommand({ AssignmentStatus: 'Unassigned' }));
    expect(unassigned.VirtualMFADevices?.map((d) => d.SerialNumber)).to.deep.equal([
      `arn:aws:iam::${acct}:mfa/spare`,
    ]);
    expect((await failure(iam.send(new DeleteUserCommand({ UserName: 'frank' })))).message).to.equal(
      'Cannot delete entity, must delete MFA device first.',
    );
    const inUse = await range.awsFails(['iam', 'delete-virtual-mfa-device', '--serial-number', serial]);
    expect(inUse.stderr).to.contain('DeleteConflict');

    await range.aws(['iam', 'deactivate-mfa-device', '--user-name', 'frank', '--serial-number', serial]);
    expect((await iam.send(new ListMFADevicesCommand({ UserName: 'frank' }))).MFADevices).to.deep.equal([]);
    await range.aws(['iam', 'delete-virtual-mfa-device', '--serial-number', serial]);
    await iam.send(new DeleteVirtualMFADeviceCommand({ SerialNumber: `arn:aws:iam::${acct}:mfa/spare` }));
    const after = await iam.send(new ListVirtualMFADevicesCommand({}));
    expect(after.VirtualMFADevices?.map((d) => d.SerialNumber)).to.deep.equal([
      `arn:aws:iam::${acct}:mfa/root-account-mfa-device`,
    ]);
  });

  it('reports root MFA and root access keys in the account summary', async () => {
    const rootMfa = `arn:aws:iam::${acct}:mfa/root-account-mfa-device`;
    const cli = (await range.aws(['iam', 'get-account-summary'])) as { SummaryMap: Record<string, number> };
    expect(cli.SummaryMap).to.include({
      AccountMFAEnabled: 1,
      // The range's own root key is root's access key (it signs root's calls): IAM counts it.
      AccountAccessKeysPresent: 1,
      Users: 2,
      AccessKeysPerUserQuota: 2,
    });
    const ownRootKey = range.rootCredentials.accessKeyId;
    expect(
      (await root.send(new ListAccessKeysCommand({}))).AccessKeyMetadata?.map((k) => k.AccessKeyId),
    ).to.deep.equal([ownRootKey]);

    await root.send(new DeactivateMFADeviceCommand({ UserName: 'root', SerialNumber: rootMfa }));
    expect(await summary()).to.include({ AccountMFAEnabled: 0 });
    expect((await root.send(new ListMFADevicesCommand({}))).MFADevices).to.deep.equal([]);
    await root.send(
      new EnableMFADeviceCommand({
        UserName: 'root',
        SerialNumber: rootMfa,
        AuthenticationCode1: '111111',
        AuthenticationCode2: '222222',
      }),
    );
    expect(await summary()).to.include({ AccountMFAEnabled: 1 });

    // The "root has access keys" fault: root creates a key, which works and counts.
    const { AccessKey } = (await range.aws(['iam', 'create-access-key'], { env: rootEnv })) as {
      AccessKey: { AccessKeyId: string; SecretAccessKey: string; UserName?: string };
    };
    expect(AccessKey.UserName).to.equal(undefined);
    const asRoot = new STSClient(
      range.clientConfig({
        credentials: { accessKeyId: AccessKey.AccessKeyId, secretAccessKey: AccessKey.SecretAccessKey },
      }),
    );
    expect((await asRoot.send(new GetCallerIdentityCommand({}))).Arn).to.equal(`arn:aws:iam::${acct}:root`);
    expect(range.events('GetCallerIdentity').at(-1)?.userIdentity).to.deep.include({
      type: 'Root',
      accessKeyId: AccessKey.AccessKeyId,
    });
    const keys = (await range.aws(['iam', 'list-access-keys'], { env: rootEnv })) as {
      AccessKeyMetadata: Array<{ AccessKeyId: string }>;
    };
    expect(keys.AccessKeyMetadata.map((k) => k.AccessKeyId)).to.deep.equal([
      ownRootKey,
      AccessKey.AccessKeyId,
    ]);
    expect(await summary()).to.include({ AccountAccessKeysPresent: 1 });
    // Listing the admin's keys is unaffected.
    expect(
      (await iam.send(new ListAccessKeysCommand({}))).AccessKeyMetadata?.map((k) => k.AccessKeyId),
    ).to.deep.equal([range.credentials.accessKeyId]);

    await root.send(new DeleteAccessKeyCommand({ AccessKeyId: AccessKey.AccessKeyId }));
    // Root still has the range's own key.
    expect(await summary()).to.include({ AccountAccessKeysPresent: 1 });
    expect((await failure(asRoot.send(new GetCallerIdentityCommand({})))).name).to.equal(
      'InvalidClientTokenId',
    );
  });

  it('generates the credential report after a delay, with the root row and one row per user', async () => {
    const absent = await range.awsFails(['iam', 'get-credential-report']);
    expect(absent.stderr).to.contain('ReportNotPresent');
    const notPresent = await failure(iam.send(new GetCredentialReportCommand({})));
    expect([notPresent.name, notPresent.$metadata?.httpStatusCode]).to.deep.equal([
      'CredentialReportNotPresentException',
      410,
    ]);

    await iam.send(new CreateUserCommand({ UserName: 'grace' }));
    await iam.send(new CreateLoginProfileCommand({ UserName: 'grace', Password: 'Grace-Hopper-1906' }));
    const { AccessKey } = await root.send(new CreateAccessKeyCommand({}));
    const started = (await range.aws(['iam', 'generate-credential-report'])) as {
      State: string;
      Description: string;
    };
    expect(started).to.deep.equal({
      State: 'STARTED',
      Description: 'No report exists. Starting a new report generation task',
    });
    const inProgress = await failure(iam.send(new GetCredentialReportCommand({})));
    expect([inProgress.name, inProgress.$metadata?.httpStatusCode]).to.deep.equal([
      'CredentialReportNotReadyException',
      404,
    ]);
    expect((await iam.send(new GenerateCredentialReportCommand({}))).State).to.equal('INPROGRESS');

    clock.advance(5_000);
    expect((await iam.send(new GenerateCredentialReportCommand({}))).State).to.equal('COMPLETE');
    const cli = (await range.aws(['iam', 'get-credential-report'])) as {
      Content: string;
      ReportFormat: string;
      GeneratedTime: string;
    };
    expect(cli.ReportFormat).to.equal('text/csv');
    const csv = Buffer.from(cli.Content, 'base64').toString('utf8');
    const [header, ...rows] = csv.split('\n').map((line) => line.split(','));
    expect(header?.slice(0, 9)).to.deep.equal([
      'user',
      'arn',
      'user_creation_time',
      'password_enabled',
      'password_last_used',
      'password_last_changed',
      'password_next_rotation',
      'mfa_active',
      'access_key_1_active',
    ]);
    expect(header).to.include.members([
      'access_key_2_last_used_service',
      'cert_1_active',
      'cert_2_last_rotated',
    ]);
    expect(header).to.have.length(22);
    const row = (user: string) =>
      Object.fromEntries((header ?? []).map((h, i) => [h, rows.find((r) => r[0] === user)?.[i]]));
    expect(rows.map((r) => r[0])).to.deep.equal(['<root_account>', 'frank', 'grace', 'range-admin']);
    expect(row('<root_account>')).to.include({
      arn: `arn:aws:iam::${acct}:root`,
      password_enabled: 'not_supported',
      mfa_active: 'true',
      // The range's own root key, then the one root created above.
      access_key_1_active: 'true',
      access_key_2_active: 'true',
    });
    expect(row('grace')).to.include({
      password_enabled: 'true',
      password_last_used: 'no_information',
      access_key_1_active: 'false',
    });
    expect(row('range-admin')).to.include({
      access_key_1_active: 'true',
      access_key_1_last_used_service: 'iam',
      access_key_1_last_used_region: 'us-east-1',
    });
    expect(row('range-admin').access_key_1_last_used_date).to.equal('2026-06-01T08:00:00+00:00');
    const sdk = await iam.send(new GetCredentialReportCommand({}));
    expect(Buffer.from(sdk.Content!).toString('utf8')).to.equal(csv);
    expect(sdk.GeneratedTime?.toISOString()).to.equal('2026-06-01T08:00:00.000Z');
    await root.send(new DeleteAccessKeyCommand({ AccessKeyId: AccessKey!.AccessKeyId! }));
    await iam.send(new DeleteLoginProfileCommand({ UserName: 'grace' }));
    expect((await failure(iam.send(new GetLoginProfileCommand({ UserName: 'grace' })))).name).to.equal(
      'NoSuchEntityException',
    );
    expect(range.events('GenerateCredentialReport')).to.have.length(3);
  });

  it('creates, lists and deletes the account alias', async () => {
    await range.aws(['iam', 'create-account-alias', '--account-alias', 'sirs-sandbox']);
    const listed = (await range.aws(['iam', 'list-account-aliases'])) as { AccountAliases: string[] };
    expect(listed.AccountAliases).to.deep.equal(['sirs-sandbox']);
    // An account has one alias: a new one replaces it.
    await iam.send(new CreateAccountAliasCommand({ AccountAlias: 'sirs-gameday' }));
    expect((await iam.send(new ListAccountAliasesCommand({}))).AccountAliases).to.deep.equal([
      'sirs-gameday',
    ]);
    const invalid = await failure(iam.send(new CreateAccountAliasCommand({ AccountAlias: 'Not_Valid' })));
    expect([invalid.name, invalid.message]).to.deep.equal([
      'ValidationError',
      "1 validation error detected: Value 'Not_Valid' at 'accountAlias' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[a-z0-9]([a-z0-9]|-(?!-)){1,61}[a-z0-9]$",
    ]);
    const missing = await failure(iam.send(new DeleteAccountAliasCommand({ AccountAlias: 'sirs-sandbox' })));
    expect([missing.name, missing.message]).to.deep.equal([
      'NoSuchEntityException',
      'The account alias sirs-sandbox cannot be found.',
    ]);
    await range.aws(['iam', 'delete-account-alias', '--account-alias', 'sirs-gameday']);
    expect((await iam.send(new ListAccountAliasesCommand({}))).AccountAliases).to.deep.equal([]);
    expect(range.events('CreateAccountAlias').map((e) => e.requestParameters)).to.deep.equal([
      { accountAlias: 'sirs-sandbox' },
      { accountAlias: 'sirs-gameday' },
      { accountAlias: 'Not_Valid' },
    ]);
  });
});
