import { expect } from 'chai';
import { QueryCancelled, runQuery } from '../../src/range/services/logs/insights/evaluate.js';
import { naturalCompare } from '../../src/range/services/logs/insights/order.js';
import type { ScannedEvent } from '../../src/range/services/logs/insights/fields.js';
import { QueryCompileError } from '../../src/range/services/logs/insights/lexer.js';
import { parseQuery } from '../../src/range/services/logs/insights/parser.js';

/** Events one second apart from 2024-01-01T00:00:00Z, in the order given; the query sees them newest first. */
function eventsOf(messages: Array<string | object>): ScannedEvent[] {
  const base = Date.UTC(2024, 0, 1);
  return messages
    .map((m, i) => ({
      accountId: '123456789012',
      logGroupName: 'app',
      logStreamName: 's1',
      timestamp: base + i * 1000,
      ingestionTime: base + i * 1000 + 5,
      message: typeof m === 'string' ? m : JSON.stringify(m),
      seq: i,
    }))
    .reverse();
}

/** The rows a query gives, each as field → value without @ptr. */
async function run(query: string, messages: Array<string | object>): Promise<Array<Record<string, string>>> {
  const out = await runQuery(parseQuery(query), eventsOf(messages));
  return out.rows.map((row) =>
    Object.fromEntries(row.filter((f) => f.field !== '@ptr').map((f) => [f.field, f.value])),
  );
}

const ct = (eventName: string, user: string, extra: object = {}) => ({
  eventName,
  eventSource: 'ec2.amazonaws.com',
  userIdentity: { type: 'IAMUser', arn: `arn:aws:iam::123456789012:user/${user}` },
  ...extra,
});

