import { expect } from 'chai';
import { startTestRange, type TestRange } from '../range/harness.js';
import { phasePoints, runScenario } from './harness.js';

const KEY = 'exports/customers-2024-q3.csv';

describe('scenario s3-public-object on the range', function () {
  this.timeout(120_000);
  let range: TestRange;
  before(async () => {
    range = await startTestRange();
  });
  after(() => range.stop());

  it('autopilot: every phase on target, full score; the object-level fix is dated by the probe', async () => {
    const run = await runScenario(range, 's3-public-object', { autopilot: true, timeScale: 30 });
    expect(run.result.endReason).to.equal('resolved');
    expect(run.scenario.points).to.equal(100);
    expect(run.scenario.phases.map((p) => p.verdict)).to.deep.equal(['on-target', 'on-target', 'on-target']);
    // PutObjectAcl is an S3 data event, absent from LookupEvents: the anonymous GET the probe made decides.
    const contain = run.of('phase.met').find((e) => e.phase === 'contain')!;
    expect(contain.evidence[0]).to.include({ source: 'probe' });
    expect(contain.evidence[0]!.summary).to.contain('an anonymous GET was refused (HTTP 403)');
    const autopilot = run.of('autopilot.step').map((s) => [s.step, s.ok]);
    expect(autopilot).to.deep.include(['s3:PutObjectAcl', true]);
    expect(run.of('steady-state.breached')).to.deep.equal([]);
    expect(run.result.leftovers).to.deep.equal([]);
  });

  it('nobody responds: timed out, no phase met, no breach, only the hints cost points', async () => {
    const run = await runScenario(range, 's3-public-object', { timeScale: 1800, tickMs: 100 });
    expect(run.result.endReason).to.equal('time-limit');
    expect(run.of('phase.met')).to.deep.equal([]);
    // The export stayed intact and the website public the whole time: no false breach.
    expect(run.of('steady-state.breached')).to.deep.equal([]);
    expect(run.of('hint.released').map((h) => h.cost)).to.deep.equal([5, 15]);
    expect(run.scenario.phases.map((p) => p.verdict)).to.deep.equal(['missed', 'missed', 'missed']);
    // Hand-computed: 0 phase points - 20 for the hints, floored at 0.
    expect(run.scenario.points).to.equal(0);
    expect(run.of('scenario.state').at(-1)!.state).to.equal('timed-out');
  });

  it('a human who first names the public website, then blocks public access on the data bucket with the aws CLI: 95', async () => {
    const run = await runScenario(range, 's3-public-object', {
      timeScale: 10,
      respond: async (r) => {
        const data = r.outputs.DataBucketName!;
        // The website is public too (on purpose): naming it is a wrong identification.
        await r.ack('public-object', `s3://${r.outputs.SiteBucketName}/index.html`, 'the site bucket?');
        await r.waitFor((e) => e.type === 'ack' && e.wrong.length === 1);
        await r.ack('public-object', `s3://${data}/${KEY}`, 'customer export readable by AllUsers');
        // Another API path than the autopilot's object ACL: the bucket's Block Public Access, which
        // neutralises the public ACL without touching the object.
        await r.aws([
          's3api',
          'put-public-access-block',
          '--bucket',
          data,
          '--public-access-block-configuration',
          'BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true',
        ]);
        const acl = (await r.aws(['s3api', 'get-object-acl', '--bucket', data, '--key', KEY])) as {
          Grants: Array<{ Grantee: { URI?: string } }>;
        };
        // The ACL still grants AllUsers: the bucket setting alone is what makes it private.
        expect(acl.Grants.map((g) => g.Grantee.URI)).to.include(
          'http://acs.amazonaws.com/groups/global/AllUsers',
        );
      },
    });
    expect(run.result.endReason).to.equal('resolved');
    // Hand-computed: detect 40 + contain 30 + recover 30, all on target, minus 5 for one wrong identification.
    expect(phasePoints(run.scenario)).to.deep.equal({ detect: 40, contain: 30, recover: 30 });
    expect(run.scenario.wrongAcks).to.deep.equal({ count: 1, penalty: 5 });
    expect(run.scenario.hints.count).to.equal(0);
    expect(run.scenario.points).to.equal(95);
    // The bucket-level fix is a management event: CloudTrail names the call and the human's CLI.
    const contain = run.of('phase.met').find((e) => e.phase === 'contain')!;
    expect(contain.evidence[0]).to.include({ source: 'cloudtrail', eventName: 'PutBucketPublicAccessBlock' });
    expect(contain.evidence[0]!.userAgent).to.contain('aws-cli');
    // The website lives in its own bucket: it stayed public.
    expect(run.of('steady-state.breached')).to.deep.equal([]);
  });

  it('a human who deletes the export instead: contained, never recovered, collateral damage: 60', async () => {
    let data = '';
    const run = await runScenario(range, 's3-public-object', {
      timeScale: 10,
      graceMs: 500,
      respond: async (r) => {
        data = r.outputs.DataBucketName!;
        await r.ack('public-object', `s3://${data}/${KEY}`);
        await r.aws(['s3', 'rm', `s3://${data}/${KEY}`]);
        await r.waitFor((e) => e.type === 'breach');
        await r.waitFor((e) => e.type === 'phase.met' && e.phase === 'contain');
      },
    });
    // Hand-computed: detect 40 + contain 30 (nothing to download any more) + recover 0 (the data is gone)
    // - 10 for the steady-state breach (the export must still exist with its content).
    expect(phasePoints(run.scenario)).to.deep.equal({ detect: 40, contain: 30, recover: 0 });
    expect(run.scenario.breaches).to.deep.equal({ count: 1, penalty: 10 });
    expect(run.scenario.points).to.equal(60);
    const breach = run.of('steady-state.breached')[0]!;
    expect([breach.index, breach.evidence.summary]).to.deep.equal([
      0,
      `Object s3://${data}/${KEY} does not exist`,
    ]);
  });
});
