import { expect } from 'chai';
import { startTestRange, type TestRange } from '../range/harness.js';
import { phasePoints, runScenario, type Responder } from './harness.js';

/** The n-th controller tick from now (ticks already seen do not count). */
function ticksFromNow(r: Responder, n: number): Promise<unknown> {
  let armed = false;
  let count = 0;
  const tick = r.waitFor((e) => armed && e.type === 'controller.tick' && ++count >= n);
  armed = true;
  return tick;
}

describe('scenario cloudtrail-stopped on the range', function () {
  this.timeout(120_000);
  let range: TestRange;
  before(async () => {
    range = await startTestRange();
  });
  after(() => range.stop());

  it('autopilot: every phase on target, full score, key deactivation and StartLogging credited to the autopilot', async () => {
    const run = await runScenario(range, 'cloudtrail-stopped', { autopilot: true, timeScale: 30 });
    expect(run.result.endReason).to.equal('resolved');
    expect(run.scenario.points).to.equal(100);
    expect(run.scenario.phases.map((p) => p.verdict)).to.deep.equal(['on-target', 'on-target', 'on-target']);
    const met = (phase: string) => run.of('phase.met').find((e) => e.phase === phase)!;
    expect(met('contain').evidence[0]).to.include({ source: 'cloudtrail', eventName: 'UpdateAccessKey' });
    expect(met('contain').evidence[0]!.userAgent).to.contain('autopilot/1');
    expect(met('recover').evidence[0]).to.include({ source: 'cloudtrail', eventName: 'StartLogging' });
    expect(met('recover').evidence[0]!.userAgent).to.contain('autopilot/1');
    expect(run.of('steady-state.breached')).to.deep.equal([]);
    expect(run.result.leftovers).to.deep.equal([]);
  });

  it('nobody responds: timed out, no phase met, no breach, only the hints cost points', async () => {
    const run = await runScenario(range, 'cloudtrail-stopped', { timeScale: 1800, tickMs: 100 });
    expect(run.result.endReason).to.equal('time-limit');
    expect(run.of('phase.met')).to.deep.equal([]);
    expect(run.of('steady-state.breached')).to.deep.equal([]);
    expect(run.of('hint.released').map((h) => h.cost)).to.deep.equal([5, 15]);
    expect(run.scenario.phases.map((p) => p.verdict)).to.deep.equal(['missed', 'missed', 'missed']);
    // 0 for the phases; the 20 points of hints cannot take a score below 0.
    expect(run.scenario.points).to.equal(0);
    expect(run.of('scenario.state').at(-1)!.state).to.equal('timed-out');
  });

  it('a human who blames the bucket first, deletes the key, then deletes and recreates the trail (the same delivery counts, a bare one does not): 95', async () => {
    const run = await runScenario(range, 'cloudtrail-stopped', {
      timeScale: 5,
      tickMs: 250,
      respond: async (r) => {
        const [trail, bucket, user] = [
          r.outputs.TrailName!,
          r.outputs.TrailBucketName!,
          r.outputs.IntruderUserName!,
        ];
        await r.ack('trail-logging-stopped', bucket, 'the audit bucket stopped receiving logs?');
        await r.waitFor((e) => e.type === 'ack' && e.wrong.length === 1);
        await r.ack('trail-logging-stopped', trail, 'StopLogging by the CI user');

        // Who stopped it, and with which key: the StopLogging event in event history.
        const found = (await r.call('cloudtrail:LookupEvents', {
          LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: 'StopLogging' }],
        })) as { Events: Array<{ CloudTrailEvent: string }> };
        const stop = JSON.parse(found.Events[0]!.CloudTrailEvent) as {
          userIdentity: { userName: string; accessKeyId: string };
          requestParameters: { name: string };
        };
        expect(stop.userIdentity.userName).to.equal(user);
        expect(stop.requestParameters.name).to.equal(trail);
        const intruderKey = stop.userIdentity.accessKeyId;
        expect(intruderKey).to.equal(
          (r.actions['intruder-key']!.AccessKey as { AccessKeyId: string }).AccessKeyId,
        );
        await r.call('iam:DeleteAccessKey', { UserName: user, AccessKeyId: intruderKey });

        // Note the delivery before the trail goes, then delete it and create it again.
        const described = (await r.call('cloudtrail:DescribeTrails', { trailNameList: [trail] })) as {
          trailList: Array<{ CloudWatchLogsLogGroupArn: string; CloudWatchLogsRoleArn: string }>;
        };
        const { CloudWatchLogsLogGroupArn: groupArn, CloudWatchLogsRoleArn: roleArn } =
          described.trailList[0]!;
        await r.aws(['cloudtrail', 'delete-trail', '--name', trail]);
        // First a bare trail: it logs, but not to the log group the alarms watch, and in one region only.
        await r.call('cloudtrail:CreateTrail', { Name: trail, S3BucketName: bucket });
        await r.call('cloudtrail:StartLogging', { Name: trail });
        // Two ticks: the controller has looked at the bare trail at least once.
        await ticksFromNow(r, 2);
        await r.call('cloudtrail:DeleteTrail', { Name: trail });
        await r.aws([
          'cloudtrail',
          'create-trail',
          '--name',
          trail,
          '--s3-bucket-name',
          bucket,
          '--is-multi-region-trail',
          '--enable-log-file-validation',
          '--cloud-watch-logs-log-group-arn',
          groupArn,
          '--cloud-watch-logs-role-arn',
          roleArn,
        ]);
        await r.aws(['cloudtrail', 'start-logging', '--name', trail]);
      },
    });
    expect(run.result.endReason).to.equal('resolved');
    // Hand-computed: detect 40 + contain 30 + recover 30, all on target (no hint released before the
    // fix: the first comes at 5m, a minute of clock time at this scale), minus 5 for naming the bucket.
    expect(phasePoints(run.scenario)).to.deep.equal({ detect: 40, contain: 30, recover: 30 });
    expect(run.scenario.wrongAcks).to.deep.equal({ count: 1, penalty: 5 });
    expect(run.scenario.hints.count).to.equal(0);
    expect(run.scenario.points).to.equal(95);
    expect(run.of('steady-state.breached')).to.deep.equal([]);

    const met = (phase: string) => run.of('phase.met').find((e) => e.phase === phase)!;
    expect(met('contain').evidence[0]).to.include({ source: 'cloudtrail', eventName: 'DeleteAccessKey' });
    // The bare trail did not count (a phase is met once): recovery is the start of the trail recreated
    // with its delivery, the last StartLogging.
    const recover = met('recover');
    expect(recover.evidence[0]).to.include({ source: 'cloudtrail', eventName: 'StartLogging' });
    expect(recover.evidence[0]!.userAgent).to.contain('aws-cli');
    const starts = range.events('StartLogging');
    expect(recover.evidence[0]!.eventId).to.equal(starts.at(-1)!.eventID);
    expect(run.result.leftovers).to.deep.equal([]);
  });
});
