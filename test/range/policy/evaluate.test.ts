import { expect } from 'chai';
import { evaluate } from '../../../src/range/policy/evaluate.js';
import type { Statement } from '../../../src/range/policy/types.js';
import type { Case } from './cases.js';
import {
  ACCOUNT,
  ALICE,
  ANONYMOUS,
  BOB,
  BUCKET,
  CAROL,
  CLOUDTRAIL,
  OBJECT,
  OPS_ROLE,
  OPS_SESSION,
  OTHER_ACCOUNT,
  OTHER_ROOT,
  ROOT,
  allow,
  aws,
  check,
  deny,
  grant,
  inputOf,
  runCases,
} from './cases.js';
import { CONDITION_CASES } from './conditions.cases.js';

const ENFORCEMENT =
  'IAM User Guide, How AWS enforcement code logic evaluates requests to allow or deny access';
const SINGLE = 'IAM User Guide, Policy evaluation for requests within a single account';
const ACTION = 'IAM JSON policy elements: Action (names are case-insensitive, * and ? wildcards)';
const NOT_ACTION = 'IAM JSON policy elements: NotAction';
const RESOURCE = 'IAM JSON policy elements: Resource, Using wildcards in resource ARNs';
const NOT_RESOURCE = 'IAM JSON policy elements: NotResource';
const BOUNDARY = 'Permissions boundaries for IAM entities, Evaluating effective permissions with boundaries';
const SESSION = 'Policies and permissions in IAM, Session policies';
const RESOURCE_POLICY = `${ENFORCEMENT}, Resource-based policies (same account)`;
const PRINCIPAL = 'AWS JSON policy elements: Principal';
const NOT_PRINCIPAL = 'AWS JSON policy elements: NotPrincipal';
const CROSS = 'Cross-account policy evaluation logic';
const KMS =
  'AWS KMS Developer Guide, Key policies: the default key policy allows the account and enables IAM policies';
const TRUST = 'IAM roles, Role trust policies: the trust policy must allow the principal or its account';

const BASICS: Case[] = [
  {
    name: 'no policy at all',
    rule: `${ENFORCEMENT}: by default all requests are implicitly denied`,
    expect: 'implicitDeny',
    decidedBy: 'identity',
  },
  {
    name: 'an identity-based allow of the action',
    rule: SINGLE,
    identity: [[allow('s3:GetObject')]],
    expect: 'allowed',
  },
  {
    name: 'an allow of another action',
    rule: SINGLE,
    identity: [[allow('s3:PutObject')]],
    expect: 'implicitDeny',
    decidedBy: 'identity',
  },
  {
    name: 'allow and deny of the action in one policy',
    rule: `${ENFORCEMENT}: an explicit deny overrides an allow`,
    identity: [[allow('s3:GetObject'), deny('s3:GetObject')]],
    expect: 'explicitDeny',
    decidedBy: 'identity',
  },
  {
    name: 'allow in one policy, deny in another',
    rule: `${ENFORCEMENT}: an explicit deny in any policy wins`,
    identity: [[allow('*')], [deny('s3:*')]],
    expect: 'explicitDeny',
    decidedBy: 'identity',
  },
  {
    name: 'a deny of another action leaves the allow',
    rule: ENFORCEMENT,
    identity: [[allow('s3:*'), deny('s3:DeleteObject')]],
    expect: 'allowed',
  },
  {
    name: 'the allow comes from the second of two policies',
    rule: `${SINGLE}: all identity-based policies are evaluated together`,
    identity: [[allow('ec2:*')], [allow('s3:Get*')]],
    expect: 'allowed',
  },
  {
    name: 'a deny-everything policy beats AdministratorAccess',
    rule: `${ENFORCEMENT}: an explicit deny overrides an allow`,
    identity: [[allow('*')], [deny('*')]],
    expect: 'explicitDeny',
  },
  {
    name: 'a statement with an unknown Effect grants nothing',
    rule: 'IAM JSON policy elements: Effect (Allow or Deny)',
    identity: [[{ Effect: 'allow' as 'Allow', Action: '*', Resource: '*' }]],
    expect: 'implicitDeny',
  },
  {
    name: 'a deny whose condition is false is no deny',
    rule: `${ENFORCEMENT}: a Deny statement applies only when its conditions hold`,
    identity: [[allow('*'), deny('*', '*', { Bool: { 'aws:SecureTransport': 'false' } })]],
    context: { 'aws:SecureTransport': 'true' },
    expect: 'allowed',
  },
];

