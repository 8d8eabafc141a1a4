/**
 * EventBridge matching on the range: 1,000 rules of the kinds teams write (CloudTrail API calls by
 * event name, sources and detail types, prefix, anything-but, numeric, cidr, wildcard, $or), matched
 * against a mix of CloudTrail-shaped and custom events. Reports events per second and µs per event per
 * 100 rules for the compiled matcher alone, and for PutEvents through the range's own chain
 * (in-process dispatch, rules with no targets). Goal: under 1 ms per event per 100 rules.
 */
import { performance } from 'node:perf_hooks';
import type { BenchRow, BenchSection } from '../bench.js';
import { startRange } from '../../src/range/index.js';
import { compilePattern } from '../../src/range/services/events/pattern.js';

const RULES = 1000;
const EVENTS = 2000;
const ROUNDS = 5;
const GOAL_US_PER_100 = 1000;

const NAMES = [
  'AuthorizeSecurityGroupIngress',
  'StopLogging',
  'DeleteTrail',
  'PutBucketAcl',
  'PutBucketPolicy',
  'CreateAccessKey',
  'AttachUserPolicy',
  'ScheduleKeyDeletion',
  'DisableKey',
  'ConsoleLogin',
];
const SOURCES = ['ec2', 'cloudtrail', 's3', 'iam', 'kms', 'signin'];

/** Rule i: one of ten shapes, with values that vary with i so that few rules match any event. */
export function pattern(i: number): Record<string, unknown> {
  const name = NAMES[i % NAMES.length] as string;
  const source = `aws.${SOURCES[i % SOURCES.length] as string}`;
  switch (i % 10) {
    case 0:
      return {
        source: [source],
        'detail-type': ['AWS API Call via CloudTrail'],
        detail: { eventName: [name] },
      };
    case 1:
      return { source: [`app.team-${i}`], 'detail-type': ['Order Placed', 'Order Cancelled'] };
    case 2:
      return {
        detail: {
          eventName: [{ prefix: name.slice(0, 6) }],
          userIdentity: { type: [{ 'anything-but': 'AWSService' }] },
        },
      };
    case 3:
      return { source: [`app.team-${i}`], detail: { total: [{ numeric: ['>', i, '<=', i * 10] }] } };
    case 4:
      return { detail: { sourceIPAddress: [{ cidr: `10.${i % 256}.0.0/16` }], eventName: [name] } };
    case 5:
      return { detail: { requestParameters: { bucketName: [{ wildcard: `prod-${i}-*` }] } } };
    case 6:
      return {
        source: [source],
        $or: [{ detail: { errorCode: [{ exists: true }] } }, { detail: { eventName: [name] } }],
      };
    case 7:
      return { 'detail-type': [{ 'equals-ignore-case': `custom event ${i}` }] };
    case 8:
      return {
        source: ['aws.ec2'],
        detail: {
          eventName: ['AuthorizeSecurityGroupIngress'],
          requestParameters: {
            ipPermissions: { items: { ipRanges: { items: { cidrIp: [`10.${i % 256}.0.0/8`] } } } },
          },
        },
      };
    default:
      return { account: [String(100000000000 + i)], source: [{ suffix: `.team-${i}` }] };
  }
}

/** Event j: a CloudTrail API call (three in four) or a custom application event. */
export function event(j: number): Record<string, unknown> {
  const common = {
    version: '0',
    id: `e-${j}`,
    account: '123456789012',
    time: '2026-12-06T10:00:00Z',
    region: 'us-east-1',
    resources: [],
  };
  if (j % 4 === 3) {
    return {
      ...common,
      'detail-type': 'Order Placed',
      source: `app.team-${j % RULES}`,
      detail: { total: j % 500 },
    };
  }
  const name = NAMES[j % NAMES.length] as string;
  return {
    ...common,
    'detail-type': 'AWS API Call via CloudTrail',
    source: `aws.${SOURCES[j % SOURCES.length] as string}`,
    detail: {
      eventVersion: '1.09',
      userIdentity: {
        type: j % 5 === 0 ? 'AWSService' : 'IAMUser',
        arn: `arn:aws:iam::123456789012:user/u${j}`,
      },
      eventSource: `${SOURCES[j % SOURCES.length] as string}.amazonaws.com`,
      eventName: name,
      sourceIPAddress: `10.${j % 256}.3.4`,
      requestParameters: {
        bucketName: `prod-${j % RULES}-logs`,
        ipPermissions: {
          items: [{ fromPort: 22, toPort: 22, ipRanges: { items: [{ cidrIp: '0.0.0.0/0' }] } }],
        },
      },
      responseElements: null,
      readOnly: false,
    },
  };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
}

