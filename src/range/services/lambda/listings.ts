import type {
  GetFunctionUrlConfigRequest,
  GetFunctionUrlConfigResponse,
  ListAliasesRequest,
  ListAliasesResponse,
  ListEventSourceMappingsRequest,
  ListEventSourceMappingsResponse,
  ListFunctionUrlConfigsRequest,
  ListFunctionUrlConfigsResponse,
  ListVersionsByFunctionRequest,
  ListVersionsByFunctionResponse,
} from '@aws-sdk/client-lambda';
import type { CallContext } from '../../context.js';
import { ServiceError } from '../../errors.js';
import { paginate } from '../../paginate.js';
import { configurationOf } from './functions.js';
import { findFunction, parseFunctionName } from './store.js';

/**
 * The read-only listings a responder runs on a suspicious function. The range keeps `$LATEST` only and
 * has no aliases, event source mappings or function URLs, so those lists are empty, and a function
 * URL is not found, as on a function that has none.
 */

function checkMaxItems(max: number | undefined, limit: number): void {
  if (max !== undefined && (max < 1 || max > limit)) {
    throw new ServiceError(
      'ValidationException',
      `1 validation error detected: Value '${max}' at 'maxItems' failed to satisfy constraint: Member must have value ${max < 1 ? 'greater than or equal to 1' : `less than or equal to ${limit}`}`,
    );
  }
}

const invalidMarker = (): ServiceError =>
  new ServiceError('InvalidParameterValueException', 'Invalid marker');

export function listVersionsByFunction(
  ctx: CallContext,
  input: ListVersionsByFunctionRequest,
): ListVersionsByFunctionResponse {
  checkMaxItems(input.MaxItems, 10000);
  const fn = findFunction(ctx, input.FunctionName ?? '');
  const { page, nextToken } = paginate([configurationOf(fn)], {
    token: input.Marker,
    max: input.MaxItems,
    defaultMax: 50,
    invalidToken: invalidMarker,
  });
  return { Versions: page, ...(nextToken ? { NextMarker: nextToken } : {}) };
}

export function listAliases(ctx: CallContext, input: ListAliasesRequest): ListAliasesResponse {
  checkMaxItems(input.MaxItems, 10000);
  const fn = findFunction(ctx, input.FunctionName ?? '');
  if (input.FunctionVersion !== undefined && input.FunctionVersion !== '$LATEST') {
    // A version the range never published: it has no aliases either.
    findFunction(ctx, fn.name, input.FunctionVersion);
  }
  return { Aliases: [] };
}

export function listEventSourceMappings(
  ctx: CallContext,
  input: ListEventSourceMappingsRequest,
): ListEventSourceMappingsResponse {
  checkMaxItems(input.MaxItems, 10000);
  // The name must be well formed; no function has a mapping on the range.
  if (input.FunctionName !== undefined) parseFunctionName(ctx, input.FunctionName);
  return { EventSourceMappings: [] };
}

export function getFunctionUrlConfig(
  ctx: CallContext,
  input: GetFunctionUrlConfigRequest,
): GetFunctionUrlConfigResponse {
  findFunction(ctx, input.FunctionName ?? '', input.Qualifier);
  throw new ServiceError('ResourceNotFoundException', 'The resource you requested does not exist.', 404);
}

export function listFunctionUrlConfigs(
  ctx: CallContext,
  input: ListFunctionUrlConfigsRequest,
): ListFunctionUrlConfigsResponse {
  checkMaxItems(input.MaxItems, 50);
  findFunction(ctx, input.FunctionName ?? '');
  return { FunctionUrlConfigs: [] };
}
