import { expect } from 'chai';
import { CreateSecurityGroupCommand, CreateVpcCommand, EC2Client } from '@aws-sdk/client-ec2';
import {
  CreateAccessKeyCommand,
  CreateUserCommand,
  DeleteAccessKeyCommand,
  IAMClient,
  PutUserPolicyCommand,
} from '@aws-sdk/client-iam';
import {
  DecodeAuthorizationMessageCommand,
  GetAccessKeyInfoCommand,
  GetCallerIdentityCommand,
  STSClient,
} from '@aws-sdk/client-sts';
import { failure, startTestRange, type TestRange } from './harness.js';

// STS operations a responder runs on a leaked key and on a denial: STS API Reference,
// GetAccessKeyInfo ("returns the ID of the AWS account to which the keys belong ... The key might be
// active, inactive, or deleted") and DecodeAuthorizationMessage (the decoded message says whether the
// request was denied by an explicit deny, the principal, the action, the resource and the values of
// condition keys; to decode one needs sts:DecodeAuthorizationMessage; the IAM User Guide's example
// shows the document's `{ items: [...] }` form).
describe('range: STS for responders', function () {
  this.timeout(60_000);
  let range: TestRange;
  let iam: IAMClient;
  let sts: STSClient;

  before(async () => {
    range = await startTestRange();
    iam = new IAMClient(range.clientConfig());
    sts = new STSClient(range.clientConfig());
  });
  after(() => range.stop());

  const whoAmI = { Effect: 'Allow', Action: 'sts:GetCallerIdentity', Resource: '*' };

  async function userWith(name: string, statements: object[]) {
    await iam.send(new CreateUserCommand({ UserName: name }));
    await iam.send(
      new PutUserPolicyCommand({
        UserName: name,
        PolicyName: 'inline',
        PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: statements }),
      }),
    );
    const key = (await iam.send(new CreateAccessKeyCommand({ UserName: name }))).AccessKey!;
    const credentials = { accessKeyId: key.AccessKeyId!, secretAccessKey: key.SecretAccessKey! };
    return {
      credentials,
      env: { AWS_ACCESS_KEY_ID: credentials.accessKeyId, AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey },
    };
  }

  describe('GetAccessKeyInfo', () => {
    it("answers the account of a key the range issued, also once it is deleted, and AWS's encoded account for another", async () => {
      const leaked = await userWith('leaky', [whoAmI]);
      expect(
        (await sts.send(new GetAccessKeyInfoCommand({ AccessKeyId: range.credentials.accessKeyId }))).Account,
      ).to.equal(range.accountId);
      expect(
        await range.aws(['sts', 'get-access-key-info', '--access-key-id', leaked.credentials.accessKeyId]),
      ).to.deep.equal({ Account: range.accountId });
      // Used once, then deleted by the responder: the key is still attributed to its account.
      await new STSClient(range.clientConfig({ credentials: leaked.credentials })).send(
        new GetCallerIdentityCommand({}),
      );
      await iam.send(
        new DeleteAccessKeyCommand({ UserName: 'leaky', AccessKeyId: leaked.credentials.accessKeyId }),
      );
      expect(
        (await sts.send(new GetAccessKeyInfoCommand({ AccessKeyId: leaked.credentials.accessKeyId })))
          .Account,
      ).to.equal(range.accountId);
      // A key from outside the range: the account encoded in the ID (the example key of Aidan Steele's
      // public analysis of access key IDs, "ASIAY34FZKBOKMUTVV7A" → 609629065308).
      expect(
        await range.aws(['sts', 'get-access-key-info', '--access-key-id', 'ASIAY34FZKBOKMUTVV7A']),
      ).to.deep.equal({ Account: '609629065308' });
      const events = range.events('GetAccessKeyInfo');
      expect(events).to.have.length(4);
      expect(events[1]).to.deep.include({
        eventSource: 'sts.amazonaws.com',
        requestParameters: { accessKeyId: leaked.credentials.accessKeyId },
        responseElements: null,
      });
    });

    it('refuses a malformed key ID and a caller without sts:GetAccessKeyInfo', async () => {
      const short = await failure(sts.send(new GetAccessKeyInfoCommand({ AccessKeyId: 'AKIA123' })));
      expect(short.name).to.equal('ValidationError');
      expect(short.message).to.equal(
        "1 validation error detected: Value 'AKIA123' at 'accessKeyId' failed to satisfy constraint: Member must have length greater than or equal to 16",
      );
      const bad = await failure(sts.send(new GetAccessKeyInfoCommand({ AccessKeyId: 'AKIA-not-a-key-id' })));
      expect(bad.name).to.equal('ValidationError');
      const nobody = await userWith('nobody', [whoAmI]);
      const denied = await range.awsFails(
        ['sts', 'get-access-key-info', '--access-key-id', 'ASIAY34FZKBOKMUTVV7A'],
        {
          env: nobody.env,
        },
      );
      expect(denied.stderr).to.include('(AccessDenied) when calling the GetAccessKeyInfo operation');
      expect(denied.stderr).to.include(
        `User: arn:aws:iam::${range.accountId}:user/nobody is not authorized to perform: sts:GetAccessKeyInfo`,
      );
    });
  });

  describe('DecodeAuthorizationMessage', () => {
    let groupId: string;
    let intruder: Awaited<ReturnType<typeof userWith>>;

    before(async () => {
      const ec2 = new EC2Client(range.clientConfig());
      const vpc = (await ec2.send(new CreateVpcCommand({ CidrBlock: '10.1.0.0/16' }))).Vpc?.VpcId;
      groupId =
        (await ec2.send(new CreateSecurityGroupCommand({ GroupName: 'web', Description: 'web', VpcId: vpc })))
          .GroupId ?? '';
      intruder = await userWith('intruder', [
        { Effect: 'Allow', Action: 'ec2:Describe*', Resource: '*' },
        { Sid: 'KeepTheFirewall', Effect: 'Deny', Action: 'ec2:DeleteSecurityGroup', Resource: '*' },
      ]);
    });

    function encodedIn(text: string): string {
      const m = /Encoded authorization failure message: ([\w-]+)/.exec(text);
      expect(m, text).to.not.equal(null);
      return m?.[1] ?? '';
    }

    it('shows an administrator the denied principal, action, resource, deny statement and conditions of an EC2 denial (AWS CLI)', async () => {
      const denied = await range.awsFails(['ec2', 'delete-security-group', '--group-id', groupId], {
        env: intruder.env,
      });
      expect(denied.stderr).to.include('(UnauthorizedOperation)');
      const out = (await range.aws([
        'sts',
        'decode-authorization-message',
        '--encoded-message',
        encodedIn(denied.stderr),
      ])) as { DecodedMessage: string };
      const decoded = JSON.parse(out.DecodedMessage) as {
        allowed: boolean;
        explicitDeny: boolean;
        matchedStatements: { items: Array<Record<string, unknown>> };
        failures: { items: unknown[] };
        context: {
          principal: { id: string; name: string; arn: string };
          action: string;
          resource: string;
          conditions: { items: Array<{ key: string; values: { items: Array<{ value: string }> } }> };
        };
      };
      expect(decoded).to.include({ allowed: false, explicitDeny: true });
      expect(decoded.failures).to.deep.equal({ items: [] });
      expect(decoded.context.principal).to.deep.include({
        name: 'intruder',
        arn: `arn:aws:iam::${range.accountId}:user/intruder`,
      });
      expect(decoded.context.principal.id).to.match(/^AIDA/);
      expect(decoded.context.action).to.equal('ec2:DeleteSecurityGroup');
      expect(decoded.context.resource).to.equal(
        `arn:aws:ec2:us-east-1:${range.accountId}:security-group/${groupId}`,
      );
      const conditions = Object.fromEntries(
        decoded.context.conditions.items.map((c) => [c.key, c.values.items.map((v) => v.value)]),
      );
      expect(conditions['aws:username']).to.deep.equal(['intruder']);
      expect(conditions['aws:RequestedRegion']).to.deep.equal(['us-east-1']);
      expect(decoded.matchedStatements.items).to.deep.equal([
        {
          statementId: 'KeepTheFirewall',
          effect: 'DENY',
          principals: { items: [{ value: decoded.context.principal.id }] },
          principalGroups: { items: [] },
          actions: { items: [{ value: 'ec2:DeleteSecurityGroup' }] },
          resources: { items: [{ value: '*' }] },
          conditions: { items: [] },
        },
      ]);
      const event = range.events('DecodeAuthorizationMessage').at(-1);
      expect(event).to.include({ eventSource: 'sts.amazonaws.com' });
      expect(event?.userIdentity).to.include({ type: 'IAMUser' });
    });

    it('decodes an implicit denial through the SDK, and refuses an unknown message and a caller without the permission', async () => {
      const intruderEc2 = new EC2Client(range.clientConfig({ credentials: intruder.credentials }));
      const err = await failure(
        intruderEc2.send(
          new CreateSecurityGroupCommand({ GroupName: 'backdoor', Description: 'x', VpcId: 'vpc-12345678' }),
        ),
      );
      expect(err.name).to.equal('UnauthorizedOperation');
      const encoded = encodedIn(err.message);
      const out = await sts.send(new DecodeAuthorizationMessageCommand({ EncodedMessage: encoded }));
      const decoded = JSON.parse(out.DecodedMessage ?? '{}') as Record<string, unknown>;
      expect(decoded).to.deep.include({
        allowed: false,
        explicitDeny: false,
        matchedStatements: { items: [] },
      });
      expect(decoded.context).to.deep.include({ action: 'ec2:CreateSecurityGroup' });

      const unknown = await failure(
        sts.send(new DecodeAuthorizationMessageCommand({ EncodedMessage: 'bm90LWEtbWVzc2FnZQ' })),
      );
      expect(unknown.name).to.equal('InvalidAuthorizationMessageException');
      expect(unknown.$metadata.httpStatusCode).to.equal(400);

      // The denied user may not read the details of its own denial without sts:DecodeAuthorizationMessage.
      const self = await range.awsFails(
        ['sts', 'decode-authorization-message', '--encoded-message', encoded],
        {
          env: intruder.env,
        },
      );
      expect(self.stderr).to.include('(AccessDenied) when calling the DecodeAuthorizationMessage operation');
      expect(self.stderr).to.include('is not authorized to perform: sts:DecodeAuthorizationMessage');
    });
  });
});
