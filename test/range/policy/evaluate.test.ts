import { expect } from 'chai';
import { evaluate } from '../../../src/range/policy/evaluate.js';
import { CROSS_ACCOUNT, REQUIRED } from './accounts.cases.js';
import { ALICE, allow, aws, check, deny, grant, inputOf, runCases } from './cases.js';
import { BOOLS, DATES, IPS, NUMBERS, STRINGS } from './conditions.cases.js';
import { ACTIONS, BASICS, RESOURCES } from './evaluation.cases.js';
import { BOUNDARIES, RESOURCE_POLICIES, SESSIONS } from './policies.cases.js';
import { ENFORCEMENT } from './rules.js';
import { ARNS, NULLS, SET_CASES, UNKNOWN_KEYS, VARIABLES } from './variables.cases.js';

const CONDITION_CASES = [...STRINGS, ...NUMBERS, ...DATES, ...BOOLS, ...IPS];
const VARIABLE_CASES = [...ARNS, ...NULLS, ...SET_CASES, ...VARIABLES, ...UNKNOWN_KEYS];

describe('range policy evaluator: evaluation logic', () => {
  describe('allow, implicit deny, explicit deny', () => runCases(BASICS));
  describe('Action and NotAction', () => runCases(ACTIONS));
  describe('Resource and NotResource', () => runCases(RESOURCES));
  describe('permissions boundaries', () => runCases(BOUNDARIES));
  describe('session policies', () => runCases(SESSIONS));
  describe('resource-based policies in the same account', () => runCases(RESOURCE_POLICIES));
  describe('cross-account requests', () => runCases(CROSS_ACCOUNT));
  describe('key policies and trust policies (the resource policy is required)', () => runCases(REQUIRED));
  describe('condition operators', () => runCases(CONDITION_CASES));
  describe('ARN and Null operators, set qualifiers, policy variables, unknown keys', () =>
    runCases(VARIABLE_CASES));

  it('has a table of at least 150 cases, each citing a rule', () => {
    const all = [
      ...BASICS,
      ...ACTIONS,
      ...RESOURCES,
      ...BOUNDARIES,
      ...SESSIONS,
      ...RESOURCE_POLICIES,
      ...CROSS_ACCOUNT,
      ...REQUIRED,
      ...CONDITION_CASES,
    ];
    expect(all.length).to.be.at.least(150);
    for (const c of all) expect(c.rule, c.name).to.match(/[A-Z]\w+/);
  });

  it('lists every matched statement with its policy, kind, index and Sid', () => {
    const decision = check({
      name: 'matched',
      rule: 'iam:SimulatePrincipalPolicy MatchedStatements',
      identity: [
        [allow('ec2:*'), { Sid: 'ReadReports', ...allow('s3:Get*') }],
        [{ Sid: 'NoDeletes', ...deny('s3:Delete*') }],
      ],
      resourcePolicy: [{ Sid: 'AliceReads', ...grant(aws(ALICE.arn)) }],
      expect: 'allowed',
    });
    expect(decision.matched).to.deep.equal([
      { policyId: 'identity-0', kind: 'identity', index: 1, sid: 'ReadReports', effect: 'Allow' },
      { policyId: 'resource-policy', kind: 'resource', index: 0, sid: 'AliceReads', effect: 'Allow' },
    ]);
  });

  it('names the first explicit deny but still lists every matching statement', () => {
    const decision = evaluate(
      inputOf({
        name: 'deny',
        rule: ENFORCEMENT,
        identity: [[allow('*'), deny('s3:*')]],
        boundary: [deny('*')],
        expect: 'explicitDeny',
      }),
    );
    expect(decision.decidedBy).to.equal('identity');
    expect(decision.matched.map((m) => `${m.kind}:${m.effect}`)).to.deep.equal([
      'identity:Allow',
      'identity:Deny',
      'boundary:Deny',
    ]);
  });
});
