import type { CallContext } from '../../context.js';
import { parsePolicy } from '../../policy/parse.js';
import type { SourcedPolicy } from '../../policy/types.js';
import { snsState } from './store.js';

const NO_STATEMENTS = { Statement: [] };

const TOPIC_ARN = /^arn:aws:sns:([a-z0-9-]+):(\d{12}):([\w-]+(?:\.fifo)?)$/;

/**
 * A topic's access policy (its `Policy` attribute), as the engine's authorizer evaluates it with the
 * caller's IAM policies: it can let another account publish or subscribe, and its Deny statements bind
 * everyone. A topic still on SNS's default policy (which grants only to the owner's account, through a
 * legacy `AWS:SourceOwner` condition) gets a policy without statements: the owner's IAM policies decide,
 * and another account's callers, whom nothing in it names, are refused.
 */
export function topicPolicy(
  ctx: CallContext,
  _action: string,
  resourceArn: string,
): SourcedPolicy | undefined {
  const m = TOPIC_ARN.exec(resourceArn);
  if (!m) return undefined;
  const [, region, accountId] = m as unknown as [string, string, string];
  const topic = ctx.state(snsState, { accountId, region }).topics[resourceArn];
  if (!topic) return undefined;
  const id = `${resourceArn}/policy`;
  const text = topic.Attributes.Policy;
  try {
    return { id, kind: 'resource', document: text ? parsePolicy(text) : NO_STATEMENTS };
  } catch {
    return { id, kind: 'resource', document: NO_STATEMENTS };
  }
}
