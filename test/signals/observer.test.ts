import type { IpPermission } from '@aws-sdk/client-ec2';
import { expect } from 'chai';
import type { Condition } from '../../src/signals/registry.js';
import { createObserver } from '../../src/signals/observer.js';
import { awsError, FakeClock, FakeSession } from './fakes.js';

const GROUP = 'sg-0123';
const SSH_OPEN: IpPermission = {
  IpProtocol: 'tcp',
  FromPort: 22,
  ToPort: 22,
  IpRanges: [{ CidrIp: '0.0.0.0/0' }],
};
const sshAbsent: Condition = {
  sgIngress: { group: GROUP, protocol: 'tcp', port: 22, cidr: '0.0.0.0/0', expect: 'absent' },
};

interface FakeEvent {
  id: string;
  name: string;
  at: number;
  by?: string;
  readOnly?: boolean;
  errorCode?: string;
  params?: Record<string, unknown>;
  userAgent?: string;
  sourceIp?: string;
}

/** An account whose one security group, CloudTrail history and log group the test sets. */
function fakeAccount(clock: FakeClock) {
  const state = {
    perms: [SSH_OPEN] as IpPermission[],
    events: [] as FakeEvent[],
    logs: [] as Array<{ id: string; at: number; message: string }>,
  };
  const session = new FakeSession({
    'ec2:DescribeSecurityGroups': () => ({
      SecurityGroups: [{ GroupId: GROUP, IpPermissions: state.perms, IpPermissionsEgress: [] }],
    }),
    // Newest first, two a page, as LookupEvents pages.
    'cloudtrail:LookupEvents': (input) => {
      const start = (input.StartTime as Date).getTime();
      const writesOnly = (input.LookupAttributes as unknown[] | undefined) !== undefined;
      const all = state.events
        .filter((e) => e.at >= start && !(writesOnly && e.readOnly))
        .sort((a, b) => b.at - a.at);
      const from = Number(input.NextToken ?? 0);
      return {
        Events: all.slice(from, from + 2).map((e) => ({
          EventId: e.id,
          EventName: e.name,
          EventTime: new Date(e.at),
          ReadOnly: String(e.readOnly ?? false),
          Resources: [],
          CloudTrailEvent: JSON.stringify({
            eventID: e.id,
            eventName: e.name,
            eventTime: new Date(e.at).toISOString(),
            eventSource: 'ec2.amazonaws.com',
            userIdentity: { type: 'IAMUser', arn: `arn:aws:iam::123456789012:user/${e.by ?? 'bob'}` },
            userAgent: e.userAgent ?? 'aws-cli/2.15',
            sourceIPAddress: e.sourceIp ?? '198.51.100.20',
            requestParameters: e.params ?? { groupId: GROUP },
            ...(e.errorCode ? { errorCode: e.errorCode } : {}),
            readOnly: e.readOnly ?? false,
          }),
        })),
        ...(from + 2 < all.length ? { NextToken: String(from + 2) } : {}),
      };
    },
    'logs:FilterLogEvents': (input) => {
      if (input.logGroupName !== '/alerts')
        throw awsError('ResourceNotFoundException', 'The specified log group does not exist.');
      const events = state.logs.filter(
        (e) => e.at >= (input.startTime as number) && e.message.includes('ALERT'),
      );
      return {
        events: events.map((e) => ({
          eventId: e.id,
          timestamp: e.at,
          message: e.message,
          logStreamName: 's',
        })),
      };
    },
  });
  const observer = createObserver({
    session,
    exercise: {
      id: 'ex1',
      startedAt: new Date(clock.now()),
      accountId: '123456789012',
      region: 'us-east-1',
      endpoint: 'http://127.0.0.1:1',
    },
    clock,
    random: () => 0,
  });
  const look = async (c: Condition) => {
    observer.beginTick();
    return observer.observe(c, 'scenario-1');
  };
  return { state, session, observer, look };
}

