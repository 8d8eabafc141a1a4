import { isRecord } from '../../scenario/issues.js';
import type { PathSegment } from '../../scenario/problem.js';
import { isUnknown, type LintResource, type Rule, type RuleContext, type RuleResult } from '../types.js';
import {
  actionsOf,
  asList,
  conditionTests,
  grantsEveryone,
  hit,
  isAllow,
  principalsOf,
  resourcesOf,
  skip,
  statementsOf,
  type Statement,
} from './util.js';

const ADMIN_POLICY = /^arn:[\w-]+:iam::aws:policy\/AdministratorAccess$/;

export const IAM001: Rule = {
  id: 'IAM001',
  family: 'iam',
  title: 'IAM user with the AdministratorAccess policy',
  severity: 'high',
  resourceTypes: ['AWS::IAM::User'],
  control: 'No IAM user holds administrator rights; people get them through roles assumed with MFA.',
  fix: 'Detach AdministratorAccess; grant the user only what it needs, or let it assume a role for admin work.',
  check(res) {
    return asList(res.properties.ManagedPolicyArns).flatMap((arn, i): RuleResult[] => {
      if (isUnknown(arn)) return arn.refs.length > 0 ? [] : [skip(['ManagedPolicyArns', i], arn)];
      return typeof arn === 'string' && ADMIN_POLICY.test(arn)
        ? [hit(['ManagedPolicyArns', i], 'the user has the AdministratorAccess managed policy')]
        : [];
    });
  },
};

/** Every policy document a resource carries: inline Policies of users, roles and groups; policy resources. */
function documentsOf(res: LintResource): Array<{ doc: unknown; path: PathSegment[] }> {
  if (res.type === 'AWS::IAM::Policy' || res.type === 'AWS::IAM::ManagedPolicy')
    return [{ doc: res.properties.PolicyDocument, path: ['PolicyDocument'] }];
  return asList(res.properties.Policies).flatMap((p, i) =>
    isRecord(p) ? [{ doc: p.PolicyDocument, path: ['Policies', i, 'PolicyDocument'] }] : [],
  );
}

export const IAM002: Rule = {
  id: 'IAM002',
  family: 'iam',
  title: 'Policy allowing every action on every resource',
  severity: 'high',
  resourceTypes: [
    'AWS::IAM::User',
    'AWS::IAM::Role',
    'AWS::IAM::Group',
    'AWS::IAM::Policy',
    'AWS::IAM::ManagedPolicy',
  ],
  control: 'Identity policies grant named actions on named resources (least privilege), never "*" on "*".',
  fix: 'List the actions and resources the principal needs; IAM Access Analyzer can generate them from CloudTrail.',
  check(res) {
    return documentsOf(res).flatMap(({ doc, path }) =>
      statementsOf(doc, path)
        .filter((s) => isAllow(s) && actionsOf(s).includes('*') && resourcesOf(s).includes('*'))
        .map((s) =>
          hit([...s.path, 'Action'], 'the policy allows Action "*" on Resource "*" (full administrator)'),
        ),
    );
  },
};

export const IAM006: Rule = {
  id: 'IAM006',
  family: 'iam',
  title: 'Policy allowing everything except a list (Allow with NotAction)',
  severity: 'medium',
  resourceTypes: IAM002.resourceTypes,
  control:
    'Identity policies say what they allow; Allow with NotAction grants every action but a few, including future ones.',
  fix: 'List the allowed actions in Action; keep NotAction for Deny statements.',
  check(res) {
    return documentsOf(res).flatMap(({ doc, path }) =>
      statementsOf(doc, path)
        .filter((s) => isAllow(s) && s.value.NotAction !== undefined)
        .map((s) =>
          hit([...s.path, 'NotAction'], 'the policy allows every action except those in NotAction'),
        ),
    );
  },
};

export const IAM003: Rule = {
  id: 'IAM003',
  family: 'iam',
  title: 'Long-lived access key declared in the template',
  severity: 'high',
  resourceTypes: ['AWS::IAM::AccessKey'],
  control:
    'Workloads use roles and temporary credentials; no long-lived access key is created by infrastructure code.',
  fix: 'Give the workload a role (instance profile, IRSA, OIDC federation for CI) and remove the access key.',
  check: () => [hit([], 'the template creates a long-lived access key, whose secret the stack hands out')],
};

const TRUST_LIMITS = [
  'sts:ExternalId',
  'aws:PrincipalOrgID',
  'aws:PrincipalOrgPaths',
  'aws:SourceAccount',
  'aws:SourceArn',
];

function trustStatements(res: LintResource): Statement[] {
  return statementsOf(res.properties.AssumeRolePolicyDocument, ['AssumeRolePolicyDocument']).filter(isAllow);
}

export const IAM004: Rule = {
  id: 'IAM004',
  family: 'iam',
  title: 'Role that anyone can assume',
  severity: 'critical',
  resourceTypes: ['AWS::IAM::Role'],
  control: 'Roles trust named principals only; no role can be assumed by any AWS account.',
  fix: 'Name the account, role or service that may assume the role in the trust policy.',
  check(res) {
    return trustStatements(res)
      .filter((s) => grantsEveryone(s) && !conditionTests(s, TRUST_LIMITS))
      .map((s) =>
        hit([...s.path, 'Principal'], 'the trust policy lets any AWS principal ("*") assume the role'),
      );
  },
};

/** The account id an AWS principal names: `123456789012`, `arn:aws:iam::123456789012:root`, a role ARN. */
function accountOf(principal: string): string | undefined {
  if (/^\d{12}$/.test(principal)) return principal;
  return /^arn:[\w-]+:(iam|sts)::(\d{12}):/.exec(principal)?.[2];
}

export const IAM005: Rule = {
  id: 'IAM005',
  family: 'iam',
  title: 'Role trusting another account without an external id or organization condition',
  severity: 'high',
  resourceTypes: ['AWS::IAM::Role'],
  control:
    'A role another account may assume requires sts:ExternalId (third parties) or aws:PrincipalOrgID (own organization).',
  fix: 'Add a Condition with sts:ExternalId (a secret shared with the third party) or aws:PrincipalOrgID.',
  check(res, ctx: RuleContext) {
    const results: RuleResult[] = [];
    for (const s of trustStatements(res)) {
      if (conditionTests(s, TRUST_LIMITS)) continue;
      principalsOf(s).forEach(({ kind, value }) => {
        if (kind !== 'AWS' || value === '*') return;
        if (isUnknown(value)) {
          if (value.refs.length === 0) results.push(skip([...s.path, 'Principal'], value));
          return;
        }
        const account = accountOf(String(value));
        if (account !== undefined && account !== ctx.accountId)
          results.push(
            hit(
              [...s.path, 'Principal'],
              `account ${account} may assume the role without sts:ExternalId or aws:PrincipalOrgID`,
            ),
          );
      });
    }
    return results;
  },
};
