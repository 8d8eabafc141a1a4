import { expect } from 'chai';
import { ApiSession } from '../../src/aws/api.js';
import {
  classifyUserAgent,
  readActivity,
  trimEvent,
  type ActivityEvent,
  type LookupSession,
} from '../../src/report/activity.js';
import { findRedatings } from '../../src/report/redate.js';
import { startTestRange, type TestRange } from '../range/harness.js';
import { editEntries, fixture } from './helpers.js';

const EX = 'gd-20261128-1742-1a2b';
const SIRS = `aws-sdk-js/3.1168.0 ua/2.1 os/linux lang/js md/nodejs#20.20.2 api/ec2#3.1168.0 m/N,E,e sirs/0.1.0 exercise/${EX}`;

function item(record: Record<string, unknown>, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    EventId: record.eventID,
    EventName: record.eventName,
    EventTime: new Date(String(record.eventTime)),
    EventSource: record.eventSource,
    ReadOnly: String(record.readOnly),
    CloudTrailEvent: JSON.stringify(record),
    ...extra,
  };
}

describe('responder activity: telling calls apart and trimming them', () => {
  it("classes calls by user agent: sirs' own work, the autopilot, sirs ack, responders, other exercises", () => {
    expect(classifyUserAgent(SIRS, EX)).to.equal('sirs');
    expect(classifyUserAgent(`${SIRS} autopilot/1`, EX)).to.equal('autopilot');
    expect(classifyUserAgent(`${SIRS} ack/1`, EX)).to.equal('ack');
    expect(classifyUserAgent('aws-cli/2.17.20 md/awscrt#0.20.11 ua/2.0 os/macos#23.5.0', EX)).to.equal(
      'responder',
    );
    expect(classifyUserAgent('AWS Internal', EX)).to.equal('responder');
    expect(classifyUserAgent(undefined, EX)).to.equal('responder');
    // Another exercise in the same account is neither sirs' work here nor a responder of this one.
    expect(classifyUserAgent(SIRS.replace(EX, 'gd-other'), EX)).to.equal('other-exercise');
    // A prefix of the id is not the id.
    expect(classifyUserAgent(SIRS.replace(EX, `${EX}-2`), EX)).to.equal('other-exercise');
  });

  it('keeps ids the call named, never a secret or a response body', () => {
    const record = {
      eventID: 'e-1',
      eventTime: '2026-11-28T17:50:00Z',
      eventName: 'UpdateLoginProfile',
      eventSource: 'iam.amazonaws.com',
      readOnly: false,
      userAgent: 'aws-cli/2.17.20',
      sourceIPAddress: '203.0.113.7',
      userIdentity: {
        type: 'AssumedRole',
        arn: 'arn:aws:sts::111122223333:assumed-role/r/alice',
        accessKeyId: 'ASIAEXAMPLE',
      },
      requestParameters: {
        userName: 'intern',
        password: 'Hunter2-secret-pw',
        policyDocument: '{"Statement":[]}',
        nested: { keyId: 'k-1', plaintext: 'c2VjcmV0', items: [{ groupId: 'sg-0a1b2c3d4e5f67890' }] },
        description: 'sg-inside-a-description-is-not-kept',
      },
      responseElements: {
        accessKey: { accessKeyId: 'AKIANEW', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' },
      },
      resources: [{ ARN: 'arn:aws:iam::111122223333:user/intern' }],
    };
    const e = trimEvent(item(record), EX, ['sg-inside-a-description-is-not-kept-either']) as ActivityEvent;
    expect(e).to.deep.include({
      eventId: 'e-1',
      eventName: 'UpdateLoginProfile',
      by: 'responder',
      actor: 'arn:aws:sts::111122223333:assumed-role/r/alice',
      sourceIp: '203.0.113.7',
      readOnly: false,
    });
    expect(e.resources).to.have.members([
      'arn:aws:iam::111122223333:user/intern',
      'intern',
      'k-1',
      'sg-0a1b2c3d4e5f67890',
    ]);
    const text = JSON.stringify(e);
    for (const secret of [
      'Hunter2',
      'c2VjcmV0',
      'wJalrXUtnFEMI',
      'ASIAEXAMPLE',
      'AKIANEW',
      'Statement',
      'description',
    ])
      expect(text).not.to.contain(secret);
    // A known resource is kept under any member name.
    const known = trimEvent(item(record), EX, ['sg-inside-a-description-is-not-kept']) as ActivityEvent;
    expect(known.resources[0]).to.equal('sg-inside-a-description-is-not-kept');
  });

  it("leaves out sirs' own calls, and CloudFormation's while sirs' stacks were being created", () => {
    const base = {
      eventID: 'e-2',
      eventTime: '2026-11-28T17:44:58Z',
      eventName: 'AuthorizeSecurityGroupIngress',
      eventSource: 'ec2.amazonaws.com',
      readOnly: false,
      userIdentity: {
        type: 'IAMUser',
        arn: 'arn:aws:iam::111122223333:user/sirs',
        invokedBy: 'cloudformation.amazonaws.com',
      },
      userAgent: 'cloudformation.amazonaws.com',
      sourceIPAddress: 'cloudformation.amazonaws.com',
    };
    const creating = [
      [Date.parse('2026-11-28T17:44:50.000Z'), Date.parse('2026-11-28T17:44:59.000Z')],
    ] as const;
    expect(trimEvent(item({ ...base, userAgent: SIRS }), EX)).to.equal('sirs');
    expect(trimEvent(item(base), EX, [], creating)).to.equal('sirs');
    const later = trimEvent(
      item({ ...base, eventTime: '2026-11-28T17:50:00Z' }),
      EX,
      [],
      creating,
    ) as ActivityEvent;
    expect(later).to.deep.include({ by: 'responder', invokedBy: 'cloudformation.amazonaws.com' });
  });

  it('waits out throttling beyond the SDK’s retries, and stops with a note after the page limit', async () => {
    let calls = 0;
    const sleeps: number[] = [];
    const page = (token?: string) => ({
      Events: [
        item({
          eventID: `e-${calls}`,
          eventTime: '2026-11-28T17:50:00Z',
          eventName: 'DescribeVpcs',
          eventSource: 'ec2.amazonaws.com',
          readOnly: true,
          userAgent: 'aws-cli/2',
          userIdentity: { arn: 'arn:aws:iam::1:user/a' },
        }),
      ],
      ...(token ? { NextToken: token } : {}),
    });
    const session: LookupSession = {
      call: async () => {
        calls++;
        if (calls <= 2)
          throw Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException', $metadata: {} });
        return page(`t${calls}`);
      },
    };
    const read = await readActivity({
      session,
      exerciseId: EX,
      from: new Date('2026-11-28T17:45:00Z'),
      to: new Date('2026-11-28T18:30:00Z'),
      perSecond: 0,
      maxPages: 3,
      sleep: async (ms) => void sleeps.push(ms),
    });
    expect(sleeps.slice(0, 2)).to.deep.equal([2000, 4000]);
    expect(read.pages).to.equal(3);
    expect(read.events).to.have.length(3);
    expect(read.truncated).to.equal(true);
    expect(read.note).to.match(/stopped after 3 pages/);
  });

  it('an error reading CloudTrail ends the read with what it has, and says why', async () => {
    const session: LookupSession = {
      call: async () => {
        throw Object.assign(new Error('not authorized to perform cloudtrail:LookupEvents'), {
          name: 'AccessDeniedException',
          $metadata: {},
        });
      },
    };
    const read = await readActivity({
      session,
      exerciseId: EX,
      from: new Date(),
      to: new Date(),
      perSecond: 2,
    });
    expect(read).to.deep.include({ pages: 0, truncated: true, events: [] });
    expect(read.note).to.match(/AccessDeniedException/);
  });
});

describe('responder activity on the range (LookupEvents, every page, paced)', function () {
  this.timeout(60_000);
  let range: TestRange;
  before(async () => {
    range = await startTestRange({ lookupEventsPerSecond: 4 });
  });
  after(() => range.stop());

  const session = (ua: Array<[string, string]>) =>
    new ApiSession({ ...range.clientConfig({ maxAttempts: 8 }), customUserAgent: ua });

  it("reads read-only and mutating calls over many pages, keeps responders' and the autopilot's, leaves sirs' out", async () => {
    const from = new Date();
    const sirs = session([
      ['sirs', '0.1.0'],
      ['exercise', 'rx-1'],
    ]);
    const autopilot = session([
      ['sirs', '0.1.0'],
      ['exercise', 'rx-1'],
      ['autopilot', '1'],
    ]);
    const responder = session([['aws-cli', '2.17.20']]);
    const vpc = (await sirs.call('ec2:CreateVpc', { CidrBlock: '10.7.0.0/16' })).Vpc as { VpcId: string };
    for (let i = 0; i < 60; i++) await responder.call('ec2:DescribeVpcs', { VpcIds: [vpc.VpcId] });
    for (let i = 0; i < 40; i++) await sirs.call('ec2:DescribeVpcs', {});
    await autopilot.call('ec2:CreateTags', {
      Resources: [vpc.VpcId],
      Tags: [{ Key: 'fixed', Value: 'yes' }],
    });
    await new Promise((r) => setTimeout(r, 1100));
    const started = Date.now();
    const read = await readActivity({
      session: sirs,
      exerciseId: 'rx-1',
      from,
      to: new Date(),
      knownResources: [vpc.VpcId],
      perSecond: 4,
    });
    const elapsed = Date.now() - started;
    for (const s of [sirs, autopilot, responder]) s.destroy();
    expect(read.truncated).to.equal(false);
    expect(read.pages).to.be.greaterThanOrEqual(3);
    // Paced at 4 requests a second: the pages took at least that long.
    expect(elapsed).to.be.greaterThanOrEqual((read.pages - 1) * 250 - 20);
    expect(read.events.filter((e) => e.by === 'responder' && e.eventName === 'DescribeVpcs')).to.have.length(
      60,
    );
    const tag = read.events.find((e) => e.eventName === 'CreateTags')!;
    expect(tag.by).to.equal('autopilot');
    expect(tag.resources).to.include(vpc.VpcId);
    expect(read.events.every((e) => e.by !== ('sirs' as string))).to.equal(true);
    expect(read.skipped.sirs).to.be.greaterThanOrEqual(41);
    const times = read.events.map((e) => e.time);
    expect(times).to.deep.equal([...times].sort());
  });
});

describe('re-dating probe-dated phases from CloudTrail found later', () => {
  const { entries, activity } = fixture();
  // The journal as it was before the refresh: no re-dating yet.
  const before = entries.filter((e) => e.type !== 'evidence.redated');

  it('credits the last successful change to the scenario’s resources before the probe saw it', () => {
    const found = findRedatings(before, activity);
    expect(found.map((r) => [r.scenario, r.phase, r.previousAtMs, r.atMs])).to.deep.equal([
      ['ssh-open-to-world', 'recover', 26 * 60_000 + 45_000, 26 * 60_000 + 20_000],
      ['trail-stopped', 'detect', 30 * 60_000 + 15_080, 29 * 60_000 + 50_000],
      ['trail-stopped', 'contain', 30 * 60_000 + 15_080, 29 * 60_000 + 50_000],
    ]);
    expect(found[0]!.evidence).to.deep.include({
      source: 'cloudtrail',
      eventName: 'AuthorizeSecurityGroupIngress',
    });
    expect(found[1]!.evidence.actor).to.match(/auto-remediate-trail$/);
  });

  it('never twice, never a failed or read-only call, never later than the probe', () => {
    expect(findRedatings(entries, activity)).to.deep.equal([]);
    // The account-wide fix of public-bucket named no bucket: nothing to credit.
    expect(findRedatings(before, activity).some((r) => r.scenario === 'public-bucket')).to.equal(false);
    const failedOnly = activity.map((e) =>
      e.eventName === 'StartLogging' ? { ...e, errorCode: 'AccessDenied' } : e,
    );
    expect(findRedatings(before, failedOnly).filter((r) => r.scenario === 'trail-stopped')).to.deep.equal([]);
    const tooLate = editEntries(before, (e) =>
      e.type === 'phase.met' && e.scenario === 'trail-stopped'
        ? { ...e, evidence: e.evidence.map((ev) => ({ ...ev, at: '2026-11-28T18:14:40.000Z' })) }
        : undefined,
    );
    expect(findRedatings(tooLate, activity).filter((r) => r.scenario === 'trail-stopped')).to.deep.equal([]);
  });
});
