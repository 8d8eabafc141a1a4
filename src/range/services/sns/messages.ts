import type { StateRegistry } from '../../state.js';
import { parseTopicArn, snsState, type PublishedMessage } from './store.js';

/**
 * Range-only read paths. SNS has no API to read back what was published or the token a pending
 * subscription was sent, so tests and sirs (through the in-process `Range`) read the store directly.
 * Neither creates anything: an unknown topic reads as empty.
 */

function slotOf(state: StateRegistry, topicArn: string) {
  const parts = parseTopicArn(topicArn);
  if (!parts) return undefined;
  return state.all(snsState).find((x) => x.accountId === parts.accountId && x.region === parts.region)?.value;
}

/** The messages published to a topic (the last 100), oldest first. */
export function publishedMessages(state: StateRegistry, topicArn: string): PublishedMessage[] {
  const topic = slotOf(state, topicArn)?.topics[topicArn];
  return (topic?.Messages ?? []).map((m) => ({ ...m }));
}

/** The pending subscriptions of a topic with the confirmation token SNS would have sent each endpoint. */
export function pendingConfirmations(
  state: StateRegistry,
  topicArn: string,
): Array<{ Protocol: string; Endpoint: string; Token: string }> {
  const slot = slotOf(state, topicArn);
  return Object.values(slot?.subscriptions ?? {})
    .filter((s) => s.TopicArn === topicArn && s.pending)
    .map((s) => ({ Protocol: s.Protocol, Endpoint: s.Endpoint, Token: s.token }));
}