const ACTIONS: Case[] = [
  {
    name: 'action name in another case',
    rule: ACTION,
    identity: [[allow('S3:getobject')]],
    expect: 'allowed',
  },
  {
    name: 'the request names the action in another case',
    rule: ACTION,
    action: 'S3:GETOBJECT',
    identity: [[allow('s3:GetObject')]],
    expect: 'allowed',
  },
  { name: 'prefix wildcard s3:Get*', rule: ACTION, identity: [[allow('s3:Get*')]], expect: 'allowed' },
  { name: 'service wildcard s3:*', rule: ACTION, identity: [[allow('s3:*')]], expect: 'allowed' },
  { name: 'everything *', rule: ACTION, identity: [[allow('*')]], expect: 'allowed' },
  { name: 'single-character wildcard', rule: ACTION, identity: [[allow('s3:G?tObject')]], expect: 'allowed' },
  {
    name: 'a wildcard that does not fit',
    rule: ACTION,
    identity: [[allow('s3:Put*')]],
    expect: 'implicitDeny',
  },
  {
    name: 'a wildcard in the middle',
    rule: ACTION,
    action: 'iam:CreateAccessKey',
    identity: [[allow('iam:*AccessKey*')]],
    expect: 'allowed',
  },
  {
    name: 'another service with the same action name',
    rule: ACTION,
    identity: [[allow('s3-object-lambda:GetObject')]],
    expect: 'implicitDeny',
  },
  {
    name: 'one of several actions',
    rule: ACTION,
    identity: [[allow(['ec2:DescribeInstances', 's3:GetObject'])]],
    expect: 'allowed',
  },
  {
    name: 'NotAction allows everything but the listed',
    rule: NOT_ACTION,
    identity: [[{ Effect: 'Allow', NotAction: 'iam:*', Resource: '*' }]],
    expect: 'allowed',
  },
  {
    name: 'NotAction does not allow the listed action',
    rule: NOT_ACTION,
    action: 'iam:CreateUser',
    identity: [[{ Effect: 'Allow', NotAction: 'iam:*', Resource: '*' }]],
    expect: 'implicitDeny',
  },
  {
    name: 'Deny with NotAction denies the unlisted',
    rule: NOT_ACTION,
    action: 'ec2:RunInstances',
    identity: [[allow('*'), { Effect: 'Deny', NotAction: ['s3:*', 'iam:*'], Resource: '*' }]],
    expect: 'explicitDeny',
  },
  {
    name: 'Deny with NotAction spares the listed',
    rule: NOT_ACTION,
    identity: [[allow('*'), { Effect: 'Deny', NotAction: ['s3:*', 'iam:*'], Resource: '*' }]],
    expect: 'allowed',
  },
  {
    name: 'NotAction matches case-insensitively',
    rule: NOT_ACTION,
    identity: [[{ Effect: 'Allow', NotAction: 'S3:GETOBJECT', Resource: '*' }]],
    expect: 'implicitDeny',
  },
];

