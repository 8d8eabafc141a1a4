import { expect } from 'chai';
import {
  CreateAccessKeyCommand,
  CreateRoleCommand,
  CreateUserCommand,
  IAMClient,
  PutUserPolicyCommand,
} from '@aws-sdk/client-iam';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import type { Principal } from '../../src/range/identity.js';
import { trustAllows } from '../../src/range/services/iam/trust.js';
import { failure, startTestRange, type TestRange } from './harness.js';
import { otherAccountUser } from './other-account.js';

const trust = (...statements: object[]) => JSON.stringify({ Version: '2012-10-17', Statement: statements });
const assume = { Effect: 'Allow', Action: 'sts:AssumeRole' };

describe('range: role trust policies on the shared evaluator', function () {
  this.timeout(60_000);
  let range: TestRange;
  let iam: IAMClient;
  let acct: string;
  before(async () => {
    range = await startTestRange();
    iam = new IAMClient(range.clientConfig());
    acct = range.accountId;
  });
  after(() => range.stop());

  async function user(name: string, inline?: object) {
    await iam.send(new CreateUserCommand({ UserName: name }));
    if (inline)
      await iam.send(
        new PutUserPolicyCommand({ UserName: name, PolicyName: 'p', PolicyDocument: JSON.stringify(inline) }),
      );
    const { AccessKey } = await iam.send(new CreateAccessKeyCommand({ UserName: name }));
    const credentials = {
      accessKeyId: AccessKey!.AccessKeyId!,
      secretAccessKey: AccessKey!.SecretAccessKey!,
    };
    return {
      sts: new STSClient(range.clientConfig({ credentials })),
      env: { AWS_ACCESS_KEY_ID: credentials.accessKeyId, AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey },
    };
  }
  const role = async (name: string, policy: string) =>
    (await iam.send(new CreateRoleCommand({ RoleName: name, AssumeRolePolicyDocument: policy }))).Role!.Arn!;

  it('lets a user named in the trust policy assume the role without an identity-based policy', async () => {
    // "To allow a user to assume a role in the same account, you can ... add the user as a principal
    // directly in the role's trust policy" (STS API Reference, AssumeRole).
    const responder = await user('responder');
    const arn = await role(
      'ir-named',
      trust({ ...assume, Principal: { AWS: `arn:aws:iam::${acct}:user/responder` } }),
    );
    const out = await responder.sts.send(new AssumeRoleCommand({ RoleArn: arn, RoleSessionName: 'named' }));
    expect(out.AssumedRoleUser?.Arn).to.equal(`arn:aws:sts::${acct}:assumed-role/ir-named/named`);
  });

  it('needs an identity-based allow when the trust policy names only the account', async () => {
    // "... attach a policy to the user that allows the user to call AssumeRole (as long as the role's
    // trust policy trusts the account)".
    const arn = await role(
      'ir-account',
      trust({ ...assume, Principal: { AWS: `arn:aws:iam::${acct}:root` } }),
    );
    const bare = await user('bare');
    const err = await failure(bare.sts.send(new AssumeRoleCommand({ RoleArn: arn, RoleSessionName: 's1' })));
    expect([err.name, err.message]).to.deep.equal([
      'AccessDenied',
      `User: arn:aws:iam::${acct}:user/bare is not authorized to perform: sts:AssumeRole on resource: ${arn} because no identity-based policy allows the sts:AssumeRole action`,
    ]);
    const allowed = await user('allowed', {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: arn }],
    });
    const out = await allowed.sts.send(new AssumeRoleCommand({ RoleArn: arn, RoleSessionName: 's1' }));
    expect(out.Credentials?.AccessKeyId).to.match(/^ASIA/);
    // An identity-based allow is not enough when the trust policy does not trust the caller at all.
    const other = await role(
      'ir-other',
      trust({ ...assume, Principal: { AWS: 'arn:aws:iam::111122223333:root' } }),
    );
    const everything = await user('everything', {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }],
    });
    expect(
      (await failure(everything.sts.send(new AssumeRoleCommand({ RoleArn: other, RoleSessionName: 's1' }))))
        .name,
    ).to.equal('AccessDenied');
  });

  it('checks sts:ExternalId and MFA conditions, and an explicit deny wins (SDK and CLI)', async () => {
    const vendor = await user('vendor');
    const arn = await role(
      'ir-vendor',
      trust(
        {
          ...assume,
          Principal: { AWS: `arn:aws:iam::${acct}:user/vendor` },
          Condition: { StringEquals: { 'sts:ExternalId': 'case-4711' } },
        },
        {
          ...assume,
          Principal: { AWS: `arn:aws:iam::${acct}:user/vendor` },
          Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'true' } },
        },
        {
          Effect: 'Deny',
          Action: 'sts:AssumeRole',
          Principal: { AWS: `arn:aws:iam::${acct}:user/vendor` },
          Condition: { StringLike: { 'sts:RoleSessionName': 'blocked-*' } },
        },
      ),
    );
    const cli = (extra: string[]) =>
      range.awsFails(['sts', 'assume-role', '--role-arn', arn, '--role-session-name', 'v1', ...extra], {
        env: vendor.env,
      });
    expect((await cli([])).stderr).to.contain('AccessDenied');
    expect((await cli(['--external-id', 'case-0000'])).stderr).to.contain('AccessDenied');
    const ok = (await range.aws(
      ['sts', 'assume-role', '--role-arn', arn, '--role-session-name', 'v1', '--external-id', 'case-4711'],
      { env: vendor.env },
    )) as { AssumedRoleUser: { Arn: string } };
    expect(ok.AssumedRoleUser.Arn).to.equal(`arn:aws:sts::${acct}:assumed-role/ir-vendor/v1`);
    // STS counts MFA only from a device enabled for the caller.
    await range.aws([
      'iam',
      'create-virtual-mfa-device',
      '--virtual-mfa-device-name',
      'vendor',
      '--outfile',
      '/dev/null',
      '--bootstrap-method',
      'Base32StringSeed',
    ]);
    await range.aws([
      'iam',
      'enable-mfa-device',
      '--user-name',
      'vendor',
      '--serial-number',
      `arn:aws:iam::${acct}:mfa/vendor`,
      '--authentication-code1',
      '111111',
      '--authentication-code2',
      '222222',
    ]);
    const withMfa = await vendor.sts.send(
      new AssumeRoleCommand({
        RoleArn: arn,
        RoleSessionName: 'v2',
        SerialNumber: `arn:aws:iam::${acct}:mfa/vendor`,
        TokenCode: '123456',
      }),
    );
    expect(withMfa.AssumedRoleUser?.Arn).to.contain('/v2');
    const blocked = await failure(
      vendor.sts.send(
        new AssumeRoleCommand({ RoleArn: arn, RoleSessionName: 'blocked-1', ExternalId: 'case-4711' }),
      ),
    );
    expect(blocked.name).to.equal('AccessDenied');
  });

  it('trusts another account only for its principals that their own account allows', async () => {
    const partner = '210987654321';
    const arn = await role('ir-partner', trust({ ...assume, Principal: { AWS: partner } }));
    const client = (c: { accessKeyId: string; secretAccessKey: string }) =>
      new STSClient(
        range.clientConfig({
          credentials: { accessKeyId: c.accessKeyId, secretAccessKey: c.secretAccessKey },
        }),
      );
    const analyst = otherAccountUser(range, {
      accountId: partner,
      userName: 'analyst',
      accessKeyId: 'AKIAPARTNERANALYST01',
      secretAccessKey: 'partner-analyst-secret-not-a-real-key-01',
    });
    const out = await client(analyst).send(new AssumeRoleCommand({ RoleArn: arn, RoleSessionName: 'x1' }));
    expect(out.AssumedRoleUser?.Arn).to.equal(`arn:aws:sts::${acct}:assumed-role/ir-partner/x1`);
    const intern = otherAccountUser(range, {
      accountId: partner,
      userName: 'intern',
      accessKeyId: 'AKIAPARTNERINTERN002',
      secretAccessKey: 'partner-intern-secret-not-a-real-key-002',
      policyArns: [],
    });
    const err = await failure(
      client(intern).send(new AssumeRoleCommand({ RoleArn: arn, RoleSessionName: 'x1' })),
    );
    expect(err.message).to.contain('because no identity-based policy allows the sts:AssumeRole action');
  });

  describe('trustAllows (the trust side alone)', () => {
    const caller: Principal = {
      type: 'IAMUser',
      accountId: '123456789012',
      arn: 'arn:aws:iam::123456789012:user/alice',
      principalId: 'AIDAALICE',
      userName: 'alice',
    };
    const session: Principal = {
      type: 'AssumedRole',
      accountId: '123456789012',
      arn: 'arn:aws:sts::123456789012:assumed-role/ops/s',
      principalId: 'AROAOPS:s',
      session: {
        roleArn: 'arn:aws:iam::123456789012:role/ops',
        roleName: 'ops',
        roleId: 'AROAOPS',
        sessionName: 's',
        createdAt: new Date(0),
        mfaAuthenticated: false,
      },
    };
    const ask = (
      policy: string,
      who: Principal = caller,
      extra: Partial<Parameters<typeof trustAllows>[1]> = {},
    ) => trustAllows(policy, { caller: who, sessionName: 'incident', mfa: false, ...extra });

    it('matches accounts, user ARNs, a role for its sessions, and services', () => {
      expect(ask(trust({ ...assume, Principal: { AWS: '123456789012' } }))).to.equal(true);
      expect(ask(trust({ ...assume, Principal: { AWS: 'arn:aws:iam::123456789012:user/bob' } }))).to.equal(
        false,
      );
      expect(
        ask(trust({ ...assume, Principal: { AWS: 'arn:aws:iam::123456789012:role/ops' } }), session),
      ).to.equal(true);
      expect(ask(trust({ ...assume, Principal: { Service: 'ec2.amazonaws.com' } }))).to.equal(false);
      const lambda: Principal = {
        type: 'AWSService',
        accountId: '123456789012',
        arn: 'lambda.amazonaws.com',
        principalId: 'lambda.amazonaws.com',
        service: 'lambda.amazonaws.com',
      };
      expect(ask(trust({ ...assume, Principal: { Service: 'lambda.amazonaws.com' } }), lambda)).to.equal(
        true,
      );
      expect(ask(trust({ ...assume, Principal: { AWS: '123456789012' } }), lambda)).to.equal(false);
    });

    it('evaluates conditions, treating an unknown key as not matching', () => {
      const mfaOnly = trust({
        ...assume,
        Principal: '*',
        Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'true' } },
      });
      expect(ask(mfaOnly)).to.equal(false);
      expect(ask(mfaOnly, caller, { mfa: true })).to.equal(true);
      // Long-term keys carry no aws:MultiFactorAuthPresent: BoolIfExists false matches them.
      const noMfa = trust({
        ...assume,
        Principal: '*',
        Condition: { BoolIfExists: { 'aws:MultiFactorAuthPresent': 'false' } },
      });
      expect(ask(noMfa)).to.equal(true);
      const unknown = trust({
        ...assume,
        Principal: '*',
        Condition: { StringEquals: { 'sts:SourceIdentity': 'x' } },
      });
      expect(ask(unknown)).to.equal(false);
      expect(ask('not json')).to.equal(false);
      // A documented pattern: the session must carry the caller's own user name (policy variables).
      const ownName = trust({
        ...assume,
        Principal: { AWS: '123456789012' },
        Condition: { StringEquals: { 'sts:RoleSessionName': '${aws:username}' } },
      });
      expect(ask(ownName)).to.equal(false);
      expect(ask(ownName, caller, { sessionName: 'alice' })).to.equal(true);
    });
  });
});
