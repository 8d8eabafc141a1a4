import type { RequestContext, Statement } from '../../../src/range/policy/types.js';
import type { Case } from './cases.js';
import { ACCOUNT, ALICE, BUCKET, OPS_SESSION, allow, deny } from './cases.js';

/** Condition operators, set qualifiers, policy variables and unknown keys: one request, one condition. */

const OPERATORS = 'IAM JSON policy elements: Condition operators';
const STRING = `${OPERATORS}, String condition operators`;
const NUMERIC = `${OPERATORS}, Numeric condition operators`;
const DATE = `${OPERATORS}, Date condition operators`;
const BOOL = `${OPERATORS}, Boolean condition operators`;
const BINARY = `${OPERATORS}, Binary condition operators`;
const IP = `${OPERATORS}, IP address condition operators`;
const ARN = `${OPERATORS}, Amazon Resource Name (ARN) condition operators`;
const IF_EXISTS = `${OPERATORS}, ...IfExists condition operators`;
const NULL = `${OPERATORS}, Condition operator to check existence of condition keys`;
const MISSING = `${OPERATORS} (a key absent from the request context does not match; a negated operator is then true)`;
const MULTIPLE =
  'Conditions with multiple context keys or values (AND across operators and keys, OR across values, NOR for negated operators)';
const SETS = 'Single-valued vs. multivalued context keys, Set operators for multivalued context keys';
const VARS = 'IAM policy elements: Variables and tags';
const NO_VALUE = `${VARS}, Policy variables with no value`;
const DEFAULTS = `${VARS}, Specifying default values`;
const SPECIAL = `${VARS}, Special characters (\${*}, \${?}, \${$})`;
const VERSION = 'IAM JSON policy elements: Version (variables need 2012-10-17)';
const KEYS = 'AWS global condition context keys';
const UNKNOWN = 'Issue 13: a condition on a key the range does not supply does not match and is reported';

type Condition = NonNullable<Statement['Condition']>;