const RESOURCES: Case[] = [
  {
    name: 'exact object ARN',
    rule: RESOURCE,
    identity: [[allow('s3:GetObject', OBJECT)]],
    expect: 'allowed',
  },
  {
    name: 'bucket/* covers a nested key (a * may span /)',
    rule: RESOURCE,
    identity: [[allow('s3:GetObject', `${BUCKET}/*`)]],
    expect: 'allowed',
  },
  {
    name: 'the bucket ARN does not cover its objects',
    rule: RESOURCE,
    identity: [[allow('s3:GetObject', BUCKET)]],
    expect: 'implicitDeny',
  },
  {
    name: 'resource ARNs are case-sensitive',
    rule: `${RESOURCE} (the IAM user name is case sensitive)`,
    action: 'iam:GetUser',
    resource: `arn:aws:iam::${ACCOUNT}:user/Bob`,
    identity: [[allow('iam:GetUser', `arn:aws:iam::${ACCOUNT}:user/bob`)]],
    expect: 'implicitDeny',
  },
  {
    name: 'a path wildcard',
    rule: RESOURCE,
    action: 'iam:GetUser',
    resource: `arn:aws:iam::${ACCOUNT}:user/accounting/alice`,
    identity: [[allow('iam:GetUser', `arn:aws:iam::${ACCOUNT}:user/accounting/*`)]],
    expect: 'allowed',
  },
  {
    name: '? matches one character',
    rule: RESOURCE,
    identity: [[allow('s3:GetObject', `${BUCKET}/reports/q?.csv`)]],
    expect: 'allowed',
  },
  {
    name: '? does not match two',
    rule: RESOURCE,
    identity: [[allow('s3:GetObject', `${BUCKET}/reports/?.csv`)]],
    expect: 'implicitDeny',
  },
  {
    name: 'wildcards in the region and account segments',
    rule: RESOURCE,
    action: 'ec2:StopInstances',
    resource: `arn:aws:ec2:us-east-1:${ACCOUNT}:instance/i-0abc`,
    identity: [[allow('ec2:StopInstances', 'arn:aws:ec2:*:*:instance/*')]],
    expect: 'allowed',
  },
  {
    name: 'a wildcard inside a segment',
    rule: RESOURCE,
    action: 'ec2:StopInstances',
    resource: `arn:aws:ec2:us-east-1:${ACCOUNT}:instance/i-0abc`,
    identity: [[allow('ec2:StopInstances', `arn:aws:ec2:us-*-1:${ACCOUNT}:instance/*`)]],
    expect: 'allowed',
  },
  {
    name: 'a * inside a segment does not cross a colon',
    rule: RESOURCE,
    action: 'ec2:StopInstances',
    resource: `arn:aws:ec2:us-east-1:${ACCOUNT}:instance/i-0abc`,
    identity: [[allow('ec2:StopInstances', `arn:aws:ec2:us*1:instance/*`)]],
    expect: 'implicitDeny',
  },
  {
    name: 'a * ending a segment may expand beyond colons',
    rule: `${RESOURCE} (a * that is the last character of a segment can expand past colon boundaries)`,
    identity: [[allow('s3:GetObject', 'arn:aws:s3:*')]],
    expect: 'allowed',
  },
  {
    name: 'the resource part may hold colons a * spans',
    rule: RESOURCE,
    action: 'logs:PutLogEvents',
    resource: `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:app:log-stream:web-1`,
    identity: [[allow('logs:PutLogEvents', `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:app*`)]],
    expect: 'allowed',
  },
  {
    name: 'a specific ARN does not cover an action without resource-level permissions',
    rule: `${RESOURCE} (such actions need Resource "*")`,
    action: 'ec2:DescribeInstances',
    resource: '*',
    identity: [[allow('ec2:DescribeInstances', 'arn:aws:ec2:*:*:instance/*')]],
    expect: 'implicitDeny',
  },
  {
    name: '"*" covers an action without resource-level permissions',
    rule: RESOURCE,
    action: 'ec2:DescribeInstances',
    resource: '*',
    identity: [[allow('ec2:DescribeInstances')]],
    expect: 'allowed',
  },
  {
    name: 'one of several resources',
    rule: RESOURCE,
    identity: [[allow('s3:GetObject', [`${BUCKET}-logs/*`, `${BUCKET}/*`])]],
    expect: 'allowed',
  },
  {
    name: 'NotResource allows everything but the listed',
    rule: NOT_RESOURCE,
    identity: [[{ Effect: 'Allow', Action: 's3:GetObject', NotResource: `${BUCKET}-secret/*` }]],
    expect: 'allowed',
  },
  {
    name: 'NotResource does not allow the listed',
    rule: NOT_RESOURCE,
    identity: [[{ Effect: 'Allow', Action: 's3:GetObject', NotResource: `${BUCKET}/*` }]],
    expect: 'implicitDeny',
  },
  {
    name: 'Deny with NotResource denies outside the listed',
    rule: NOT_RESOURCE,
    identity: [
      [
        allow('s3:*'),
        { Effect: 'Deny', Action: 's3:*', NotResource: [`${BUCKET}-other`, `${BUCKET}-other/*`] },
      ],
    ],
    expect: 'explicitDeny',
  },
  {
    name: 'an identity-based statement without Resource grants nothing',
    rule: 'IAM JSON policy elements: Resource (statements must include Resource or NotResource)',
    identity: [[{ Effect: 'Allow', Action: '*' }]],
    expect: 'implicitDeny',
  },
];

const BOUNDARIES: Case[] = [
  {
    name: 'identity and boundary both allow',
    rule: BOUNDARY,
    identity: [[allow('s3:*')]],
    boundary: [allow('s3:GetObject')],
    expect: 'allowed',
  },
  {
    name: 'the boundary does not allow',
    rule: BOUNDARY,
    identity: [[allow('*')]],
    boundary: [allow('ec2:*')],
    expect: 'implicitDeny',
    decidedBy: 'boundary',
  },
  {
    name: 'the boundary alone grants nothing',
    rule: `${BOUNDARY} (a boundary does not grant permissions)`,
    boundary: [allow('*')],
    expect: 'implicitDeny',
    decidedBy: 'identity',
  },
  {
    name: 'an explicit deny in the boundary',
    rule: `${ENFORCEMENT}: explicit deny in a permissions boundary`,
    identity: [[allow('*')]],
    boundary: [allow('*'), deny('s3:GetObject')],
    expect: 'explicitDeny',
    decidedBy: 'boundary',
  },
  {
    name: 'an explicit deny in the identity policy under a wide boundary',
    rule: ENFORCEMENT,
    identity: [[allow('*'), deny('s3:*')]],
    boundary: [allow('*')],
    expect: 'explicitDeny',
    decidedBy: 'identity',
  },
  {
    name: "a role session's boundary limits it",
    rule: BOUNDARY,
    principal: OPS_SESSION,
    identity: [[allow('*')]],
    boundary: [allow('ec2:Describe*')],
    expect: 'implicitDeny',
    decidedBy: 'boundary',
  },
  {
    name: 'a role session within its boundary',
    rule: BOUNDARY,
    principal: OPS_SESSION,
    action: 'ec2:DescribeInstances',
    resource: '*',
    identity: [[allow('*')]],
    boundary: [allow('ec2:Describe*')],
    expect: 'allowed',
  },
  {
    name: 'the boundary allows another resource only',
    rule: BOUNDARY,
    identity: [[allow('s3:GetObject')]],
    boundary: [allow('s3:GetObject', `${BUCKET}-public/*`)],
    expect: 'implicitDeny',
    decidedBy: 'boundary',
  },
];

