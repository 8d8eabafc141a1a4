import { expect } from 'chai';
import {
  CloudWatchLogsClient,
  CreateLogGroupCommand,
  DeleteLogGroupCommand,
  DeleteRetentionPolicyCommand,
  DescribeLogGroupsCommand,
  ListTagsForResourceCommand,
  ListTagsLogGroupCommand,
  PutRetentionPolicyCommand,
  TagLogGroupCommand,
  TagResourceCommand,
  UntagLogGroupCommand,
  UntagResourceCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import { failure, startTestRange, type TestRange } from './harness.js';

/** The error a call fails with (a call that succeeds fails the test). */

describe('range: CloudWatch Logs log groups', function () {
  this.timeout(60_000);
  let range: TestRange;
  /** The AWS CLI against the range: the words of `command`, then further arguments as they are. */
  const aws = (command: string, ...args: string[]) => range.aws([...command.split(' '), ...args]);
  const awsFails = (command: string, ...args: string[]) => range.awsFails([...command.split(' '), ...args]);
  let logs: CloudWatchLogsClient;

  before(async () => {
    range = await startTestRange();
    logs = new CloudWatchLogsClient(range.clientConfig());
  });
  after(() => range.stop());

  it('creates log groups with the SDK and the CLI, refuses duplicates and bad names, and records the calls', async () => {
    await logs.send(new CreateLogGroupCommand({ logGroupName: '/app/web', tags: { team: 'blue' } }));
    await aws('logs create-log-group --log-group-name /app/worker');
    const dup = await failure(logs.send(new CreateLogGroupCommand({ logGroupName: '/app/web' })));
    expect(dup.name).to.equal('ResourceAlreadyExistsException');
    expect(dup.message).to.equal('The specified log group already exists');
    const cli = await awsFails('logs create-log-group --log-group-name /app/worker');
    expect(cli.stderr).to.contain('ResourceAlreadyExistsException');
    const bad = await failure(logs.send(new CreateLogGroupCommand({ logGroupName: 'has space' })));
    expect(bad.name).to.equal('InvalidParameterException');
    expect(bad.message).to.contain('Member must satisfy regular expression pattern');
    const created = range.events('CreateLogGroup');
    expect(created.map((e) => e.requestParameters?.logGroupName)).to.include.members([
      '/app/web',
      '/app/worker',
    ]);
    expect(created.find((e) => e.errorCode)?.errorCode).to.equal('ResourceAlreadyExistsException');
    expect(created[0]?.eventSource).to.equal('logs.amazonaws.com');
  });

  it('describes log groups by prefix and by pattern, a page at a time, in ASCII order', async () => {
    await logs.send(new CreateLogGroupCommand({ logGroupName: '/other/Data' }));
    const byPrefix = await logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: '/app/' }));
    expect(byPrefix.logGroups?.map((g) => g.logGroupName)).to.deep.equal(['/app/web', '/app/worker']);
    const web = byPrefix.logGroups?.[0];
    expect(web?.arn).to.equal(`arn:aws:logs:${range.region}:${range.accountId}:log-group:/app/web:*`);
    expect(web?.logGroupArn).to.equal(`arn:aws:logs:${range.region}:${range.accountId}:log-group:/app/web`);
    expect(web).to.include({ storedBytes: 0, metricFilterCount: 0, logGroupClass: 'STANDARD' });
    const first = await logs.send(new DescribeLogGroupsCommand({ limit: 1 }));
    expect(first.logGroups?.map((g) => g.logGroupName)).to.deep.equal(['/app/web']);
    const second = await logs.send(new DescribeLogGroupsCommand({ limit: 1, nextToken: first.nextToken }));
    expect(second.logGroups?.map((g) => g.logGroupName)).to.deep.equal(['/app/worker']);
    const byPattern = (await aws('logs describe-log-groups --log-group-name-pattern Data')) as {
      logGroups: Array<Record<string, unknown>>;
    };
    expect(byPattern.logGroups.map((g) => g.logGroupName)).to.deep.equal(['/other/Data']);
    // With a pattern AWS answers only the name, the ARN and the creation time.
    expect(Object.keys(byPattern.logGroups[0] ?? {}).sort()).to.deep.equal([
      'arn',
      'creationTime',
      'logGroupName',
    ]);
    const both = await failure(
      logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: '/a', logGroupNamePattern: 'a' })),
    );
    expect(both.name).to.equal('InvalidParameterException');
    // The CLI follows nextToken through every page.
    const all = (await aws('logs describe-log-groups --page-size 1')) as {
      logGroups: unknown[];
    };
    expect(all.logGroups).to.have.length(3);
  });

  it('sets retention to documented day counts only, and removes it', async () => {
    await logs.send(new PutRetentionPolicyCommand({ logGroupName: '/app/web', retentionInDays: 30 }));
    await aws('logs put-retention-policy --log-group-name /app/worker --retention-in-days 365');
    const bad = await failure(
      logs.send(new PutRetentionPolicyCommand({ logGroupName: '/app/web', retentionInDays: 2 })),
    );
    expect(bad.name).to.equal('InvalidParameterException');
    expect(bad.message).to.contain('Member must satisfy enum value set: [1, 3, 5, 7, 14, 30');
    const missing = await awsFails('logs put-retention-policy --log-group-name /nope --retention-in-days 1');
    expect(missing.stderr)
      .to.contain('ResourceNotFoundException')
      .and.contain('The specified log group does not exist.');
    let groups = await logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: '/app/' }));
    expect(groups.logGroups?.map((g) => g.retentionInDays)).to.deep.equal([30, 365]);
    await logs.send(new DeleteRetentionPolicyCommand({ logGroupName: '/app/worker' }));
    groups = await logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: '/app/worker' }));
    expect(groups.logGroups?.[0]?.retentionInDays).to.equal(undefined);
    expect(range.events('PutRetentionPolicy')).to.have.length(4);
  });

  it('tags log groups through both the log-group and the resource-ARN APIs', async () => {
    const arn = `arn:aws:logs:${range.region}:${range.accountId}:log-group:/app/web`;
    await logs.send(new TagLogGroupCommand({ logGroupName: '/app/web', tags: { env: 'prod' } }));
    await aws('logs tag-resource --resource-arn', arn, '--tags', 'owner=sec,cost=1');
    expect((await logs.send(new ListTagsLogGroupCommand({ logGroupName: '/app/web' }))).tags).to.deep.equal({
      team: 'blue',
      env: 'prod',
      owner: 'sec',
      cost: '1',
    });
    await logs.send(new UntagResourceCommand({ resourceArn: arn, tagKeys: ['cost'] }));
    await logs.send(new UntagLogGroupCommand({ logGroupName: '/app/web', tags: ['team'] }));
    const cli = (await aws('logs list-tags-for-resource --resource-arn', arn)) as {
      tags: Record<string, string>;
    };
    expect(cli.tags).to.deep.equal({ env: 'prod', owner: 'sec' });
    const missing = await failure(
      logs.send(
        new TagResourceCommand({
          resourceArn: `arn:aws:logs:${range.region}:${range.accountId}:log-group:/nope`,
          tags: { a: 'b' },
        }),
      ),
    );
    expect(missing.name).to.equal('ResourceNotFoundException');
    const tooMany = Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, 'v']));
    expect(
      (await failure(logs.send(new TagResourceCommand({ resourceArn: arn, tags: tooMany })))).name,
    ).to.equal('TooManyTagsException');
    expect((await logs.send(new ListTagsForResourceCommand({ resourceArn: arn }))).tags).to.have.keys(
      'env',
      'owner',
    );
  });

  it('deletes log groups; a missing one is ResourceNotFoundException', async () => {
    await aws('logs delete-log-group --log-group-name /other/Data');
    const again = await failure(logs.send(new DeleteLogGroupCommand({ logGroupName: '/other/Data' })));
    expect(again.name).to.equal('ResourceNotFoundException');
    expect(again.$metadata?.httpStatusCode).to.equal(400);
    expect(range.events('DeleteLogGroup').map((e) => e.errorCode ?? 'ok')).to.deep.equal([
      'ok',
      'ResourceNotFoundException',
    ]);
  });
});
