import type {
  AddTagsToResourceRequest,
  DescribeParametersRequest,
  DescribeParametersResult,
  GetParametersByPathRequest,
  GetParametersByPathResult,
  ListTagsForResourceRequest,
  ListTagsForResourceResult,
  Parameter,
  ParameterMetadata,
  ParameterStringFilter,
  RemoveTagsFromResourceRequest,
} from '@aws-sdk/client-ssm';
import type { CallContext } from '../../context.js';
import { ServiceError } from '../../errors.js';
import { paginate } from '../../paginate.js';
import { checkRange } from './common.js';
import { parameterArn } from './parameter-values.js';
import { parameterView } from './parameters.js';
import { findCustomerDocument } from './customer-documents.js';
import { ssmState, type StoredParameter, type StoredParameterVersion } from './store.js';

function current(p: StoredParameter): StoredParameterVersion {
  return p.versions.at(-1) as StoredParameterVersion;
}

function sorted(ctx: CallContext): StoredParameter[] {
  return Object.values(ctx.state(ssmState).parameters).sort((a, b) =>
    a.name < b.name ? -1 : a.name > b.name ? 1 : 0,
  );
}

/** Whether a name sits under a path: one level below it, or anywhere below when recursive. */
function underPath(name: string, path: string, recursive: boolean): boolean {
  const prefix = path.endsWith('/') ? path : `${path}/`;
  if (!name.startsWith(prefix)) return false;
  return recursive || !name.slice(prefix.length).includes('/');
}

/** ParameterFilters: Name, Type, KeyId, Path, Tier, DataType, Label and tag:<key>, with their options. */
function matches(p: StoredParameter, f: ParameterStringFilter): boolean {
  const v = current(p);
  const key = f.Key ?? '';
  const values = f.Values ?? [];
  const option = f.Option ?? (key === 'Path' ? 'OneLevel' : 'Equals');
  const test = (actual: string | undefined): boolean => {
    if (actual === undefined) return false;
    if (option === 'BeginsWith') return values.some((x) => actual.startsWith(x));
    if (option === 'Contains') return values.some((x) => actual.includes(x));
    return values.includes(actual);
  };
  if (key === 'Path') return values.some((path) => underPath(p.name, path, option === 'Recursive'));
  if (key === 'Name') return test(p.name) || (option !== 'Contains' && test(p.name.replace(/^\//, '')));
  if (key === 'Type') return test(v.type);
  if (key === 'KeyId') return test(v.keyId);
  if (key === 'Tier') return test(v.tier);
  if (key === 'DataType') return test(v.dataType);
  if (key === 'Label') return p.versions.some((x) => x.labels.some((l) => test(l)));
  if (key.startsWith('tag:')) {
    const tag = p.tags.find((t) => t.Key === key.slice(4));
    return tag !== undefined && (values.length === 0 || test(tag.Value));
  }
  throw new ServiceError('InvalidFilterKey', '');
}

export async function getParametersByPath(
  ctx: CallContext,
  input: GetParametersByPathRequest,
): Promise<GetParametersByPathResult> {
  const max = checkRange('maxResults', input.MaxResults, 1, 10);
  const path = input.Path ?? '';
  if (!path.startsWith('/'))
    throw new ServiceError(
      'ValidationException',
      'The parameter doesn\'t meet the parameter name requirements. The parameter name must begin with a forward slash "/".',
    );
  const filters = input.ParameterFilters ?? [];
  for (const f of filters) {
    if (!['Type', 'KeyId', 'Label'].includes(f.Key ?? '')) throw new ServiceError('InvalidFilterKey', '');
  }
  const rows = sorted(ctx).filter(
    (p) => underPath(p.name, path, input.Recursive ?? false) && filters.every((f) => matches(p, f)),
  );
  const { page, nextToken } = paginate(rows, {
    token: input.NextToken,
    max,
    defaultMax: 10,
    query: [path, input.Recursive, filters, input.WithDecryption],
  });
  const out: Parameter[] = [];
  for (const p of page) out.push(await parameterView(ctx, p, current(p), input.WithDecryption));
  return { Parameters: out, NextToken: nextToken };
}

export function describeParameters(
  ctx: CallContext,
  input: DescribeParametersRequest,
): DescribeParametersResult {
  const max = checkRange('maxResults', input.MaxResults, 1, 50);
  const filters: ParameterStringFilter[] = [
    ...(input.Filters ?? []).map((f) => ({ Key: f.Key, Values: f.Values, Option: 'Equals' })),
    ...(input.ParameterFilters ?? []),
  ];
  if (filters.some((f) => f.Key === 'Label')) throw new ServiceError('InvalidFilterKey', '');
  const rows: ParameterMetadata[] = sorted(ctx)
    .filter((p) => filters.every((f) => matches(p, f)))
    .map((p) => {
      const v = current(p);
      return {
        Name: p.name,
        ARN: parameterArn(ctx, p.name),
        Type: v.type,
        KeyId: v.keyId,
        LastModifiedDate: v.modifiedAt,
        LastModifiedUser: v.modifiedBy,
        Description: v.description,
        AllowedPattern: v.allowedPattern,
        Version: v.version,
        Tier: v.tier,
        Policies: [],
        DataType: v.dataType,
      };
    });
  const { page, nextToken } = paginate(rows, { token: input.NextToken, max, defaultMax: 10, query: filters });
  return { Parameters: page, NextToken: nextToken };
}

/** Tags: the range's taggable SSM resources are parameters and the account's own documents. */
function taggedParameter(
  ctx: CallContext,
  type: string | undefined,
  id: string | undefined,
): { tags: StoredParameter['tags'] } {
  if (type === 'Document') {
    const doc = findCustomerDocument(ctx, id);
    if (!doc) throw new ServiceError('InvalidResourceId', '');
    return doc;
  }
  if (type !== 'Parameter') {
    throw new ServiceError('InvalidResourceType', '');
  }
  const p = ctx.state(ssmState).parameters[id ?? ''];
  if (!p) throw new ServiceError('InvalidResourceId', '');
  return p;
}

export function addTagsToResource(ctx: CallContext, input: AddTagsToResourceRequest): Record<string, never> {
  const p = taggedParameter(ctx, input.ResourceType, input.ResourceId);
  const tags = new Map(p.tags.map((t) => [t.Key, t.Value]));
  for (const t of input.Tags ?? []) tags.set(t.Key ?? '', t.Value ?? '');
  if (tags.size > 50)
    throw new ServiceError('TooManyTagsError', 'The Tags array exceeds the maximum of 50 tags per resource.');
  p.tags = [...tags].map(([Key, Value]) => ({ Key, Value }));
  return {};
}

export function removeTagsFromResource(
  ctx: CallContext,
  input: RemoveTagsFromResourceRequest,
): Record<string, never> {
  const p = taggedParameter(ctx, input.ResourceType, input.ResourceId);
  const drop = new Set(input.TagKeys ?? []);
  p.tags = p.tags.filter((t) => !drop.has(t.Key));
  return {};
}

export function listTagsForResource(
  ctx: CallContext,
  input: ListTagsForResourceRequest,
): ListTagsForResourceResult {
  return { TagList: taggedParameter(ctx, input.ResourceType, input.ResourceId).tags };
}
