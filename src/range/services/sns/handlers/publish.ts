import type { PublishInput, PublishResponse } from '@aws-sdk/client-sns';
import type { CallContext } from '../../../context.js';
import { uuid } from '../../../ids.js';
import { invalidParameter, topicOf } from '../errors.js';
import { MESSAGE_LIMIT, type PublishedMessage } from '../store.js';

const MAX_BYTES = 256 * 1024;

/**
 * Publish to a topic. Nothing is delivered to subscribers (the range has no queues, functions or
 * mail); the topic keeps its last messages for tests and sirs to read (see ../README.md).
 */
export function publish(ctx: CallContext, input: PublishInput): PublishResponse {
  if (input.PhoneNumber !== undefined && input.TopicArn === undefined && input.TargetArn === undefined) {
    throw invalidParameter('PhoneNumber Reason: the range does not send SMS messages');
  }
  const arn = input.TopicArn ?? input.TargetArn;
  if (arn === undefined)
    throw invalidParameter('TopicArn or TargetArn Reason: no value for required parameter');
  if (input.TopicArn !== undefined && input.TargetArn !== undefined) {
    throw invalidParameter('TopicArn or TargetArn Reason: Only one of them may be specified');
  }
  const topic = topicOf(ctx, arn, input.TopicArn !== undefined ? 'TopicArn' : 'TargetArn');
  const message = input.Message ?? '';
  if (message.length === 0) throw invalidParameter('Empty message');
  if (Buffer.byteLength(message) > MAX_BYTES) throw invalidParameter('Message too long');
  const subject = input.Subject;
  if (
    subject !== undefined &&
    (subject.length === 0 || subject.length > 100 || !/^[\x20-\x7e]+$/.test(subject) || /^\s/.test(subject))
  ) {
    throw invalidParameter('Subject');
  }
  if (input.MessageStructure !== undefined) {
    if (input.MessageStructure !== 'json') throw invalidParameter('MessageStructure');
    let body: unknown;
    try {
      body = JSON.parse(message);
    } catch {
      throw invalidParameter('Message Structure - JSON message body failed to parse');
    }
    if (!body || typeof body !== 'object' || typeof (body as Record<string, unknown>).default !== 'string') {
      throw invalidParameter('Message Structure - No default entry in JSON message body');
    }
  }
  for (const [name, attr] of Object.entries(input.MessageAttributes ?? {})) {
    if (!attr.DataType) throw invalidParameter(`MessageAttributes.${name}.DataType is required`);
    if (attr.StringValue === undefined && attr.BinaryValue === undefined) {
      throw invalidParameter(
        `The message attribute '${name}' must contain non-empty message attribute value.`,
      );
    }
  }
  const fifo = topic.Name.endsWith('.fifo');
  if (fifo && !input.MessageGroupId)
    throw invalidParameter('The MessageGroupId parameter is required for FIFO topics');
  if (fifo && !input.MessageDeduplicationId && topic.Attributes.ContentBasedDeduplication !== 'true') {
    throw invalidParameter(
      'The topic should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly',
    );
  }
  if (!fifo && input.MessageDeduplicationId !== undefined) {
    throw invalidParameter(
      'MessageDeduplicationId Reason: The request includes MessageDeduplicationId parameter that is not valid for this topic type',
    );
  }

  const stored: PublishedMessage = {
    MessageId: uuid(),
    TopicArn: topic.TopicArn,
    Message: message,
    Timestamp: ctx.now,
    PublishedBy: ctx.principal.arn,
  };
  if (subject !== undefined) stored.Subject = subject;
  if (input.MessageStructure !== undefined) stored.MessageStructure = input.MessageStructure;
  if (input.MessageAttributes !== undefined) stored.MessageAttributes = input.MessageAttributes;
  if (input.MessageGroupId !== undefined) stored.MessageGroupId = input.MessageGroupId;
  if (input.MessageDeduplicationId !== undefined)
    stored.MessageDeduplicationId = input.MessageDeduplicationId;
  if (fifo) stored.SequenceNumber = String(topic.nextSequence++).padStart(20, '0');
  topic.Messages.push(stored);
  if (topic.Messages.length > MESSAGE_LIMIT) topic.Messages.splice(0, topic.Messages.length - MESSAGE_LIMIT);
  return { MessageId: stored.MessageId, SequenceNumber: stored.SequenceNumber };
}
