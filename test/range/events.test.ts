import { expect } from 'chai';
import {
  DeleteRuleCommand,
  DescribeRuleCommand,
  DisableRuleCommand,
  EnableRuleCommand,
  EventBridgeClient,
  ListRulesCommand,
  ListTagsForResourceCommand,
  ListTargetsByRuleCommand,
  PutEventsCommand,
  PutRuleCommand,
  PutTargetsCommand,
  RemoveTargetsCommand,
  TagResourceCommand,
  TestEventPatternCommand,
} from '@aws-sdk/client-eventbridge';
import { publishedMessages } from '../../src/range/services/sns/index.js';
import { failure, startTestRange, type TestRange } from './harness.js';
import { topicForEvents } from './events-fixtures.js';

// Expected answers follow the EventBridge API Reference (PutRule, PutTargets, DeleteRule,
// PutEventsResultEntry, ...) and the error wording AWS returns ("Rule X does not exist on EventBus
// default.", "Rule can't be deleted since it has targets.").

describe('range: EventBridge rules, targets and events', function () {
  this.timeout(60_000);
  let range: TestRange;
  let events: EventBridgeClient;
  let topic: string;
  const pattern = JSON.stringify({ source: ['app.orders'], 'detail-type': ['Order Placed'] });

  before(async () => {
    range = await startTestRange();
    events = new EventBridgeClient(range.clientConfig());
    topic = await topicForEvents(range, 'orders');
  });
  after(() => range.stop());

  it('creates, describes, lists (prefix, pages), disables and enables rules (CLI and SDK, CloudTrail)', async () => {
    const created = (await range.aws([
      'events',
      'put-rule',
      '--name',
      'orders-placed',
      '--event-pattern',
      pattern,
      '--description',
      'Orders',
      '--tags',
      'Key=team,Value=shop',
    ])) as { RuleArn: string };
    expect(created.RuleArn).to.equal(`arn:aws:events:us-east-1:${range.accountId}:rule/orders-placed`);
    await events.send(
      new PutRuleCommand({ Name: 'orders-nightly', ScheduleExpression: 'cron(0 2 * * ? *)' }),
    );
    await events.send(
      new PutRuleCommand({ Name: 'other', ScheduleExpression: 'rate(1 hour)', State: 'DISABLED' }),
    );

    const described = await events.send(new DescribeRuleCommand({ Name: 'orders-placed' }));
    expect(described).to.include({
      Name: 'orders-placed',
      Arn: created.RuleArn,
      EventPattern: pattern,
      State: 'ENABLED',
      Description: 'Orders',
      EventBusName: 'default',
      CreatedBy: range.accountId,
    });

    const page1 = await events.send(new ListRulesCommand({ NamePrefix: 'orders-', Limit: 1 }));
    expect(page1.Rules?.map((r) => r.Name)).to.deep.equal(['orders-nightly']);
    const page2 = await events.send(
      new ListRulesCommand({ NamePrefix: 'orders-', NextToken: page1.NextToken }),
    );
    expect(page2.Rules?.map((r) => r.Name)).to.deep.equal(['orders-placed']);
    expect(page2.NextToken).to.equal(undefined);
    const all = (await range.aws(['events', 'list-rules'])) as {
      Rules: Array<{ Name: string; State: string }>;
    };
    expect(all.Rules.map((r) => `${r.Name}:${r.State}`)).to.deep.equal([
      'orders-nightly:ENABLED',
      'orders-placed:ENABLED',
      'other:DISABLED',
    ]);

    await range.aws(['events', 'disable-rule', '--name', 'orders-nightly']);
    expect((await events.send(new DescribeRuleCommand({ Name: 'orders-nightly' }))).State).to.equal(
      'DISABLED',
    );
    await events.send(new EnableRuleCommand({ Name: 'orders-nightly' }));
    expect((await events.send(new DescribeRuleCommand({ Name: 'orders-nightly' }))).State).to.equal(
      'ENABLED',
    );

    const tags = await events.send(new ListTagsForResourceCommand({ ResourceARN: created.RuleArn }));
    expect(tags.Tags).to.deep.equal([{ Key: 'team', Value: 'shop' }]);
    await events.send(
      new TagResourceCommand({ ResourceARN: created.RuleArn, Tags: [{ Key: 'env', Value: 'dev' }] }),
    );
    expect(
      (await events.send(new ListTagsForResourceCommand({ ResourceARN: created.RuleArn }))).Tags,
    ).to.have.length(2);

    const trail = range.events('PutRule').find((e) => e.requestParameters?.name === 'orders-placed');
    expect(trail?.eventSource).to.equal('events.amazonaws.com');
    expect(trail?.requestParameters).to.include({ eventPattern: pattern, description: 'Orders' });
    expect(trail?.responseElements).to.deep.equal({ ruleArn: created.RuleArn });
    expect(range.events('DisableRule').map((e) => e.requestParameters?.name)).to.deep.equal([
      'orders-nightly',
    ]);
  });

  it('refuses what AWS refuses: unknown rules, bad patterns and schedules, a rule with neither', async () => {
    const missing = await failure(events.send(new DescribeRuleCommand({ Name: 'nope' })));
    expect(missing.name).to.equal('ResourceNotFoundException');
    expect(missing.message).to.equal('Rule nope does not exist on EventBus default.');
    const cli = await range.awsFails(['events', 'describe-rule', '--name', 'nope']);
    expect(cli.stderr)
      .to.contain('(ResourceNotFoundException)')
      .and.contain('Rule nope does not exist on EventBus default.');

    const bad = await range.awsFails([
      'events',
      'put-rule',
      '--name',
      'bad',
      '--event-pattern',
      '{"source":"aws.ec2"}',
    ]);
    expect(bad.stderr)
      .to.contain('(InvalidEventPatternException)')
      .and.contain('Event pattern is not valid. Reason:');
    const op = await failure(
      events.send(new PutRuleCommand({ Name: 'bad', EventPattern: '{"source":[{"begins-with":"aws."}]}' })),
    );
    expect(op.name).to.equal('InvalidEventPatternException');

    const neither = await failure(events.send(new PutRuleCommand({ Name: 'bad' })));
    expect(neither.name).to.equal('ValidationException');
    expect(neither.message).to.equal('Parameter(s) EventPattern or ScheduleExpression must be specified.');
    for (const expr of ['rate(1 minutes)', 'rate(0 minutes)', 'cron(0 12 * * * *)', 'every 5 minutes']) {
      const e = await failure(events.send(new PutRuleCommand({ Name: 'bad', ScheduleExpression: expr })));
      expect(e.message, expr).to.equal('Parameter ScheduleExpression is not valid.');
    }
    const name = await failure(events.send(new PutRuleCommand({ Name: 'bad name', EventPattern: pattern })));
    expect(name.name).to.equal('ValidationException');
    expect(name.message).to.contain("at 'name' failed to satisfy constraint");
    const bus = await failure(events.send(new ListRulesCommand({ EventBusName: 'custom' })));
    expect(bus.name).to.equal('ResourceNotFoundException');
    expect(range.events('PutRule').filter((e) => e.errorCode).length).to.be.at.least(7);
  });

  it('adds, lists and removes targets, reports failed entries, and refuses to delete a rule with targets', async () => {
    const put = await events.send(
      new PutTargetsCommand({
        Rule: 'orders-placed',
        Targets: [
          { Id: 'sns', Arn: topic },
          { Id: 'broken', Arn: 'not-an-arn' },
          { Id: 'both', Arn: topic, Input: '{}', InputPath: '$.detail' },
        ],
      }),
    );
    expect(put.FailedEntryCount).to.equal(2);
    expect(put.FailedEntries?.map((f) => [f.TargetId, f.ErrorCode])).to.deep.equal([
      ['broken', 'ValidationException'],
      ['both', 'ValidationException'],
    ]);
    await range.aws([
      'events',
      'put-targets',
      '--rule',
      'orders-placed',
      '--targets',
      JSON.stringify([{ Id: 'detail-only', Arn: topic, InputPath: '$.detail' }]),
    ]);
    const listed = (await range.aws(['events', 'list-targets-by-rule', '--rule', 'orders-placed'])) as {
      Targets: Array<{ Id: string; Arn: string; InputPath?: string }>;
    };
    expect(listed.Targets).to.deep.equal([
      { Id: 'sns', Arn: topic },
      { Id: 'detail-only', Arn: topic, InputPath: '$.detail' },
    ]);

    const refused = await failure(events.send(new DeleteRuleCommand({ Name: 'orders-placed' })));
    expect(refused.name).to.equal('ValidationException');
    expect(refused.message).to.equal("Rule can't be deleted since it has targets.");

    const tooMany = await failure(
      events.send(
        new PutTargetsCommand({
          Rule: 'orders-placed',
          Targets: ['a', 'b', 'c', 'd'].map((Id) => ({ Id, Arn: topic })),
        }),
      ),
    );
    expect(tooMany.name).to.equal('LimitExceededException');
    const noRule = await failure(
      events.send(new PutTargetsCommand({ Rule: 'nope', Targets: [{ Id: 'a', Arn: topic }] })),
    );
    expect(noRule.message).to.equal('Rule nope does not exist on EventBus default.');

    await events.send(new PutRuleCommand({ Name: 'scratch', EventPattern: pattern }));
    await events.send(new PutTargetsCommand({ Rule: 'scratch', Targets: [{ Id: 't', Arn: topic }] }));
    await range.aws(['events', 'remove-targets', '--rule', 'scratch', '--ids', 't']);
    expect((await events.send(new ListTargetsByRuleCommand({ Rule: 'scratch' }))).Targets).to.deep.equal([]);
    await range.aws(['events', 'delete-rule', '--name', 'scratch']);
    // Deleting again succeeds, as the API reference says.
    await events.send(new DeleteRuleCommand({ Name: 'scratch' }));
    expect(range.events('DeleteRule').map((e) => e.errorCode ?? 'ok')).to.deep.equal([
      'ValidationException',
      'ok',
      'ok',
    ]);
    expect(range.events('PutTargets').at(-1)?.requestParameters).to.deep.include({ rule: 'scratch' });
  });

  it('tests patterns against events (TestEventPattern, CLI and SDK)', async () => {
    const event = {
      id: '1',
      account: range.accountId,
      source: 'app.orders',
      time: '2026-01-01T00:00:00Z',
      region: 'us-east-1',
      'detail-type': 'Order Placed',
      resources: [],
      detail: { total: 30 },
    };
    const yes = (await range.aws([
      'events',
      'test-event-pattern',
      '--event-pattern',
      JSON.stringify({ detail: { total: [{ numeric: ['>=', 25] }] } }),
      '--event',
      JSON.stringify(event),
    ])) as { Result: boolean };
    expect(yes.Result).to.equal(true);
    const no = await events.send(
      new TestEventPatternCommand({
        EventPattern: JSON.stringify({ source: ['app.billing'] }),
        Event: JSON.stringify(event),
      }),
    );
    expect(no.Result).to.equal(false);
    const bad = await failure(
      events.send(
        new TestEventPatternCommand({ EventPattern: pattern, Event: JSON.stringify({ source: 'x' }) }),
      ),
    );
    expect(bad.name).to.equal('ValidationException');
    expect(bad.message).to.contain('Parameter Event is not valid.');
  });

  it('puts events on the bus, answers each entry, and refuses aws.* sources and malformed entries', async () => {
    await events.send(
      new PutRuleCommand({ Name: 'orders-placed', EventPattern: pattern, State: 'DISABLED' }),
    );
    const whileDisabled = await events.send(
      new PutEventsCommand({
        Entries: [{ Source: 'app.orders', DetailType: 'Order Placed', Detail: '{"id":1}' }],
      }),
    );
    expect(whileDisabled.FailedEntryCount).to.equal(0);
    expect(publishedMessages(range.engine.state, topic)).to.have.length(0);
    await events.send(new EnableRuleCommand({ Name: 'orders-placed' }));

    const out = (await range.aws([
      'events',
      'put-events',
      '--entries',
      JSON.stringify([
        {
          Source: 'app.orders',
          DetailType: 'Order Placed',
          Detail: '{"id":2}',
          Resources: ['arn:aws:x:::y'],
        },
        { Source: 'aws.ec2', DetailType: 'EC2 Instance State-change Notification', Detail: '{}' },
        { Source: 'app.orders', DetailType: 'Order Placed', Detail: 'not json' },
        { Source: 'app.orders', Detail: '{}' },
        { Source: 'app.orders', DetailType: 'Order Cancelled', Detail: '{"id":3}' },
      ]),
    ])) as {
      FailedEntryCount: number;
      Entries: Array<{ EventId?: string; ErrorCode?: string; ErrorMessage?: string }>;
    };
    expect(out.FailedEntryCount).to.equal(3);
    expect(out.Entries.map((e) => e.ErrorCode ?? 'ok')).to.deep.equal([
      'ok',
      'NotAuthorizedForSourceException',
      'MalformedDetail',
      'InvalidArgument',
      'ok',
    ]);
    expect(out.Entries[3]?.ErrorMessage).to.equal(
      'Parameter DetailType is not valid. Reason: DetailType is a required argument.',
    );

    // Only the matching event reached the rule's two targets: the whole event, then its detail.
    const messages = publishedMessages(range.engine.state, topic).map(
      (m) => JSON.parse(m.Message) as Record<string, unknown>,
    );
    expect(messages).to.have.length(2);
    expect(messages[0]).to.include({
      version: '0',
      id: out.Entries[0]?.EventId,
      'detail-type': 'Order Placed',
      source: 'app.orders',
      account: range.accountId,
      region: 'us-east-1',
    });
    expect(messages[0]?.resources).to.deep.equal(['arn:aws:x:::y']);
    expect(messages[0]?.time).to.match(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(messages[1]).to.deep.equal({ id: 2 });
    // PutEvents is a data event: not in event history.
    expect(range.events('PutEvents')).to.deep.equal([]);
  });

  it('keeps rules whose names are JavaScript object keys as ordinary rules', async () => {
    for (const Name of ['__proto__', 'constructor', 'toString']) {
      await events.send(new PutRuleCommand({ Name, EventPattern: pattern }));
      expect((await events.send(new DescribeRuleCommand({ Name }))).Name).to.equal(Name);
    }
    const names = (await events.send(new ListRulesCommand({}))).Rules?.map((r) => r.Name);
    expect(names).to.include.members(['__proto__', 'constructor', 'toString']);
    expect((await failure(events.send(new DescribeRuleCommand({ Name: 'hasOwnProperty' })))).name).to.equal(
      'ResourceNotFoundException',
    );
    for (const Name of ['__proto__', 'constructor', 'toString'])
      await events.send(new DeleteRuleCommand({ Name }));
  });

  it('keeps DisableRule and targets through PutRule, which replaces what it is given', async () => {
    await events.send(new PutRuleCommand({ Name: 'orders-placed', EventPattern: pattern, Description: 'x' }));
    await events.send(new PutRuleCommand({ Name: 'orders-placed', EventPattern: pattern }));
    const d = await events.send(new DescribeRuleCommand({ Name: 'orders-placed' }));
    expect(d.Description).to.equal(undefined);
    expect(
      (await events.send(new ListTargetsByRuleCommand({ Rule: 'orders-placed' }))).Targets,
    ).to.have.length(2);
    await events.send(new DisableRuleCommand({ Name: 'orders-placed' }));
    await events.send(new RemoveTargetsCommand({ Rule: 'orders-placed', Ids: ['sns', 'detail-only'] }));
    await events.send(new DeleteRuleCommand({ Name: 'orders-placed' }));
    expect(await failure(events.send(new DescribeRuleCommand({ Name: 'orders-placed' })))).to.have.property(
      'name',
      'ResourceNotFoundException',
    );
  });
});
