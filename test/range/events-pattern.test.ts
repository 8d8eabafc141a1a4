import { expect } from 'chai';
import { PatternError, compilePattern } from '../../src/range/services/events/pattern.js';

// Cases from AWS's documentation of EventBridge event patterns; each cites its page and section:
//   EP = "Amazon EventBridge event patterns" (eb-event-patterns.html)
//   CF = "Content filtering in Amazon EventBridge event patterns" (eb-event-patterns-content-based-filtering.html)
//   AR = "Arrays in Amazon EventBridge event patterns" (eb-event-patterns-arrays.html)
//   OP = "Comparison operators for use in event patterns" (eb-create-pattern-operators.html)
//   CT = "AWS service events delivered via AWS CloudTrail" (eb-service-event-cloudtrail.html)

const ec2Event = {
  version: '0',
  id: '6a7e8feb-b491-4cf7-a9f1-bf3703467718',
  'detail-type': 'EC2 Instance State-change Notification',
  source: 'aws.ec2',
  account: '111122223333',
  time: '2017-12-22T18:43:48Z',
  region: 'us-west-1',
  resources: ['arn:aws:ec2:us-west-1:123456789012:instance/i-1234567890abcdef0'],
  detail: { 'instance-id': 'i-1234567890abcdef0', state: 'terminated' },
};

const withDetail = (detail: Record<string, unknown>) => ({ ...ec2Event, detail });

interface Case {
  ref: string;
  pattern: unknown;
  event: unknown;
  match: boolean;
}

