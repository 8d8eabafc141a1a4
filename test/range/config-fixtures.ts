import type { ConfigServiceClient } from '@aws-sdk/client-config-service';
import {
  GetComplianceDetailsByConfigRuleCommand,
  PutConfigurationRecorderCommand,
  PutDeliveryChannelCommand,
  StartConfigurationRecorderCommand,
} from '@aws-sdk/client-config-service';
import { CreateBucketCommand, PutBucketPolicyCommand, S3Client } from '@aws-sdk/client-s3';
import type { TestRange } from './harness.js';

/** A recording AWS Config: a recorder and a delivery channel to a new bucket, started. */
export async function startRecording(range: TestRange, config: ConfigServiceClient): Promise<void> {
  await new S3Client(range.clientConfig()).send(new CreateBucketCommand({ Bucket: 'config-delivery' }));
  await config.send(
    new PutConfigurationRecorderCommand({
      ConfigurationRecorder: { name: 'default', roleARN: `arn:aws:iam::${range.accountId}:role/config` },
    }),
  );
  await config.send(
    new PutDeliveryChannelCommand({ DeliveryChannel: { name: 'default', s3BucketName: 'config-delivery' } }),
  );
  await config.send(new StartConfigurationRecorderCommand({ ConfigurationRecorderName: 'default' }));
}

/** A bucket CloudTrail may deliver to (the policy the console writes). */
export async function trailBucket(range: TestRange, bucket: string): Promise<void> {
  const s3 = new S3Client(range.clientConfig());
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  const service = { Service: 'cloudtrail.amazonaws.com' };
  await s3.send(
    new PutBucketPolicyCommand({
      Bucket: bucket,
      Policy: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Principal: service,
            Action: 's3:GetBucketAcl',
            Resource: `arn:aws:s3:::${bucket}`,
          },
          {
            Effect: 'Allow',
            Principal: service,
            Action: 's3:PutObject',
            Resource: `arn:aws:s3:::${bucket}/AWSLogs/${range.accountId}/*`,
          },
        ],
      }),
    }),
  );
}

/** Resource id → compliance type of a rule's evaluation results. */
export async function verdicts(config: ConfigServiceClient, rule: string): Promise<Record<string, string>> {
  const out = await config.send(new GetComplianceDetailsByConfigRuleCommand({ ConfigRuleName: rule }));
  return Object.fromEntries(
    (out.EvaluationResults ?? []).map((r) => [
      r.EvaluationResultIdentifier?.EvaluationResultQualifier?.ResourceId ?? '',
      r.ComplianceType ?? '',
    ]),
  );
}
