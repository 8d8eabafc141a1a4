import type { CallContext } from '../../context.js';
import { DEFAULT_ADMIN_USER, type Credential, type Principal } from '../../identity.js';
import { parsePolicy } from '../../policy/parse.js';
import type { PolicyDocument, SourcedPolicy } from '../../policy/types.js';
import { awsManagedPolicy } from './aws-policies.js';
import { decodeDocument } from './documents.js';
import { iamOf, keyOf, type IamState } from './store.js';

/**
 * The policies IAM evaluates for a principal's request (IAM User Guide, "Policy evaluation logic"):
 * identity-based policies (the user's inline and attached policies and those of its groups, or the
 * role's), its permissions boundary, and the session policies the session was created with. The
 * account root and the range's built-in administrator of the default account are unrestricted.
 */
export type PrincipalPolicies =
  | { unrestricted: true }
  | {
      unrestricted: false;
      identity: SourcedPolicy[];
      boundary?: SourcedPolicy;
      session?: SourcedPolicy[];
    };

/** What one entity's policies are made of: ids, kinds and document texts, compared by identity. */
interface Source {
  id: string;
  kind: SourcedPolicy['kind'];
  text: string | undefined;
}

interface Memo {
  sources: Source[];
  result: PrincipalPolicies;
}

const UNRESTRICTED: PrincipalPolicies = { unrestricted: true };
const NOTHING: PrincipalPolicies = { unrestricted: false, identity: [] };

/**
 * Called for every request of a non-administrator, so it must be cheap: gathering the document texts
 * is a few lookups, and when every text (and id) is the very same string as last time the previous
 * answer, with the same parsed documents, is returned. Keyed by the principal's ARN within the IAM
 * store object, so a store read back from disk or another account never sees a stale answer, and
 * every way a policy can change (API, CloudFormation, a restart) is noticed without a version counter.
 * The returned lists are shared between calls: callers must not modify them.
 */
const memos = new WeakMap<IamState, Map<string, Memo>>();

export function principalPolicies(
  ctx: CallContext,
  principal: Principal,
  credential?: Credential,
): PrincipalPolicies {
  if (principal.type === 'Root') return UNRESTRICTED;
  if (principal.type === 'AWSAccount') return NOTHING;
  if (
    principal.type === 'IAMUser' &&
    principal.userName === DEFAULT_ADMIN_USER &&
    principal.accountId === ctx.range.accountId
  ) {
    return UNRESTRICTED;
  }
  const iam = iamOf(ctx, principal.accountId);
  const sources = sourcesOf(iam, principal, credential);
  if (!sources) return NOTHING;
  let byPrincipal = memos.get(iam);
  if (!byPrincipal) memos.set(iam, (byPrincipal = new Map()));
  const memo = byPrincipal.get(principal.arn);
  if (memo && sameSources(memo.sources, sources)) return memo.result;
  const result = assemble(sources);
  byPrincipal.set(principal.arn, { sources, result });
  return result;
}

/** The policy sources of a user or role session; undefined when the entity no longer exists. */
function sourcesOf(
  iam: IamState,
  principal: Principal,
  credential: Credential | undefined,
): Source[] | undefined {
  const out: Source[] = [];
  let boundaryArn: string | undefined;
  if (principal.type === 'IAMUser') {
    const user = principal.userName ? iam.users[keyOf(principal.userName)] : undefined;
    if (!user) return undefined;
    entityPolicies(iam, user.Arn, user.inlinePolicies, user.attachedPolicies, out);
    for (const name of user.groups) {
      const group = iam.groups[keyOf(name)];
      if (group) entityPolicies(iam, group.Arn, group.inlinePolicies, group.attachedPolicies, out);
    }
    boundaryArn = user.PermissionsBoundary;
  } else if (principal.type === 'AssumedRole' && principal.session) {
    const role = iam.roles[keyOf(principal.session.roleName)];
    if (!role || role.RoleId !== principal.session.roleId) return undefined;
    entityPolicies(iam, role.Arn, role.inlinePolicies, role.attachedPolicies, out);
    boundaryArn = role.PermissionsBoundary;
  } else {
    return undefined;
  }
  if (boundaryArn) out.push({ id: boundaryArn, kind: 'boundary', text: managedText(iam, boundaryArn) });
  if (typeof credential?.sessionPolicy === 'string') {
    out.push({ id: `${principal.arn}/session-policy`, kind: 'session', text: credential.sessionPolicy });
  }
  for (const arn of Array.isArray(credential?.sessionPolicyArns) ? credential.sessionPolicyArns : []) {
    if (typeof arn === 'string') out.push({ id: arn, kind: 'session', text: managedText(iam, arn) });
  }
  return out;
}

function entityPolicies(
  iam: IamState,
  entityArn: string,
  inline: Readonly<Record<string, string>>,
  attached: readonly string[],
  out: Source[],
): void {
  for (const name of Object.keys(inline)) {
    out.push({ id: `${entityArn}/inline/${name}`, kind: 'identity', text: inline[name] });
  }
  for (const arn of attached) out.push({ id: arn, kind: 'identity', text: managedText(iam, arn) });
}

/** The default version's document of an AWS managed or customer managed policy. */
function managedText(iam: IamState, arn: string): string | undefined {
  const aws = awsManagedPolicy(arn);
  if (aws) return aws.Document;
  const local = iam.policies[arn];
  return local?.versions[local.DefaultVersionId]?.Document;
}

function sameSources(a: readonly Source[], b: readonly Source[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i] as Source;
    const y = b[i] as Source;
    if (x.text !== y.text || x.id !== y.id || x.kind !== y.kind) return false;
  }
  return true;
}

function assemble(sources: readonly Source[]): PrincipalPolicies {
  const identity: SourcedPolicy[] = [];
  const session: SourcedPolicy[] = [];
  let boundary: SourcedPolicy | undefined;
  for (const s of sources) {
    const policy: SourcedPolicy = { id: s.id, kind: s.kind, document: documentOf(s.text) };
    if (s.kind === 'boundary') boundary = policy;
    else if (s.kind === 'session') session.push(policy);
    else identity.push(policy);
  }
  return {
    unrestricted: false,
    identity,
    ...(boundary ? { boundary } : {}),
    ...(session.length ? { session } : {}),
  };
}

/**
 * Stored documents were validated when IAM accepted them; one that cannot be read (a managed policy
 * deleted since a session named it) grants nothing rather than failing the request.
 */
function documentOf(text: string | undefined): PolicyDocument {
  if (text === undefined) return NO_STATEMENTS;
  try {
    return parsePolicy(decodeDocument(text));
  } catch {
    return NO_STATEMENTS;
  }
}

const NO_STATEMENTS: PolicyDocument = { Statement: [] };
