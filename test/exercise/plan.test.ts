import { expect } from 'chai';
import { loadScenario } from '../../src/scenario/load.js';
import { defaultConfig, SirsConfig } from '../../src/exercise/config.js';
import { generateExerciseId, planExercise, resolvePlaceholders } from '../../src/exercise/plan.js';
import type { Scenario } from '../../src/scenario/schema.js';

const ssh = loadScenario('ssh-open-to-world').scenario;
const base = {
  exerciseId: 'blue-1',
  config: defaultConfig(),
  accountId: '123456789012',
  region: 'eu-west-1',
};

describe('exercise planning (pure)', () => {
  it('names stacks sirs-<exercise>-<scenario> and tags them with the exercise and scenario', () => {
    const plan = planExercise({ ...base, scenarios: [{ scenario: ssh, templateBody: 'T' }] });
    expect(plan.stacks).to.have.length(1);
    const [stack] = plan.stacks;
    expect(stack!.stackName).to.equal('sirs-blue-1-ssh-open-to-world');
    expect(stack!.tags).to.deep.equal({ 'sirs:exercise': 'blue-1', 'sirs:scenario': 'ssh-open-to-world' });
    expect(stack!.parameters).to.deep.equal({ BastionCidr: '10.0.0.0/24' });
    expect(stack!.templateBody).to.equal('T');
  });

  it('adds configured tags and prefix, but the sirs: tags always win', () => {
    const config = SirsConfig.parse({ namePrefix: 'gd', tags: { team: 'blue', 'cost-center': 'sec' } });
    const plan = planExercise({ ...base, config, scenarios: [{ scenario: ssh, templateBody: '' }] });
    expect(plan.stacks[0]!.stackName).to.equal('gd-blue-1-ssh-open-to-world');
    expect(plan.stacks[0]!.tags).to.include({
      team: 'blue',
      'cost-center': 'sec',
      'sirs:exercise': 'blue-1',
    });
    expect(() => SirsConfig.parse({ tags: { 'sirs:exercise': 'x' } })).to.throw(/reserved/);
  });

  it('substitutes {{exercise.id}}, {{account.id}} and {{region}} in parameters', () => {
    const scenario: Scenario = {
      ...ssh,
      inject: {
        stack: {
          template: 't',
          parameters: { Name: 'x-{{exercise.id}}-{{account.id}}-{{region}}', Count: 3 },
        },
      },
    };
    const plan = planExercise({ ...base, scenarios: [{ scenario, templateBody: '' }] });
    expect(plan.stacks[0]!.parameters).to.deep.equal({ Name: 'x-blue-1-123456789012-eu-west-1', Count: '3' });
  });

  it('plans inject actions in order with their principal', () => {
    const scenario: Scenario = {
      ...ssh,
      inject: {
        stack: ssh.inject.stack,
        actions: [
          { call: 's3:PutObject', input: { Bucket: '{{outputs.Bucket}}' } },
          { call: 'cloudtrail:StopLogging', input: { Name: 't' }, as: 'root' },
        ],
      },
    };
    const plan = planExercise({ ...base, scenarios: [{ scenario, templateBody: '' }] });
    expect(plan.actions.map((a) => [a.index, a.call, a.as])).to.deep.equal([
      [0, 's3:PutObject', 'default'],
      [1, 'cloudtrail:StopLogging', 'root'],
    ]);
  });

  it('refuses bad exercise ids, the same scenario twice, and names too long for CloudFormation', () => {
    expect(() => planExercise({ ...base, exerciseId: 'Bad_Id', scenarios: [] })).to.throw(/lower-case/);
    expect(() =>
      planExercise({
        ...base,
        scenarios: [
          { scenario: ssh, templateBody: '' },
          { scenario: ssh, templateBody: '' },
        ],
      }),
    ).to.throw(/twice/);
    const long = { ...ssh, id: 'x'.repeat(120) };
    expect(() => planExercise({ ...base, scenarios: [{ scenario: long, templateBody: '' }] })).to.throw(
      /longer than 128/,
    );
  });

  it('generates readable, valid exercise ids', () => {
    const id = generateExerciseId(new Date('2026-11-28T17:42:09Z'), () => 'a1b2');
    expect(id).to.equal('gd-20261128-1742-a1b2');
    expect(() =>
      planExercise({ ...base, exerciseId: generateExerciseId(new Date()), scenarios: [] }),
    ).not.to.throw();
  });

  it('resolves placeholders deep inside action inputs', () => {
    const input = {
      GroupId: '{{outputs.WebSgId}}',
      IpPermissions: [{ IpRanges: [{ CidrIp: '{{outputs.Cidr}}' }], FromPort: 22 }],
    };
    const out = resolvePlaceholders(input, {
      outputs: { WebSgId: 'sg-1', Cidr: '10.0.0.0/24' },
      exerciseId: 'e',
      accountId: 'a',
      region: 'r',
    });
    expect(out).to.deep.equal({
      GroupId: 'sg-1',
      IpPermissions: [{ IpRanges: [{ CidrIp: '10.0.0.0/24' }], FromPort: 22 }],
    });
    expect(() =>
      resolvePlaceholders('{{outputs.Missing}}', {
        outputs: {},
        exerciseId: 'e',
        accountId: 'a',
        region: 'r',
      }),
    ).to.throw(/Missing/);
  });
});
