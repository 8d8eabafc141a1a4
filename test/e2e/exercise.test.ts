import { expect } from 'chai';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DescribeSecurityGroupsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { startTestRange, type TestRange } from '../range/harness.js';
import { startExercise, type StartOptions } from '../../src/exercise/run.js';
import type { ExerciseEvent } from '../../src/exercise/events.js';
import { exerciseStatus } from '../../src/exercise/status.js';
import { addScenario, leftoversOn, mutatingSince, scratch } from './helpers.js';

describe('e2e: sirs start on the range (inject, journal, teardown)', function () {
  this.timeout(120_000);
  let range: TestRange;
  let dirs: { cwd: string; catalog: string };

  before(async () => {
    range = await startTestRange();
  });
  after(() => range.stop());
  beforeEach(() => {
    dirs = scratch();
    process.env.SIRS_STATE_DIR = join(dirs.cwd, '.sirs');
  });
  afterEach(() => {
    delete process.env.SIRS_STATE_DIR;
    rmSync(dirs.cwd, { recursive: true, force: true });
  });

  function options(over: Partial<StartOptions>): StartOptions & { events: ExerciseEvent[] } {
    const events: ExerciseEvent[] = [];
    return {
      scenarios: over.scenarios ?? [addScenario(dirs.catalog, 'ssh-open-to-world')],
      target: { target: 'range', ...range.sirsTarget() },
      cwd: dirs.cwd,
      emit: (e) => events.push(e),
      confirm: async () => true,
      signal: new AbortController().signal,
      pollMs: 50,
      events,
      ...over,
    };
  }

  it('injects ssh-open-to-world (22 really open to 0.0.0.0/0), then leaves zero sirs stacks and resources', async () => {
    let sawOpen = false;
    const opts = options({
      exerciseId: 'e2e-1',
      live: async (ctx) => {
        const groupId = ctx.outputs['ssh-open-to-world']!.WebSgId!;
        const ec2 = new EC2Client(range.clientConfig());
        const g = (await ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: [groupId] })))
          .SecurityGroups![0]!;
        sawOpen = g.IpPermissions!.some(
          (p) => p.FromPort === 22 && p.ToPort === 22 && p.IpRanges?.some((r) => r.CidrIp === '0.0.0.0/0'),
        );
        const stacks = await ctx.session.call('cloudformation:DescribeStacks', {
          StackName: 'sirs-e2e-1-ssh-open-to-world',
        });
        const tags = (stacks.Stacks as Array<{ Tags: Array<{ Key: string; Value: string }> }>)[0]!.Tags;
        expect(tags).to.deep.include.members([
          { Key: 'sirs:exercise', Value: 'e2e-1' },
          { Key: 'sirs:scenario', Value: 'ssh-open-to-world' },
        ]);
        // The group itself carries the stack's tags (propagated by CloudFormation).
        expect(g.Tags).to.deep.include({ Key: 'sirs:exercise', Value: 'e2e-1' });
        return 'facilitator';
      },
    });
    const result = await startExercise(opts);
    expect(sawOpen, 'port 22 open to the world during the exercise').to.equal(true);
    expect(result.error).to.equal(undefined);
    expect(result.leftovers).to.deep.equal([]);
    expect(await leftoversOn(range)).to.deep.equal([]);
    const status = exerciseStatus('e2e-1', dirs.cwd);
    expect(status.state).to.equal('ended');
    expect(status.liveStacks).to.deep.equal([]);
    // sirs' own calls say who made them, so responders' calls can be told apart in CloudTrail.
    const create = range.events('CreateStack').at(-1)!;
    expect(create.userAgent).to.match(/sirs\/\d+\.\d+\.\d+ exercise\/e2e-1/);
    expect(opts.events.map((e) => e.type)).to.include.members([
      'preflight',
      'stack.creating',
      'stack.created',
      'live',
      'teardown.start',
      'stack.deleted',
      'teardown.done',
    ]);
  });

  it('fails a broken template with the failing resource and its reason, rolls back, and leaves nothing', async () => {
    const broken = `Resources:
  Vpc:
    Type: AWS::EC2::VPC
    Properties: { CidrBlock: 10.0.0.0/16 }
  BastionSubnet:
    Type: AWS::EC2::Subnet
    Properties: { VpcId: !Ref Vpc, CidrBlock: 192.168.0.0/24 }
  WebSecurityGroup:
    Type: AWS::EC2::SecurityGroup
    Properties: { GroupDescription: web, VpcId: !Ref Vpc }
Parameters:
  BastionCidr: { Type: String }
Outputs:
  VpcId: { Value: !Ref Vpc }
  BastionSubnetId: { Value: !Ref Vpc }
  WebSgId: { Value: !GetAtt WebSecurityGroup.GroupId }
  BastionCidr: { Value: !Ref BastionCidr }
`;
    const file = addScenario(dirs.catalog, 'ssh-open-to-world', { template: broken });
    let live = false;
    const opts = options({
      scenarios: [file],
      exerciseId: 'e2e-2',
      live: async () => {
        live = true;
        return 'facilitator';
      },
    });
    const result = await startExercise(opts);
    expect(live).to.equal(false);
    expect(result.error?.code).to.equal('inject-failed');
    expect(result.error?.message).to.match(/BastionSubnet \(AWS::EC2::Subnet\) failed: .*192\.168\.0\.0\/24/);
    expect(result.leftovers).to.deep.equal([]);
    expect(await leftoversOn(range)).to.deep.equal([]);
    expect(exerciseStatus('e2e-2', dirs.cwd).state).to.equal('failed');
  });

  describe('refusals: a clear message and zero mutating calls', () => {
    it('refuses an AWS account that is not on the allowlist', async () => {
      writeFileSync(join(dirs.cwd, 'sirs.config.yaml'), 'aws:\n  allowedAccounts: ["111122223333"]\n');
      const mark = range.events().length;
      Object.assign(process.env, range.env());
      try {
        const err = await startExercise(
          options({ target: { target: 'aws', endpointUrl: range.endpoint, region: range.region } }),
        ).catch((e: Error & { code: string }) => e);
        expect(err).to.have.property('code', 'account-not-allowed');
        expect((err as Error).message).to.contain(range.accountId);
      } finally {
        for (const k of Object.keys(range.env())) delete process.env[k];
      }
      expect(mutatingSince(range, mark)).to.deep.equal([]);
    });

    it('refuses a region that is not allowed', async () => {
      writeFileSync(
        join(dirs.cwd, 'sirs.config.yaml'),
        `aws:\n  allowedAccounts: ["${range.accountId}"]\n  allowedRegions: [eu-west-1]\n`,
      );
      const mark = range.events().length;
      Object.assign(process.env, range.env());
      try {
        const err = await startExercise(
          options({ target: { target: 'aws', endpointUrl: range.endpoint, region: range.region } }),
        ).catch((e: Error & { code: string }) => e);
        expect(err).to.have.property('code', 'region-not-allowed');
        expect((err as Error).message).to.contain('us-east-1');
      } finally {
        for (const k of Object.keys(range.env())) delete process.env[k];
      }
      expect(mutatingSince(range, mark)).to.deep.equal([]);
    });

    it('refuses when the facilitator does not confirm', async () => {
      const mark = range.events().length;
      const err = await startExercise(options({ confirm: async () => false })).catch(
        (e: Error & { code: string }) => e,
      );
      expect(err).to.have.property('code', 'not-confirmed');
      expect(mutatingSince(range, mark)).to.deep.equal([]);
    });

    it('refuses to reuse an exercise id that still has live resources', async () => {
      const kept = await startExercise(
        options({ exerciseId: 'e2e-keep', keep: true, live: async () => 'facilitator' }),
      );
      expect(kept.kept).to.equal(true);
      const mark = range.events().length;
      const err = await startExercise(options({ exerciseId: 'e2e-keep' })).catch(
        (e: Error & { code: string; suggestions: string[] }) => e,
      );
      expect(err).to.have.property('code', 'exercise-id-live');
      expect((err as { suggestions: string[] }).suggestions.join(' ')).to.contain(
        'sirs cleanup --exercise e2e-keep',
      );
      expect(mutatingSince(range, mark)).to.deep.equal([]);
      // And the same id from another machine (no journal here) is refused by the stack's tag.
      rmSync(join(dirs.cwd, '.sirs'), { recursive: true, force: true });
      const again = await startExercise(options({ exerciseId: 'e2e-keep' })).catch(
        (e: Error & { code: string }) => e,
      );
      expect(again).to.have.property('code', 'exercise-id-live');
      expect(mutatingSince(range, mark)).to.deep.equal([]);
    });
  });
});