/** An identity-based allow of s3:GetObject under `condition`: allowed exactly when the condition holds. */
const when = (
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
const denyWhen = (
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

const team = (v: string): RequestContext => ({ 'aws:PrincipalTag/team': v });
const tagKeys = (...keys: string[]): RequestContext => ({ 'aws:TagKeys': keys });
const home = (user: string): string => `${BUCKET}/home/${user}/notes.txt`;

const STRINGS: Case[] = [
  when(
    'StringEquals matches the value',
    STRING,
    { StringEquals: { 'aws:PrincipalTag/team': 'ops' } },
    team('ops'),
    true,
  ),
  when(
    'StringEquals is case-sensitive',
    STRING,
    { StringEquals: { 'aws:PrincipalTag/team': 'ops' } },
    team('Ops'),
    false,
  ),
  when(
    'StringEquals takes * literally',
    STRING,
    { StringEquals: { 'aws:PrincipalTag/team': 'o*' } },
    team('ops'),
    false,
  ),
  when(
    'StringNotEquals of another value',
    STRING,
    { StringNotEquals: { 'aws:PrincipalTag/team': 'ops' } },
    team('dev'),
    true,
  ),
  when(
    'StringNotEquals with several values is false when one equals',
    MULTIPLE,
    { StringNotEquals: { 'aws:PrincipalTag/team': ['ops', 'dev'] } },
    team('dev'),
    false,
  ),
  when(
    'StringNotEquals with several values is true when none equals',
    MULTIPLE,
    { StringNotEquals: { 'aws:PrincipalTag/team': ['ops', 'dev'] } },
    team('qa'),
    true,
  ),
  when(
    'StringEqualsIgnoreCase ignores case',
    STRING,
    { StringEqualsIgnoreCase: { 'aws:PrincipalTag/team': 'OPS' } },
    team('ops'),
    true,
  ),
  when(
    'StringNotEqualsIgnoreCase ignores case',
    STRING,
    { StringNotEqualsIgnoreCase: { 'aws:PrincipalTag/team': 'OPS' } },
    team('ops'),
    false,
  ),
  when(
    'StringLike with *',
    STRING,
    { StringLike: { 's3:prefix': 'home/*' } },
    { 's3:prefix': 'home/alice/' },
    true,
  ),
  when(
    'StringLike with ?',
    STRING,
    { StringLike: { 's3:prefix': 'home/?' } },
    { 's3:prefix': 'home/a' },
    true,
  ),
  when(
    'StringLike without wildcards matches the whole value only',
    STRING,
    { StringLike: { 's3:prefix': 'home' } },
    { 's3:prefix': 'home/alice' },
    false,
  ),
  when(
    'StringLike is case-sensitive',
    STRING,
    { StringLike: { 's3:prefix': 'home/*' } },
    { 's3:prefix': 'HOME/alice' },
    false,
  ),
  when(
    'StringNotLike of a value outside the pattern',
    STRING,
    { StringNotLike: { 's3:prefix': 'home/*' } },
    { 's3:prefix': 'tmp/x' },
    true,
  ),
  when(
    'StringNotLike of a value inside the pattern',
    STRING,
    { StringNotLike: { 's3:prefix': 'home/*' } },
    { 's3:prefix': 'home/x' },
    false,
  ),
  when(
    'several values of one key are OR-ed',
    MULTIPLE,
    { StringEquals: { 'aws:PrincipalTag/team': ['dev', 'ops'] } },
    team('ops'),
    true,
  ),
  when(
    'several keys of one operator are AND-ed',
    MULTIPLE,
    { StringEquals: { 'aws:PrincipalTag/team': 'ops', 'aws:PrincipalTag/env': 'prod' } },
    { 'aws:PrincipalTag/team': 'ops', 'aws:PrincipalTag/env': 'dev' },
    false,
  ),
  when(
    'several operators are AND-ed (both hold)',
    MULTIPLE,
    { StringEquals: { 'aws:PrincipalTag/team': 'ops' }, StringLike: { 's3:prefix': 'home/*' } },
    { 'aws:PrincipalTag/team': 'ops', 's3:prefix': 'home/a' },
    true,
  ),
  when(
    'several operators are AND-ed (one fails)',
    MULTIPLE,
    { StringEquals: { 'aws:PrincipalTag/team': 'ops' }, StringLike: { 's3:prefix': 'home/*' } },
    { 'aws:PrincipalTag/team': 'ops', 's3:prefix': 'tmp/a' },
    false,
  ),
  when(
    'condition key names are case-insensitive',
    `${OPERATORS} (condition key names are not case-sensitive)`,
    { StringEquals: { 'AWS:PRINCIPALTAG/TEAM': 'ops' } },
    team('ops'),
    true,
  ),
  when(
    'StringEquals on an absent key',
    MISSING,
    { StringEquals: { 'aws:PrincipalTag/team': 'ops' } },
    {},
    false,
  ),
  when(
    'StringNotEquals on an absent key',
    MISSING,
    { StringNotEquals: { 'aws:PrincipalTag/team': 'ops' } },
    {},
    true,
  ),
  when('StringNotLike on an absent key', MISSING, { StringNotLike: { 's3:prefix': 'home/*' } }, {}, true),
  when(
    'StringEqualsIfExists on an absent key',
    IF_EXISTS,
    { StringEqualsIfExists: { 'aws:PrincipalTag/team': 'ops' } },
    {},
    true,
  ),
  when(
    'StringEqualsIfExists on a present key that differs',
    IF_EXISTS,
    { StringEqualsIfExists: { 'aws:PrincipalTag/team': 'ops' } },
    team('dev'),
    false,
  ),
  when(
    'StringEqualsIfExists on a present key that equals',
    IF_EXISTS,
    { StringEqualsIfExists: { 'aws:PrincipalTag/team': 'ops' } },
    team('ops'),
    true,
  ),
  when(
    'StringNotEqualsIfExists on a present key that equals',
    IF_EXISTS,
    { StringNotEqualsIfExists: { 'aws:PrincipalTag/team': 'ops' } },
    team('ops'),
    false,
  ),
];

const maxKeys = (n: string): RequestContext => ({ 's3:max-keys': n });
const NUMBERS: Case[] = [
  when('NumericEquals', NUMERIC, { NumericEquals: { 's3:max-keys': '10' } }, maxKeys('10'), true),
  when(
    'NumericEquals compares numbers, not text',
    NUMERIC,
    { NumericEquals: { 's3:max-keys': '10' } },
    maxKeys('10.0'),
    true,
  ),
  when('NumericNotEquals', NUMERIC, { NumericNotEquals: { 's3:max-keys': '10' } }, maxKeys('11'), true),
  when('NumericLessThan below', NUMERIC, { NumericLessThan: { 's3:max-keys': '100' } }, maxKeys('10'), true),
  when(
    'NumericLessThan equal',
    NUMERIC,
    { NumericLessThan: { 's3:max-keys': '100' } },
    maxKeys('100'),
    false,
  ),
  when(
    'NumericLessThanEquals equal',
    NUMERIC,
    { NumericLessThanEquals: { 's3:max-keys': '100' } },
    maxKeys('100'),
    true,
  ),
  when(
    'NumericGreaterThan above',
    NUMERIC,
    { NumericGreaterThan: { 's3:max-keys': '100' } },
    maxKeys('101'),
    true,
  ),
  when(
    'NumericGreaterThanEquals below',
    NUMERIC,
    { NumericGreaterThanEquals: { 's3:max-keys': '100' } },
    maxKeys('99'),
    false,
  ),
  when(
    'NumericLessThanIfExists on an absent key',
    IF_EXISTS,
    { NumericLessThanIfExists: { 's3:max-keys': '100' } },
    {},
    true,
  ),
  when(
    'MFA age older than allowed',
    `${NUMERIC}; ${KEYS}, aws:MultiFactorAuthAge`,
    { NumericLessThan: { 'aws:MultiFactorAuthAge': '3600' } },
    { 'aws:MultiFactorAuthAge': '7200' },
    false,
  ),
  when(
    'a non-numeric request value does not match',
    NUMERIC,
    { NumericEquals: { 's3:max-keys': '10' } },
    maxKeys('ten'),
    false,
  ),
];

const NOW = '2026-12-06T15:00:00Z';
const DATES: Case[] = [
  when(
    'DateGreaterThan',
    DATE,
    { DateGreaterThan: { 'aws:CurrentTime': '2020-04-01T00:00:00Z' } },
    { 'aws:CurrentTime': NOW },
    true,
  ),
  when(
    'DateLessThan',
    DATE,
    { DateLessThan: { 'aws:CurrentTime': '2020-04-01T00:00:00Z' } },
    { 'aws:CurrentTime': NOW },
    false,
  ),
  when(
    'DateEquals between epoch seconds and ISO 8601',
    DATE,
    { DateEquals: { 'aws:CurrentTime': '1577836800' } },
    { 'aws:CurrentTime': '2020-01-01T00:00:00Z' },
    true,
  ),
  when(
    'DateNotEquals of the same instant',
    DATE,
    { DateNotEquals: { 'aws:CurrentTime': '2020-01-01T00:00:00Z' } },
    { 'aws:CurrentTime': '2020-01-01T00:00:00Z' },
    false,
  ),
  when(
    'DateLessThanEquals of the same instant',
    DATE,
    { DateLessThanEquals: { 'aws:CurrentTime': NOW } },
    { 'aws:CurrentTime': NOW },
    true,
  ),
  when(
    'DateGreaterThanEquals of the same instant',
    DATE,
    { DateGreaterThanEquals: { 'aws:CurrentTime': NOW } },
    { 'aws:CurrentTime': NOW },
    true,
  ),
  when(
    'aws:EpochTime in epoch seconds against an ISO date',
    `${DATE}; ${KEYS}, aws:EpochTime`,
    { DateGreaterThan: { 'aws:EpochTime': '2025-01-01T00:00:00Z' } },
    { 'aws:EpochTime': '1767225600' },
    true,
  ),
  when(
    'DateGreaterThanIfExists on an absent key',
    IF_EXISTS,
    { DateGreaterThanIfExists: { 'aws:TokenIssueTime': '2026-01-01T00:00:00Z' } },
    {},
    true,
  ),
  denyWhen(
    'revoking older sessions denies a session issued before the cut-off',
    `${DATE}; IAM roles, Revoke IAM role temporary security credentials (aws:TokenIssueTime)`,
    { DateLessThan: { 'aws:TokenIssueTime': '2026-12-06T12:00:00Z' } },
    { 'aws:TokenIssueTime': '2026-12-06T11:59:00Z' },
    true,
  ),
  denyWhen(
    'revoking older sessions spares a session issued after the cut-off',
    `${DATE}; IAM roles, Revoke IAM role temporary security credentials (aws:TokenIssueTime)`,
    { DateLessThan: { 'aws:TokenIssueTime': '2026-12-06T12:00:00Z' } },
    { 'aws:TokenIssueTime': '2026-12-06T12:01:00Z' },
    false,
  ),
  denyWhen(
    'revoking older sessions does not touch long-term keys (no aws:TokenIssueTime)',
    `${MISSING}; ${KEYS}, aws:TokenIssueTime`,
    { DateLessThan: { 'aws:TokenIssueTime': '2026-12-06T12:00:00Z' } },
    {},
    false,
  ),
];

const BOOLS: Case[] = [
  when(
    'Bool true',
    BOOL,
    { Bool: { 'aws:SecureTransport': 'true' } },
    { 'aws:SecureTransport': 'true' },
    true,
  ),
  when(
    'Bool false against true',
    BOOL,
    { Bool: { 'aws:SecureTransport': 'true' } },
    { 'aws:SecureTransport': 'false' },
    false,
  ),
  denyWhen(
    'BoolIfExists false denies long-term keys, which carry no MFA key',
    `${IF_EXISTS} (aws:MultiFactorAuthPresent example)`,
    { BoolIfExists: { 'aws:MultiFactorAuthPresent': 'false' } },
    {},
    true,
  ),
  denyWhen(
    'BoolIfExists false spares an MFA session',
    IF_EXISTS,
    { BoolIfExists: { 'aws:MultiFactorAuthPresent': 'false' } },
    { 'aws:MultiFactorAuthPresent': 'true' },
    false,
  ),
  denyWhen(
    'plain Bool false does not deny long-term keys (the key is absent)',
    `${KEYS}, aws:MultiFactorAuthPresent; ${MISSING}`,
    { Bool: { 'aws:MultiFactorAuthPresent': 'false' } },
    {},
    false,
  ),
  when(
    'BinaryEquals of the same base-64 value',
    BINARY,
    { BinaryEquals: { 'sirs:Blob': 'QmluYXJ5VmFsdWVJbkJhc2U2NA==' } },
    { 'sirs:Blob': 'QmluYXJ5VmFsdWVJbkJhc2U2NA==' },
    true,
  ),
  when(
    'BinaryEquals of another value',
    BINARY,
    { BinaryEquals: { 'sirs:Blob': 'QmluYXJ5VmFsdWVJbkJhc2U2NA==' } },
    { 'sirs:Blob': 'T3RoZXI=' },
    false,
  ),
];

const ip = (address: string): RequestContext => ({ 'aws:SourceIp': address });
const IPS: Case[] = [
  when(
    'IpAddress inside the range',
    IP,
    { IpAddress: { 'aws:SourceIp': '203.0.113.0/24' } },
    ip('203.0.113.7'),
    true,
  ),
  when(
    'IpAddress outside the range',
    IP,
    { IpAddress: { 'aws:SourceIp': '203.0.113.0/24' } },
    ip('198.51.100.7'),
    false,
  ),
  when(
    'NotIpAddress outside the range',
    IP,
    { NotIpAddress: { 'aws:SourceIp': '203.0.113.0/24' } },
    ip('198.51.100.7'),
    true,
  ),
  when(
    'NotIpAddress inside the range',
    IP,
    { NotIpAddress: { 'aws:SourceIp': '203.0.113.0/24' } },
    ip('203.0.113.7'),
    false,
  ),
  when(
    'a /32 is one address',
    IP,
    { IpAddress: { 'aws:SourceIp': '203.0.113.7/32' } },
    ip('203.0.113.8'),
    false,
  ),
  when(
    'an IPv6 range',
    IP,
    { IpAddress: { 'aws:SourceIp': '2001:DB8:1234:5678::/64' } },
    ip('2001:db8:1234:5678::1'),
    true,
  ),
  when(
    'outside an IPv6 range',
    IP,
    { IpAddress: { 'aws:SourceIp': '2001:DB8:1234:5678::/64' } },
    ip('2001:db8:1234:9999::1'),
    false,
  ),
  when(
    'one of several ranges (IPv4 and IPv6)',
    `${IP}; ${MULTIPLE}`,
    { IpAddress: { 'aws:SourceIp': ['203.0.113.0/24', '2001:DB8:1234:5678::/64'] } },
    ip('2001:db8:1234:5678::abcd'),
    true,
  ),
  when('IpAddress without aws:SourceIp', MISSING, { IpAddress: { 'aws:SourceIp': '0.0.0.0/0' } }, {}, false),
  when(
    'NotIpAddress without aws:SourceIp',
    MISSING,
    { NotIpAddress: { 'aws:SourceIp': '203.0.113.0/24' } },
    {},
    true,
  ),
];

const trail = `arn:aws:cloudtrail:us-east-1:${ACCOUNT}:trail/main`;
const ARNS: Case[] = [
  when(
    'ArnEquals of the same ARN',
    ARN,
    { ArnEquals: { 'aws:SourceArn': trail } },
    { 'aws:SourceArn': trail },
    true,
  ),
  when(
    'ArnLike with wildcard components',
    ARN,
    { ArnLike: { 'aws:SourceArn': `arn:aws:cloudtrail:*:${ACCOUNT}:trail/*` } },
    { 'aws:SourceArn': trail },
    true,
  ),
  when(
    'ArnLike with a wildcard account',
    ARN,
    { ArnLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:role/Ops' } },
    { 'aws:PrincipalArn': `arn:aws:iam::${ACCOUNT}:role/Ops` },
    true,
  ),
  when(
    'ArnLike compares every component (another account)',
    ARN,
    { ArnLike: { 'aws:SourceArn': `arn:aws:sns:*:${ACCOUNT}:alerts` } },
    { 'aws:SourceArn': 'arn:aws:sns:us-east-1:444455556666:alerts' },
    false,
  ),
  when(
    'ArnLike: a * in the resource component spans /',
    ARN,
    { ArnLike: { 'aws:SourceArn': `${BUCKET}/*` } },
    { 'aws:SourceArn': `${BUCKET}/a/b` },
    true,
  ),
  when(
    'ArnNotEquals of another ARN',
    ARN,
    { ArnNotEquals: { 'aws:SourceArn': trail } },
    { 'aws:SourceArn': `${trail}-2` },
    true,
  ),
  when(
    'ArnNotLike of a matching ARN',
    ARN,
    { ArnNotLike: { 'aws:SourceArn': `arn:aws:cloudtrail:*:${ACCOUNT}:trail/*` } },
    { 'aws:SourceArn': trail },
    false,
  ),
  when(
    'ArnLike of a value that is not an ARN',
    ARN,
    { ArnLike: { 'aws:SourceArn': 'arn:aws:*:*:*:*' } },
    { 'aws:SourceArn': 'not-an-arn' },
    false,
  ),
  when('ArnNotLike on an absent key', MISSING, { ArnNotLike: { 'aws:SourceArn': trail } }, {}, true),
];

const NULLS: Case[] = [
  when('Null true of an absent key', NULL, { Null: { 'aws:TokenIssueTime': 'true' } }, {}, true),
  when(
    'Null true of a present key',
    NULL,
    { Null: { 'aws:TokenIssueTime': 'true' } },
    { 'aws:TokenIssueTime': NOW },
    false,
  ),
  when(
    'Null false of a present key',
    NULL,
    { Null: { 'aws:TokenIssueTime': 'false' } },
    { 'aws:TokenIssueTime': NOW },
    true,
  ),
  when('Null false of an absent key', NULL, { Null: { 'aws:TokenIssueTime': 'false' } }, {}, false),
];

const SET_CASES: Case[] = [
  when(
    'ForAllValues: every request value is allowed',
    SETS,
    { 'ForAllValues:StringEquals': { 'aws:TagKeys': ['env', 'team'] } },
    tagKeys('env'),
    true,
  ),
  when(
    'ForAllValues: one request value is not',
    SETS,
    { 'ForAllValues:StringEquals': { 'aws:TagKeys': ['env', 'team'] } },
    tagKeys('env', 'owner'),
    false,
  ),
  when(
    'ForAllValues: an absent key is true',
    SETS,
    { 'ForAllValues:StringEquals': { 'aws:TagKeys': ['env', 'team'] } },
    {},
    true,
  ),
  when(
    'ForAllValues: an empty set is true',
    SETS,
    { 'ForAllValues:StringEquals': { 'aws:TagKeys': ['env', 'team'] } },
    tagKeys(),
    true,
  ),
  when(
    'ForAnyValue: one request value matches',
    SETS,
    { 'ForAnyValue:StringEquals': { 'aws:TagKeys': ['env', 'team'] } },
    tagKeys('owner', 'team'),
    true,
  ),
  when(
    'ForAnyValue: no request value matches',
    SETS,
    { 'ForAnyValue:StringEquals': { 'aws:TagKeys': ['env', 'team'] } },
    tagKeys('owner'),
    false,
  ),
  when(
    'ForAnyValue: an absent key is false',
    SETS,
    { 'ForAnyValue:StringEquals': { 'aws:TagKeys': ['env', 'team'] } },
    {},
    false,
  ),
  when(
    'ForAllValues:StringLike',
    SETS,
    { 'ForAllValues:StringLike': { 'aws:TagKeys': 'sirs-*' } },
    tagKeys('sirs-a', 'sirs-b'),
    true,
  ),
  when(
    'ForAnyValue:StringEquals on aws:CalledVia',
    `${SETS}; ${KEYS}, aws:CalledVia`,
    { 'ForAnyValue:StringEquals': { 'aws:CalledVia': 'cloudformation.amazonaws.com' } },
    { 'aws:CalledVia': ['cloudformation.amazonaws.com'] },
    true,
  ),
  when(
    'ForAllValues:StringNotEquals when no value is forbidden',
    SETS,
    { 'ForAllValues:StringNotEquals': { 'aws:TagKeys': 'secret' } },
    tagKeys('env', 'team'),
    true,
  ),
  when(
    'ForAllValues:StringNotEquals when one value is forbidden',
    SETS,
    { 'ForAllValues:StringNotEquals': { 'aws:TagKeys': 'secret' } },
    tagKeys('env', 'secret'),
    false,
  ),
  when(
    'ForAnyValue:StringNotEquals when one value differs',
    SETS,
    { 'ForAnyValue:StringNotEquals': { 'aws:TagKeys': 'env' } },
    tagKeys('env', 'team'),
    true,
  ),
  when(
    'ForAnyValue:StringNotEquals when every value equals',
    SETS,
    { 'ForAnyValue:StringNotEquals': { 'aws:TagKeys': 'env' } },
    tagKeys('env'),
    false,
  ),
  denyWhen(
    'a deny on tagging with a reserved key',
    SETS,
    { 'ForAnyValue:StringEquals': { 'aws:TagKeys': 'sirs:exercise' } },
    tagKeys('env', 'sirs:exercise'),
    true,
  ),
];

const inHome = (resource: string, extra: Partial<Case> = {}, holds = true, rule = VARS): Case => ({
  name: `\${aws:username} in Resource: ${resource.slice(BUCKET.length)}${extra.principal ? ` as ${extra.principal.type}` : ''}`,
  rule,
  resource,
  context: { 'aws:username': 'alice' },
  identity: [[allow('s3:GetObject', `${BUCKET}/home/\${aws:username}/*`)]],
  expect: holds ? 'allowed' : 'implicitDeny',
  ...extra,
});
const VARIABLES: Case[] = [
  inHome(home('alice')),
  inHome(home('bob'), {}, false),
  inHome(home('alice'), { principal: OPS_SESSION, context: {} }, false, NO_VALUE),
  {
    name: 'a default value when the key is absent',
    rule: DEFAULTS,
    principal: OPS_SESSION,
    resource: home('shared'),
    identity: [[allow('s3:GetObject', `${BUCKET}/home/\${aws:username, 'shared'}/*`)]],
    expect: 'allowed',
  },
  {
    name: 'a default value is not used when the key is present',
    rule: DEFAULTS,
    resource: home('shared'),
    context: { 'aws:username': 'alice' },
    identity: [[allow('s3:GetObject', `${BUCKET}/home/\${aws:username, 'shared'}/*`)]],
    expect: 'implicitDeny',
  },
  {
    name: 'a principal tag as a variable',
    rule: `${VARS}, Tags as policy variables`,
    resource: `${BUCKET}/teams/ops/plan.md`,
    context: team('ops'),
    identity: [[allow('s3:GetObject', `${BUCKET}/teams/\${aws:PrincipalTag/team}/*`)]],
    expect: 'allowed',
  },
  {
    name: 'aws:userid as a variable',
    rule: VARS,
    resource: `${BUCKET}/ids/AIDAEXAMPLE/x`,
    context: { 'aws:userid': 'AIDAEXAMPLE' },
    identity: [[allow('s3:GetObject', `${BUCKET}/ids/\${aws:userid}/*`)]],
    expect: 'allowed',
  },
  {
    name: 'variable names are case-insensitive',
    rule: VARS,
    resource: home('alice'),
    context: { 'aws:username': 'alice' },
    identity: [[allow('s3:GetObject', `${BUCKET}/home/\${AWS:UserName}/*`)]],
    expect: 'allowed',
  },
  {
    name: 'a multivalued key cannot be a variable',
    rule: `${SETS} (multivalued keys cannot be policy variables)`,
    resource: `${BUCKET}/via/cloudformation.amazonaws.com`,
    context: { 'aws:CalledVia': ['cloudformation.amazonaws.com'] },
    identity: [[allow('s3:GetObject', `${BUCKET}/via/\${aws:CalledVia}`)]],
    expect: 'implicitDeny',
  },
  when(
    'a variable in a StringLike condition',
    VARS,
    { StringLike: { 's3:prefix': 'home/${aws:username}/*' } },
    { 's3:prefix': 'home/alice/docs', 'aws:username': 'alice' },
    true,
  ),
  when(
    "a variable in a StringEquals condition (someone else's tag)",
    VARS,
    { StringEquals: { 'aws:ResourceTag/owner': '${aws:username}' } },
    { 'aws:ResourceTag/owner': 'bob', 'aws:username': 'alice' },
    false,
  ),
  when(
    'a variable in a StringEquals condition (own tag)',
    VARS,
    { StringEquals: { 'aws:ResourceTag/owner': '${aws:username}' } },
    { 'aws:ResourceTag/owner': 'alice', 'aws:username': 'alice' },
    true,
  ),
  inHome(
    home('alice'),
    { version: '2008-10-17', name: 'Version 2008-10-17 takes ${aws:username} literally' },
    false,
    VERSION,
  ),
  inHome(
    home('alice'),
    { version: null, name: 'no Version takes ${aws:username} literally' },
    false,
    VERSION,
  ),
  {
    name: '${*} is a literal * (not a wildcard)',
    rule: SPECIAL,
    identity: [[allow('s3:GetObject', `${BUCKET}/\${*}`)]],
    expect: 'implicitDeny',
  },
  {
    name: '${*} matches a key named *',
    rule: SPECIAL,
    resource: `${BUCKET}/*`,
    identity: [[allow('s3:GetObject', `${BUCKET}/\${*}`)]],
    expect: 'allowed',
  },
  {
    name: '${?} is a literal ?',
    rule: SPECIAL,
    resource: `${BUCKET}/a`,
    identity: [[allow('s3:GetObject', `${BUCKET}/\${?}`)]],
    expect: 'implicitDeny',
  },
  {
    name: '${$} is a literal $',
    rule: SPECIAL,
    resource: `${BUCKET}/price$`,
    identity: [[allow('s3:GetObject', `${BUCKET}/price\${$}`)]],
    expect: 'allowed',
  },
];

const UNKNOWN_KEYS: Case[] = [
  when(
    'a key the range does not supply is reported',
    UNKNOWN,
    { StringEquals: { 'sirs:Flavour': 'mint' } },
    {},
    false,
    { unknownKeys: ['sirs:Flavour'] },
  ),
  when(
    'a range key that is absent is not reported',
    UNKNOWN,
    { StringEquals: { 'aws:PrincipalTag/team': 'ops' } },
    {},
    false,
    { unknownKeys: [] },
  ),
  when(
    'a service key the caller supplied is known',
    UNKNOWN,
    { StringLike: { 's3:prefix': 'home/*' } },
    { 's3:prefix': 'home/a' },
    true,
    { unknownKeys: [] },
  ),
  when(
    'a negated condition on an unknown key holds and is still reported',
    `${UNKNOWN}; ${MISSING}`,
    { StringNotEquals: { 'aws:SourceVpce': 'vpce-1a2b3c4d' } },
    {},
    true,
    { unknownKeys: ['aws:SourceVpce'] },
  ),
  when(
    'IfExists on an unknown key holds and is still reported',
    `${UNKNOWN}; ${IF_EXISTS}`,
    { StringEqualsIfExists: { 'ec2:InstanceType': 't3.micro' } },
    {},
    true,
    { unknownKeys: ['ec2:InstanceType'] },
  ),
  {
    name: 'an unknown key in a statement that does not apply is not reported',
    rule: UNKNOWN,
    identity: [
      [
        allow('s3:GetObject'),
        allow('ec2:RunInstances', '*', { StringEquals: { 'ec2:InstanceType': 't3.micro' } }),
      ],
    ],
    expect: 'allowed',
    unknownKeys: [],
  },
];

export const CONDITION_CASES: Case[] = [
  ...STRINGS,
  ...NUMBERS,
  ...DATES,
  ...BOOLS,
  ...IPS,
  ...ARNS,
  ...NULLS,
  ...SET_CASES,
  ...VARIABLES,
  ...UNKNOWN_KEYS,
].map((c) => ({ ...c, principal: c.principal ?? ALICE }));
