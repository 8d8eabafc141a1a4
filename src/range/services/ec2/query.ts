import type { Filter, Tag, TagSpecification } from '@aws-sdk/client-ec2';
import { ServiceError } from '../../errors.js';
import { paginate } from '../../paginate.js';
import { invalidParameter } from './resources.js';
import type { Ec2State } from './store.js';
import { record } from '../../records.js';

/** A value a filter compares against; lists match when any element matches. */
export type FilterValue = string | number | boolean | undefined | null;
export type FilterTable<T> = Record<string, (item: T) => FilterValue | FilterValue[]>;

function globToRegExp(pattern: string): RegExp {
  const escaped = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${escaped}$`, 's');
}

function matchesAny(values: FilterValue[], patterns: RegExp[]): boolean {
  return values.some((v) => v !== undefined && v !== null && patterns.some((p) => p.test(String(v))));
}

/**
 * EC2 filter semantics: filters AND together, the values of one filter OR together, `*` and `?` are
 * wildcards. Each filter is evaluated on its own: `ip-permission.cidr` and `ip-permission.from-port`
 * may be satisfied by two different rules of one group, exactly as EC2 does.
 */
export function applyFilters<T extends { id: string }>(
  s: Ec2State,
  items: T[],
  filters: Filter[] | undefined,
  table: FilterTable<T>,
): T[] {
  if (!filters || filters.length === 0) return items;
  const checks = filters.map((f) => {
    const name = f.Name ?? '';
    const patterns = (f.Values ?? []).map(globToRegExp);
    if (name.startsWith('tag:')) {
      const key = name.slice(4);
      return (item: T) => {
        const value = s.tags[item.id]?.[key];
        return value !== undefined && matchesAny([value], patterns);
      };
    }
    if (name === 'tag-key') return (item: T) => matchesAny(Object.keys(s.tags[item.id] ?? {}), patterns);
    if (name === 'tag-value') return (item: T) => matchesAny(Object.values(s.tags[item.id] ?? {}), patterns);
    const extract = table[name];
    if (!extract) throw invalidParameter(`The filter '${name}' is invalid`);
    return (item: T) => {
      const v = extract(item);
      return matchesAny(Array.isArray(v) ? v : [v], patterns);
    };
  });
  return items.filter((item) => checks.every((check) => check(item)));
}

/** MaxResults/NextToken as EC2 checks them; without MaxResults every item comes back in one page. */
export function page<T>(
  items: T[],
  input: { MaxResults?: number; NextToken?: string },
  bounds: { min: number; max: number },
  query: unknown,
): { page: T[]; nextToken?: string } {
  const max = input.MaxResults;
  if (max !== undefined && (max < bounds.min || max > bounds.max)) {
    throw invalidParameter(
      `Value ( ${max} ) for parameter maxResults is invalid. Parameter must be between ${bounds.min} and ${bounds.max}.`,
    );
  }
  return paginate(items, {
    token: input.NextToken,
    max,
    defaultMax: Number.MAX_SAFE_INTEGER,
    query,
    invalidToken: () => new ServiceError('InvalidNextToken', 'The token is not valid'),
  });
}

/** A resource's tags as EC2 lists them; absent (not empty) when it has none. */
export function tagsOf(s: Ec2State, id: string): Tag[] | undefined {
  const t = s.tags[id];
  if (!t) return undefined;
  const list = Object.entries(t).map(([Key, Value]) => ({ Key, Value }));
  return list.length ? list : undefined;
}

export function validateTags(tags: Tag[]): void {
  for (const t of tags) {
    const key = t.Key ?? '';
    if (key === '') throw invalidParameter('Tag keys must not be empty');
    if (key.length > 128) throw invalidParameter(`Tag key exceeds the maximum length of 128 characters`);
    if ((t.Value ?? '').length > 256)
      throw invalidParameter(`Tag value exceeds the maximum length of 256 characters`);
    if (key.toLowerCase().startsWith('aws:')) {
      throw invalidParameter(`Tag keys starting with 'aws:' are reserved for internal use`);
    }
  }
}

export function setTags(s: Ec2State, id: string, tags: Tag[]): void {
  validateTags(tags);
  const current = (s.tags[id] ??= record());
  const after = new Set([...Object.keys(current), ...tags.map((t) => t.Key ?? '')]);
  if (after.size > 50) {
    throw new ServiceError(
      'TagLimitExceeded',
      `The maximum number of tags per resource (50) has been reached for '${id}'`,
    );
  }
  for (const t of tags) current[t.Key ?? ''] = t.Value ?? '';
}

/**
 * Apply the TagSpecifications of a Create* call to the resource it created. `allowed` are the
 * resource types that operation tags; naming any other is refused as EC2 does.
 */
export function tagSpecsFor(specs: TagSpecification[] | undefined, allowed: string[]): Record<string, Tag[]> {
  const out: Record<string, Tag[]> = {};
  for (const spec of specs ?? []) {
    const type = spec.ResourceType ?? '';
    if (!allowed.includes(type)) {
      throw invalidParameter(`'${type}' is not a valid taggable resource type for this operation.`);
    }
    const tags = spec.Tags ?? [];
    validateTags(tags);
    (out[type] ??= []).push(...tags);
  }
  return out;
}

export function applyTagSpecs(s: Ec2State, specs: Record<string, Tag[]>, type: string, id: string): void {
  const tags = specs[type];
  if (tags?.length) setTags(s, id, tags);
}
