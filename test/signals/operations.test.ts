import { expect } from 'chai';
import { ManualClock } from '../../src/range/index.js';
import type { Condition } from '../../src/signals/registry.js';
import { expectFixedBy, startLive, statuses, type Live } from './live.js';

/**
 * On a manual range clock, so that a patch run (a minute in AWS) takes no time; the observer reads
 * the same clock, and its rate-limit waits move it on.
 */
describe('operations signals on a live range', () => {
  let live: Live;
  const clock = new ManualClock();

  before(async () => {
    live = await startLive({
      clock,
      startedAt: clock.now(),
      observer: {
        clock: {
          now: () => clock.now().getTime(),
          sleep: async (ms) => clock.advance(ms),
        },
      },
    });
  });
  after(() => live.stop());

  /** A responder's CLI call a little later than the last one. */
  const later = (args: string[]) => {
    clock.advance(2000);
    return live.cli(args);
  };

  it('sees a key behind an alias disabled, enabled and scheduled for deletion (kmsKeyState)', async () => {
    const key = String(
      ((await live.sirs.call('kms:CreateKey', { Description: 'payments' })).KeyMetadata as { KeyId: string })
        .KeyId,
    );
    await live.sirs.call('kms:CreateAlias', { AliasName: 'alias/payments', TargetKeyId: key });
    const state = (expect: 'enabled' | 'disabled' | 'pending-deletion'): Condition => ({
      kmsKeyState: { key: 'alias/payments', expect },
    });
    const [enabled, disabled, pending] = [state('enabled'), state('disabled'), state('pending-deletion')];
    expect(statuses(await live.tick(enabled, disabled, pending))).to.deep.equal([
      'met',
      'not-met',
      'not-met',
    ]);

    await later(['kms', 'disable-key', '--key-id', key]);
    const [, off] = await live.tick(enabled, disabled, pending);
    expectFixedBy(live, off, 'DisableKey');

    await later(['kms', 'enable-key', '--key-id', key]);
    const [on] = await live.tick(enabled, disabled, pending);
    expectFixedBy(live, on, 'EnableKey');

    await later(['kms', 'schedule-key-deletion', '--key-id', key, '--pending-window-in-days', '7']);
    const result = await live.tick(enabled, disabled, pending);
    expect(statuses(result)).to.deep.equal(['not-met', 'not-met', 'met']);
    expectFixedBy(live, result[2], 'ScheduleKeyDeletion');
  });

  let subnet: string | undefined;
  /** A managed instance with these tags (missing patches: `sirs:range:missing-patches`), running. */
  async function launch(tags: Record<string, string>): Promise<string> {
    if (!subnet) {
      const vpc = (
        (await live.sirs.call('ec2:CreateVpc', { CidrBlock: '10.30.0.0/16' })).Vpc as { VpcId: string }
      ).VpcId;
      subnet = (
        (await live.sirs.call('ec2:CreateSubnet', { VpcId: vpc, CidrBlock: '10.30.1.0/24' })).Subnet as {
          SubnetId: string;
        }
      ).SubnetId;
    }
    const run = await live.sirs.call('ec2:RunInstances', {
      ImageId: 'ami-0123456789abcdef0',
      MinCount: 1,
      MaxCount: 1,
      SubnetId: subnet,
      TagSpecifications: [
        { ResourceType: 'instance', Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })) },
      ],
    });
    return String((run.Instances as Array<{ InstanceId: string }>)[0]!.InstanceId);
  }

  it('sees an instance patched by a patch run a responder started (patchCompliance)', async () => {
    const instance = await launch({ 'sirs:range:missing-patches': '3' });
    clock.advance(60_000); // pending → running; the SSM agent reports the launch scan
    const compliant: Condition = { patchCompliance: { instance, expect: 'compliant' } };
    const exposed: Condition = { patchCompliance: { instance, expect: 'non-compliant' } };
    const [notYet, missing] = await live.tick(compliant, exposed);
    expect(notYet?.status).to.equal('not-met');
    expect(missing?.status, JSON.stringify(missing)).to.equal('met');
    expect(missing?.status === 'met' && missing.evidence.summary).to.match(
      /not patch compliant: 3 missing, 0 failed/,
    );

    await later([
      'ssm',
      'send-command',
      '--document-name',
      'AWS-RunPatchBaseline',
      '--instance-ids',
      instance,
      '--parameters',
      'Operation=Install',
    ]);
    expect(statuses(await live.tick(compliant, exposed))).to.deep.equal(['not-met', 'met']);
    clock.advance(5 * 60_000);
    const [patched, stillExposed] = await live.tick(compliant, exposed);
    expectFixedBy(live, patched, 'SendCommand');
    expect(stillExposed?.status).to.equal('not-met');
  });

  it('credits a patch run seen unfinished for several ticks to the call that started it (patchCompliance)', async () => {
    const [bySend, byAssociation] = [
      await launch({ 'sirs:range:missing-patches': '2' }),
      await launch({ 'sirs:range:missing-patches': '4' }),
    ];
    clock.advance(60_000);
    const sent: Condition = { patchCompliance: { instance: bySend, expect: 'compliant' } };
    const associated: Condition = { patchCompliance: { instance: byAssociation, expect: 'compliant' } };
    expect(statuses(await live.tick(sent, associated))).to.deep.equal(['not-met', 'not-met']);

    await later([
      'ssm',
      'send-command',
      '--document-name',
      'AWS-RunPatchBaseline',
      '--instance-ids',
      bySend,
      '--parameters',
      'Operation=Install',
    ]);
    // State Manager runs an association's document on its targets when it is created.
    await later([
      'ssm',
      'create-association',
      '--name',
      'AWS-RunPatchBaseline',
      '--targets',
      `Key=InstanceIds,Values=${byAssociation}`,
      '--parameters',
      'Operation=Install',
    ]);
    // The install takes a minute on the range clock: the probes see it unfinished tick after tick.
    for (let i = 0; i < 3; i++) {
      clock.advance(15_000);
      expect(statuses(await live.tick(sent, associated)), `tick ${i}`).to.deep.equal(['not-met', 'not-met']);
    }
    clock.advance(30_000);
    const [patched, patchedToo] = await live.tick(sent, associated);
    expectFixedBy(live, patched, 'SendCommand');
    expectFixedBy(live, patchedToo, 'CreateAssociation');
  });

  it('does not credit a command sent before the instance fell behind on patches (patchCompliance)', async () => {
    const instance = await launch({ team: 'web' });
    clock.advance(60_000);
    // The responder runs something on the instance while it is still up to date...
    await later([
      'ssm',
      'send-command',
      '--document-name',
      'AWS-RunShellScript',
      '--instance-ids',
      instance,
      '--parameters',
      'commands=uptime',
    ]);
    // ...then it falls behind (the range reads missing patches from the tag when it first reports).
    clock.advance(2000);
    await live.sirs.call('ec2:CreateTags', {
      Resources: [instance],
      Tags: [{ Key: 'sirs:range:missing-patches', Value: '3' }],
    });
    clock.advance(2000);
    const compliant: Condition = { patchCompliance: { instance, expect: 'compliant' } };
    const [behind] = await live.tick(compliant);
    expect(behind?.status === 'not-met' && behind.evidence.summary).to.match(/3 missing/);

    // Patched by a command that targets a tag: its event names no instance, so CloudTrail cannot say
    // it fixed this one, and the earlier command that does name the instance must not be taken for it.
    await later([
      'ssm',
      'send-command',
      '--document-name',
      'AWS-RunPatchBaseline',
      '--targets',
      'Key=tag:team,Values=web',
      '--parameters',
      'Operation=Install',
    ]);
    clock.advance(30_000);
    expect((await live.tick(compliant))[0]?.status).to.equal('not-met');
    clock.advance(40_000);
    const [patched] = await live.tick(compliant);
    expect(patched?.status === 'met' && patched.evidence).to.deep.include({
      source: 'probe',
      at: clock.now().toISOString(),
    });
    const earlier = live.range
      .events('SendCommand')
      .find((e) => JSON.stringify(e.requestParameters).includes(instance));
    expect(earlier, 'the earlier command names the instance').to.not.equal(undefined);
  });

  it('sees an alarm set to ALARM and back to OK (alarmState)', async () => {
    await live.sirs.call('cloudwatch:PutMetricAlarm', {
      AlarmName: 'root-activity',
      Namespace: 'CloudTrailMetrics',
      MetricName: 'RootActivity',
      Statistic: 'Sum',
      Period: 300,
      EvaluationPeriods: 1,
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    });
    const alarm: Condition = { alarmState: { alarm: 'root-activity', expect: 'ALARM' } };
    const ok: Condition = { alarmState: { alarm: 'root-activity', expect: 'OK' } };
    expect(statuses(await live.tick(alarm, ok))).to.deep.equal(['not-met', 'not-met']);

    const set = (state: string) => [
      'cloudwatch',
      'set-alarm-state',
      '--alarm-name',
      'root-activity',
      '--state-value',
      state,
      '--state-reason',
      'drill',
    ];
    await later(set('ALARM'));
    const [raised] = await live.tick(alarm, ok);
    expectFixedBy(live, raised, 'SetAlarmState');

    await later(set('OK'));
    const [, cleared] = await live.tick(alarm, ok);
    expectFixedBy(live, cleared, 'SetAlarmState');
  });
});
