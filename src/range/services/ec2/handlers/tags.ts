import type {
  CreateTagsRequest,
  DeleteTagsRequest,
  DescribeTagsRequest,
  DescribeTagsResult,
  TagDescription,
} from '@aws-sdk/client-ec2';
import type { CallContext } from '../../../context.js';
import { ServiceError } from '../../../errors.js';
import { page, setTags, validateTags } from '../query.js';
import { kindOfId, notFound, type ResourceKind } from '../resources.js';
import { ec2Of, type Ec2State } from '../store.js';
import { record } from '../../../records.js';

/** The kind of a resource that exists in this account and region, or the error EC2 answers for it. */
function existing(s: Ec2State, id: string): ResourceKind {
  const kind = kindOfId(id);
  if (!kind) throw new ServiceError('InvalidID', `The ID '${id}' is not valid`);
  let exists: boolean;
  if (kind.table) exists = s[kind.table][id] !== undefined;
  else if (kind.prefix === 'sgr')
    exists = Object.values(s.groups).some((g) => g.rules.some((r) => r.id === id));
  else
    exists = Object.values(s.instances).some((i) => i.networkInterfaceId === id && i.state !== 'terminated');
  if (!exists) throw notFound(kind, id);
  return kind;
}

export function createTags(ctx: CallContext, input: CreateTagsRequest): Record<string, never> {
  const s = ec2Of(ctx);
  const resources = input.Resources ?? [];
  const tags = input.Tags ?? [];
  validateTags(tags);
  for (const id of resources) existing(s, id);
  for (const id of resources) setTags(s, id, tags);
  return {};
}

/**
 * Without Tags every tag goes; a tag with a Value goes only if the value matches (an empty Value
 * matches only an empty value); a tag without Value goes whatever its value.
 */
export function deleteTags(ctx: CallContext, input: DeleteTagsRequest): Record<string, never> {
  const s = ec2Of(ctx);
  const resources = input.Resources ?? [];
  for (const id of resources) existing(s, id);
  for (const id of resources) {
    const current = s.tags[id];
    if (!current) continue;
    if (!input.Tags) {
      delete s.tags[id];
      continue;
    }
    for (const t of input.Tags) {
      const key = t.Key ?? '';
      if (!(key in current)) continue;
      if (t.Value === undefined || t.Value === current[key]) delete current[key];
    }
  }
  return {};
}

const tagFilters: Record<string, (t: TagDescription) => string | undefined> = record({
  key: (t) => t.Key,
  value: (t) => t.Value,
  'resource-id': (t) => t.ResourceId,
  'resource-type': (t) => t.ResourceType,
});

function glob(pattern: string): RegExp {
  return new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
    's',
  );
}

export function describeTags(ctx: CallContext, input: DescribeTagsRequest): DescribeTagsResult {
  const s = ec2Of(ctx);
  const all: TagDescription[] = [];
  for (const [id, tags] of Object.entries(s.tags)) {
    const kind = kindOfId(id);
    for (const [Key, Value] of Object.entries(tags)) {
      all.push({ Key, ResourceId: id, ResourceType: kind?.tagType as TagDescription['ResourceType'], Value });
    }
  }
  const checks = (input.Filters ?? []).map((f) => {
    const name = f.Name ?? '';
    const patterns = (f.Values ?? []).map(glob);
    if (name.startsWith('tag:')) {
      // tag:<key> selects the resources carrying that tag and shows all their tags.
      const key = name.slice(4);
      return (t: TagDescription) =>
        patterns.some((p) => p.test(s.tags[t.ResourceId ?? '']?.[key] ?? '\u0000'));
    }
    const pick = tagFilters[name];
    if (!pick) throw new ServiceError('InvalidParameterValue', `The filter '${name}' is invalid`);
    return (t: TagDescription) => patterns.some((p) => p.test(pick(t) ?? ''));
  });
  const selected = all.filter((t) => checks.every((c) => c(t)));
  const { page: items, nextToken } = page(selected, input, { min: 5, max: 1000 }, input.Filters);
  return { Tags: items, NextToken: nextToken };
}
