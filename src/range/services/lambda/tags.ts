import type {
  ListTagsRequest,
  ListTagsResponse,
  TagResourceRequest,
  UntagResourceRequest,
} from '@aws-sdk/client-lambda';
import type { CallContext } from '../../context.js';
import { ServiceError } from '../../errors.js';
import { record } from '../../records.js';
import { findFunction, type LambdaFunction } from './store.js';

// Tags on a function, by its ARN (TagResource, UntagResource, ListTags).

function taggedFunction(ctx: CallContext, arn: string | undefined): LambdaFunction {
  if (!arn?.startsWith('arn:')) {
    throw new ServiceError(
      'ValidationException',
      `1 validation error detected: Value '${(arn ?? '').slice(0, 200)}' at 'resource' failed to satisfy constraint: Member must satisfy regular expression pattern: arn:(aws[a-zA-Z-]*):lambda:[a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\\d{1}:\\d{12}:(function:[a-zA-Z0-9-_]+(:(\\$LATEST|[a-zA-Z0-9-_]+))?|layer:([a-zA-Z0-9-_]+)|code-signing-config:csc-[a-z0-9]{17}|event-source-mapping:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})`,
    );
  }
  return findFunction(ctx, arn);
}

export function tagResource(ctx: CallContext, input: TagResourceRequest): Record<string, never> {
  const fn = taggedFunction(ctx, input.Resource);
  const tags = record(Object.entries(fn.tags));
  for (const [k, v] of Object.entries(input.Tags ?? {})) tags[k] = v;
  if (Object.keys(tags).length > 50) {
    throw new ServiceError('InvalidParameterValueException', 'Number of tags exceeds resource tag limit.');
  }
  fn.tags = tags;
  return {};
}

export function untagResource(ctx: CallContext, input: UntagResourceRequest): Record<string, never> {
  const fn = taggedFunction(ctx, input.Resource);
  const drop = new Set(input.TagKeys ?? []);
  fn.tags = record(Object.entries(fn.tags).filter(([k]) => !drop.has(k)));
  return {};
}

export function listTags(ctx: CallContext, input: ListTagsRequest): ListTagsResponse {
  return { Tags: { ...taggedFunction(ctx, input.Resource).tags } };
}
