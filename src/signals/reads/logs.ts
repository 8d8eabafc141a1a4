/** CloudWatch Logs reads: a log group by name, once a tick. */
import type { LogGroup } from '@aws-sdk/client-cloudwatch-logs';
import { allPages, type Reader } from '../reader.js';

/**
 * The log group of that exact name. DescribeLogGroups by prefix, the form every CloudWatch Logs
 * endpoint knows; a prefix may also list longer names, which are passed over.
 */
export function logGroup(reader: Reader, name: string): Promise<LogGroup | undefined> {
  return reader.once(`logs:DescribeLogGroups ${name}`, async () => {
    const pages = await allPages(
      reader,
      'logs:DescribeLogGroups',
      { logGroupNamePrefix: name },
      { in: 'nextToken', out: 'nextToken' },
    );
    return pages
      .flatMap((p) => (p.logGroups as LogGroup[] | undefined) ?? [])
      .find((g) => g.logGroupName === name);
  });
}
