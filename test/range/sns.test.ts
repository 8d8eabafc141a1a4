import { expect } from 'chai';
import {
  ConfirmSubscriptionCommand,
  CreateTopicCommand,
  DeleteTopicCommand,
  GetSubscriptionAttributesCommand,
  GetTopicAttributesCommand,
  ListSubscriptionsByTopicCommand,
  ListSubscriptionsCommand,
  ListTagsForResourceCommand,
  ListTopicsCommand,
  PublishCommand,
  SetTopicAttributesCommand,
  SNSClient,
  SubscribeCommand,
  TagResourceCommand,
  UnsubscribeCommand,
  UntagResourceCommand,
} from '@aws-sdk/client-sns';
import { pendingConfirmations, publishedMessages } from '../../src/range/services/sns/index.js';
import { failure, startTestRange, type TestRange } from './harness.js';

/** The error an SDK call fails with (never resolves silently). */

describe('range: SNS', function () {
  this.timeout(60_000);
  let range: TestRange;
  let sns: SNSClient;
  let topic: string;
  const queue = (n: number) => `arn:aws:sqs:us-east-1:123456789012:queue-${n}`;

  before(async () => {
    range = await startTestRange();
    sns = new SNSClient(range.clientConfig());
  });
  after(() => range.stop());

  it('creates topics idempotently with attributes and tags, and refuses another configuration or a bad name (SDK and CLI)', async () => {
    const input = {
      Name: 'alerts',
      Attributes: { DisplayName: 'Alerts' },
      Tags: [{ Key: 'team', Value: 'blue' }],
    };
    topic = (await sns.send(new CreateTopicCommand(input))).TopicArn as string;
    expect(topic).to.equal(`arn:aws:sns:us-east-1:${range.accountId}:alerts`);
    expect((await sns.send(new CreateTopicCommand(input))).TopicArn).to.equal(topic);
    const other = await failure(
      sns.send(new CreateTopicCommand({ ...input, Attributes: { DisplayName: 'Other' } })),
    );
    expect(other.name).to.equal('InvalidParameterException');
    expect(other.message).to.equal(
      'Invalid parameter: Attributes Reason: Topic already exists with different attributes',
    );
    const cli = (await range.aws(['sns', 'create-topic', '--name', 'alerts'])) as { TopicArn: string };
    expect(cli.TopicArn).to.equal(topic);
    const bad = await range.awsFails(['sns', 'create-topic', '--name', 'bad name!']);
    expect(bad.stderr).to.contain('(InvalidParameter)').and.contain('Invalid parameter: Topic Name');
    const events = range.events('CreateTopic');
    expect(events.map((e) => e.errorCode ?? 'ok')).to.deep.equal([
      'ok',
      'ok',
      'InvalidParameter',
      'ok',
      'InvalidParameter',
    ]);
    expect(events[0]?.eventSource).to.equal('sns.amazonaws.com');
    expect(events[0]?.responseElements).to.deep.equal({ topicArn: topic });
    expect(events[0]?.requestParameters).to.deep.include({
      name: 'alerts',
      attributes: { DisplayName: 'Alerts' },
    });
  });

  it('reads and sets topic attributes (SDK and CLI)', async () => {
    const attrs = (await sns.send(new GetTopicAttributesCommand({ TopicArn: topic }))).Attributes ?? {};
    expect(attrs).to.include({
      TopicArn: topic,
      Owner: range.accountId,
      DisplayName: 'Alerts',
      SubscriptionsConfirmed: '0',
      SubscriptionsPending: '0',
      SubscriptionsDeleted: '0',
    });
    expect(JSON.parse(attrs.Policy ?? '{}').Statement[0]).to.deep.include({
      Effect: 'Allow',
      Resource: topic,
    });
    await range.aws([
      'sns',
      'set-topic-attributes',
      '--topic-arn',
      topic,
      '--attribute-name',
      'DisplayName',
      '--attribute-value',
      'Security alerts',
    ]);
    const cli = (await range.aws(['sns', 'get-topic-attributes', '--topic-arn', topic])) as {
      Attributes: Record<string, string>;
    };
    expect(cli.Attributes.DisplayName).to.equal('Security alerts');
    const name = await failure(
      sns.send(
        new SetTopicAttributesCommand({ TopicArn: topic, AttributeName: 'Owner', AttributeValue: 'me' }),
      ),
    );
    expect(name.message).to.equal('Invalid parameter: AttributeName');
    const policy = await failure(
      sns.send(
        new SetTopicAttributesCommand({
          TopicArn: topic,
          AttributeName: 'Policy',
          AttributeValue: '{not json',
        }),
      ),
    );
    expect(policy.name).to.equal('InvalidParameterException');
    const missing = await failure(
      sns.send(new GetTopicAttributesCommand({ TopicArn: `arn:aws:sns:us-east-1:${range.accountId}:nope` })),
    );
    expect(missing.name).to.equal('NotFoundException');
    expect(missing.message).to.equal('Topic does not exist');
    expect(missing.$metadata.httpStatusCode).to.equal(404);
    expect(range.events('SetTopicAttributes').map((e) => e.errorCode ?? 'ok')).to.deep.equal([
      'ok',
      'InvalidParameter',
      'InvalidParameter',
    ]);
    expect(range.events('SetTopicAttributes')[0]?.requestParameters).to.deep.equal({
      topicArn: topic,
      attributeName: 'DisplayName',
      attributeValue: 'Security alerts',
    });
  });

  it('subscribes queues and functions at once; e-mail and https endpoints wait for confirmation (SDK and CLI)', async () => {
    const sqs = (
      await sns.send(new SubscribeCommand({ TopicArn: topic, Protocol: 'sqs', Endpoint: queue(0) }))
    ).SubscriptionArn;
    expect(sqs).to.match(new RegExp(`^${topic}:[0-9a-f-]{36}$`));
    expect(
      (await sns.send(new SubscribeCommand({ TopicArn: topic, Protocol: 'sqs', Endpoint: queue(0) })))
        .SubscriptionArn,
    ).to.equal(sqs);
    const email = (await range.aws([
      'sns',
      'subscribe',
      '--topic-arn',
      topic,
      '--protocol',
      'email',
      '--notification-endpoint',
      'soc@example.com',
    ])) as {
      SubscriptionArn: string;
    };
    expect(email.SubscriptionArn).to.equal('pending confirmation');
    const https = await sns.send(
      new SubscribeCommand({
        TopicArn: topic,
        Protocol: 'https',
        Endpoint: 'https://hooks.example.com/sirs',
        ReturnSubscriptionArn: true,
      }),
    );
    expect(https.SubscriptionArn).to.match(new RegExp(`^${topic}:`));
    await sns.send(
      new SubscribeCommand({
        TopicArn: topic,
        Protocol: 'lambda',
        Endpoint: 'arn:aws:lambda:us-east-1:123456789012:function:responder',
      }),
    );

    const listed =
      (await sns.send(new ListSubscriptionsByTopicCommand({ TopicArn: topic }))).Subscriptions ?? [];
    expect(listed.map((s) => [s.Protocol, s.SubscriptionArn === 'PendingConfirmation'])).to.deep.equal([
      ['sqs', false],
      ['email', true],
      ['https', true],
      ['lambda', false],
    ]);
    expect(listed[1]).to.deep.include({
      Endpoint: 'soc@example.com',
      Owner: range.accountId,
      TopicArn: topic,
    });
    const counts = (await sns.send(new GetTopicAttributesCommand({ TopicArn: topic }))).Attributes ?? {};
    expect([counts.SubscriptionsConfirmed, counts.SubscriptionsPending]).to.deep.equal(['2', '2']);

    // Range-only: the token SNS would have mailed, to confirm the way a responder would.
    const pending = pendingConfirmations(range.engine.state, topic);
    expect(pending.map((p) => p.Endpoint)).to.deep.equal([
      'soc@example.com',
      'https://hooks.example.com/sirs',
    ]);
    const confirmed = (await range.aws([
      'sns',
      'confirm-subscription',
      '--topic-arn',
      topic,
      '--token',
      pending[0]!.Token,
    ])) as { SubscriptionArn: string };
    expect(confirmed.SubscriptionArn).to.match(new RegExp(`^${topic}:`));
    const attrs =
      (await sns.send(new GetSubscriptionAttributesCommand({ SubscriptionArn: confirmed.SubscriptionArn })))
        .Attributes ?? {};
    expect(attrs).to.include({
      Protocol: 'email',
      Endpoint: 'soc@example.com',
      PendingConfirmation: 'false',
      TopicArn: topic,
    });
    const cliAttrs = (await range.aws([
      'sns',
      'get-subscription-attributes',
      '--subscription-arn',
      sqs as string,
    ])) as { Attributes: Record<string, string> };
    expect(cliAttrs.Attributes).to.include({
      Protocol: 'sqs',
      Endpoint: queue(0),
      PendingConfirmation: 'false',
      Owner: range.accountId,
    });

    const wrongToken = await failure(
      sns.send(new ConfirmSubscriptionCommand({ TopicArn: topic, Token: 'nope' })),
    );
    expect(wrongToken.message).to.equal('Invalid parameter: Token');
    const protocol = await failure(
      sns.send(new SubscribeCommand({ TopicArn: topic, Protocol: 'carrier-pigeon', Endpoint: 'coo' })),
    );
    expect(protocol.message).to.equal(
      'Invalid parameter: Amazon SNS does not support this protocol string: carrier-pigeon',
    );
    const address = await failure(
      sns.send(new SubscribeCommand({ TopicArn: topic, Protocol: 'email', Endpoint: 'not-an-address' })),
    );
    expect(address.message).to.equal('Invalid parameter: Email address');
    const unknown = await failure(
      sns.send(new SubscribeCommand({ TopicArn: `${topic}-x`, Protocol: 'sqs', Endpoint: queue(1) })),
    );
    expect(unknown.name).to.equal('NotFoundException');
    expect(range.events('Subscribe').at(-1)?.errorCode).to.equal('NotFound');
  });

  it('unsubscribes and lists subscriptions 100 a page (SDK and CLI)', async () => {
    const [sqs, , , lambda] =
      (await sns.send(new ListSubscriptionsByTopicCommand({ TopicArn: topic }))).Subscriptions ?? [];
    await sns.send(new UnsubscribeCommand({ SubscriptionArn: sqs!.SubscriptionArn }));
    await range.aws(['sns', 'unsubscribe', '--subscription-arn', lambda!.SubscriptionArn!]);
    expect(
      (await sns.send(new GetTopicAttributesCommand({ TopicArn: topic }))).Attributes?.SubscriptionsDeleted,
    ).to.equal('2');
    const again = await failure(sns.send(new UnsubscribeCommand({ SubscriptionArn: sqs!.SubscriptionArn })));
    expect(again.name).to.equal('NotFoundException');
    expect(again.message).to.equal('Subscription does not exist');

    const other = (await sns.send(new CreateTopicCommand({ Name: 'fan-out' }))).TopicArn as string;
    // Bulk set-up through the range's internal dispatch (same handler, no HTTP round trip).
    for (let i = 1; i <= 100; i++)
      await range.engine.dispatch(undefined, 'sns', 'Subscribe', {
        TopicArn: other,
        Protocol: 'sqs',
        Endpoint: queue(i),
      });
    const first = await sns.send(new ListSubscriptionsCommand({}));
    expect(first.Subscriptions).to.have.length(100);
    const second = await sns.send(new ListSubscriptionsCommand({ NextToken: first.NextToken }));
    expect(second.Subscriptions?.map((s) => s.Endpoint)).to.deep.equal([queue(99), queue(100)]);
    expect(second.NextToken).to.equal(undefined);
    const cli = (await range.aws(['sns', 'list-subscriptions-by-topic', '--topic-arn', topic])) as {
      Subscriptions: Array<{ Protocol: string }>;
    };
    expect(cli.Subscriptions.map((s) => s.Protocol)).to.deep.equal(['email', 'https']);
    // The CLI follows NextToken itself.
    const all = (await range.aws(['sns', 'list-subscriptions'])) as { Subscriptions: unknown[] };
    expect(all.Subscriptions).to.have.length(102);
  });

  it('publishes to a topic and keeps the messages for the range-only read path; Publish is a data event (SDK and CLI)', async () => {
    const sdk = await sns.send(
      new PublishCommand({
        TopicArn: topic,
        Subject: 'Drill',
        Message: 'hello responders',
        MessageAttributes: { severity: { DataType: 'String', StringValue: 'high' } },
      }),
    );
    expect(sdk.MessageId).to.match(/^[0-9a-f-]{36}$/);
    const cli = (await range.aws(['sns', 'publish', '--topic-arn', topic, '--message', 'from the CLI'])) as {
      MessageId: string;
    };
    const stored = publishedMessages(range.engine.state, topic);
    expect(stored.map((m) => [m.MessageId, m.Message, m.Subject])).to.deep.equal([
      [sdk.MessageId, 'hello responders', 'Drill'],
      [cli.MessageId, 'from the CLI', undefined],
    ]);
    expect(stored[0]?.MessageAttributes).to.deep.equal({
      severity: { DataType: 'String', StringValue: 'high' },
    });
    expect(stored[0]?.PublishedBy).to.equal(`arn:aws:iam::${range.accountId}:user/${range.adminUserName}`);
    expect(range.events('Publish')).to.deep.equal([]);

    const unknown = await range.awsFails([
      'sns',
      'publish',
      '--topic-arn',
      `${topic}-gone`,
      '--message',
      'x',
    ]);
    expect(unknown.stderr).to.contain('(NotFound)').and.contain('Topic does not exist');
    const empty = await failure(sns.send(new PublishCommand({ TopicArn: topic, Message: '' })));
    expect(empty.message).to.equal('Invalid parameter: Empty message');
    const structure = await failure(
      sns.send(new PublishCommand({ TopicArn: topic, Message: '{"email":"x"}', MessageStructure: 'json' })),
    );
    expect(structure.message).to.equal(
      'Invalid parameter: Message Structure - No default entry in JSON message body',
    );

    const fifo = (
      await sns.send(new CreateTopicCommand({ Name: 'orders.fifo', Attributes: { FifoTopic: 'true' } }))
    ).TopicArn as string;
    const noGroup = await failure(sns.send(new PublishCommand({ TopicArn: fifo, Message: 'x' })));
    expect(noGroup.message).to.equal(
      'Invalid parameter: The MessageGroupId parameter is required for FIFO topics',
    );
    const ordered = await sns.send(
      new PublishCommand({ TopicArn: fifo, Message: 'x', MessageGroupId: 'g', MessageDeduplicationId: 'd1' }),
    );
    expect(ordered.SequenceNumber).to.match(/^\d{20}$/);

    for (let i = 0; i < 105; i++)
      await range.engine.dispatch(undefined, 'sns', 'Publish', { TopicArn: topic, Message: `m${i}` });
    const kept = publishedMessages(range.engine.state, topic);
    expect(kept).to.have.length(100);
    expect([kept[0]?.Message, kept.at(-1)?.Message]).to.deep.equal(['m5', 'm104']);
  });

  it('tags topics (SDK and CLI)', async () => {
    await range.aws(['sns', 'tag-resource', '--resource-arn', topic, '--tags', 'Key=env,Value=drill']);
    expect((await sns.send(new ListTagsForResourceCommand({ ResourceArn: topic }))).Tags).to.deep.equal([
      { Key: 'team', Value: 'blue' },
      { Key: 'env', Value: 'drill' },
    ]);
    await sns.send(new TagResourceCommand({ ResourceArn: topic, Tags: [{ Key: 'owner', Value: 'soc' }] }));
    await sns.send(new UntagResourceCommand({ ResourceArn: topic, TagKeys: ['team'] }));
    await range.aws(['sns', 'untag-resource', '--resource-arn', topic, '--tag-keys', 'owner']);
    const cli = (await range.aws(['sns', 'list-tags-for-resource', '--resource-arn', topic])) as {
      Tags: unknown[];
    };
    expect(cli.Tags).to.deep.equal([{ Key: 'env', Value: 'drill' }]);
    const unknown = await failure(sns.send(new ListTagsForResourceCommand({ ResourceArn: `${topic}-gone` })));
    expect(unknown.name).to.equal('ResourceNotFoundException');
    expect(unknown.$metadata.httpStatusCode).to.equal(404);
    const tooMany = Array.from({ length: 50 }, (_, i) => ({ Key: `k${i}`, Value: 'v' }));
    const limit = await failure(sns.send(new TagResourceCommand({ ResourceArn: topic, Tags: tooMany })));
    expect(limit.name).to.equal('TagLimitExceededException');
    expect(range.events('TagResource').map((e) => e.errorCode ?? 'ok')).to.deep.equal([
      'ok',
      'ok',
      'TagLimitExceeded',
    ]);
  });

  it('lists topics 100 a page, deletes a topic with its subscriptions, and deleting twice is fine (SDK and CLI)', async () => {
    for (let i = 0; i < 98; i++)
      await range.engine.dispatch(undefined, 'sns', 'CreateTopic', {
        Name: `bulk-${String(i).padStart(2, '0')}`,
      });
    const first = await sns.send(new ListTopicsCommand({}));
    expect(first.Topics).to.have.length(100);
    const second = await sns.send(new ListTopicsCommand({ NextToken: first.NextToken }));
    expect(second.Topics?.length).to.equal(1);
    const cli = (await range.aws(['sns', 'list-topics'])) as { Topics: Array<{ TopicArn: string }> };
    expect(cli.Topics).to.have.length(101);
    expect(cli.Topics.map((t) => t.TopicArn)).to.include(topic);
    await range.aws(['sns', 'delete-topic', '--topic-arn', topic]);
    await sns.send(new DeleteTopicCommand({ TopicArn: topic }));
    const gone = await failure(sns.send(new ListSubscriptionsByTopicCommand({ TopicArn: topic })));
    expect(gone.name).to.equal('NotFoundException');
    const remaining = (await sns.send(new ListSubscriptionsCommand({}))).Subscriptions ?? [];
    expect(remaining.every((s) => s.TopicArn !== topic)).to.equal(true);
    expect(range.events('DeleteTopic')).to.have.length(2);
  });
});
