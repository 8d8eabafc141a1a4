import { expect } from 'chai';
import { parseTemplateBody } from '../../src/range/services/cloudformation/template/parse.js';
import { readTemplate } from '../../src/range/services/cloudformation/template/read.js';
import { checkReferences } from '../../src/range/services/cloudformation/template/validate.js';
import {
  evaluate,
  evaluateConditions,
  type EvalScope,
} from '../../src/range/services/cloudformation/template/intrinsics.js';
import { cidrSubnets } from '../../src/range/services/cloudformation/template/cidr.js';
import { parseSub, referencesOf } from '../../src/range/services/cloudformation/template/refs.js';
import {
  parameterRefValues,
  resolveParameters,
} from '../../src/range/services/cloudformation/template/parameters.js';
import {
  cyclicResources,
  dependenciesOf,
  topologicalOrder,
} from '../../src/range/services/cloudformation/template/graph.js';
import { can, nextStatus } from '../../src/range/services/cloudformation/machine.js';
import { runGraph } from '../../src/range/services/cloudformation/schedule.js';
import type { Json, ParameterDeclaration } from '../../src/range/services/cloudformation/template/types.js';

function messageOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    return `${(err as { code?: string }).code ?? ''}: ${(err as Error).message}`;
  }
  throw new Error('expected an error');
}

function load(body: string) {
  return readTemplate(parseTemplateBody(body));
}

const scope = (over: Partial<EvalScope> = {}): EvalScope => ({
  parameters: { Env: 'prod', Subnets: ['subnet-1', 'subnet-2'], Port: '22' },
  pseudo: {
    accountId: '123456789012',
    region: 'eu-west-1',
    stackName: 'demo',
    stackId: 'arn:aws:cloudformation:eu-west-1:123456789012:stack/demo/1',
    partition: 'aws',
    urlSuffix: 'amazonaws.com',
    notificationArns: ['arn:aws:sns:eu-west-1:123456789012:t'],
  },
  mappings: { Sizes: { prod: { Instance: 'm5.large', Zones: ['a', 'b'] } } },
  conditions: { IsProd: true, IsDev: false },
  resourceRef: (name) => (name === 'Bucket' ? 'demo-bucket-abc' : undefined),
  getAtt: (name, attr) => `${name}.${attr}-value`,
  importValue: (name) => {
    if (name === 'shared-vpc') return 'vpc-123';
    throw new Error(`No export named ${name} found.`);
  },
  availabilityZones: (region) => [`${region}a`, `${region}b`],
  ...over,
});

