import { expect } from 'chai';
import { evaluate } from '../../../src/range/policy/evaluate.js';
import type {
  DecidedBy,
  Decision,
  DecisionKind,
  EvaluationInput,
  RequestContext,
  RequestPrincipal,
  SourcedPolicy,
  Statement,
} from '../../../src/range/policy/types.js';

/**
 * The evaluator's case table: each case is one request and its policies, the outcome the IAM User Guide
 * documents for it, and `rule`, the documentation section it follows. Outcomes are read from the
 * documentation, never from what the evaluator answers.
 */
export interface Case {
  name: string;
  rule: string;
  principal?: RequestPrincipal;
  action?: string;
  resource?: string;
  resourceAccountId?: string;
  context?: RequestContext;
  /** One inner list per identity-based policy. */
  identity?: Statement[][];
  boundary?: Statement[];
  /** One inner list per session policy. */
  session?: Statement[][];
  resourcePolicy?: Statement[];
  resourcePolicyRequired?: boolean;
  /** Version of every document (default 2012-10-17); null leaves it out. */
  version?: string | null;
  expect: DecisionKind;
  decidedBy?: DecidedBy;
  unknownKeys?: string[];
  missingKeys?: string[];
}

export const ACCOUNT = '111122223333';
export const OTHER_ACCOUNT = '444455556666';
export const BUCKET = 'arn:aws:s3:::amzn-s3-demo-bucket';
export const OBJECT = `${BUCKET}/reports/q1.csv`;

export const ALICE: RequestPrincipal = {
  arn: `arn:aws:iam::${ACCOUNT}:user/alice`,
  accountId: ACCOUNT,
  type: 'IAMUser',
};
export const BOB: RequestPrincipal = {
  arn: `arn:aws:iam::${ACCOUNT}:user/bob`,
  accountId: ACCOUNT,
  type: 'IAMUser',
};
export const OPS_ROLE = `arn:aws:iam::${ACCOUNT}:role/Ops`;
export const OPS_SESSION: RequestPrincipal = {
  arn: `arn:aws:sts::${ACCOUNT}:assumed-role/Ops/night-shift`,
  accountId: ACCOUNT,
  type: 'AssumedRole',
  roleArn: OPS_ROLE,
};
export const ROOT: RequestPrincipal = {
  arn: `arn:aws:iam::${ACCOUNT}:root`,
  accountId: ACCOUNT,
  type: 'Root',
};
export const CAROL: RequestPrincipal = {
  arn: `arn:aws:iam::${OTHER_ACCOUNT}:user/carol`,
  accountId: OTHER_ACCOUNT,
  type: 'IAMUser',
};
export const OTHER_ROOT: RequestPrincipal = {
  arn: `arn:aws:iam::${OTHER_ACCOUNT}:root`,
  accountId: OTHER_ACCOUNT,
  type: 'Root',
};
export const ANONYMOUS: RequestPrincipal = { arn: '', accountId: '', type: 'Anonymous' };
export const CLOUDTRAIL: RequestPrincipal = {
  arn: '',
  accountId: '',
  type: 'Service',
  service: 'cloudtrail.amazonaws.com',
};

type Values = string | string[];
type Conditions = Statement['Condition'];

export const allow = (Action: Values, Resource: Values = '*', Condition?: Conditions): Statement =>
  Condition ? { Effect: 'Allow', Action, Resource, Condition } : { Effect: 'Allow', Action, Resource };
export const deny = (Action: Values, Resource: Values = '*', Condition?: Conditions): Statement =>
  Condition ? { Effect: 'Deny', Action, Resource, Condition } : { Effect: 'Deny', Action, Resource };
/** A resource-based policy statement naming `Principal`. */
export const grant = (
  Principal: Statement['Principal'],
  Action: Values = 's3:GetObject',
  Effect: 'Allow' | 'Deny' = 'Allow',
  Condition?: Conditions,
): Statement => ({ Effect, Principal, Action, Resource: `${BUCKET}/*`, ...(Condition ? { Condition } : {}) });
export const aws = (...arns: string[]): Statement['Principal'] => ({
  AWS: arns.length === 1 ? arns[0]! : arns,
});

export function inputOf(c: Case): EvaluationInput {
  const doc = (statements: Statement[]) =>
    c.version === null
      ? { Statement: statements }
      : { Version: c.version ?? '2012-10-17', Statement: statements };
  const sourced = (kind: SourcedPolicy['kind'], id: string, statements: Statement[]): SourcedPolicy => ({
    id,
    kind,
    document: doc(statements),
  });
  const input: EvaluationInput = {
    request: {
      principal: c.principal ?? ALICE,
      action: c.action ?? 's3:GetObject',
      resource: c.resource ?? OBJECT,
      context: c.context ?? {},
      ...(c.resourceAccountId ? { resourceAccountId: c.resourceAccountId } : {}),
    },
    identity: (c.identity ?? []).map((s, i) => sourced('identity', `identity-${i}`, s)),
  };
  if (c.boundary) input.boundary = sourced('boundary', 'boundary', c.boundary);
  if (c.session) input.session = c.session.map((s, i) => sourced('session', `session-${i}`, s));
  if (c.resourcePolicy) input.resource = sourced('resource', 'resource-policy', c.resourcePolicy);
  if (c.resourcePolicyRequired) input.resourcePolicyRequired = true;
  return input;
}

export function check(c: Case): Decision {
  const decision = evaluate(inputOf(c));
  expect(decision.decision, 'decision').to.equal(c.expect);
  if (c.decidedBy) expect(decision.decidedBy, 'decidedBy').to.equal(c.decidedBy);
  if (c.expect === 'allowed') expect(decision.decidedBy, 'decidedBy').to.equal(undefined);
  if (c.unknownKeys) expect(decision.unknownKeys, 'unknownKeys').to.deep.equal(c.unknownKeys);
  if (c.missingKeys) expect(decision.missingKeys, 'missingKeys').to.deep.equal(c.missingKeys);
  return decision;
}

export function runCases(cases: readonly Case[]): void {
  for (const c of cases) {
    it(`${c.name} (${c.rule})`, () => {
      expect(c.rule, 'every case cites the rule it tests').to.match(/\w{4,}/);
      check(c);
    });
  }
}

export const ACCOUNT_ROOT = `arn:aws:iam::${ACCOUNT}:root`;
export const NOW = '2026-12-06T15:00:00Z';

export type Condition = NonNullable<Statement['Condition']>;

/** An identity-based allow of s3:GetObject under `condition`: allowed exactly when the condition holds. */
export const when = (
  name: string,
  rule: string,
  condition: Condition,
  context: RequestContext,
  holds: boolean,
  extra: Partial<Case> = {},
): Case => ({
  name,
  rule,
  context,
  identity: [[allow('s3:GetObject', '*', condition)]],
  expect: holds ? 'allowed' : 'implicitDeny',
  ...extra,
});

/** An allow of everything and a deny under `condition`: denied exactly when the condition holds. */
export const denyWhen = (
  name: string,
  rule: string,
  condition: Condition,
  context: RequestContext,
  holds: boolean,
): Case => ({
  name,
  rule,
  context,
  identity: [[allow('*'), deny('*', '*', condition)]],
  expect: holds ? 'explicitDeny' : 'allowed',
});

export const team = (v: string): RequestContext => ({ 'aws:PrincipalTag/team': v });
export const tagKeys = (...keys: string[]): RequestContext => ({ 'aws:TagKeys': keys });
export const home = (user: string): string => `${BUCKET}/home/${user}/notes.txt`;