function matcherOnly(): { usPerEvent: number; compileMs: number; matches: number } {
  const t0 = performance.now();
  const compiled = Array.from({ length: RULES }, (_, i) => compilePattern(JSON.stringify(pattern(i))));
  const compileMs = performance.now() - t0;
  const events = Array.from({ length: EVENTS }, (_, j) => event(j));
  let matches = 0;
  const rounds: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    const start = performance.now();
    for (const e of events) for (const c of compiled) if (c.matches(e)) matches++;
    rounds.push(((performance.now() - start) * 1000) / EVENTS);
  }
  return { usPerEvent: median(rounds), compileMs, matches: matches / ROUNDS };
}

async function throughRange(): Promise<number> {
  const range = await startRange({ port: 0, lookupEventsPerSecond: 0 });
  try {
    const { engine } = range;
    for (let i = 0; i < RULES; i++) {
      await engine.dispatch(undefined, 'events', 'PutRule', {
        Name: `rule-${i}`,
        EventPattern: JSON.stringify(pattern(i)),
      });
    }
    const entries = Array.from({ length: 200 }, (_, j) => {
      const e = event(j);
      return { Source: `app.bench-${j}`, DetailType: e['detail-type'], Detail: JSON.stringify(e.detail) };
    });
    const rounds: number[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      const start = performance.now();
      for (let k = 0; k < entries.length; k += 10) {
        await engine.dispatch(undefined, 'events', 'PutEvents', { Entries: entries.slice(k, k + 10) });
      }
      rounds.push(((performance.now() - start) * 1000) / entries.length);
    }
    return median(rounds);
  } finally {
    await range.stop();
  }
}

export async function run(): Promise<BenchSection> {
  const m = matcherOnly();
  const ranged = await throughRange();
  const per100 = (us: number) => us / (RULES / 100);
  const rows: BenchRow[] = [
    {
      name: `matcher: ${RULES} compiled rules, µs per event per 100 rules`,
      value: per100(m.usPerEvent),
      unit: 'µs',
      goal: { text: `< ${GOAL_US_PER_100} µs`, met: per100(m.usPerEvent) < GOAL_US_PER_100 },
    },
    {
      name: `matcher: events per second against ${RULES} rules`,
      value: Math.round(1e6 / m.usPerEvent),
      unit: 'events/s',
    },
    { name: `compiling ${RULES} patterns`, value: m.compileMs, unit: 'ms' },
    {
      name: `PutEvents through the range (${RULES} rules), µs per event per 100 rules`,
      value: per100(ranged),
      unit: 'µs',
      goal: { text: `< ${GOAL_US_PER_100} µs`, met: per100(ranged) < GOAL_US_PER_100 },
    },
    {
      name: `PutEvents through the range: events per second`,
      value: Math.round(1e6 / ranged),
      unit: 'events/s',
    },
  ];
  return {
    title: 'EventBridge pattern matching (1,000 rules)',
    rows,
    notes: [
      `${EVENTS} events (3 in 4 CloudTrail API calls), median of ${ROUNDS} rounds; ${m.matches} rule matches per round.`,
      'PutEvents rows: in-process dispatch (validation, matching, no targets), 10 entries a call, no HTTP.',
    ],
  };
}
