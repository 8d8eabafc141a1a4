import {
  CreateAccessKeyCommand,
  CreateUserCommand,
  IAMClient,
  PutUserPolicyCommand,
} from '@aws-sdk/client-iam';
import type { TestRange } from './harness.js';

export interface TestUser {
  arn: string;
  /** For SDK clients: `range.clientConfig({ credentials })`. */
  credentials: { accessKeyId: string; secretAccessKey: string };
  /** For the AWS CLI: `range.aws(args, { env })`. */
  env: Record<string, string>;
}

/**
 * An IAM user whose only permissions are `statements` (none when empty), with an access key: the range's
 * authorization tests act as such a user through the SDK and the AWS CLI.
 */
export async function userWith(
  range: TestRange,
  name: string,
  statements: Array<Record<string, unknown>>,
): Promise<TestUser> {
  const iam = new IAMClient(range.clientConfig());
  const { User } = await iam.send(new CreateUserCommand({ UserName: name }));
  if (statements.length) {
    await iam.send(
      new PutUserPolicyCommand({
        UserName: name,
        PolicyName: 'only',
        PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: statements }),
      }),
    );
  }
  const { AccessKey } = await iam.send(new CreateAccessKeyCommand({ UserName: name }));
  iam.destroy();
  const credentials = { accessKeyId: AccessKey!.AccessKeyId!, secretAccessKey: AccessKey!.SecretAccessKey! };
  return {
    arn: User!.Arn!,
    credentials,
    env: { AWS_ACCESS_KEY_ID: credentials.accessKeyId, AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey },
  };
}