const SESSIONS: Case[] = [
  {
    name: 'identity and session policy both allow',
    rule: SESSION,
    principal: OPS_SESSION,
    identity: [[allow('*')]],
    session: [[allow('s3:GetObject')]],
    expect: 'allowed',
  },
  {
    name: 'the session policy does not allow',
    rule: SESSION,
    principal: OPS_SESSION,
    identity: [[allow('*')]],
    session: [[allow('ec2:*')]],
    expect: 'implicitDeny',
    decidedBy: 'session',
  },
  {
    name: 'the session policy cannot grant beyond the role',
    rule: `${SESSION} (session policies cannot grant more than the identity-based policy)`,
    principal: OPS_SESSION,
    identity: [[allow('ec2:*')]],
    session: [[allow('*')]],
    expect: 'implicitDeny',
    decidedBy: 'identity',
  },
  {
    name: 'an allow in any of several session policies (inline and managed)',
    rule: SESSION,
    principal: OPS_SESSION,
    identity: [[allow('*')]],
    session: [[allow('ec2:*')], [allow('s3:Get*')]],
    expect: 'allowed',
  },
  {
    name: 'an explicit deny in a session policy',
    rule: `${ENFORCEMENT}: explicit deny in a session policy`,
    principal: OPS_SESSION,
    identity: [[allow('*')]],
    session: [[allow('*'), deny('s3:GetObject')]],
    expect: 'explicitDeny',
    decidedBy: 'session',
  },
  {
    name: 'no session policies at all leaves the role permissions',
    rule: SESSION,
    principal: OPS_SESSION,
    identity: [[allow('s3:GetObject')]],
    session: [],
    expect: 'allowed',
  },
  {
    name: 'boundary and session policy together: both must allow',
    rule: `${SESSION}; ${BOUNDARY}`,
    principal: OPS_SESSION,
    identity: [[allow('*')]],
    boundary: [allow('s3:*')],
    session: [[allow('ec2:*')]],
    expect: 'implicitDeny',
    decidedBy: 'session',
  },
  {
    name: 'boundary and session policy together allowing',
    rule: `${SESSION}; ${BOUNDARY}`,
    principal: OPS_SESSION,
    identity: [[allow('*')]],
    boundary: [allow('s3:*')],
    session: [[allow('s3:GetObject')]],
    expect: 'allowed',
  },
];