const cases: Case[] = [
  // EP: example pattern on the EC2 event, and what it does not match.
  {
    ref: 'EP example',
    pattern: {
      source: ['aws.ec2'],
      'detail-type': ['EC2 Instance State-change Notification'],
      detail: { state: ['terminated'] },
    },
    event: ec2Event,
    match: true,
  },
  {
    ref: 'EP example, other state',
    pattern: { source: ['aws.ec2'], detail: { state: ['running'] } },
    event: ec2Event,
    match: false,
  },
  {
    ref: 'EP: values in an array are OR',
    pattern: { detail: { state: ['running', 'terminated'] } },
    event: ec2Event,
    match: true,
  },
  {
    ref: 'EP: fields are AND',
    pattern: { source: ['aws.s3'], detail: { state: ['terminated'] } },
    event: ec2Event,
    match: false,
  },
  {
    ref: 'EP: matching is case-sensitive',
    pattern: { 'detail-type': ['ec2 instance state-change notification'] },
    event: ec2Event,
    match: false,
  },
  {
    ref: 'EP: a field the event lacks does not match',
    pattern: { detail: { 'c-count': [5] } },
    event: ec2Event,
    match: false,
  },
  {
    ref: 'EP: fields the pattern does not name are ignored',
    pattern: { source: ['aws.ec2'] },
    event: ec2Event,
    match: true,
  },
  {
    ref: 'EP: nested fields',
    pattern: { detail: { 'instance-id': ['i-1234567890abcdef0'] } },
    event: ec2Event,
    match: true,
  },
  {
    ref: 'EP: null values',
    pattern: { detail: { responseElements: [null] } },
    event: withDetail({ responseElements: null }),
    match: true,
  },
  {
    ref: 'EP: null does not match a missing field',
    pattern: { detail: { responseElements: [null] } },
    event: withDetail({}),
    match: false,
  },
  {
    ref: 'EP: empty strings',
    pattern: { detail: { eventVersion: [''] } },
    event: withDetail({ eventVersion: '' }),
    match: true,
  },
  {
    ref: 'EP: empty string is not null',
    pattern: { detail: { eventVersion: [''] } },
    event: withDetail({ eventVersion: null }),
    match: false,
  },
  {
    ref: 'EP: numbers match numbers',
    pattern: { detail: { count: [5] } },
    event: withDetail({ count: 5 }),
    match: true,
  },
  {
    ref: 'EP: a number does not match its string',
    pattern: { detail: { count: [5] } },
    event: withDetail({ count: '5' }),
    match: false,
  },
  {
    ref: 'EP: booleans',
    pattern: { detail: { enabled: [true] } },
    event: withDetail({ enabled: true }),
    match: true,
  },
  {
    ref: 'EP: booleans, other value',
    pattern: { detail: { enabled: [true] } },
    event: withDetail({ enabled: false }),
    match: false,
  },

  // AR: arrays in the event match when any element matches.
  {
    ref: 'AR: resources hold one of the values',
    pattern: {
      resources: [
        'arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f',
        'arn:aws:ec2:us-west-1:123456789012:instance/i-1234567890abcdef0',
      ],
    },
    event: ec2Event,
    match: true,
  },
  {
    ref: 'AR: no element in common',
    pattern: { resources: ['arn:aws:ec2:us-east-1:111122223333:instance/i-b188560f'] },
    event: ec2Event,
    match: false,
  },
  {
    ref: 'AR: array of strings in detail',
    pattern: { detail: { tags: ['prod'] } },
    event: withDetail({ tags: ['dev', 'prod'] }),
    match: true,
  },
  {
    ref: 'AR: array of objects',
    pattern: { detail: { items: { name: ['b'] } } },
    event: withDetail({ items: [{ name: 'a' }, { name: 'b' }] }),
    match: true,
  },
  {
    ref: 'AR: array of objects, no element matches',
    pattern: { detail: { items: { name: ['c'] } } },
    event: withDetail({ items: [{ name: 'a' }, { name: 'b' }] }),
    match: false,
  },

  // CF: prefix.
  { ref: 'CF prefix', pattern: { time: [{ prefix: '2017-12-22' }] }, event: ec2Event, match: true },
  {
    ref: 'CF prefix, other day',
    pattern: { time: [{ prefix: '2017-10-02' }] },
    event: ec2Event,
    match: false,
  },
  {
    ref: 'CF prefix ignoring case',
    pattern: { detail: { service: [{ prefix: { 'equals-ignore-case': 'EventB' } }] } },
    event: withDetail({ service: 'eventbridge' }),
    match: true,
  },
  {
    ref: 'CF prefix ignoring case, upper',
    pattern: { detail: { service: [{ prefix: { 'equals-ignore-case': 'EventB' } }] } },
    event: withDetail({ service: 'EVENTBRIDGE' }),
    match: true,
  },
  {
    ref: 'CF prefix ignoring case, other',
    pattern: { detail: { service: [{ prefix: { 'equals-ignore-case': 'EventB' } }] } },
    event: withDetail({ service: 'Lambda' }),
    match: false,
  },
  {
    ref: 'OP begins with: region in the US',
    pattern: { region: [{ prefix: 'us-' }] },
    event: ec2Event,
    match: true,
  },
  {
    ref: 'CF prefix applies to strings only',
    pattern: { detail: { n: [{ prefix: '1' }] } },
    event: withDetail({ n: 12 }),
    match: false,
  },

  // CF: suffix.
  {
    ref: 'CF suffix',
    pattern: { detail: { FileName: [{ suffix: '.png' }] } },
    event: withDetail({ FileName: 'photo.png' }),
    match: true,
  },
  {
    ref: 'CF suffix, other extension',
    pattern: { detail: { FileName: [{ suffix: '.png' }] } },
    event: withDetail({ FileName: 'photo.PNG' }),
    match: false,
  },
  {
    ref: 'CF suffix ignoring case',
    pattern: { detail: { FileName: [{ suffix: { 'equals-ignore-case': '.png' } }] } },
    event: withDetail({ FileName: 'photo.PNG' }),
    match: true,
  },

  // CF: anything-but.
  {
    ref: 'CF anything-but string',
    pattern: { detail: { state: [{ 'anything-but': 'initializing' }] } },
    event: ec2Event,
    match: true,
  },
  {
    ref: 'CF anything-but string, excluded',
    pattern: { detail: { state: [{ 'anything-but': 'terminated' }] } },
    event: ec2Event,
    match: false,
  },
  {
    ref: 'CF anything-but number',
    pattern: { detail: { 'x-limit': [{ 'anything-but': 123 }] } },
    event: withDetail({ 'x-limit': 456 }),
    match: true,
  },
  {
    ref: 'CF anything-but number, excluded',
    pattern: { detail: { 'x-limit': [{ 'anything-but': 123 }] } },
    event: withDetail({ 'x-limit': 123 }),
    match: false,
  },
  {
    ref: 'CF anything-but list of strings',
    pattern: { detail: { state: [{ 'anything-but': ['stopped', 'overloaded'] }] } },
    event: withDetail({ state: 'running' }),
    match: true,
  },
  {
    ref: 'CF anything-but list of strings, excluded',
    pattern: { detail: { state: [{ 'anything-but': ['stopped', 'overloaded'] }] } },
    event: withDetail({ state: 'overloaded' }),
    match: false,
  },
  {
    ref: 'CF anything-but list of numbers',
    pattern: { detail: { 'x-limit': [{ 'anything-but': [100, 200, 300] }] } },
    event: withDetail({ 'x-limit': 200 }),
    match: false,
  },
  {
    ref: 'CF anything-but needs the field',
    pattern: { detail: { state: [{ 'anything-but': 'initializing' }] } },
    event: withDetail({}),
    match: false,
  },
  {
    ref: 'CF anything-but prefix',
    pattern: { detail: { state: [{ 'anything-but': { prefix: 'init' } }] } },
    event: withDetail({ state: 'initializing' }),
    match: false,
  },
  {
    ref: 'CF anything-but prefix, other',
    pattern: { detail: { state: [{ 'anything-but': { prefix: 'init' } }] } },
    event: withDetail({ state: 'running' }),
    match: true,
  },
  {
    ref: 'OP anything-but begins with: not in the US',
    pattern: { region: [{ 'anything-but': { prefix: 'us-' } }] },
    event: ec2Event,
    match: false,
  },
  {
    ref: 'CF anything-but suffix',
    pattern: { detail: { FileName: [{ 'anything-but': { suffix: '.txt' } }] } },
    event: withDetail({ FileName: 'notes.txt' }),
    match: false,
  },
  {
    ref: 'CF anything-but suffix, other',
    pattern: { detail: { FileName: [{ 'anything-but': { suffix: '.txt' } }] } },
    event: withDetail({ FileName: 'image.png' }),
    match: true,
  },
  {
    ref: 'CF anything-but ignoring case',
    pattern: { detail: { state: [{ 'anything-but': { 'equals-ignore-case': 'initializing' } }] } },
    event: withDetail({ state: 'INITIALIZING' }),
    match: false,
  },
  {
    ref: 'CF anything-but ignoring case, list',
    pattern: {
      detail: { state: [{ 'anything-but': { 'equals-ignore-case': ['initializing', 'stopped'] } }] },
    },
    event: withDetail({ state: 'Stopped' }),
    match: false,
  },
  {
    ref: 'CF anything-but ignoring case, other',
    pattern: {
      detail: { state: [{ 'anything-but': { 'equals-ignore-case': ['initializing', 'stopped'] } }] },
    },
    event: withDetail({ state: 'running' }),
    match: true,
  },
  {
    ref: 'CF anything-but wildcard',
    pattern: { detail: { FilePath: [{ 'anything-but': { wildcard: '*/lib/*' } }] } },
    event: withDetail({ FilePath: '/usr/lib/libc.so' }),
    match: false,
  },
  {
    ref: 'CF anything-but wildcard, other',
    pattern: { detail: { FilePath: [{ 'anything-but': { wildcard: '*/lib/*' } }] } },
    event: withDetail({ FilePath: '/usr/bin/ls' }),
    match: true,
  },
  {
    ref: 'CF anything-but wildcard list',
    pattern: { detail: { FilePath: [{ 'anything-but': { wildcard: ['*/lib/*', '*/bin/*'] } }] } },
    event: withDetail({ FilePath: '/usr/bin/ls' }),
    match: false,
  },

  // CF: numeric.
  {
    ref: 'CF numeric range example',
    pattern: {
      detail: {
        'c-count': [{ numeric: ['>', 0, '<=', 5] }],
        'd-count': [{ numeric: ['<', 10] }],
        'x-limit': [{ numeric: ['=', 3.018e2] }],
      },
    },
    event: withDetail({ 'c-count': 5, 'd-count': 7, 'x-limit': 301.8 }),
    match: true,
  },
  {
    ref: 'CF numeric: upper bound is inclusive with <=',
    pattern: { detail: { 'c-count': [{ numeric: ['>', 0, '<=', 5] }] } },
    event: withDetail({ 'c-count': 5 }),
    match: true,
  },
  {
    ref: 'CF numeric: lower bound is exclusive with >',
    pattern: { detail: { 'c-count': [{ numeric: ['>', 0, '<=', 5] }] } },
    event: withDetail({ 'c-count': 0 }),
    match: false,
  },
  {
    ref: 'CF numeric: outside the range',
    pattern: { detail: { 'd-count': [{ numeric: ['<', 10] }] } },
    event: withDetail({ 'd-count': 10 }),
    match: false,
  },
  {
    ref: 'CF numeric equals',
    pattern: { detail: { 'x-limit': [{ numeric: ['=', 3.018e2] }] } },
    event: withDetail({ 'x-limit': 301.8 }),
    match: true,
  },
  {
    ref: 'CF numeric applies to numbers only',
    pattern: { detail: { 'd-count': [{ numeric: ['<', 10] }] } },
    event: withDetail({ 'd-count': '7' }),
    match: false,
  },

  // CF: IP address matching.
  {
    ref: 'CF IPv4 cidr',
    pattern: { detail: { sourceIPAddress: [{ cidr: '10.0.0.0/24' }] } },
    event: withDetail({ sourceIPAddress: '10.0.0.255' }),
    match: true,
  },
  {
    ref: 'CF IPv4 cidr, outside',
    pattern: { detail: { sourceIPAddress: [{ cidr: '10.0.0.0/24' }] } },
    event: withDetail({ sourceIPAddress: '10.0.1.1' }),
    match: false,
  },
  {
    ref: 'CF IPv6 cidr',
    pattern: { detail: { sourceIPAddress: [{ cidr: 'bc98:f8e9:13fb:e0f4::/64' }] } },
    event: withDetail({ sourceIPAddress: 'bc98:f8e9:13fb:e0f4:0:0:0:1' }),
    match: true,
  },
  {
    ref: 'CF IPv6 cidr, outside',
    pattern: { detail: { sourceIPAddress: [{ cidr: 'bc98:f8e9:13fb:e0f4::/64' }] } },
    event: withDetail({ sourceIPAddress: 'bc98:f8e9:13fb:e0f5::1' }),
    match: false,
  },

  // CF: exists.
  { ref: 'CF exists true', pattern: { detail: { state: [{ exists: true }] } }, event: ec2Event, match: true },
  {
    ref: 'CF exists true, absent',
    pattern: { detail: { state: [{ exists: true }] } },
    event: withDetail({}),
    match: false,
  },
  {
    ref: 'CF exists false',
    pattern: { detail: { state: [{ exists: false }] } },
    event: withDetail({}),
    match: true,
  },
  {
    ref: 'CF exists false, present',
    pattern: { detail: { state: [{ exists: false }] } },
    event: ec2Event,
    match: false,
  },
  {
    ref: 'CF exists works on leaf nodes only',
    pattern: { detail: { state: [{ exists: true }] } },
    event: withDetail({ state: { name: 'running' } }),
    match: false,
  },

  // CF: equals-ignore-case.
  {
    ref: 'CF equals-ignore-case',
    pattern: { 'detail-type': [{ 'equals-ignore-case': 'ec2 instance state-change notification' }] },
    event: ec2Event,
    match: true,
  },
  {
    ref: 'CF equals-ignore-case, other',
    pattern: { 'detail-type': [{ 'equals-ignore-case': 'ec2 instance state' }] },
    event: ec2Event,
    match: false,
  },

  // CF: wildcard.
  {
    ref: 'CF wildcard',
    pattern: { EventBusArn: [{ wildcard: 'arn:aws:events:us-east-1:*:event-bus/*' }] },
    event: { EventBusArn: 'arn:aws:events:us-east-1:123456789012:event-bus/default' },
    match: true,
  },
  {
    ref: 'CF wildcard, other region',
    pattern: { EventBusArn: [{ wildcard: 'arn:aws:events:us-east-1:*:event-bus/*' }] },
    event: { EventBusArn: 'arn:aws:events:eu-west-1:123456789012:event-bus/default' },
    match: false,
  },
  {
    ref: 'CF wildcard in the middle',
    pattern: { detail: { path: [{ wildcard: 'dir/*.png' }] } },
    event: withDetail({ path: 'dir/sub/a.png' }),
    match: true,
  },
  {
    ref: 'CF wildcard: an escaped star is literal',
    pattern: { detail: { name: [{ wildcard: 'a\\*b' }] } },
    event: withDetail({ name: 'a*b' }),
    match: true,
  },
  {
    ref: 'CF wildcard: an escaped star is not a wildcard',
    pattern: { detail: { name: [{ wildcard: 'a\\*b' }] } },
    event: withDetail({ name: 'axxb' }),
    match: false,
  },

  // CF: $or.
  {
    ref: 'CF $or across fields',
    pattern: {
      $or: [
        { 'c-count': [{ numeric: ['>', 0, '<=', 5] }] },
        { 'd-count': [{ numeric: ['<', 10] }] },
        { 'x-limit': [{ numeric: ['=', 3.018e2] }] },
      ],
    },
    event: { 'd-count': 3 },
    match: true,
  },
  {
    ref: 'CF $or: none of the alternatives',
    pattern: {
      $or: [{ 'c-count': [{ numeric: ['>', 0, '<=', 5] }] }, { 'd-count': [{ numeric: ['<', 10] }] }],
    },
    event: { 'c-count': 9, 'd-count': 11 },
    match: false,
  },
  {
    ref: 'CF $or beside other fields',
    pattern: {
      source: ['aws.ec2'],
      $or: [
        { 'detail-type': ['EC2 Instance State-change Notification'] },
        { 'detail-type': ['EBS Volume Notification'] },
      ],
    },
    event: ec2Event,
    match: true,
  },
  {
    ref: 'CF $or nested in detail',
    pattern: { detail: { $or: [{ state: ['running'] }, { 'instance-id': ['i-1234567890abcdef0'] }] } },
    event: ec2Event,
    match: true,
  },
  {
    ref: 'CF complex example',
    pattern: {
      time: [{ prefix: '2017-12-22' }],
      detail: {
        state: [{ 'anything-but': 'initializing' }],
        'c-count': [{ numeric: ['>', 0, '<=', 5] }],
        'x-limit': [{ 'anything-but': [100, 200, 300] }],
      },
    },
    event: withDetail({ state: 'running', 'c-count': 3, 'x-limit': 301.8 }),
    match: true,
  },
  {
    ref: 'CF complex example, one field fails',
    pattern: {
      time: [{ prefix: '2017-12-22' }],
      detail: { state: [{ 'anything-but': 'initializing' }], 'c-count': [{ numeric: ['>', 0, '<=', 5] }] },
    },
    event: withDetail({ state: 'initializing', 'c-count': 3 }),
    match: false,
  },

  // CT: a CloudTrail API call on the default bus, down into its request parameters.
  {
    ref: 'CT API call pattern',
    pattern: {
      source: ['aws.ec2'],
      'detail-type': ['AWS API Call via CloudTrail'],
      detail: { eventSource: ['ec2.amazonaws.com'], eventName: ['AuthorizeSecurityGroupIngress'] },
    },
    event: {
      source: 'aws.ec2',
      'detail-type': 'AWS API Call via CloudTrail',
      detail: { eventSource: 'ec2.amazonaws.com', eventName: 'AuthorizeSecurityGroupIngress' },
    },
    match: true,
  },
  {
    ref: 'CT API call pattern, into nested arrays',
    pattern: {
      detail: {
        requestParameters: { ipPermissions: { items: { ipRanges: { items: { cidrIp: ['0.0.0.0/0'] } } } } },
      },
    },
    event: {
      detail: {
        requestParameters: {
          ipPermissions: {
            items: [
              { fromPort: 443, ipRanges: { items: [{ cidrIp: '10.0.0.0/8' }] } },
              { fromPort: 22, ipRanges: { items: [{ cidrIp: '0.0.0.0/0' }] } },
            ],
          },
        },
      },
    },
    match: true,
  },
];

