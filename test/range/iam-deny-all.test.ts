import { expect } from 'chai';
import { startTestRange, type TestRange } from './harness.js';

const DENY_ALL = 'arn:aws:iam::aws:policy/AWSDenyAll';

/**
 * AWSDenyAll, the managed policy responders attach to contain a compromised user: its document and
 * version as AWS publishes them (https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AWSDenyAll.html).
 */
describe('range: the AWSDenyAll managed policy', function () {
  this.timeout(60_000);
  let range: TestRange;
  before(async () => {
    range = await startTestRange();
    await range.aws(['iam', 'create-user', '--user-name', 'backdoor']);
  });
  after(() => range.stop());

  it('exists in every account with its published document, and attaches like any AWS managed policy', async () => {
    const got = (await range.aws(['iam', 'get-policy', '--policy-arn', DENY_ALL])) as {
      Policy: { PolicyName: string; DefaultVersionId: string; Description: string; AttachmentCount: number };
    };
    expect(got.Policy).to.include({
      PolicyName: 'AWSDenyAll',
      DefaultVersionId: 'v2',
      Description: 'Deny all access.',
      AttachmentCount: 0,
    });
    const version = (await range.aws([
      'iam',
      'get-policy-version',
      '--policy-arn',
      DENY_ALL,
      '--version-id',
      'v2',
    ])) as { PolicyVersion: { Document: unknown } };
    expect(version.PolicyVersion.Document).to.deep.equal({
      Version: '2012-10-17',
      Statement: [{ Sid: 'DenyAll', Effect: 'Deny', Action: ['*'], Resource: '*' }],
    });

    await range.aws(['iam', 'attach-user-policy', '--user-name', 'backdoor', '--policy-arn', DENY_ALL]);
    const attached = (await range.aws(['iam', 'list-attached-user-policies', '--user-name', 'backdoor'])) as {
      AttachedPolicies: Array<{ PolicyName: string; PolicyArn: string }>;
    };
    expect(attached.AttachedPolicies).to.deep.equal([{ PolicyName: 'AWSDenyAll', PolicyArn: DENY_ALL }]);
    const entities = (await range.aws(['iam', 'list-entities-for-policy', '--policy-arn', DENY_ALL])) as {
      PolicyUsers: Array<{ UserName: string }>;
    };
    expect(entities.PolicyUsers.map((u) => u.UserName)).to.deep.equal(['backdoor']);
    expect(range.events('AttachUserPolicy').at(-1)?.requestParameters).to.deep.equal({
      userName: 'backdoor',
      policyArn: DENY_ALL,
    });

    // IAM refuses to delete a user that still has policies attached.
    const conflict = await range.awsFails(['iam', 'delete-user', '--user-name', 'backdoor']);
    expect(conflict.stderr).to.contain('DeleteConflict');
    await range.aws(['iam', 'detach-user-policy', '--user-name', 'backdoor', '--policy-arn', DENY_ALL]);
    await range.aws(['iam', 'delete-user', '--user-name', 'backdoor']);
  });
});
