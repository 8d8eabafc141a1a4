import type { CallContext } from '../../context.js';
import { ServiceError } from '../../errors.js';
import { parseTopicArn, snsState, type StoredTopic } from './store.js';

/** SNS words its parameter errors "Invalid parameter: <what>[ Reason: <why>]". */
export function invalidParameter(what: string): ServiceError {
  return new ServiceError('InvalidParameter', `Invalid parameter: ${what}`);
}

export function topicNotFound(): ServiceError {
  return new ServiceError('NotFound', 'Topic does not exist', 404);
}

export const invalidNextToken = () => invalidParameter('NextToken');

/** The topic an ARN names, in the caller's region; NotFound when it does not exist. */
export function topicOf(ctx: CallContext, arn: string | undefined, param = 'TopicArn'): StoredTopic {
  const parts = parseTopicArn(arn);
  if (!parts) throw invalidParameter(param);
  if (parts.region !== ctx.region) throw invalidParameter(param);
  const topic = ctx.state(snsState, { accountId: parts.accountId }).topics[arn as string];
  if (!topic) throw topicNotFound();
  return topic;
}