describe('range: the Logs Insights query language', () => {
  // Examples from "CloudWatch Logs Insights language query syntax" and the pages of each command.
  const table: Array<{ query: string; events: Array<string | object>; rows: Array<Record<string, string>> }> =
    [
      {
        query: 'fields f1, f2, f3 | filter (duration>2000)',
        events: [
          { f1: 'a', duration: 2500 },
          { f1: 'b', duration: 1500 },
          { f1: 'c', duration: '3000' },
        ],
        rows: [{ f1: 'c' }, { f1: 'a' }],
      },
      {
        query: 'fields f1, f2 | filter (f1=10 or f3>25)',
        events: [
          { f1: 10, f2: 'x' },
          { f1: 11, f3: 30 },
          { f1: 12, f3: 20 },
        ],
        rows: [{ f1: '11' }, { f1: '10', f2: 'x' }],
      },
      {
        query: 'fields statusCode | filter statusCode like /2\\d\\d/',
        events: [{ statusCode: 200 }, { statusCode: 404 }, { statusCode: 204 }],
        rows: [{ statusCode: '204' }, { statusCode: '200' }],
      },
      {
        query: 'fields f1 | filter f1 like "Exception"',
        events: [{ f1: 'NullPointerException' }, { f1: 'exception' }],
        rows: [{ f1: 'NullPointerException' }],
      },
      {
        query: 'fields f1 | filter f1 like /(?i)Exception/',
        events: [{ f1: 'NullPointerException' }, { f1: 'exception' }, { f1: 'fine' }],
        rows: [{ f1: 'exception' }, { f1: 'NullPointerException' }],
      },
      {
        query: 'fields f1 | filter f1 =~ /^(?i)Exception$/',
        events: [{ f1: 'NullPointerException' }, { f1: 'EXCEPTION' }],
        rows: [{ f1: 'EXCEPTION' }],
      },
      {
        query: 'stats avg (f1) by f2',
        events: [
          { f1: 1, f2: 'a' },
          { f1: 3, f2: 'a' },
          { f1: 10, f2: 'b' },
        ],
        rows: [
          { f2: 'b', 'avg (f1)': '10' },
          { f2: 'a', 'avg (f1)': '2' },
        ],
      },
      {
        query: 'stats avg(f1) as myAvgF1 by f2 | sort myAvgF1 desc',
        events: [
          { f1: 1, f2: 'a' },
          { f1: 3, f2: 'a' },
          { f1: 10, f2: 'b' },
          { f1: 4, f2: 'c' },
        ],
        rows: [
          { f2: 'b', myAvgF1: '10' },
          { f2: 'c', myAvgF1: '4' },
          { f2: 'a', myAvgF1: '2' },
        ],
      },
      {
        query: 'fields abs(myField) as AbsoluteValuemyField, myField2',
        events: [{ myField: -4, myField2: 'z' }],
        rows: [{ AbsoluteValuemyField: '4', myField2: 'z' }],
      },
      {
        query: 'fields `foo-bar`, action # a comment\n| sort action asc',
        events: [
          { 'foo-bar': 1, action: 'b' },
          { 'foo-bar': 2, action: 'a' },
        ],
        rows: [
          { 'foo-bar': '2', action: 'a' },
          { 'foo-bar': '1', action: 'b' },
        ],
      },
      {
        query:
          'parse @message "user=*, method:*, latency := *" as @user, @method, @latency | stats avg(@latency) by @method, @user',
        events: [
          'user=alice, method:GET, latency := 10',
          'user=alice, method:GET, latency := 30',
          'user=bob, method:PUT, latency := 5',
        ],
        rows: [
          { '@method': 'PUT', '@user': 'bob', 'avg(@latency)': '5' },
          { '@method': 'GET', '@user': 'alice', 'avg(@latency)': '20' },
        ],
      },
      {
        query: 'parse @message /(?<NetworkInterface>eni-.*?) / | display NetworkInterface',
        events: ['2 123456789012 eni-0a1b2c3d 10.0.0.1 10.0.0.2 ACCEPT OK', 'no interface here'],
        rows: [{}, { NetworkInterface: 'eni-0a1b2c3d' }],
      },
      {
        query: 'fields @timestamp, server | sort @timestamp desc | dedup server',
        events: [{ server: 'a' }, { server: 'b' }, { server: 'a' }, { other: 1 }],
        rows: [
          { '@timestamp': '2024-01-01 00:00:03.000' },
          { '@timestamp': '2024-01-01 00:00:02.000', server: 'a' },
          { '@timestamp': '2024-01-01 00:00:01.000', server: 'b' },
        ],
      },
      {
        query: 'fields @timestamp, @message | sort @timestamp desc | limit 2',
        events: ['one', 'two', 'three'],
        rows: [
          { '@timestamp': '2024-01-01 00:00:02.000', '@message': 'three' },
          { '@timestamp': '2024-01-01 00:00:01.000', '@message': 'two' },
        ],
      },
      {
        query: 'filter (range>3000 and accountId=123456789012)',
        events: [
          { range: 3500, accountId: '123456789012' },
          { range: 3500, accountId: '999' },
        ],
        rows: [
          {
            '@timestamp': '2024-01-01 00:00:00.000',
            '@message': '{"range":3500,"accountId":"123456789012"}',
          },
        ],
      },
      {
        query:
          'fields ltrim("xyZfooxyZ","xyZ") as l, rtrim("xyZfooxyZ","xyZ") as r, trim("xyZfooxyZ","xyZ") as t, substr("xyZfooxyZ",3, 3) as s, replace("foo","o","0") as p, 2 ^ 3 as e, 10 % 3 as m | limit 1',
        events: ['x'],
        rows: [{ l: 'fooxyZ', r: 'xyZfoo', t: 'foo', s: 'foo', p: 'f00', e: '8', m: '1' }],
      },
      {
        query:
          'fields eventName | filter eventName in ["StopLogging", "DeleteTrail"] and eventName not in ["DeleteTrail"]',
        events: [ct('StopLogging', 'm'), ct('DeleteTrail', 'm'), ct('RunInstances', 'm')],
        rows: [{ eventName: 'StopLogging' }],
      },
      {
        query: 'fields eventName | filter not ispresent(errorCode) and userIdentity.arn like "user/mallory"',
        events: [
          ct('RunInstances', 'mallory'),
          ct('RunInstances', 'mallory', { errorCode: 'UnauthorizedOperation' }),
          ct('RunInstances', 'alice'),
        ],
        rows: [{ eventName: 'RunInstances' }],
      },
      {
        query: 'fields requestParameters.instancesSet.items.0.instanceId as id | filter ispresent(id)',
        events: [
          ct('StartInstances', 'a', {
            requestParameters: { instancesSet: { items: [{ instanceId: 'i-abcde123' }] } },
          }),
          ct('X', 'a'),
        ],
        rows: [{ id: 'i-abcde123' }],
      },
      {
        query:
          'stats count(*) as calls, count(errorCode) as errors, count_distinct(eventName) as kinds, earliest(eventName) as first, latest(eventName) as last by userIdentity.arn',
        events: [ct('A', 'm'), ct('B', 'm', { errorCode: 'AccessDenied' }), ct('A', 'm'), ct('C', 'x')],
        rows: [
          {
            'userIdentity.arn': 'arn:aws:iam::123456789012:user/x',
            calls: '1',
            errors: '0',
            kinds: '1',
            first: 'C',
            last: 'C',
          },
          {
            'userIdentity.arn': 'arn:aws:iam::123456789012:user/m',
            calls: '3',
            errors: '1',
            kinds: '2',
            first: 'A',
            last: 'A',
          },
        ],
      },
      {
        query: 'stats min(n), max(n), sum(n), count(*) by bin(2s)',
        events: [{ n: 5 }, { n: 2 }, { n: 7 }],
        rows: [
          {
            'bin(2s)': '2024-01-01 00:00:02.000',
            'min(n)': '7',
            'max(n)': '7',
            'sum(n)': '7',
            'count(*)': '1',
          },
          {
            'bin(2s)': '2024-01-01 00:00:00.000',
            'min(n)': '2',
            'max(n)': '5',
            'sum(n)': '7',
            'count(*)': '2',
          },
        ],
      },
      {
        query: 'stats count(*) by eventName | sort count(*) desc | limit 1',
        events: [ct('A', 'm'), ct('B', 'm'), ct('B', 'm')],
        rows: [{ eventName: 'B', 'count(*)': '2' }],
      },
      {
        query:
          'fields sourceIPAddress as ip | filter isIpv4InSubnet(ip, "10.0.0.0/8") or isIpInSubnet(ip, "2001:db8::/32")',
        events: [
          { sourceIPAddress: '10.1.2.3' },
          { sourceIPAddress: '203.0.113.9' },
          { sourceIPAddress: '2001:db8::1' },
          { sourceIPAddress: 'cloudformation.amazonaws.com' },
        ],
        rows: [{ ip: '2001:db8::1' }, { ip: '10.1.2.3' }],
      },
      {
        query: 'stats count() as n, pct(x, 50) as median',
        events: [{ x: 1 }, { x: 5 }, { x: 9 }, {}],
        rows: [{ n: '4', median: '5' }],
      },
      {
        query: 'fields readOnly, managementEvent | filter readOnly = 0',
        events: [
          { readOnly: false, managementEvent: true },
          { readOnly: true, managementEvent: true },
        ],
        rows: [{ readOnly: '0', managementEvent: '1' }],
      },
    ];

  for (const c of table) {
    it(c.query.replace(/\s+/g, ' '), async () => {
      expect(await run(c.query, c.events)).to.deep.equal(c.rows);
    });
  }

  it('sorts naturally: non-numbers before numbers, digit runs by length then value (the sort page example)', () => {
    const expected = [
      '!:',
      '#',
      '*%04',
      '0#',
      '5A',
      '111A',
      '2345_',
      '@',
      '@_',
      'A',
      'A9876fghj',
      'a12345hfh',
      '0',
    ];
    const shuffled = [...expected].reverse();
    expect(shuffled.sort(naturalCompare)).to.deep.equal(expected);
  });

  it('fails to compile what it does not know, pointing at the characters', () => {
    const cases: Array<[string, RegExp, number]> = [
      ['fields a | frobnicate b', /unknown command frobnicate/, 11],
      ['fields nosuch(a)', /unknown function nosuch/, 7],
      ['filter a = "open', /unterminated string/, 11],
      ['fields a | dedup a | sort a', /only limit may follow dedup/, 0],
      ['parse @message "a=* b=*" as x', /2 \* but 1 field names/, 15],
      ['fields a |', /end of query/, 10],
      ['stats a by b', /stats needs an aggregation function/, 6],
      ['fields substr("x")', /substr takes 2 to 3 arguments/, 7],
      ['filter count(*) > 1', /count is an aggregation function: use it in stats/, 7],
      ['stats pct(n)', /pct takes 2 arguments/, 6],
      ['fields a | pattern @message', /the range does not support the pattern command/, 11],
    ];
    for (const [query, message, start] of cases) {
      let thrown: unknown;
      try {
        parseQuery(query);
      } catch (err) {
        thrown = err;
      }
      expect(thrown, query).to.be.instanceOf(QueryCompileError);
      expect((thrown as QueryCompileError).message, query).to.match(message);
      expect((thrown as QueryCompileError).start, query).to.equal(start);
    }
  });

  it('returns at most 10,000 rows and counts every event it scanned and matched', async () => {
    const many = Array.from({ length: 10_050 }, (_, i) => ({ i }));
    const out = await runQuery(parseQuery('fields i | filter i >= 10'), eventsOf(many));
    expect(out.rows).to.have.length(10_000);
    expect(out.recordsScanned).to.equal(10_050);
    expect(out.recordsMatched).to.equal(10_040);
    const limited = await runQuery(parseQuery('fields i'), eventsOf(many), { limit: 5 });
    expect(limited.rows.map((r) => r[0]?.value)).to.deep.equal(['10049', '10048', '10047', '10046', '10045']);
  });

  it('scans in chunks, yielding to the event loop, and a stopped query ends at the next chunk', async () => {
    const many = Array.from({ length: 5000 }, (_, i) => ({ i }));
    let yielded = false;
    setImmediate(() => {
      yielded = true;
    });
    let checks = 0;
    const stopped = await runQuery(parseQuery('filter i >= 0'), eventsOf(many), {
      cancelled: () => ++checks >= 1,
    }).catch((err: unknown) => err);
    expect(stopped).to.be.instanceOf(QueryCancelled);
    expect(yielded).to.equal(true);
  });
});
