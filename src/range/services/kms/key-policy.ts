import type { CallContext } from '../../context.js';
import { parsePolicy } from '../../policy/parse.js';
import type { SourcedPolicy } from '../../policy/types.js';
import { kmsState } from './store.js';

const KEY_ARN = /^arn:aws:kms:([a-z0-9-]+):(\d{12}):key\/([0-9a-f-]+)$/;

/**
 * The key policy of a key, as the engine's authorizer evaluates it with the caller's IAM policies. A key
 * policy is required: "Unless the key policy explicitly allows it, you cannot use IAM policies to allow
 * access to a KMS key" (KMS Developer Guide, "Key policies"), which the authorizer applies for KMS
 * (`resourcePolicyRequired`). A key that does not exist has no policy here: the handler answers
 * NotFoundException.
 */
export function keyPolicy(ctx: CallContext, _action: string, resourceArn: string): SourcedPolicy | undefined {
  const m = KEY_ARN.exec(resourceArn);
  if (!m) return undefined;
  const [, region, accountId, keyId] = m as unknown as [string, string, string, string];
  const key = ctx.state(kmsState, { accountId, region }).keys[keyId];
  if (!key) return undefined;
  try {
    return { id: `${key.arn}/key-policy/default`, kind: 'resource', document: parsePolicy(key.policy) };
  } catch {
    return { id: `${key.arn}/key-policy/default`, kind: 'resource', document: { Statement: [] } };
  }
}
