/** The documentation sections the case table cites (IAM User Guide unless named otherwise). */

export const ENFORCEMENT =
  'IAM User Guide, How AWS enforcement code logic evaluates requests to allow or deny access';
export const SINGLE = 'IAM User Guide, Policy evaluation for requests within a single account';
export const ACTION = 'IAM JSON policy elements: Action (names are case-insensitive, * and ? wildcards)';
export const NOT_ACTION = 'IAM JSON policy elements: NotAction';
export const RESOURCE = 'IAM JSON policy elements: Resource, Using wildcards in resource ARNs';
export const NOT_RESOURCE = 'IAM JSON policy elements: NotResource';
export const BOUNDARY =
  'Permissions boundaries for IAM entities, Evaluating effective permissions with boundaries';
export const SESSION = 'Policies and permissions in IAM, Session policies';
export const RESOURCE_POLICY = `${ENFORCEMENT}, Resource-based policies (same account)`;
export const PRINCIPAL = 'AWS JSON policy elements: Principal';
export const NOT_PRINCIPAL = 'AWS JSON policy elements: NotPrincipal';
export const CROSS = 'Cross-account policy evaluation logic';
export const KMS =
  'AWS KMS Developer Guide, Key policies: the default key policy allows the account and enables IAM policies';
export const TRUST =
  'IAM roles, Role trust policies: the trust policy must allow the principal or its account';
export const OPERATORS = 'IAM JSON policy elements: Condition operators';
export const STRING = `${OPERATORS}, String condition operators`;
export const NUMERIC = `${OPERATORS}, Numeric condition operators`;
export const DATE = `${OPERATORS}, Date condition operators`;
export const BOOL = `${OPERATORS}, Boolean condition operators`;
export const BINARY = `${OPERATORS}, Binary condition operators`;
export const IP = `${OPERATORS}, IP address condition operators`;
export const ARN = `${OPERATORS}, Amazon Resource Name (ARN) condition operators`;
export const IF_EXISTS = `${OPERATORS}, ...IfExists condition operators`;
export const NULL = `${OPERATORS}, Condition operator to check existence of condition keys`;
export const MISSING = `${OPERATORS} (a key absent from the request context does not match; a negated operator is then true)`;
export const MULTIPLE =
  'Conditions with multiple context keys or values (AND across operators and keys, OR across values, NOR for negated operators)';
export const SETS = 'Single-valued vs. multivalued context keys, Set operators for multivalued context keys';
export const VARS = 'IAM policy elements: Variables and tags';
export const NO_VALUE = `${VARS}, Policy variables with no value`;
export const DEFAULTS = `${VARS}, Specifying default values`;
export const SPECIAL = `${VARS}, Special characters (\${*}, \${?}, \${$})`;
export const VERSION = 'IAM JSON policy elements: Version (variables need 2012-10-17)';
export const KEYS = 'AWS global condition context keys';
export const UNKNOWN =
  'Issue 13: a condition on a key the range does not supply does not match and is reported';
