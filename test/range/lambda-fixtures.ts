import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { CreateRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import {
  CloudWatchLogsClient,
  DescribeLogStreamsCommand,
  GetLogEventsCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import { writeZip } from '../../src/range/services/lambda/zip.js';
import type { TestRange } from './harness.js';

/** A handler source from test/range/fixtures/lambda. */
export function fixture(name: string): string {
  return readFileSync(fileURLToPath(new URL(`./fixtures/lambda/${name}`, import.meta.url)), 'utf8');
}

/** A deployment package holding fixture files under the given names. */
export function packageOf(files: Record<string, string>): Buffer {
  return writeZip(Object.entries(files).map(([path, source]) => ({ path, data: fixture(source) })));
}

/** An execution role Lambda may assume (trust policy for lambda.amazonaws.com). */
export async function executionRole(
  range: TestRange,
  name: string,
  service = 'lambda.amazonaws.com',
): Promise<string> {
  const iam = new IAMClient(range.clientConfig());
  const out = await iam.send(
    new CreateRoleCommand({
      RoleName: name,
      AssumeRolePolicyDocument: JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Principal: { Service: service }, Action: 'sts:AssumeRole' }],
      }),
    }),
  );
  return out.Role?.Arn ?? '';
}

/** Every message the function wrote to `/aws/lambda/<name>`, oldest first, with the streams' names. */
export async function functionLog(
  range: TestRange,
  name: string,
): Promise<{ streams: string[]; messages: string[] }> {
  const logs = new CloudWatchLogsClient(range.clientConfig());
  const group = `/aws/lambda/${name}`;
  const streams = (await logs.send(new DescribeLogStreamsCommand({ logGroupName: group }))).logStreams ?? [];
  const messages: string[] = [];
  for (const s of streams) {
    const events = await logs.send(
      new GetLogEventsCommand({ logGroupName: group, logStreamName: s.logStreamName, startFromHead: true }),
    );
    for (const e of events.events ?? []) messages.push(e.message ?? '');
  }
  return { streams: streams.map((s) => s.logStreamName ?? ''), messages };
}
