import { expect } from 'chai';
import { nextRun, parseSchedule } from '../../src/range/services/events/schedule.js';
import {
  fillTemplate,
  selectPath,
  targetPayload,
  type BusEvent,
} from '../../src/range/services/events/transform.js';

// "Amazon EventBridge input transformation" (its EC2 example event and templates) and "Schedule
// types on EventBridge" (rate and cron expressions, UTC).

const event: BusEvent = {
  version: '0',
  id: '7bf73129-1428-4cd3-a780-95db273d1602',
  'detail-type': 'EC2 Instance State-change Notification',
  source: 'aws.ec2',
  account: '123456789012',
  time: '2015-11-11T21:29:54Z',
  region: 'us-east-1',
  resources: ['arn:aws:ec2:us-east-1:123456789012:instance/i-abcd1111'],
  detail: { 'instance-id': 'i-0123456789', state: 'RUNNING', tags: ['a', 'b'] },
};
const rule = { name: 'watch', arn: 'arn:aws:events:us-east-1:123456789012:rule/watch' };
const at = new Date('2015-11-11T21:29:55Z');
const paths = { instance: '$.detail.instance-id', state: '$.detail.state' };

describe('range: EventBridge target input', () => {
  it('selects with JSON paths: dots, dashes, array indexes; nothing there is undefined', () => {
    expect(selectPath(event, '$.detail.instance-id')).to.equal('i-0123456789');
    expect(selectPath(event, '$.resources[0]')).to.equal(event.resources[0]);
    expect(selectPath(event, '$.detail.tags[1]')).to.equal('b');
    expect(selectPath(event, '$.detail.missing')).to.equal(undefined);
    expect(selectPath(event, '$')).to.deep.equal(event);
  });

  it('fills a plain-text template with the values as text', () => {
    const out = fillTemplate(
      { InputPathsMap: paths, InputTemplate: '<instance> is in state <state>' },
      event,
      rule,
      at,
    );
    expect(out).to.equal('i-0123456789 is in state RUNNING');
  });

  it('fills a JSON template: values inside quotes as escaped text, outside as JSON', () => {
    const template =
      '{"myInstance": <instance>, "myStatus": "<instance> is in state \\"<state>\\"", "tags": <tags>}';
    const out = fillTemplate(
      { InputPathsMap: { ...paths, tags: '$.detail.tags' }, InputTemplate: template },
      event,
      rule,
      at,
    );
    expect(JSON.parse(out)).to.deep.equal({
      myInstance: 'i-0123456789',
      myStatus: 'i-0123456789 is in state "RUNNING"',
      tags: ['a', 'b'],
    });
  });

  it('escapes values that would break out of a JSON string', () => {
    const hostile = { ...event, detail: { note: 'x", "admin": true, "y": "' } };
    const out = fillTemplate(
      { InputPathsMap: { note: '$.detail.note' }, InputTemplate: '{"note": "<note>"}' },
      hostile,
      rule,
      at,
    );
    expect(JSON.parse(out)).to.deep.equal({ note: 'x", "admin": true, "y": "' });
  });

  it('offers the predefined variables: rule name and ARN, ingestion time, the event with and without detail', () => {
    const out = fillTemplate(
      {
        InputTemplate:
          '{"rule": "<aws.events.rule-name>", "arn": "<aws.events.rule-arn>", "at": "<aws.events.event.ingestion-time>", "head": <aws.events.event>, "all": <aws.events.event.json>}',
      },
      event,
      rule,
      at,
    );
    const parsed = JSON.parse(out) as Record<string, unknown>;
    expect(parsed).to.include({ rule: 'watch', arn: rule.arn, at: '2015-11-11T21:29:55.000Z' });
    expect(parsed.head).to.not.have.property('detail');
    expect(parsed.head).to.include({ id: event.id });
    expect(parsed.all).to.deep.equal(event);
  });

  it('gives null (JSON) or nothing (text) for a path the event lacks', () => {
    const map = { gone: '$.detail.gone' };
    expect(
      JSON.parse(
        fillTemplate(
          { InputPathsMap: map, InputTemplate: '{"v": <gone>, "t": "[<gone>]"}' },
          event,
          rule,
          at,
        ),
      ),
    ).to.deep.equal({ v: null, t: '[]' });
  });

  it('sends the whole event, a constant Input, or the InputPath selection', () => {
    expect(JSON.parse(targetPayload({}, event, rule, at))).to.deep.equal(event);
    expect(targetPayload({ Input: '{"k":1}' }, event, rule, at)).to.equal('{"k":1}');
    expect(targetPayload({ InputPath: '$.detail.state' }, event, rule, at)).to.equal('"RUNNING"');
  });
});

describe('range: EventBridge schedule expressions', () => {
  const t = (iso: string) => Date.parse(iso);
  const next = (expr: string, after: string, start = after) => {
    const s = parseSchedule(expr);
    if (!s) throw new Error(`not valid: ${expr}`);
    const n = nextRun(s, t(after), t(start));
    return n === undefined ? undefined : new Date(n).toISOString();
  };

  it('accepts what AWS documents and refuses the rest', () => {
    for (const ok of [
      'rate(1 minute)',
      'rate(5 minutes)',
      'rate(1 hour)',
      'rate(12 hours)',
      'rate(7 days)',
      'cron(0 10 * * ? *)',
      'cron(15 12 * * ? *)',
      'cron(0 18 ? * MON-FRI *)',
      'cron(0 8 1 * ? *)',
      'cron(0/15 * * * ? *)',
      'cron(0/10 * ? * MON-FRI *)',
      'cron(0/5 8-17 ? * MON-FRI *)',
      'cron(0 9 ? * 2#1 *)',
      'cron(0 0 L * ? *)',
    ]) {
      expect(parseSchedule(ok), ok).to.not.equal(undefined);
    }
    for (const bad of [
      'rate(1 minutes)',
      'rate(2 minute)',
      'rate(0 hours)',
      'rate(5 weeks)',
      'cron(0 10 * * * *)',
      'cron(0 10 ? * ? *)',
      'cron(0 10 * *)',
      'cron(61 10 * * ? *)',
      'at(2026-01-01T00:00:00)',
    ]) {
      expect(parseSchedule(bad), bad).to.equal(undefined);
    }
  });

  it('runs rates every period from the start', () => {
    expect(next('rate(5 minutes)', '2026-01-01T10:00:00Z')).to.equal('2026-01-01T10:05:00.000Z');
    expect(next('rate(5 minutes)', '2026-01-01T10:07:00Z', '2026-01-01T10:00:00Z')).to.equal(
      '2026-01-01T10:10:00.000Z',
    );
  });

  it('runs crons in UTC: weekdays, steps, the last day of the month, the nth weekday', () => {
    expect(next('cron(0 18 ? * MON-FRI *)', '2026-01-02T18:00:00Z')).to.equal('2026-01-05T18:00:00.000Z'); // Fri → Mon
    expect(next('cron(0/15 * * * ? *)', '2026-01-01T10:01:00Z')).to.equal('2026-01-01T10:15:00.000Z');
    expect(next('cron(0 0 L * ? *)', '2026-02-10T00:00:00Z')).to.equal('2026-02-28T00:00:00.000Z');
    expect(next('cron(0 9 ? * 2#1 *)', '2026-03-01T00:00:00Z')).to.equal('2026-03-02T09:00:00.000Z'); // first Monday
    expect(next('cron(0 10 * * ? 2020)', '2026-01-01T00:00:00Z')).to.equal(undefined);
  });
});