describe('range: EventBridge event patterns (AWS documented examples)', () => {
  it(`holds at least 60 documented cases (${cases.length})`, () => {
    expect(cases.length).to.be.at.least(60);
  });
  for (const c of cases) {
    it(`${c.ref}: ${c.match ? 'matches' : 'does not match'}`, () => {
      expect(compilePattern(JSON.stringify(c.pattern)).matches(c.event)).to.equal(c.match);
    });
  }
});

describe('range: EventBridge event pattern validation', () => {
  const invalid: Array<[string, unknown, RegExp]> = [
    ['a pattern that is not an object (EP)', ['aws.ec2'], /Filter is not an object/],
    [
      'a value that is neither an array nor an object (EP: values are arrays)',
      { source: 'aws.ec2' },
      /"source" must be an object or an array/,
    ],
    ['an unknown operator', { source: [{ 'starts-with': 'aws.' }] }, /Unrecognized match type starts-with/],
    ['a prefix that is not a string', { source: [{ prefix: 5 }] }, /prefix match pattern must be a string/],
    ['numeric with a string bound', { x: [{ numeric: ['>', 'a'] }] }, /numeric/],
    [
      'numeric bounds the wrong way round',
      { x: [{ numeric: ['>', 10, '<', 5] }] },
      /Bottom must be less than top/,
    ],
    [
      'exists with a non-boolean',
      { x: [{ exists: 'yes' }] },
      /exists match pattern must be either true or false/,
    ],
    [
      'anything-but with mixed types (CF: strings only or numbers only)',
      { x: [{ 'anything-but': ['a', 1] }] },
      /mixed type/,
    ],
    ['consecutive wildcards (CF)', { x: [{ wildcard: 'a**b' }] }, /Consecutive wildcard characters/],
    ['$or with one alternative', { $or: [{ x: ['a'] }] }, /at least 2/],
    ['a malformed CIDR', { x: [{ cidr: '10.0.0.0' }] }, /CIDR/],
    ['a nested array as a value', { x: [['a']] }, /Match value must be String, number, true, false, or null/],
  ];
  for (const [what, pattern, reason] of invalid) {
    it(`refuses ${what}`, () => {
      expect(() => compilePattern(JSON.stringify(pattern))).to.throw(PatternError, reason);
    });
  }
  it('refuses text that is not JSON', () => {
    expect(() => compilePattern('{"source": [')).to.throw(PatternError);
  });
});
