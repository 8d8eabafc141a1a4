import { expect } from 'chai';
import type { Condition } from '../../src/signals/registry.js';
import type { Observation } from '../../src/signals/types.js';
import { expectFixedBy, startLive, type Live } from './live.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('signals on a range that throttles and fails', () => {
  let live: Live;
  let group: string;
  const bucket = 'leaky-bucket';

  before(async () => {
    // The range limits LookupEvents to 2 requests/s as AWS does; backoff is short to fit the test.
    live = await startLive({ lookupEventsPerSecond: 2, observer: { backoff: { baseMs: 100, maxMs: 400 } } });
    const vpc = (
      (await live.sirs.call('ec2:CreateVpc', { CidrBlock: '10.40.0.0/16' })).Vpc as { VpcId: string }
    ).VpcId;
    group = String(
      (
        await live.sirs.call('ec2:CreateSecurityGroup', {
          GroupName: 'exposed',
          Description: 'x',
          VpcId: vpc,
        })
      ).GroupId,
    );
    for (const port of [22, 443]) {
      await live.sirs.call('ec2:AuthorizeSecurityGroupIngress', {
        GroupId: group,
        IpPermissions: [
          { IpProtocol: 'tcp', FromPort: port, ToPort: port, IpRanges: [{ CidrIp: '0.0.0.0/0' }] },
        ],
      });
    }
    await live.sirs.call('s3:CreateBucket', { Bucket: bucket });
    await live.sirs.call('s3:DeletePublicAccessBlock', { Bucket: bucket });
    await live.sirs.call('s3:PutBucketPolicy', {
      Bucket: bucket,
      Policy: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Allow', Principal: '*', Action: 's3:ListBucket', Resource: `arn:aws:s3:::${bucket}` },
        ],
      }),
    });
    await live.sirs.call('iam:CreateUser', { UserName: 'ci' });
    await live.sirs.call('iam:CreateAccessKey', { UserName: 'ci' });
  });
  after(() => live.stop());

  /** Fixes nobody has made. */
  const fixes = (): Condition[] => [
    { sgIngress: { group, protocol: 'tcp', port: 22, cidr: '0.0.0.0/0', expect: 'absent' } },
    { bucketPublic: { bucket, expect: 'private', anonymousGet: true } },
    { accessKey: { user: 'ci', expect: 'inactive' } },
    { rootAccessKeys: { accessKeyId: 'AKIANOSUCHROOTKEY000', expect: 'present' } },
    { cloudtrailEvent: { eventName: 'RevokeSecurityGroupIngress' } },
  ];
  /** A steady state that holds throughout. */
  const steady = (): Condition => ({ sgIngress: { group, protocol: 'tcp', port: 443, expect: 'present' } });

  it('reads CloudTrail within the 2 requests/s the range allows', async () => {
    for (let i = 0; i < 4; i++) {
      const seen = await live.tick(...fixes(), steady());
      expect(seen.map((o) => o.status)).to.deep.equal([
        'not-met',
        'not-met',
        'not-met',
        'not-met',
        'not-met',
        'met',
      ]);
    }
    const stats = live.observer.stats();
    expect(stats.byApi['cloudtrail:LookupEvents']).to.be.at.least(4);
    expect(stats.throttled).to.equal(0);
  });

  it('answers unknown and never reports a fix that was not made, then sees the real one', async () => {
    live.range.setFaults({ throttle: 0.3, error: 0.05 });
    const seen: Observation[][] = [];
    try {
      for (let i = 0; i < 12; i++) {
        seen.push(await live.tick(...fixes(), steady()));
        await sleep(100);
      }
    } finally {
      live.range.setFaults({});
    }
    const column = (i: number) => seen.map((tick) => tick[i]!.status);
    for (let i = 0; i < fixes().length; i++) expect(column(i), `fix ${i}`).not.to.include('met');
    expect(column(fixes().length), 'steady state').not.to.include('not-met');
    const all = seen.flat();
    expect(all.filter((o) => o.status === 'unknown').length).to.be.greaterThan(0);
    expect(all.filter((o) => o.status === 'not-met').length).to.be.greaterThan(0);
    const reasons = all.flatMap((o) => (o.status === 'unknown' ? [o.reason] : []));
    expect(reasons.some((r) => /throttling|backing off/.test(r))).to.equal(true);
    expect(live.observer.stats().throttled).to.be.greaterThan(0);

    // Faults off: once the backoff has passed, the responder's fix is seen and signed.
    await live.cli([
      'ec2',
      'revoke-security-group-ingress',
      '--group-id',
      group,
      '--protocol',
      'tcp',
      '--port',
      '22',
      '--cidr',
      '0.0.0.0/0',
    ]);
    await sleep(400);
    const [fixed] = await live.tick(fixes()[0]!);
    expectFixedBy(live, fixed, 'RevokeSecurityGroupIngress');
  });
});