describe('the observer', () => {
  it('dates a fix with the newest successful event that brings it about since the state was last seen otherwise', async () => {
    const clock = new FakeClock();
    const { state, session, look } = fakeAccount(clock);
    state.events.push({
      id: 'old-revoke',
      name: 'RevokeSecurityGroupIngress',
      at: clock.now() + 1000,
      by: 'carol',
    });
    clock.t += 60_000;
    expect((await look(sshAbsent)).status).to.equal('not-met');

    const t = clock.now();
    state.events.push(
      {
        id: 'denied',
        name: 'RevokeSecurityGroupIngress',
        at: t + 2000,
        by: 'mallory',
        errorCode: 'UnauthorizedOperation',
      },
      {
        id: 'fix',
        name: 'RevokeSecurityGroupIngress',
        at: t + 3000,
        by: 'bob',
        userAgent: 'aws-cli/2.15 bob',
        sourceIp: '203.0.113.7',
      },
      {
        id: 'other-group',
        name: 'RevokeSecurityGroupIngress',
        at: t + 4000,
        params: { groupId: 'sg-other' },
      },
      { id: 'unrelated', name: 'AuthorizeSecurityGroupIngress', at: t + 5000 },
    );
    state.perms = [];
    clock.t += 10_000;
    const fixed = await look(sshAbsent);
    expect(fixed).to.deep.equal({
      status: 'met',
      evidence: {
        summary: `Security group ${GROUP} has no inbound rules, so nothing allows inbound tcp port 22 from 0.0.0.0/0 (RevokeSecurityGroupIngress by arn:aws:iam::123456789012:user/bob at ${new Date(t + 3000).toISOString()})`,
        source: 'cloudtrail',
        at: new Date(t + 3000).toISOString(),
        actor: 'arn:aws:iam::123456789012:user/bob',
        eventId: 'fix',
        eventName: 'RevokeSecurityGroupIngress',
        userAgent: 'aws-cli/2.15 bob',
        sourceIp: '203.0.113.7',
      },
    });

    // Still fixed next tick: the same event explains it, and CloudTrail is not read again.
    const lookups = session.count('cloudtrail:LookupEvents');
    clock.t += 10_000;
    const again = await look(sshAbsent);
    expect(again).to.deep.equal(fixed);
    expect(session.count('cloudtrail:LookupEvents')).to.equal(lookups);

    // Opened and closed again with no event to show for it: the old fix does not explain it.
    state.perms = [SSH_OPEN];
    clock.t += 10_000;
    expect((await look(sshAbsent)).status).to.equal('not-met');
    state.perms = [];
    clock.t += 10_000;
    const probedAt = new Date(clock.now()).toISOString();
    const unexplained = await look(sshAbsent);
    expect(unexplained.status === 'met' && unexplained.evidence).to.deep.include({
      source: 'probe',
      at: probedAt,
    });
  });

  it("keeps the probe's time when no event explains the state", async () => {
    const clock = new FakeClock();
    const { look } = fakeAccount(clock);
    clock.t += 5000;
    const open = await look({ sgIngress: { ...sshAbsent.sgIngress!, expect: 'present' } } as Condition);
    expect(open).to.deep.include({ status: 'met' });
    expect(open.status === 'met' && open.evidence).to.deep.equal({
      summary: `Security group ${GROUP} allows tcp port 22 from 0.0.0.0/0, which covers inbound tcp port 22 from 0.0.0.0/0`,
      source: 'probe',
      at: new Date(clock.now()).toISOString(),
    });
  });

  it('answers unknown, never met, while a describe is throttled, and reads again after backing off', async () => {
    const clock = new FakeClock();
    const { state, session, look } = fakeAccount(clock);
    state.perms = [];
    const describe = session.handlers['ec2:DescribeSecurityGroups']!;
    session.handlers['ec2:DescribeSecurityGroups'] = () => {
      throw awsError('RequestLimitExceeded', 'Request limit exceeded.');
    };
    expect(await look(sshAbsent)).to.deep.equal({
      status: 'unknown',
      reason: 'ec2:DescribeSecurityGroups: throttling (RequestLimitExceeded)',
    });
    const second = await look(sshAbsent);
    expect(second.status).to.equal('unknown');
    expect(second.status === 'unknown' && second.reason).to.contain('backing off');
    expect(session.count('ec2:DescribeSecurityGroups')).to.equal(1);

    session.handlers['ec2:DescribeSecurityGroups'] = describe;
    clock.t += 1000;
    expect((await look(sshAbsent)).status).to.equal('met');
  });

  it('waits for CloudTrail to date a fix it cannot read yet, but not when CloudTrail is closed to it', async () => {
    const clock = new FakeClock();
    const { state, session, look } = fakeAccount(clock);
    expect((await look(sshAbsent)).status).to.equal('not-met');
    state.events.push({ id: 'fix', name: 'RevokeSecurityGroupIngress', at: clock.now() + 1000 });
    state.perms = [];
    const lookup = session.handlers['cloudtrail:LookupEvents']!;
    session.handlers['cloudtrail:LookupEvents'] = () => {
      throw awsError('ThrottlingException', 'Rate exceeded');
    };
    clock.t += 2000;
    const waiting = await look(sshAbsent);
    expect(waiting.status === 'unknown' && waiting.reason).to.equal(
      'the state is met but CloudTrail could not be read to date it: cloudtrail:LookupEvents: throttling (ThrottlingException)',
    );
    session.handlers['cloudtrail:LookupEvents'] = lookup;
    clock.t += 2000;
    const dated = await look(sshAbsent);
    expect(dated.status === 'met' && dated.evidence.eventId).to.equal('fix');

    const denied = fakeAccount(clock);
    denied.state.perms = [];
    denied.session.handlers['cloudtrail:LookupEvents'] = () => {
      throw awsError('AccessDeniedException', 'not authorized to perform cloudtrail:LookupEvents');
    };
    const seen = await denied.look(sshAbsent);
    expect(seen.status === 'met' && seen.evidence).to.deep.include({ source: 'probe' });
    expect(seen.status === 'met' && seen.evidence.summary).to.match(
      /\(CloudTrail not readable: AccessDeniedException\)$/,
    );
  });

  it('matches CloudTrail events from one window read forward, fetching read events only when asked', async () => {
    const clock = new FakeClock();
    const { state, session, observer } = fakeAccount(clock);
    const start = clock.now();
    state.events.push(
      { id: 'before', name: 'StopLogging', at: start - 5000 },
      { id: 'e1', name: 'StopLogging', at: start + 1000, by: 'mallory', params: { name: 'main' } },
      { id: 'e2', name: 'StopLogging', at: start + 2000, by: 'mallory', params: { name: 'main' } },
      { id: 'e3', name: 'CreateTrail', at: start + 9000 },
      {
        id: 'r1',
        name: 'GetTrailStatus',
        at: start + 3500,
        readOnly: true,
        errorCode: 'TrailNotFoundException',
      },
      {
        id: 'own',
        name: 'DescribeTrails',
        at: start + 3600,
        readOnly: true,
        userAgent: 'aws-sdk-js/3 sirs/0.1.0-exercise/ex1',
      },
    );
    clock.t += 10_000;
    observer.beginTick();
    const [stop, byMallory, own] = await Promise.all([
      observer.observe({ cloudtrailEvent: { eventName: 'StopLogging', resource: 'main' } }, 's'),
      observer.observe(
        { cloudtrailEvent: { eventName: 'StopLogging', userArn: 'arn:aws:iam::123456789012:user/mallory' } },
        's',
      ),
      observer.observe({ cloudtrailEvent: { eventName: 'CreateTrail', userIdentityType: 'Root' } }, 's'),
    ]);
    // The first StopLogging since the start is when it happened; three pages of two, one read.
    expect(stop.status === 'met' && stop.evidence).to.deep.include({
      eventId: 'e1',
      source: 'cloudtrail',
      at: new Date(start + 1000).toISOString(),
    });
    expect(byMallory.status === 'met' && byMallory.evidence.eventId).to.equal('e1');
    expect(own.status).to.equal('not-met');
    const reads = session.calls.filter((c) => c.api === 'cloudtrail:LookupEvents');
    expect(reads.map((c) => c.input.NextToken)).to.deep.equal([undefined, '2']);
    expect(reads[0]!.input).to.deep.include({
      StartTime: new Date(start),
      LookupAttributes: [{ AttributeKey: 'ReadOnly', AttributeValue: 'false' }],
    });

    // A condition on a read call reads again from the start, read events included; own reads are dropped.
    const [failedRead, ownRead] = await Promise.all([
      observer.observe(
        { cloudtrailEvent: { eventName: 'GetTrailStatus', errorCode: 'TrailNotFoundException' } },
        's',
      ),
      observer.observe({ cloudtrailEvent: { eventName: 'DescribeTrails' } }, 's'),
    ]);
    expect(failedRead.status === 'met' && failedRead.evidence.eventId).to.equal('r1');
    expect(ownRead.status).to.equal('not-met');
    const last = session.calls.filter((c) => c.api === 'cloudtrail:LookupEvents').at(-3)!;
    expect(last.input).to.deep.equal({ StartTime: new Date(start), MaxResults: 50 });

    // Later reads start where the last read began (or at the newest event, if later), minus the overlap
    // (1 s against an endpoint): a quiet account is not read again and again.
    clock.t += 60_000;
    const quietAt = clock.now();
    observer.beginTick();
    await observer.observe({ cloudtrailEvent: { eventName: 'DeleteTrail' } }, 's');
    clock.t += 5_000;
    observer.beginTick();
    await observer.observe({ cloudtrailEvent: { eventName: 'DeleteTrail' } }, 's');
    const next = session.calls.filter((c) => c.api === 'cloudtrail:LookupEvents').at(-1)!;
    expect(next.input.StartTime).to.deep.equal(new Date(quietAt - 1000));
  });

  it('reads the window again from the start when read events are asked for during a read', async () => {
    const clock = new FakeClock();
    const { state, session, observer } = fakeAccount(clock);
    const start = clock.now();
    state.events.push(
      { id: 'w1', name: 'StopLogging', at: start + 1000 },
      {
        id: 'r1',
        name: 'GetTrailStatus',
        at: start + 2000,
        readOnly: true,
        errorCode: 'TrailNotFoundException',
      },
    );
    clock.t += 120_000;
    const lookup = session.handlers['cloudtrail:LookupEvents']!;
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    session.handlers['cloudtrail:LookupEvents'] = async (input) => {
      await gate;
      return lookup(input);
    };
    observer.beginTick();
    const writes = observer.observe({ cloudtrailEvent: { eventName: 'StopLogging' } }, 's');
    while (session.count('cloudtrail:LookupEvents') === 0)
      await new Promise((resolve) => setImmediate(resolve));
    const reads = observer.observe({ cloudtrailEvent: { eventName: 'GetTrailStatus' } }, 's');
    release();
    expect((await writes).status).to.equal('met');
    const failed = await reads;
    expect(failed.status === 'met' && failed.evidence.eventId).to.equal('r1');
    const starts = session.calls
      .filter((c) => c.api === 'cloudtrail:LookupEvents')
      .map((c) => c.input.StartTime);
    expect(starts).to.deep.equal([new Date(start), new Date(start)]);
  });

  it('reads log events forward per group and pattern, and says when the group does not exist', async () => {
    const clock = new FakeClock();
    const { state, session, look } = fakeAccount(clock);
    const start = clock.now();
    state.logs.push({ id: 'l0', at: start - 1000, message: 'ALERT before the exercise' });
    const alert = { logEvents: { logGroup: '/alerts', filterPattern: 'ALERT' } } as const;
    expect(await look(alert)).to.deep.include({ status: 'not-met' });
    const missing = await look({ logEvents: { logGroup: '/nope', filterPattern: 'ALERT' } });
    expect(missing.status === 'not-met' && missing.evidence.summary).to.equal(
      '/nope: the log group does not exist',
    );

    state.logs.push(
      { id: 'l1', at: start + 2000, message: 'ALERT: StopLogging\nby mallory' },
      { id: 'l2', at: start + 3000, message: 'ALERT again' },
    );
    clock.t += 4000;
    expect(await look(alert)).to.deep.equal({
      status: 'met',
      evidence: {
        summary: '/alerts/s: ALERT: StopLogging by mallory (and 1 more)',
        source: 'logs',
        at: new Date(start + 2000).toISOString(),
      },
    });
    const starts = session.calls
      .filter((c) => c.input.logGroupName === '/alerts')
      .map((c) => (c.input.startTime as number) - start);
    expect(starts).to.deep.equal([0, 0]);
  });

  it('leaves acknowledgements to the controller and refuses conditions it cannot read', async () => {
    const clock = new FakeClock();
    const { look, session } = fakeAccount(clock);
    expect(await look({ ack: { finding: 'ssh-exposure' } })).to.deep.equal({
      status: 'unknown',
      reason: 'ack is not probed: the controller answers it',
    });
    const bad = await look({
      sgIngress: { group: GROUP, protocol: 'tcp', port: 22, cidr: '10.0.0.0/99', expect: 'absent' },
    });
    expect(bad).to.deep.equal({
      status: 'unknown',
      reason: 'invalid sgIngress parameters: must be an IPv4 CIDR like 10.0.0.0/24',
    });
    expect(
      await look({ sgIngress: { ...sshAbsent.sgIngress!, group: '{{outputs.WebSgId}}' } } as Condition),
    ).to.deep.equal({
      status: 'unknown',
      reason: 'unresolved placeholder in sgIngress: {{outputs.WebSgId}}',
    });
    expect(await look({ nonsense: {} } as unknown as Condition)).to.deep.equal({
      status: 'unknown',
      reason: 'Error: unknown signal kind nonsense in a validated condition',
    });
    expect(session.count()).to.equal(0);
  });
  it('dates fixes by the probe where the endpoint has no CloudTrail, after three failed reads in a row', async () => {
    const clock = new FakeClock();
    const { state, session, look } = fakeAccount(clock);
    // Like moto_server: LookupEvents answers a 500 with an HTML page the SDK cannot parse.
    session.handlers['cloudtrail:LookupEvents'] = () => {
      throw Object.assign(new SyntaxError('Unexpected token <'), { $metadata: { httpStatusCode: 500 } });
    };
    state.perms = [];
    const seen: string[] = [];
    for (let i = 0; i < 4; i++) {
      clock.t += 120_000; // past any backoff
      const obs = await look(sshAbsent);
      seen.push(obs.status);
      if (obs.status === 'met') {
        expect(obs.evidence.source).to.equal('probe');
        expect(obs.evidence.summary).to.contain('CloudTrail keeps failing');
      }
    }
    expect(seen).to.deep.equal(['unknown', 'unknown', 'met', 'met']);
  });

  it('dates fixes by the probe at once where CloudTrail answers that it does not exist', async () => {
    const clock = new FakeClock();
    const { state, session, look } = fakeAccount(clock);
    session.handlers['cloudtrail:LookupEvents'] = () => {
      throw awsError('NotImplemented', 'The range does not implement cloudtrail:LookupEvents');
    };
    state.perms = [];
    clock.t += 5000;
    const obs = await look(sshAbsent);
    expect(obs.status === 'met' && obs.evidence).to.deep.include({ source: 'probe' });
  });
});
