/**
 * A least-privileged facilitator on a test range: an IAM user (not named with sirs' prefix, so the policy
 * grants it nothing on itself) holding only the given policy, split into managed policies as
 * `sirs policy --format cfn` splits it, with an access key. Created with the range's administrator keys.
 */
import {
  AttachUserPolicyCommand,
  CreateAccessKeyCommand,
  CreatePolicyCommand,
  CreateUserCommand,
  IAMClient,
} from '@aws-sdk/client-iam';
import { splitStatements } from '../../src/policy/cfn.js';
import type { PolicyDocument } from '../../src/policy/generate.js';
import type { TestRange } from '../range/harness.js';

export interface Facilitator {
  userName: string;
  arn: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
  /** The environment for sirs and the AWS CLI: the range's, with this user's keys as the default. */
  env: Record<string, string>;
}

export async function facilitatorWith(
  range: TestRange,
  document: PolicyDocument,
  userName = 'facilitator',
): Promise<Facilitator> {
  const iam = new IAMClient(range.clientConfig());
  try {
    const user = await iam.send(new CreateUserCommand({ UserName: userName }));
    const parts = splitStatements(document.Statement);
    for (const [i, statements] of parts.entries()) {
      const policy = await iam.send(
        new CreatePolicyCommand({
          PolicyName: `${userName}-sirs-${i + 1}`,
          PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: statements }),
        }),
      );
      await iam.send(new AttachUserPolicyCommand({ UserName: userName, PolicyArn: policy.Policy!.Arn! }));
    }
    const key = (await iam.send(new CreateAccessKeyCommand({ UserName: userName }))).AccessKey!;
    const credentials = { accessKeyId: key.AccessKeyId!, secretAccessKey: key.SecretAccessKey! };
    return {
      userName,
      arn: user.User!.Arn!,
      credentials,
      env: {
        ...range.env(),
        AWS_ACCESS_KEY_ID: credentials.accessKeyId,
        AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
      },
    };
  } finally {
    iam.destroy();
  }
}

/**
 * CloudTrail events of a user that its policies refused (AccessDenied and each service's equivalent).
 * IAM answers GetAccessKeyLastUsed for a key that no longer exists with AccessDenied whatever the
 * caller's policies (a probe asking after a deleted key); that answer names the key, not a policy.
 */
export function deniedEventsOf(range: TestRange, userName: string): string[] {
  return range
    .events()
    .filter((e) => {
      const who = e.userIdentity as { type?: string; userName?: string } | undefined;
      const { errorCode = '', errorMessage = '' } = e as { errorCode?: string; errorMessage?: string };
      if (who?.userName !== userName) return false;
      if (!/AccessDenied|UnauthorizedOperation|AuthorizationError/.test(errorCode)) return false;
      return !(e.eventName === 'GetAccessKeyLastUsed' && / on resource: access key /.test(errorMessage));
    })
    .map((e) => `${e.eventSource} ${e.eventName}: ${(e as { errorMessage?: string }).errorMessage ?? ''}`);
}
