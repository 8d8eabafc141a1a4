import { expect } from 'chai';
import { compilePolicy } from '../../../src/range/policy/compile.js';
import { evaluate } from '../../../src/range/policy/evaluate.js';
import { isRangeContextKey, RANGE_CONTEXT_KEYS } from '../../../src/range/policy/keys.js';
import { denialMessage } from '../../../src/range/policy/message.js';
import { parsePolicy, PolicyParseError } from '../../../src/range/policy/parse.js';
import type { PolicyDocument } from '../../../src/range/policy/types.js';
import type { Case } from './cases.js';
import {
  ACCOUNT,
  ALICE,
  ANONYMOUS,
  BUCKET,
  CAROL,
  OBJECT,
  OPS_SESSION,
  allow,
  aws,
  deny,
  grant,
  inputOf,
} from './cases.js';

// "Troubleshoot access denied error messages" (IAM User Guide): the implicit form names the policy type
// whose allow is missing, the explicit form the type holding the deny; "on resource" is left out for "*".
function message(c: Omit<Case, 'rule' | 'expect' | 'name'>): string {
  const input = inputOf({
    ...c,
    name: 'message',
    rule: 'Troubleshoot access denied error messages',
    expect: 'implicitDeny',
  });
  return denialMessage(input.request, evaluate(input));
}

describe('range policy evaluator: AWS denial messages', () => {
  it('no identity-based policy allows the action, without a resource for "*"', () => {
    expect(message({ action: 'ec2:DescribeInstances', resource: '*' })).to.equal(
      `User: ${ALICE.arn} is not authorized to perform: ec2:DescribeInstances because no identity-based policy allows the ec2:DescribeInstances action`,
    );
  });

  it('names the resource when there is one', () => {
    expect(message({})).to.equal(
      `User: ${ALICE.arn} is not authorized to perform: s3:GetObject on resource: ${OBJECT} because no identity-based policy allows the s3:GetObject action`,
    );
  });

  it('no permissions boundary allows the action', () => {
    expect(message({ identity: [[allow('*')]], boundary: [allow('ec2:*')] })).to.match(
      / because no permissions boundary allows the s3:GetObject action$/,
    );
  });

  it('no session policy allows the action, for a role session', () => {
    expect(
      message({ principal: OPS_SESSION, identity: [[allow('*')]], session: [[allow('ec2:*')]] }),
    ).to.equal(
      `User: ${OPS_SESSION.arn} is not authorized to perform: s3:GetObject on resource: ${OBJECT} because no session policy allows the s3:GetObject action`,
    );
  });

  it('no resource-based policy allows the action, across accounts', () => {
    expect(message({ principal: CAROL, resourceAccountId: ACCOUNT, identity: [[allow('*')]] })).to.match(
      / because no resource-based policy allows the s3:GetObject action$/,
    );
  });

  it('with an explicit deny in an identity-based policy', () => {
    expect(message({ identity: [[allow('*'), deny('s3:*')]] })).to.equal(
      `User: ${ALICE.arn} is not authorized to perform: s3:GetObject on resource: ${OBJECT} with an explicit deny in an identity-based policy`,
    );
  });

  it('with an explicit deny in a permissions boundary, a session policy, a resource-based policy', () => {
    expect(message({ identity: [[allow('*')]], boundary: [deny('*')] })).to.match(
      / with an explicit deny in a permissions boundary$/,
    );
    expect(message({ principal: OPS_SESSION, identity: [[allow('*')]], session: [[deny('*')]] })).to.match(
      / with an explicit deny in a session policy$/,
    );
    expect(
      message({ identity: [[allow('*')]], resourcePolicy: [grant(aws(ALICE.arn), 's3:*', 'Deny')] }),
    ).to.match(/ with an explicit deny in a resource-based policy$/);
  });

  it('calls an unsigned caller anonymous', () => {
    expect(message({ principal: ANONYMOUS, resource: `${BUCKET}/x` })).to.equal(
      `User: anonymous is not authorized to perform: s3:GetObject on resource: ${BUCKET}/x because no resource-based policy allows the s3:GetObject action`,
    );
  });
});

describe('range policy evaluator: parsePolicy and the range context keys', () => {
  it('normalises a single Statement object and single strings to lists', () => {
    const doc = parsePolicy(
      '{"Version":"2012-10-17","Statement":{"Sid":"One","Effect":"Allow","Action":"s3:GetObject","Resource":"*","Principal":{"AWS":"111122223333"}}}',
    );
    expect(doc.Statement).to.deep.equal([
      {
        Sid: 'One',
        Effect: 'Allow',
        Action: ['s3:GetObject'],
        Resource: ['*'],
        Principal: { AWS: ['111122223333'] },
      },
    ]);
    expect(doc.Version).to.equal('2012-10-17');
  });

  it('reads URL-encoded documents as IAM returns them', () => {
    const text = encodeURIComponent(JSON.stringify({ Statement: [allow('s3:GetObject')] }));
    expect(parsePolicy(text).Statement[0]?.Action).to.deep.equal(['s3:GetObject']);
  });

  it('refuses text that is not a JSON object', () => {
    expect(() => parsePolicy('not json')).to.throw(PolicyParseError);
    expect(() => parsePolicy('"a string"')).to.throw(PolicyParseError);
    expect(() => parsePolicy('[1,2]')).to.throw(PolicyParseError);
  });

  it('returns the same document for the same text, so its matchers are compiled once', () => {
    const text = JSON.stringify({ Version: '2012-10-17', Statement: [allow('s3:Get*', `${BUCKET}/*`)] });
    expect(parsePolicy(text)).to.equal(parsePolicy(text));
    expect(Object.isFrozen(parsePolicy(text))).to.equal(true);
  });

  it('compiles equal documents once, even when each request brings a fresh copy', () => {
    const text = JSON.stringify({ Version: '2012-10-17', Statement: [allow('ec2:Describe*')] });
    expect(compilePolicy(JSON.parse(text) as PolicyDocument)).to.equal(
      compilePolicy(JSON.parse(text) as PolicyDocument),
    );
  });

  it('evaluates a parsed document', () => {
    const document = parsePolicy(
      JSON.stringify({ Version: '2012-10-17', Statement: allow('s3:Get*', `${BUCKET}/*`) }),
    );
    const request = { principal: ALICE, action: 's3:GetObject', resource: OBJECT, context: {} };
    expect(evaluate({ request, identity: [{ id: 'p', kind: 'identity', document }] }).decision).to.equal(
      'allowed',
    );
  });

  it('knows the global keys the range supplies, tag families included, case-insensitively', () => {
    expect(RANGE_CONTEXT_KEYS).to.include('aws:TokenIssueTime');
    for (const key of [
      'aws:SourceIp',
      'AWS:SOURCEIP',
      'aws:PrincipalTag/team',
      'aws:ResourceTag/sirs:exercise',
      'aws:CalledVia',
    ])
      expect(isRangeContextKey(key), key).to.equal(true);
    for (const key of ['aws:SourceVpce', 'aws:PrincipalTag/', 's3:prefix', 'ec2:InstanceType'])
      expect(isRangeContextKey(key), key).to.equal(false);
  });
});
