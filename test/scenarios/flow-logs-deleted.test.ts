import { expect } from 'chai';
import { startTestRange, type TestRange } from '../range/harness.js';
import { phasePoints, runScenario } from './harness.js';

describe('scenario flow-logs-deleted on the range', function () {
  this.timeout(120_000);
  let range: TestRange;
  before(async () => {
    range = await startTestRange();
  });
  after(() => range.stop());

  it('autopilot: every phase on target, full score, CreateFlowLogs (log group by ARN) credited to the autopilot', async () => {
    const run = await runScenario(range, 'flow-logs-deleted', { autopilot: true, timeScale: 30 });
    expect(run.result.endReason).to.equal('resolved');
    expect(run.scenario.points).to.equal(100);
    expect(run.scenario.phases.map((p) => p.verdict)).to.deep.equal(['on-target', 'on-target', 'on-target']);
    for (const phase of ['contain', 'recover']) {
      const met = run.of('phase.met').find((e) => e.phase === phase)!;
      expect(met.evidence[0], phase).to.include({ source: 'cloudtrail', eventName: 'CreateFlowLogs' });
      expect(met.evidence[0]!.userAgent, phase).to.contain('autopilot/1');
    }
    expect(run.of('steady-state.breached')).to.deep.equal([]);
    expect(run.result.leftovers).to.deep.equal([]);
  });

  it('nobody responds: timed out, no phase met, no breach, only the hints cost points', async () => {
    const run = await runScenario(range, 'flow-logs-deleted', { timeScale: 1800, tickMs: 100 });
    expect(run.result.endReason).to.equal('time-limit');
    expect(run.of('phase.met')).to.deep.equal([]);
    expect(run.of('steady-state.breached')).to.deep.equal([]);
    expect(run.of('hint.released').map((h) => h.cost)).to.deep.equal([5, 15]);
    expect(run.scenario.phases.map((p) => p.verdict)).to.deep.equal(['missed', 'missed', 'missed']);
    expect(run.scenario.points).to.equal(0);
    expect(run.of('scenario.state').at(-1)!.state).to.equal('timed-out');
  });

  it('a human who "starts clean" by deleting the log group, then restores flow logs with the CLI by group name: 90', async () => {
    const run = await runScenario(range, 'flow-logs-deleted', {
      timeScale: 5,
      tickMs: 250,
      respond: async (r) => {
        const vpc = r.outputs.VpcId!;
        await r.ack('flow-logs-deleted', vpc, 'no flow log on the production VPC');

        // What the VPC's flow log was: the CreateFlowLogs event that names the VPC.
        const found = (await r.call('cloudtrail:LookupEvents', {
          LookupAttributes: [{ AttributeKey: 'ResourceName', AttributeValue: vpc }],
        })) as { Events: Array<{ EventName: string; CloudTrailEvent: string }> };
        const created = JSON.parse(
          found.Events.find((e) => e.EventName === 'CreateFlowLogs')!.CloudTrailEvent,
        ) as {
          requestParameters: { logGroupName: string; deliverLogsPermissionArn: string };
        };
        const { logGroupName: group, deliverLogsPermissionArn: role } = created.requestParameters;
        expect(group).to.equal(r.outputs.FlowLogGroupName);

        // The destructive part: the old records go with the group (collateral damage).
        await r.aws(['logs', 'delete-log-group', '--log-group-name', group]);
        await r.waitFor((e) => e.type === 'breach');
        await r.aws(['logs', 'create-log-group', '--log-group-name', group]);
        // The CLI's shape: the group by name, not the LogDestination ARN the autopilot sends.
        await r.aws([
          'ec2',
          'create-flow-logs',
          '--resource-type',
          'VPC',
          '--resource-ids',
          vpc,
          '--traffic-type',
          'ALL',
          '--log-destination-type',
          'cloud-watch-logs',
          '--log-group-name',
          group,
          '--deliver-logs-permission-arn',
          role,
        ]);
      },
    });
    expect(run.result.endReason).to.equal('resolved');
    // Hand-computed: detect 40 + contain 30 + recover 30, all on target (the first hint comes at 5m, a
    // minute of clock time at this scale), minus 10 for one steady-state breach (the log group deleted).
    expect(phasePoints(run.scenario)).to.deep.equal({ detect: 40, contain: 30, recover: 30 });
    expect(run.scenario.breaches).to.deep.equal({ count: 1, penalty: 10 });
    expect(run.scenario.wrongAcks).to.deep.equal({ count: 0, penalty: 0 });
    expect(run.scenario.hints.count).to.equal(0);
    expect(run.scenario.points).to.equal(90);

    const [breach] = run.of('steady-state.breached');
    expect(breach!.evidence.summary).to.contain('does not exist');
    expect(run.of('steady-state.restored')).to.have.length(1);
    const recover = run.of('phase.met').find((e) => e.phase === 'recover')!;
    expect(recover.evidence[0]).to.include({ source: 'cloudtrail', eventName: 'CreateFlowLogs' });
    expect(recover.evidence[0]!.userAgent).to.contain('aws-cli');
    const flowLog = range.events('CreateFlowLogs').at(-1)!;
    expect(recover.evidence[0]!.eventId).to.equal(flowLog.eventID);
    // A request by group name, not by LogDestination ARN like the autopilot's.
    expect(flowLog.requestParameters).to.have.property('logGroupName');
    expect(flowLog.requestParameters).not.to.have.property('logDestination');
    expect(run.result.leftovers).to.deep.equal([]);
  });
});