const kmsKey = `arn:aws:kms:us-east-1:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
const keyStatement = (Principal: Statement['Principal'], Effect: 'Allow' | 'Deny' = 'Allow'): Statement => ({
  Effect,
  Principal,
  Action: 'kms:*',
  Resource: '*',
});
const trustStatement = (Principal: Statement['Principal']): Statement => ({
  Effect: 'Allow',
  Principal,
  Action: 'sts:AssumeRole',
});
const ACCOUNT_ROOT = `arn:aws:iam::${ACCOUNT}:root`;
const OTHER_SESSION = {
  arn: `arn:aws:sts::${OTHER_ACCOUNT}:assumed-role/Auditor/s`,
  accountId: OTHER_ACCOUNT,
  type: 'AssumedRole' as const,
  roleArn: `arn:aws:iam::${OTHER_ACCOUNT}:role/Auditor`,
};

const RESOURCE_POLICIES: Case[] = [
  {
    name: 'the bucket policy names the user: no identity-based policy needed',
    rule: `${RESOURCE_POLICY}; ${SINGLE} (either policy allowing is enough)`,
    resourcePolicy: [grant(aws(ALICE.arn))],
    expect: 'allowed',
  },
  {
    name: "a grant to the user's ARN is not limited by its boundary",
    rule: `${BOUNDARY} (resource-based policies granting to an IAM user ARN)`,
    boundary: [allow('ec2:*')],
    resourcePolicy: [grant(aws(ALICE.arn))],
    expect: 'allowed',
  },
  {
    name: "a grant to the user's ARN does not beat an identity-based deny",
    rule: ENFORCEMENT,
    identity: [[deny('s3:*')]],
    resourcePolicy: [grant(aws(ALICE.arn))],
    expect: 'explicitDeny',
    decidedBy: 'identity',
  },
  {
    name: "a grant to the user's ARN is still limited by a session policy",
    rule: `${SESSION} (a resource-based policy naming the user or role ARN is limited by the session policy)`,
    session: [[allow('ec2:*')]],
    resourcePolicy: [grant(aws(ALICE.arn))],
    expect: 'implicitDeny',
    decidedBy: 'session',
  },
  {
    name: 'a grant to the role ARN reaches its sessions without an identity-based allow',
    rule: `${RESOURCE_POLICY} (IAM roles and role sessions)`,
    principal: OPS_SESSION,
    resourcePolicy: [grant(aws(OPS_ROLE))],
    expect: 'allowed',
  },
  {
    name: "a grant to the role ARN stays within the session's boundary",
    rule: `${BOUNDARY} (resource-based policies granting to an IAM role ARN are limited by the boundary)`,
    principal: OPS_SESSION,
    boundary: [allow('ec2:*')],
    resourcePolicy: [grant(aws(OPS_ROLE))],
    expect: 'implicitDeny',
    decidedBy: 'boundary',
  },
  {
    name: 'a grant to the role ARN stays within the session policy',
    rule: `${SESSION} (a resource-based policy naming the role ARN is limited by the session policy)`,
    principal: OPS_SESSION,
    identity: [[allow('*')]],
    session: [[allow('ec2:*')]],
    resourcePolicy: [grant(aws(OPS_ROLE))],
    expect: 'implicitDeny',
    decidedBy: 'session',
  },
  {
    name: 'a grant to the role session ARN passes the boundary',
    rule: `${BOUNDARY} (resource-based policies granting to a role session ARN are not limited)`,
    principal: OPS_SESSION,
    boundary: [allow('ec2:*')],
    resourcePolicy: [grant(aws(OPS_SESSION.arn))],
    expect: 'allowed',
  },
  {
    name: 'a grant to the role session ARN passes the session policy',
    rule: `${SESSION} (a resource-based policy naming the session ARN is not limited by the session policy)`,
    principal: OPS_SESSION,
    session: [[allow('ec2:*')]],
    resourcePolicy: [grant(aws(OPS_SESSION.arn))],
    expect: 'allowed',
  },
  {
    name: 'a grant to the role session ARN without any identity-based allow',
    rule: RESOURCE_POLICY,
    principal: OPS_SESSION,
    resourcePolicy: [grant(aws(OPS_SESSION.arn))],
    expect: 'allowed',
  },
  {
    name: 'another session of the role is not the named session',
    rule: PRINCIPAL,
    principal: { ...OPS_SESSION, arn: `arn:aws:sts::${ACCOUNT}:assumed-role/Ops/day-shift` },
    resourcePolicy: [grant(aws(OPS_SESSION.arn))],
    expect: 'implicitDeny',
    decidedBy: 'identity',
  },
  {
    name: 'naming the account delegates to identity-based policies (none here)',
    rule: `${PRINCIPAL} (AWS account principals delegate to the account)`,
    resourcePolicy: [grant(aws(ACCOUNT_ROOT))],
    expect: 'implicitDeny',
    decidedBy: 'identity',
  },
  {
    name: 'naming the account by its id, with an identity-based allow',
    rule: `${PRINCIPAL} (AWS account principals)`,
    identity: [[allow('s3:GetObject')]],
    resourcePolicy: [grant(aws(ACCOUNT))],
    expect: 'allowed',
  },
  {
    name: 'Principal "*" grants every caller',
    rule: `${PRINCIPAL} (all principals)`,
    resourcePolicy: [grant('*')],
    expect: 'allowed',
  },
  {
    name: '{"AWS": "*"} grants anonymous callers too',
    rule: `${PRINCIPAL} (all principals)`,
    principal: ANONYMOUS,
    resourcePolicy: [grant(aws('*'))],
    expect: 'allowed',
  },
  {
    name: 'anonymous callers need a resource-based grant',
    rule: `${PRINCIPAL}; ${ENFORCEMENT}`,
    principal: ANONYMOUS,
    expect: 'implicitDeny',
    decidedBy: 'resource',
  },
  {
    name: "anonymous callers are not an account's principals",
    rule: PRINCIPAL,
    principal: ANONYMOUS,
    resourcePolicy: [grant(aws(ACCOUNT_ROOT))],
    expect: 'implicitDeny',
    decidedBy: 'resource',
  },
  {
    name: 'a bucket policy deny naming the user beats its identity-based allow',
    rule: `${ENFORCEMENT}: explicit deny in a resource-based policy`,
    identity: [[allow('*')]],
    resourcePolicy: [grant(aws(ALICE.arn), 's3:*', 'Deny')],
    expect: 'explicitDeny',
    decidedBy: 'resource',
  },
  {
    name: 'a deny of insecure transport to everyone',
    rule: `${ENFORCEMENT}; Condition operators, Boolean condition operators`,
    identity: [[allow('*')]],
    context: { 'aws:SecureTransport': 'false' },
    resourcePolicy: [grant('*', 's3:*', 'Deny', { Bool: { 'aws:SecureTransport': 'false' } })],
    expect: 'explicitDeny',
    decidedBy: 'resource',
  },
  {
    name: 'a grant to another user does not apply, the identity-based allow does',
    rule: `${PRINCIPAL}; ${SINGLE}`,
    identity: [[allow('s3:GetObject')]],
    resourcePolicy: [grant(aws(BOB.arn))],
    expect: 'allowed',
  },
  {
    name: 'a grant to another user does not apply',
    rule: PRINCIPAL,
    resourcePolicy: [grant(aws(BOB.arn))],
    expect: 'implicitDeny',
    decidedBy: 'identity',
  },
  {
    name: 'a grant to the role does not reach an IAM user',
    rule: PRINCIPAL,
    resourcePolicy: [grant(aws(OPS_ROLE))],
    expect: 'implicitDeny',
    decidedBy: 'identity',
  },
  {
    name: 'a service principal named in the policy',
    rule: `${PRINCIPAL} (AWS service principals)`,
    principal: CLOUDTRAIL,
    action: 's3:PutObject',
    resourcePolicy: [grant({ Service: 'cloudtrail.amazonaws.com' }, 's3:PutObject')],
    expect: 'allowed',
  },
  {
    name: 'another service principal',
    rule: `${PRINCIPAL} (AWS service principals)`,
    principal: { ...CLOUDTRAIL, service: 'config.amazonaws.com' },
    action: 's3:PutObject',
    resourcePolicy: [grant({ Service: 'cloudtrail.amazonaws.com' }, 's3:PutObject')],
    expect: 'implicitDeny',
    decidedBy: 'resource',
  },
  {
    name: 'the account root user needs no policy',
    rule: `${ENFORCEMENT}: requests are implicitly denied except for the AWS account root user`,
    principal: ROOT,
    expect: 'allowed',
  },
  {
    name: 'a bucket policy deny to the account reaches its root user',
    rule: `${ENFORCEMENT}: explicit deny in a resource-based policy`,
    principal: ROOT,
    resourcePolicy: [grant(aws(ACCOUNT_ROOT), 's3:*', 'Deny')],
    expect: 'explicitDeny',
    decidedBy: 'resource',
  },
  {
    name: 'a CanonicalUser grant does not match an IAM user',
    rule: `${PRINCIPAL} (canonical user ID)`,
    resourcePolicy: [
      grant({ CanonicalUser: '79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be' }),
    ],
    expect: 'implicitDeny',
    decidedBy: 'identity',
  },
  {
    name: "a CanonicalUser grant to the caller's canonical id",
    rule: `${PRINCIPAL} (canonical user ID)`,
    principal: {
      ...ALICE,
      canonicalUserId: '79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be',
    },
    resourcePolicy: [
      grant({ CanonicalUser: '79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be' }),
    ],
    expect: 'allowed',
  },
  {
    name: 'a Federated grant does not match an IAM user',
    rule: `${PRINCIPAL} (federated user principals)`,
    resourcePolicy: [grant({ Federated: 'cognito-identity.amazonaws.com' })],
    expect: 'implicitDeny',
    decidedBy: 'identity',
  },
  {
    name: 'Allow with NotPrincipal grants those not listed',
    rule: NOT_PRINCIPAL,
    resourcePolicy: [
      { Effect: 'Allow', NotPrincipal: aws(BOB.arn), Action: 's3:GetObject', Resource: `${BUCKET}/*` },
    ],
    expect: 'allowed',
  },
  {
    name: 'Allow with NotPrincipal does not grant the listed',
    rule: NOT_PRINCIPAL,
    principal: BOB,
    resourcePolicy: [
      { Effect: 'Allow', NotPrincipal: aws(BOB.arn), Action: 's3:GetObject', Resource: `${BUCKET}/*` },
    ],
    expect: 'implicitDeny',
    decidedBy: 'identity',
  },
  {
    name: 'Deny with NotPrincipal spares the listed user and account',
    rule: `${NOT_PRINCIPAL} (with Deny, list the account too)`,
    identity: [[allow('s3:*')]],
    resourcePolicy: [
      { Effect: 'Deny', NotPrincipal: aws(ALICE.arn, ACCOUNT_ROOT), Action: 's3:*', Resource: `${BUCKET}/*` },
    ],
    expect: 'allowed',
  },
  {
    name: 'Deny with NotPrincipal denies everyone else',
    rule: NOT_PRINCIPAL,
    principal: BOB,
    identity: [[allow('s3:*')]],
    resourcePolicy: [
      { Effect: 'Deny', NotPrincipal: aws(ALICE.arn, ACCOUNT_ROOT), Action: 's3:*', Resource: `${BUCKET}/*` },
    ],
    expect: 'explicitDeny',
    decidedBy: 'resource',
  },
  {
    name: 'Deny with NotPrincipal always denies a principal with a permissions boundary',
    rule: `${BOUNDARY} (NotPrincipal with Deny always denies principals with a boundary)`,
    identity: [[allow('s3:*')]],
    boundary: [allow('*')],
    resourcePolicy: [
      { Effect: 'Deny', NotPrincipal: aws(ALICE.arn, ACCOUNT_ROOT), Action: 's3:*', Resource: `${BUCKET}/*` },
    ],
    expect: 'explicitDeny',
    decidedBy: 'resource',
  },
];

const CROSS_ACCOUNT: Case[] = [
  {
    name: 'identity-based allow and a grant to the user',
    rule: CROSS,
    principal: CAROL,
    resourceAccountId: ACCOUNT,
    identity: [[allow('s3:GetObject')]],
    resourcePolicy: [grant(aws(CAROL.arn))],
    expect: 'allowed',
  },
  {
    name: "identity-based allow and a grant to the user's account",
    rule: CROSS,
    principal: CAROL,
    resourceAccountId: ACCOUNT,
    identity: [[allow('s3:*')]],
    resourcePolicy: [grant(aws(OTHER_ACCOUNT))],
    expect: 'allowed',
  },
  {
    name: 'identity-based allow without a resource-based policy',
    rule: CROSS,
    principal: CAROL,
    resourceAccountId: ACCOUNT,
    identity: [[allow('s3:*')]],
    expect: 'implicitDeny',
    decidedBy: 'resource',
  },
  {
    name: 'a grant to the user without an identity-based allow',
    rule: `${CROSS} (both must allow)`,
    principal: CAROL,
    resourceAccountId: ACCOUNT,
    resourcePolicy: [grant(aws(CAROL.arn))],
    expect: 'implicitDeny',
    decidedBy: 'identity',
  },
  {
    name: "a grant to the user's account without an identity-based allow",
    rule: CROSS,
    principal: CAROL,
    resourceAccountId: ACCOUNT,
    resourcePolicy: [grant(aws(`arn:aws:iam::${OTHER_ACCOUNT}:root`))],
    expect: 'implicitDeny',
    decidedBy: 'identity',
  },
  {
    name: 'a resource-based deny across accounts',
    rule: `${CROSS}; ${ENFORCEMENT}`,
    principal: CAROL,
    resourceAccountId: ACCOUNT,
    identity: [[allow('*')]],
    resourcePolicy: [grant(aws(CAROL.arn)), grant(aws(OTHER_ACCOUNT), 's3:GetObject', 'Deny')],
    expect: 'explicitDeny',
    decidedBy: 'resource',
  },
  {
    name: "the caller's boundary limits cross-account access",
    rule: `${CROSS}; ${BOUNDARY}`,
    principal: CAROL,
    resourceAccountId: ACCOUNT,
    identity: [[allow('*')]],
    boundary: [allow('ec2:*')],
    resourcePolicy: [grant(aws(CAROL.arn))],
    expect: 'implicitDeny',
    decidedBy: 'boundary',
  },
  {
    name: "the other account's root with a grant to its account",
    rule: CROSS,
    principal: OTHER_ROOT,
    resourceAccountId: ACCOUNT,
    resourcePolicy: [grant(aws(OTHER_ACCOUNT))],
    expect: 'allowed',
  },
  {
    name: "the other account's root without a grant",
    rule: CROSS,
    principal: OTHER_ROOT,
    resourceAccountId: ACCOUNT,
    expect: 'implicitDeny',
    decidedBy: 'resource',
  },
  {
    name: 'a grant to the resource owner account does not reach another account',
    rule: `${CROSS}; ${PRINCIPAL}`,
    principal: CAROL,
    resourceAccountId: ACCOUNT,
    identity: [[allow('*')]],
    resourcePolicy: [grant(aws(ACCOUNT))],
    expect: 'implicitDeny',
    decidedBy: 'resource',
  },
  {
    name: 'a grant to everyone and an identity-based allow',
    rule: CROSS,
    principal: CAROL,
    resourceAccountId: ACCOUNT,
    identity: [[allow('s3:GetObject')]],
    resourcePolicy: [grant('*')],
    expect: 'allowed',
  },
  {
    name: "a grant to another account's role reaches its sessions",
    rule: `${CROSS}; ${PRINCIPAL} (IAM role principals)`,
    principal: OTHER_SESSION,
    resourceAccountId: ACCOUNT,
    identity: [[allow('s3:GetObject')]],
    resourcePolicy: [grant(aws(OTHER_SESSION.roleArn))],
    expect: 'allowed',
  },
  {
    name: 'an identity-based deny across accounts',
    rule: `${CROSS}; ${ENFORCEMENT}`,
    principal: CAROL,
    resourceAccountId: ACCOUNT,
    identity: [[allow('*'), deny('s3:GetObject')]],
    resourcePolicy: [grant('*')],
    expect: 'explicitDeny',
    decidedBy: 'identity',
  },
];

const REQUIRED: Case[] = [
  {
    name: 'the key policy allows the account and an IAM policy allows the user',
    rule: KMS,
    action: 'kms:Decrypt',
    resource: kmsKey,
    identity: [[allow('kms:Decrypt')]],
    resourcePolicy: [keyStatement(aws(ACCOUNT_ROOT))],
    resourcePolicyRequired: true,
    expect: 'allowed',
  },
  {
    name: 'the key policy allows the account but no IAM policy allows the user',
    rule: KMS,
    action: 'kms:Decrypt',
    resource: kmsKey,
    resourcePolicy: [keyStatement(aws(ACCOUNT_ROOT))],
    resourcePolicyRequired: true,
    expect: 'implicitDeny',
    decidedBy: 'identity',
  },
  {
    name: 'IAM policies do not count when the key policy does not allow the account',
    rule: KMS,
    action: 'kms:Decrypt',
    resource: kmsKey,
    identity: [[allow('kms:*')]],
    resourcePolicy: [keyStatement(aws(BOB.arn))],
    resourcePolicyRequired: true,
    expect: 'implicitDeny',
    decidedBy: 'resource',
  },
  {
    name: 'the key policy names the user',
    rule: KMS,
    action: 'kms:Decrypt',
    resource: kmsKey,
    resourcePolicy: [keyStatement(aws(ALICE.arn))],
    resourcePolicyRequired: true,
    expect: 'allowed',
  },
  {
    name: 'no key policy at all',
    rule: KMS,
    action: 'kms:Decrypt',
    resource: kmsKey,
    identity: [[allow('kms:*')]],
    resourcePolicyRequired: true,
    expect: 'implicitDeny',
    decidedBy: 'resource',
  },
  {
    name: 'even root cannot use a key whose policy leaves its account out',
    rule: `${KMS} (a key without the account statement becomes unmanageable)`,
    principal: ROOT,
    action: 'kms:Decrypt',
    resource: kmsKey,
    resourcePolicy: [keyStatement(aws(BOB.arn))],
    resourcePolicyRequired: true,
    expect: 'implicitDeny',
    decidedBy: 'resource',
  },
  {
    name: 'a key policy deny',
    rule: `${KMS}; ${ENFORCEMENT}`,
    action: 'kms:Decrypt',
    resource: kmsKey,
    identity: [[allow('kms:*')]],
    resourcePolicy: [keyStatement(aws(ACCOUNT_ROOT)), keyStatement(aws(ALICE.arn), 'Deny')],
    resourcePolicyRequired: true,
    expect: 'explicitDeny',
    decidedBy: 'resource',
  },
  {
    name: "the key policy allows the account; the user's boundary does not",
    rule: `${KMS}; ${BOUNDARY}`,
    action: 'kms:Decrypt',
    resource: kmsKey,
    identity: [[allow('kms:*')]],
    boundary: [allow('s3:*')],
    resourcePolicy: [keyStatement(aws(ACCOUNT_ROOT))],
    resourcePolicyRequired: true,
    expect: 'implicitDeny',
    decidedBy: 'boundary',
  },
  {
    name: 'the trust policy names the user: no identity-based policy needed',
    rule: TRUST,
    action: 'sts:AssumeRole',
    resource: OPS_ROLE,
    resourcePolicy: [trustStatement(aws(ALICE.arn))],
    resourcePolicyRequired: true,
    expect: 'allowed',
  },
  {
    name: 'the trust policy names the account and an IAM policy allows AssumeRole',
    rule: TRUST,
    action: 'sts:AssumeRole',
    resource: OPS_ROLE,
    identity: [[allow('sts:AssumeRole', OPS_ROLE)]],
    resourcePolicy: [trustStatement(aws(ACCOUNT_ROOT))],
    resourcePolicyRequired: true,
    expect: 'allowed',
  },
  {
    name: 'the trust policy names the account, no IAM policy allows AssumeRole',
    rule: TRUST,
    action: 'sts:AssumeRole',
    resource: OPS_ROLE,
    resourcePolicy: [trustStatement(aws(ACCOUNT_ROOT))],
    resourcePolicyRequired: true,
    expect: 'implicitDeny',
    decidedBy: 'identity',
  },
  {
    name: 'an IAM policy allows AssumeRole but the trust policy names someone else',
    rule: TRUST,
    action: 'sts:AssumeRole',
    resource: OPS_ROLE,
    identity: [[allow('sts:AssumeRole')]],
    resourcePolicy: [trustStatement(aws(BOB.arn))],
    resourcePolicyRequired: true,
    expect: 'implicitDeny',
    decidedBy: 'resource',
  },
  {
    name: 'another account assumes the role with both sides allowing',
    rule: `${TRUST}; ${CROSS}`,
    principal: CAROL,
    resourceAccountId: ACCOUNT,
    action: 'sts:AssumeRole',
    resource: OPS_ROLE,
    identity: [[allow('sts:AssumeRole', OPS_ROLE)]],
    resourcePolicy: [trustStatement(aws(OTHER_ACCOUNT))],
    resourcePolicyRequired: true,
    expect: 'allowed',
  },
];

describe('range policy evaluator: evaluation logic', () => {
  describe('allow, implicit deny, explicit deny', () => runCases(BASICS));
  describe('Action and NotAction', () => runCases(ACTIONS));
  describe('Resource and NotResource', () => runCases(RESOURCES));
  describe('permissions boundaries', () => runCases(BOUNDARIES));
  describe('session policies', () => runCases(SESSIONS));
  describe('resource-based policies in the same account', () => runCases(RESOURCE_POLICIES));
  describe('cross-account requests', () => runCases(CROSS_ACCOUNT));
  describe('key policies and trust policies (the resource policy is required)', () => runCases(REQUIRED));

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
