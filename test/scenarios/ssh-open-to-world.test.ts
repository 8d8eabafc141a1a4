import { expect } from 'chai';
import { startTestRange, type TestRange } from '../range/harness.js';
import { phasePoints, runScenario } from './harness.js';

describe('scenario ssh-open-to-world on the range', function () {
  this.timeout(120_000);
  let range: TestRange;
  before(async () => {
    range = await startTestRange();
  });
  after(() => range.stop());

  it('autopilot: every phase on target, full score, the fix credited to the autopilot', async () => {
    const run = await runScenario(range, 'ssh-open-to-world', { autopilot: true, timeScale: 30 });
    expect(run.result.endReason).to.equal('resolved');
    expect(run.scenario.points).to.equal(100);
    expect(run.scenario.phases.map((p) => p.verdict)).to.deep.equal(['on-target', 'on-target', 'on-target']);
    const contain = run.of('phase.met').find((e) => e.phase === 'contain')!;
    expect(contain.evidence[0]).to.include({ source: 'cloudtrail', eventName: 'RevokeSecurityGroupIngress' });
    expect(contain.evidence[0]!.userAgent).to.contain('autopilot/1');
    expect(run.of('steady-state.breached')).to.deep.equal([]);
    expect(run.result.leftovers).to.deep.equal([]);
  });

  it('nobody responds: timed out, no phase met, no breach, only the hints cost points', async () => {
    const run = await runScenario(range, 'ssh-open-to-world', { timeScale: 1800, tickMs: 100 });
    expect(run.result.endReason).to.equal('time-limit');
    expect(run.of('phase.met')).to.deep.equal([]);
    expect(run.of('steady-state.breached')).to.deep.equal([]);
    expect(run.of('hint.released').map((h) => h.cost)).to.deep.equal([5, 15]);
    expect(run.scenario.phases.map((p) => p.verdict)).to.deep.equal(['missed', 'missed', 'missed']);
    expect(run.scenario.points).to.equal(0);
    expect(run.of('scenario.state').at(-1)!.state).to.equal('timed-out');
  });

  it('a human who names the wrong group once, then rewrites the rule in place (ModifySecurityGroupRules): 95', async () => {
    const run = await runScenario(range, 'ssh-open-to-world', {
      timeScale: 10,
      respond: async (r) => {
        const group = r.outputs.WebSgId!;
        await r.ack('ssh-exposure', 'sg-00000000000000000', 'the default group?');
        await r.waitFor((e) => e.type === 'ack' && e.wrong.length === 1);
        await r.ack('ssh-exposure', group, 'port 22 open to 0.0.0.0/0');
        const rules = (await r.call('ec2:DescribeSecurityGroupRules', {
          Filters: [{ Name: 'group-id', Values: [group] }],
        })) as {
          SecurityGroupRules: Array<{
            SecurityGroupRuleId: string;
            FromPort: number;
            CidrIpv4?: string;
            IsEgress: boolean;
          }>;
        };
        const open = rules.SecurityGroupRules.find(
          (x) => !x.IsEgress && x.FromPort === 22 && x.CidrIpv4 === '0.0.0.0/0',
        )!;
        // One call both closes the hole and restores SSH from the bastion subnet: the rule is rewritten.
        await r.call('ec2:ModifySecurityGroupRules', {
          GroupId: group,
          SecurityGroupRules: [
            {
              SecurityGroupRuleId: open.SecurityGroupRuleId,
              SecurityGroupRule: {
                IpProtocol: 'tcp',
                FromPort: 22,
                ToPort: 22,
                CidrIpv4: r.outputs.BastionCidr,
              },
            },
          ],
        });
      },
    });
    expect(run.result.endReason).to.equal('resolved');
    // Hand-computed: detect 40 + contain 30 + recover 30, all on target, minus 5 for one wrong identification.
    expect(phasePoints(run.scenario)).to.deep.equal({ detect: 40, contain: 30, recover: 30 });
    expect(run.scenario.wrongAcks).to.deep.equal({ count: 1, penalty: 5 });
    expect(run.scenario.hints.count).to.equal(0);
    expect(run.scenario.points).to.equal(95);
    expect(run.of('steady-state.breached')).to.deep.equal([]);
  });
});
