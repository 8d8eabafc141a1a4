/**
 * The condition keys the range supplies in a request context. A condition on a key outside this
 * list that the request context also lacks cannot match, and the evaluator reports it in
 * `Decision.unknownKeys` so the engine can log it (never silently).
 *
 * A name ending in `/*` stands for a family of keys (`aws:PrincipalTag/team`, `aws:ResourceTag/env`).
 */
export const RANGE_CONTEXT_KEYS: readonly string[] = [
  'aws:SourceIp',
  'aws:SecureTransport',
  'aws:CurrentTime',
  'aws:EpochTime',
  'aws:RequestedRegion',
  'aws:PrincipalArn',
  'aws:PrincipalAccount',
  'aws:PrincipalType',
  'aws:PrincipalTag/*',
  'aws:userid',
  'aws:username',
  'aws:MultiFactorAuthPresent',
  'aws:MultiFactorAuthAge',
  'aws:TokenIssueTime',
  'aws:CalledVia',
  'aws:CalledViaFirst',
  'aws:CalledViaLast',
  'aws:ViaAWSService',
  'aws:UserAgent',
  'aws:ResourceTag/*',
  'aws:RequestTag/*',
  'aws:TagKeys',
  'aws:SourceAccount',
  'aws:SourceArn',
  'aws:ResourceAccount',
  'aws:PrincipalIsAWSService',
  // Set on iam:PassRole only, to the service a request hands the role to (see authz/passed-roles.ts).
  'iam:PassedToService',
];

const exact = new Set(RANGE_CONTEXT_KEYS.filter((k) => !k.endsWith('/*')).map((k) => k.toLowerCase()));
const families = RANGE_CONTEXT_KEYS.filter((k) => k.endsWith('/*')).map((k) => k.slice(0, -1).toLowerCase());

/** Whether the range supplies `key` (case-insensitive, as condition key names are) when it applies. */
export function isRangeContextKey(key: string): boolean {
  const lower = key.toLowerCase();
  return (
    exact.has(lower) || families.some((prefix) => lower.startsWith(prefix) && lower.length > prefix.length)
  );
}
