import { expect } from 'chai';
import type { ControllerEvent } from '../../src/controller/controller.js';
import { startTestRange, type TestRange } from '../range/harness.js';
import { runScenario, type Responder } from './harness.js';

const STAGES = ['cloudtrail-stopped', 'iam-admin-backdoor', 's3-public-object'];
const stageLive = (id: string) => (e: ControllerEvent) =>
  e.type === 'stage' && e.scenario === id && e.state === 'live';
const met = (id: string, phase: string) => (e: ControllerEvent) =>
  e.type === 'phase.met' && e.scenario === id && e.phase === phase;

describe('campaign intrusion-campaign on the range', function () {
  this.timeout(180_000);
  let range: TestRange;
  before(async () => {
    range = await startTestRange();
  });
  after(() => range.stop());

  it('autopilot: each stage is injected at its offset and resolved on target; the decoy is left alone: 100', async () => {
    const run = await runScenario(range, 'intrusion-campaign', { autopilot: true, timeScale: 60 });
    expect(run.result.endReason).to.equal('resolved');
    expect(run.score.scenarios.map((s) => [s.id, s.points])).to.deep.equal(STAGES.map((id) => [id, 100]));
    const live = run
      .of('stage.live')
      .map((e) => [e.scenario, e.atMs >= (e.scenario === 'iam-admin-backdoor' ? 5 : 10) * 60_000]);
    expect(live).to.deep.equal([
      ['iam-admin-backdoor', true],
      ['s3-public-object', true],
    ]);
    expect(run.score.decoys).to.deep.equal([{ id: 'partner-sftp-change', breaches: 0, penalty: 0 }]);
    expect(run.score.total).to.equal(100);
    expect(run.result.leftovers).to.deep.equal([]);
  });

  it('nobody responds: every stage times out from its own start, nothing is met, no breach', async () => {
    const run = await runScenario(range, 'intrusion-campaign', { timeScale: 1800, tickMs: 100 });
    expect(run.result.endReason).to.equal('time-limit');
    expect(run.of('phase.met')).to.deep.equal([]);
    expect(run.of('steady-state.breached')).to.deep.equal([]);
    // At 1800× both later stages come due within a second of each other: either may be up first.
    expect(
      run
        .of('stage.live')
        .map((e) => e.scenario)
        .sort(),
    ).to.deep.equal(['iam-admin-backdoor', 's3-public-object']);
    expect(run.score.scenarios.map((s) => s.points)).to.deep.equal([0, 0, 0]);
    expect(run.score.total).to.equal(0);
  });

  it('a human team fixes each stage by other paths than the autopilot, but also reverts the approved change: 90', async () => {
    const respond = async (r: Responder) => {
      // Stage 1: the trail. Delete the intruder's key (the autopilot deactivates it), log again.
      const trail = r.outputsOf('cloudtrail-stopped');
      const intruderKey = (
        r.actionsOf('cloudtrail-stopped')['intruder-key']!.AccessKey as { AccessKeyId: string }
      ).AccessKeyId;
      await r.ack('trail-logging-stopped', trail.TrailName!);
      await r.call('iam:DeleteAccessKey', { UserName: trail.IntruderUserName, AccessKeyId: intruderKey });
      await r.call('cloudtrail:StartLogging', { Name: trail.TrailArn });
      await r.waitFor(met('cloudtrail-stopped', 'recover'));
      // Someone sees port 22 open on the file-transfer hosts and "fixes" it without reading the change
      // calendar: the decoy's steady state breaks (collateral damage, 10 points off the whole exercise).
      const decoy = r.outputsOf('partner-sftp-change');
      await r.aws([
        'ec2',
        'revoke-security-group-ingress',
        '--group-id',
        decoy.TransferSgId!,
        '--protocol',
        'tcp',
        '--port',
        '22',
        '--cidr',
        decoy.PartnerCidr!,
      ]);
      // Stage 2: the backdoor. Deny it everything first (the autopilot deactivates its key), then remove it.
      await r.waitFor(stageLive('iam-admin-backdoor'));
      const user = `svc-backup-${r.exerciseId}`;
      const backdoorKey = (
        r.actionsOf('iam-admin-backdoor')['backdoor-key']!.AccessKey as { AccessKeyId: string }
      ).AccessKeyId;
      await r.ack('iam-backdoor-user', user);
      await r.call('iam:AttachUserPolicy', {
        UserName: user,
        PolicyArn: 'arn:aws:iam::aws:policy/AWSDenyAll',
      });
      await r.waitFor(met('iam-admin-backdoor', 'contain'));
      await r.call('iam:DeleteLoginProfile', { UserName: user });
      await r.call('iam:DeleteAccessKey', { UserName: user, AccessKeyId: backdoorKey });
      for (const policy of ['AdministratorAccess', 'AWSDenyAll'])
        await r.call('iam:DetachUserPolicy', {
          UserName: user,
          PolicyArn: `arn:aws:iam::aws:policy/${policy}`,
        });
      await r.call('iam:DeleteUser', { UserName: user });
      // Stage 3: the export. Block public access on its bucket (the autopilot rewrites the object's ACL).
      await r.waitFor(stageLive('s3-public-object'));
      const data = r.outputsOf('s3-public-object');
      await r.ack('public-object', `s3://${data.DataBucketName}/exports/customers-2024-q3.csv`);
      await r.call('s3:PutPublicAccessBlock', {
        Bucket: data.DataBucketName,
        PublicAccessBlockConfiguration: {
          BlockPublicAcls: true,
          IgnorePublicAcls: true,
          BlockPublicPolicy: true,
          RestrictPublicBuckets: true,
        },
      });
    };
    const run = await runScenario(range, 'intrusion-campaign', { timeScale: 60, respond });
    expect(run.result.endReason).to.equal('resolved');
    // Hand-computed: each stage on target with no hint (each is fixed within two minutes of exercise time
    // of going live; the first hint comes at five), so 100 each and 100 as their weighted mean; the decoy
    // was breached once: 100 − 10 = 90.
    expect(run.score.scenarios.map((s) => [s.id, s.points])).to.deep.equal(STAGES.map((id) => [id, 100]));
    expect(run.score.decoys).to.deep.equal([{ id: 'partner-sftp-change', breaches: 1, penalty: 10 }]);
    expect(run.score.total).to.equal(90);
    const contain = run
      .of('phase.met')
      .find((e) => e.scenario === 'iam-admin-backdoor' && e.phase === 'contain')!;
    expect(contain.evidence[0]).to.include({ eventName: 'AttachUserPolicy' });
    expect(contain.evidence[0]!.userAgent ?? '').not.to.contain('autopilot');
  });
});
