/**
 * The shapes of IAM policy evaluation on the range: one evaluator (`evaluate.ts`) answers for every
 * service (the engine's authorizer), for S3 bucket policies and ACL-free grants, for role trust
 * policies, and for `iam:SimulatePrincipalPolicy` / `iam:SimulateCustomPolicy`.
 *
 * The evaluation order is the one documented in "Policy evaluation logic" (IAM User Guide): an explicit
 * Deny in any applicable policy wins; then, within the account, a resource-based policy's Allow or an
 * identity-based policy's Allow that every permissions boundary and session policy also allows; across
 * accounts, both the identity-based policy and the resource-based policy must allow.
 */

/** A condition context value: a single value or a multivalued key (`aws:TagKeys`, `aws:CalledVia`). */
export type ContextValue = string | readonly string[];

/** Request context keys (`aws:SourceIp`, `s3:prefix`, ...). Key names are matched case-insensitively. */
export type RequestContext = Readonly<Record<string, ContextValue | undefined>>;

/** A policy statement as written (strings or lists of strings). */
export interface Statement {
  Sid?: string;
  Effect: 'Allow' | 'Deny';
  Principal?: '*' | Record<string, string | string[]>;
  NotPrincipal?: '*' | Record<string, string | string[]>;
  Action?: string | string[];
  NotAction?: string | string[];
  Resource?: string | string[];
  NotResource?: string | string[];
  Condition?: Record<string, Record<string, unknown>>;
}

export interface PolicyDocument {
  Version?: string;
  Id?: string;
  Statement: Statement[];
}

/** A policy and where it came from, for decisions, messages and the simulator's MatchedStatements. */
export interface SourcedPolicy {
  /** e.g. `arn:aws:iam::123456789012:policy/ReadOnly`, `user/alice/inline/deny-all`, `bucket-policy`. */
  id: string;
  kind: 'identity' | 'boundary' | 'session' | 'resource';
  document: PolicyDocument;
}

/** Who is asking, as a policy's Principal element and the aws:Principal* keys see it. */
export interface RequestPrincipal {
  /** `arn:aws:iam::111122223333:user/alice`, `arn:aws:sts::111122223333:assumed-role/R/s`, `...:root`, or '' for anonymous. */
  arn: string;
  accountId: string;
  type: 'Root' | 'IAMUser' | 'AssumedRole' | 'Anonymous' | 'Service';
  /** For an assumed-role session: the role's ARN (a Principal naming the role matches its sessions). */
  roleArn?: string;
  /** For `Principal: { Service: ... }` (a service acting, e.g. `cloudtrail.amazonaws.com`). */
  service?: string;
  /** S3's canonical user id of the caller's account, for `Principal: { CanonicalUser: ... }`. */
  canonicalUserId?: string;
}

export interface EvaluationRequest {
  principal: RequestPrincipal;
  /** `service:Action` as IAM names it, e.g. `ec2:DescribeInstances`, `s3:GetObject`. */
  action: string;
  /** The resource ARN the action is on, or `*` for actions without resource-level permissions. */
  resource: string;
  /** The account that owns the resource (cross-account evaluation); default: the principal's. */
  resourceAccountId?: string;
  context: RequestContext;
}

export interface EvaluationInput {
  request: EvaluationRequest;
  /** Identity-based policies of the principal (user, its groups; or the role). */
  identity: readonly SourcedPolicy[];
  /** The principal's permissions boundary, when it has one. */
  boundary?: SourcedPolicy;
  /** Session policies passed when the session was created (AssumeRole's Policy/PolicyArns). */
  session?: readonly SourcedPolicy[];
  /** The resource-based policy of the resource (bucket policy, key policy, topic policy, trust policy). */
  resource?: SourcedPolicy;
  /**
   * Key policies (KMS) must themselves allow the account before identity policies count; set for a
   * resource policy that AWS treats that way.
   */
  resourcePolicyRequired?: boolean;
}

export type DecisionKind = 'allowed' | 'explicitDeny' | 'implicitDeny';

/** Which kind of policy decided, for AWS's error message (`... because no identity-based policy allows ...`). */
export type DecidedBy = 'identity' | 'boundary' | 'session' | 'resource';

export interface MatchedStatement {
  policyId: string;
  kind: SourcedPolicy['kind'];
  /** Index in the policy's Statement list. */
  index: number;
  sid?: string;
  effect: 'Allow' | 'Deny';
}

export interface Decision {
  decision: DecisionKind;
  /** For denials: the policy kind named in AWS's message. */
  decidedBy?: DecidedBy;
  /** Statements that matched the request (allows and denies), as the simulator reports them. */
  matched: MatchedStatement[];
  /**
   * Condition keys the range does not know that a statement used (they did not match): logged by the
   * caller, never silently ignored.
   */
  unknownKeys: string[];
  /**
   * Every condition key a statement evaluated that the request context lacked (known to the range or
   * not), as the policy simulator's MissingContextValues reports them.
   */
  missingKeys?: string[];
}
