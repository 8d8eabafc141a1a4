import { CreateTopicCommand, SetTopicAttributesCommand, SNSClient } from '@aws-sdk/client-sns';
import type { TestRange } from './harness.js';

/**
 * A topic EventBridge may publish to: its access policy grants `events.amazonaws.com` sns:Publish, as
 * the EventBridge guide's "Amazon SNS permissions" says it must (SNS's default policy does not).
 */
export async function topicForEvents(range: TestRange, name: string): Promise<string> {
  const sns = new SNSClient(range.clientConfig());
  const arn = (await sns.send(new CreateTopicCommand({ Name: name }))).TopicArn as string;
  await sns.send(
    new SetTopicAttributesCommand({
      TopicArn: arn,
      AttributeName: 'Policy',
      AttributeValue: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          {
            Sid: 'EventBridgePublishes',
            Effect: 'Allow',
            Principal: { Service: 'events.amazonaws.com' },
            Action: 'sns:Publish',
            Resource: arn,
            Condition: { StringEquals: { 'aws:SourceAccount': range.accountId } },
          },
        ],
      }),
    }),
  );
  return arn;
}