describe('range: CloudFormation templates (pure)', () => {
  describe('parsing', () => {
    it('expands every YAML short form, in scalar, sequence and mapping forms', () => {
      const doc = parseTemplateBody(
        [
          'Resources:',
          '  A:',
          '    Type: AWS::S3::Bucket',
          '    Properties:',
          '      Ref: !Ref X',
          '      Att: !GetAtt Res.Nested.Attr',
          '      AttList: !GetAtt [Res, Arn]',
          '      Sub: !Sub "${AWS::Region}"',
          '      SubList: !Sub ["${a}", { a: !Ref X }]',
          '      Join: !Join [",", [a, !Select [0, !Split [",", "x,y"]]]]',
          '      If: !If [C, !Base64 hi, !Ref AWS::NoValue]',
          '      Cond: !And [!Equals [a, b], !Not [!Condition C], !Or [!Condition C, !Condition D]]',
          '      Map: !FindInMap [M, k, v]',
          '      Azs: !GetAZs ""',
          '      Import: !ImportValue shared',
          '      Cidr: !Cidr [10.0.0.0/16, 2, 8]',
          '      Anchor: &x 5',
          '      Alias: *x',
          '      Account: 012345678901',
          '      Version: 2010-09-09',
        ].join('\n'),
      );
      const p = (doc.Resources as Record<string, { Properties: Record<string, Json> }>).A?.Properties ?? {};
      expect(p.Ref).to.deep.equal({ Ref: 'X' });
      expect(p.Att).to.deep.equal({ 'Fn::GetAtt': ['Res', 'Nested.Attr'] });
      expect(p.AttList).to.deep.equal({ 'Fn::GetAtt': ['Res', 'Arn'] });
      expect(p.SubList).to.deep.equal({ 'Fn::Sub': ['${a}', { a: { Ref: 'X' } }] });
      expect(p.Join).to.deep.equal({
        'Fn::Join': [',', ['a', { 'Fn::Select': [0, { 'Fn::Split': [',', 'x,y'] }] }]],
      });
      expect(p.If).to.deep.equal({ 'Fn::If': ['C', { 'Fn::Base64': 'hi' }, { Ref: 'AWS::NoValue' }] });
      expect(p.Cond).to.deep.equal({
        'Fn::And': [
          { 'Fn::Equals': ['a', 'b'] },
          { 'Fn::Not': [{ Condition: 'C' }] },
          { 'Fn::Or': [{ Condition: 'C' }, { Condition: 'D' }] },
        ],
      });
      expect(p.Azs).to.deep.equal({ 'Fn::GetAZs': '' });
      expect(p.Cidr).to.deep.equal({ 'Fn::Cidr': ['10.0.0.0/16', 2, 8] });
      expect(p.Alias).to.equal(5);
      // Leading zeros and dates stay as written, as a template author means them.
      expect(p.Account).to.equal('012345678901');
      expect(p.Version).to.equal('2010-09-09');
    });

    it('reads JSON templates and reports malformed JSON and YAML with a position', () => {
      expect(parseTemplateBody('{"Resources": {"A": {"Type": "T::T::T"}}}')).to.have.property('Resources');
      expect(messageOf(() => parseTemplateBody('{"Resources": {\n  "A": }'))).to.equal(
        'ValidationError: Template format error: JSON not well-formed. (line 2, column 8)',
      );
      expect(messageOf(() => parseTemplateBody('Resources:\n  A: [1,\n b: c'))).to.match(
        /^ValidationError: Template format error: YAML not well-formed\. \(line \d+, column \d+\)$/,
      );
      expect(messageOf(() => parseTemplateBody('A: !Nope x'))).to.contain('Unknown tag !Nope');
    });

    it('refuses structural mistakes with CloudFormation wording', () => {
      expect(messageOf(() => load('Resources: {}'))).to.equal(
        'ValidationError: Template format error: At least one Resources member must be defined.',
      );
      expect(messageOf(() => load('Foo: 1\nResources: { A: { Type: A::B::C } }'))).to.equal(
        'ValidationError: Template format error: Invalid template property or properties [Foo]',
      );
      expect(messageOf(() => load('Resources: { A: { Properties: {} } }'))).to.equal(
        'ValidationError: Template format error: [/Resources/A] Every Resources object must contain a Type member.',
      );
      expect(messageOf(() => load('Resources: { A: { Type: A::B::C, Propertys: {} } }'))).to.equal(
        "ValidationError: Template format error: Invalid template resource property 'Propertys'",
      );
      expect(
        messageOf(() => load('Parameters: { P: { Type: Strin } }\nResources: { A: { Type: A::B::C } }')),
      ).to.equal('ValidationError: Template format error: Unrecognized parameter type: Strin');
      expect(
        messageOf(() => load('Parameters: { P: { Default: x } }\nResources: { A: { Type: A::B::C } }')),
      ).to.equal(
        'ValidationError: Template format error: Every Parameters object must contain a Type member.',
      );
      expect(messageOf(() => load('Resources: { A-1: { Type: A::B::C } }'))).to.equal(
        'ValidationError: Template format error: Resource name A-1 is non alphanumeric.',
      );
    });
  });

  describe('reference checks', () => {
    const check = (body: string) => messageOf(() => checkReferences(load(body)));
    it('reports unresolved references, undefined GetAtt targets and resources used in Conditions', () => {
      expect(
        check('Resources: { A: { Type: A::B::C, Properties: { X: !Ref Nope, Y: !Sub "${Other}" } } }'),
      ).to.equal(
        'ValidationError: Template format error: Unresolved resource dependencies [Nope, Other] in the Resources block of the template',
      );
      expect(check('Resources: { A: { Type: A::B::C, Properties: { X: !GetAtt Ghost.Arn } } }')).to.equal(
        'ValidationError: Template error: instance of Fn::GetAtt references undefined resource Ghost',
      );
      expect(check('Resources: { A: { Type: A::B::C, DependsOn: [Missing] } }')).to.equal(
        'ValidationError: Template format error: Unresolved resource dependencies [Missing] in the Resources block of the template',
      );
      expect(check('Conditions: { C: !Equals [!Ref A, x] }\nResources: { A: { Type: A::B::C } }')).to.equal(
        'ValidationError: Template format error: Unresolved dependencies [A]. Cannot reference resources in the Conditions block of the template',
      );
      expect(
        check('Resources: { A: { Type: A::B::C }, B: { Type: A::B::C } }\nOutputs: { O: { Value: !Ref Z } }'),
      ).to.equal(
        'ValidationError: Template format error: Unresolved resource dependencies [Z] in the Outputs block of the template',
      );
    });

    it('checks GetAtt attributes against what the type documents, and finds cycles', () => {
      const t = load(
        'Resources: { A: { Type: AWS::S3::Bucket }, B: { Type: X::Y::Z, Properties: { P: !GetAtt A.Nope } } }',
      );
      expect(
        messageOf(() =>
          checkReferences(t, { attributesOf: (type) => (type === 'AWS::S3::Bucket' ? ['Arn'] : undefined) }),
        ),
      ).to.equal(
        'ValidationError: Template error: resource A does not support attribute type Nope in Fn::GetAtt',
      );
      expect(
        check(
          'Resources:\n  A: { Type: X::Y::Z, Properties: { P: !Ref B } }\n  B: { Type: X::Y::Z, DependsOn: C }\n  C: { Type: X::Y::Z, Properties: { Q: !GetAtt A.Arn } }\n  D: { Type: X::Y::Z, Properties: { Q: !Ref A } }',
        ),
      ).to.equal('ValidationError: Circular dependency between resources: [A, B, C]');
    });
  });

  describe('intrinsic functions', () => {
    const ev = (v: Json, s = scope()) => evaluate(v, s);
    it('evaluates every function', () => {
      expect(ev({ Ref: 'AWS::Region' })).to.equal('eu-west-1');
      expect(ev({ Ref: 'AWS::NotificationARNs' })).to.deep.equal(['arn:aws:sns:eu-west-1:123456789012:t']);
      expect(ev({ Ref: 'Bucket' })).to.equal('demo-bucket-abc');
      expect(ev({ 'Fn::GetAtt': ['Bucket', 'Arn'] })).to.equal('Bucket.Arn-value');
      expect(ev({ 'Fn::Sub': '${AWS::StackName}-${Env}-${Bucket}-${Bucket.Arn}-${!Literal}' })).to.equal(
        'demo-prod-demo-bucket-abc-Bucket.Arn-value-${Literal}',
      );
      expect(ev({ 'Fn::Sub': ['${A}/${AWS::AccountId}', { A: { Ref: 'Env' } }] })).to.equal(
        'prod/123456789012',
      );
      expect(ev({ 'Fn::Join': ['-', ['a', { Ref: 'Env' }, 3]] })).to.equal('a-prod-3');
      expect(ev({ 'Fn::Select': ['1', { Ref: 'Subnets' }] })).to.equal('subnet-2');
      expect(ev({ 'Fn::Split': ['|', 'a|b||c'] })).to.deep.equal(['a', 'b', '', 'c']);
      expect(ev({ 'Fn::If': ['IsProd', 'big', 'small'] })).to.equal('big');
      expect(ev({ 'Fn::FindInMap': ['Sizes', { Ref: 'Env' }, 'Zones'] })).to.deep.equal(['a', 'b']);
      expect(ev({ 'Fn::GetAZs': '' })).to.deep.equal(['eu-west-1a', 'eu-west-1b']);
      expect(ev({ 'Fn::GetAZs': 'us-east-2' })).to.deep.equal(['us-east-2a', 'us-east-2b']);
      expect(ev({ 'Fn::Base64': 'héllo' })).to.equal(Buffer.from('héllo').toString('base64'));
      expect(
        ev(
          { 'Fn::ImportValue': { 'Fn::Sub': 'shared-${!x}' } },
          scope({ importValue: (n) => `imported:${n}` }),
        ),
      ).to.equal('imported:shared-${x}');
      expect(ev({ 'Fn::Cidr': ['10.0.0.0/16', 3, 8] })).to.deep.equal([
        '10.0.0.0/24',
        '10.0.1.0/24',
        '10.0.2.0/24',
      ]);
      expect(ev({ 'Fn::Equals': [{ Ref: 'Port' }, 22] })).to.equal(true);
    });

    it('drops AWS::NoValue properties and list items', () => {
      expect(
        ev({
          Keep: 1,
          Drop: { 'Fn::If': ['IsDev', 'x', { Ref: 'AWS::NoValue' }] },
          List: ['a', { 'Fn::If': ['IsProd', { Ref: 'AWS::NoValue' }, 'b'] }, 'c'],
        }),
      ).to.deep.equal({ Keep: 1, List: ['a', 'c'] });
    });

    it('fails like CloudFormation on bad uses', () => {
      expect(messageOf(() => ev({ 'Fn::Select': [5, ['a']] }))).to.equal(
        'ValidationError: Template error: Fn::Select cannot select nonexistent value at index 5',
      );
      expect(messageOf(() => ev({ 'Fn::FindInMap': ['Sizes', 'dev', 'Instance'] }))).to.equal(
        'ValidationError: Template error: Unable to get mapping for Sizes::dev::Instance',
      );
      expect(messageOf(() => ev({ 'Fn::GetAtt': ['Ghost', 'Arn'] }))).to.equal(
        'ValidationError: Template error: instance of Fn::GetAtt references undefined resource Ghost',
      );
      expect(messageOf(() => ev({ 'Fn::Join': [','] }))).to.match(
        /^ValidationError: Template error: every Fn::Join object requires two parameters/,
      );
      expect(messageOf(() => ev({ 'Fn::Sub': '${Subnets}' }))).to.equal(
        'ValidationError: Template error: variable Subnets in Fn::Sub expression does not resolve to a string',
      );
      expect(messageOf(() => ev({ 'Fn::Length': [1] }))).to.match(
        /Encountered unsupported function: Fn::Length Supported functions are/,
      );
    });

    it('evaluates conditions in dependency order, and reports circular ones', () => {
      const base = scope();
      expect(
        evaluateConditions(
          {
            Both: { 'Fn::And': [{ Condition: 'IsProd' }, { 'Fn::Not': [{ Condition: 'IsEu' }] }] },
            IsProd: { 'Fn::Equals': [{ Ref: 'Env' }, 'prod'] },
            IsEu: {
              'Fn::Equals': [{ 'Fn::Select': [0, { 'Fn::Split': ['-', { Ref: 'AWS::Region' }] }] }, 'eu'],
            },
            Either: { 'Fn::Or': [{ Condition: 'Both' }, { Condition: 'IsEu' }] },
          },
          base,
        ),
      ).to.deep.equal({ Both: false, IsProd: true, IsEu: true, Either: true });
      expect(
        messageOf(() => evaluateConditions({ A: { Condition: 'B' }, B: { Condition: 'A' } } as never, base)),
      ).to.match(/circular condition dependency/);
    });

    it('parses Fn::Sub strings and collects references, honouring conditions', () => {
      expect(parseSub('a${B}c${!D}${E.F}')).to.deep.equal([
        { literal: 'a' },
        { variable: 'B' },
        { literal: 'c${D}' },
        { variable: 'E.F' },
      ]);
      const value: Json = { 'Fn::If': ['C', { Ref: 'Yes' }, { Ref: 'No' }] };
      expect([...referencesOf(value).refs]).to.deep.equal(['Yes', 'No']);
      expect([...referencesOf(value, { C: false }).refs]).to.deep.equal(['No']);
    });

    it('carves CIDR blocks for IPv4 and IPv6', () => {
      expect(cidrSubnets('192.168.0.0/24', 6, 5)).to.deep.equal([
        '192.168.0.0/27',
        '192.168.0.32/27',
        '192.168.0.64/27',
        '192.168.0.96/27',
        '192.168.0.128/27',
        '192.168.0.160/27',
      ]);
      expect(cidrSubnets('2001:db8::/56', 2, 64)).to.deep.equal(['2001:db8::/64', '2001:db8:0:1::/64']);
      expect(messageOf(() => cidrSubnets('10.0.0.0/24', 3, 16))).to.match(/cannot carve/);
    });
  });

  describe('parameters', () => {
    const decls: Record<string, ParameterDeclaration> = {
      Env: { Type: 'String', AllowedValues: ['dev', 'prod'], Default: 'dev' },
      Name: { Type: 'String', AllowedPattern: '[a-z]+', MinLength: 2, MaxLength: 5 },
      Count: { Type: 'Number', MinValue: 1, MaxValue: 3, Default: 2 },
      Ports: { Type: 'List<Number>', Default: '22, 443' },
      Zones: { Type: 'CommaDelimitedList', Default: 'a, b' },
      Secret: { Type: 'String', NoEcho: true, Default: 'hunter2' },
      Pattern: { Type: 'String', AllowedPattern: '\\d+', ConstraintDescription: 'digits only', Default: '1' },
    };
    const resolve = (
      over: Array<{ ParameterKey: string; ParameterValue?: string; UsePreviousValue?: boolean }>,
      previous?: Record<string, string>,
    ) => resolveParameters(decls, [{ ParameterKey: 'Name', ParameterValue: 'abc' }, ...over], previous);

    it('applies defaults, lists and NoEcho', () => {
      const values = resolve([]);
      expect(values.find((v) => v.key === 'Secret')).to.deep.equal({
        key: 'Secret',
        value: 'hunter2',
        noEcho: true,
      });
      expect(parameterRefValues(decls, values)).to.deep.include({
        Env: 'dev',
        Count: '2',
        Ports: ['22', '443'],
        Zones: ['a', 'b'],
      });
      const again = resolve([{ ParameterKey: 'Env', UsePreviousValue: true }], { Env: 'prod', Name: 'x' });
      expect(again.find((v) => v.key === 'Env')?.value).to.equal('prod');
    });

    it('enforces each constraint with CloudFormation messages', () => {
      const fail = (key: string, value: string) =>
        messageOf(() => resolve([{ ParameterKey: key, ParameterValue: value }]));
      expect(fail('Env', 'test')).to.equal("ValidationError: Parameter 'Env' must be one of AllowedValues");
      expect(fail('Name', 'ab1')).to.equal("ValidationError: Parameter 'Name' must match pattern [a-z]+");
      expect(fail('Name', 'a')).to.equal(
        "ValidationError: Parameter 'Name' must contain at least 2 characters",
      );
      expect(fail('Name', 'abcdef')).to.equal(
        "ValidationError: Parameter 'Name' must contain at most 5 characters",
      );
      expect(fail('Count', 'many')).to.equal("ValidationError: Parameter 'Count' must be a number");
      expect(fail('Count', '0')).to.equal(
        "ValidationError: Parameter 'Count' must be a number not less than 1",
      );
      expect(fail('Count', '4')).to.equal(
        "ValidationError: Parameter 'Count' must be a number not greater than 3",
      );
      expect(fail('Ports', '22,x')).to.equal("ValidationError: Parameter 'Ports' must be a number");
      expect(fail('Pattern', 'x')).to.equal(
        "ValidationError: Parameter 'Pattern' failed to satisfy constraint: digits only",
      );
      expect(fail('Nope', 'x')).to.equal('ValidationError: Parameters: [Nope] do not exist in the template');
      expect(messageOf(() => resolveParameters(decls, []))).to.equal(
        'ValidationError: Parameters: [Name] must have values',
      );
      expect(messageOf(() => resolveParameters({}, [{ ParameterKey: 'A', ParameterValue: 'b' }]))).to.equal(
        'ValidationError: Parameter values specified for a template which does not require them.',
      );
    });
  });

  describe('dependency graph, status machine and scheduling', () => {
    it('orders resources after their dependencies, from DependsOn and implicit references', () => {
      const t = load(
        'Resources:\n  C: { Type: X::Y::Z, Properties: { P: !Sub "${B.Arn}" } }\n  B: { Type: X::Y::Z, Properties: { P: !Ref A } }\n  A: { Type: X::Y::Z }\n  D: { Type: X::Y::Z, DependsOn: C }',
      );
      const deps = dependenciesOf(t.Resources);
      expect(deps).to.deep.equal({ C: ['B'], B: ['A'], A: [], D: ['C'] });
      expect(topologicalOrder(deps)).to.deep.equal(['A', 'B', 'C', 'D']);
      expect(cyclicResources({ A: ['A'], B: [] })).to.deep.equal(['A']);
    });

    it('allows only the transitions CloudFormation has', () => {
      expect(nextStatus('CREATE_IN_PROGRESS', 'failedRollback')).to.equal('ROLLBACK_IN_PROGRESS');
      expect(nextStatus('UPDATE_IN_PROGRESS', 'succeeded')).to.equal('UPDATE_COMPLETE_CLEANUP_IN_PROGRESS');
      expect(nextStatus('UPDATE_ROLLBACK_IN_PROGRESS', 'succeeded')).to.equal(
        'UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS',
      );
      expect(can('ROLLBACK_COMPLETE', 'update')).to.equal(false);
      expect(can('ROLLBACK_COMPLETE', 'delete')).to.equal(true);
      expect(() => nextStatus('DELETE_COMPLETE', 'update')).to.throw(
        /no 'update' transition from DELETE_COMPLETE/,
      );
    });

    it('runs independent work in parallel and stops starting new work after a failure', async () => {
      const started: string[] = [];
      let concurrent = 0;
      let peak = 0;
      const work = async (id: string) => {
        started.push(id);
        concurrent++;
        peak = Math.max(peak, concurrent);
        await new Promise((r) => setTimeout(r, 5));
        concurrent--;
        return id !== 'B';
      };
      const run = await runGraph(['A', 'B', 'C', 'D'], { A: [], B: [], C: ['A'], D: ['B'] }, work);
      expect(peak).to.equal(2);
      expect(run.failed).to.deep.equal(['B']);
      expect(run.skipped).to.include('D');
      const deletion = await runGraph(['A', 'B', 'C', 'D'], { A: [], B: [], C: ['A'], D: ['B'] }, work, {
        continueOnFailure: true,
      });
      expect(deletion.succeeded).to.include.members(['A', 'C']);
      expect(deletion.skipped).to.deep.equal(['D']);
    });
  });
});
