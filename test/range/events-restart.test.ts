import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventBridgeClient, PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge';
import { ListTopicsCommand, SNSClient } from '@aws-sdk/client-sns';
import { ManualClock } from '../../src/range/clock.js';
import { scheduledDeliveriesSettled } from '../../src/range/services/events/index.js';
import { publishedMessages } from '../../src/range/services/sns/index.js';
import { startTestRange } from './harness.js';
import { topicForEvents } from './events-fixtures.js';

const MIN = 60_000;

describe('range: EventBridge schedules across a restart', function () {
  this.timeout(60_000);
  const T0 = Date.parse('2026-03-01T12:00:00Z');

  it('keeps a rule, its targets and its schedule after a restart from --state-dir', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sirs-events-'));
    try {
      const first = await startTestRange({ clock: new ManualClock(T0), stateDir: dir });
      const topic = await topicForEvents(first, 'ticks');
      const events = new EventBridgeClient(first.clientConfig());
      await events.send(new PutRuleCommand({ Name: 'every-10', ScheduleExpression: 'rate(10 minutes)' }));
      await events.send(new PutTargetsCommand({ Rule: 'every-10', Targets: [{ Id: 't', Arn: topic }] }));
      await first.stop();

      const clock = new ManualClock(T0 + 3 * MIN);
      const second = await startTestRange({ clock, stateDir: dir });
      try {
        // Any call in the account and region re-arms the schedule, not only an EventBridge call.
        await new SNSClient(second.clientConfig()).send(new ListTopicsCommand({}));
        clock.advance(6 * MIN);
        await scheduledDeliveriesSettled(second.engine.info);
        expect(publishedMessages(second.engine.state, topic)).to.have.length(0);
        clock.advance(MIN); // 12:10, ten minutes after the rule was created
        await scheduledDeliveriesSettled(second.engine.info);
        const sent = publishedMessages(second.engine.state, topic).map(
          (m) => JSON.parse(m.Message) as { time: string },
        );
        expect(sent.map((e) => e.time)).to.deep.equal(['2026-03-01T12:10:00Z']);
      } finally {
        await second.stop();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
