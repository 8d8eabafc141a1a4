import { ServiceError, lcfirst } from '../../errors.js';
import { paginate } from '../../paginate.js';
import type { IamTag } from './store.js';

/** The constraints of IAM's model, with the pattern text IAM quotes in its messages. */
export const NAME = { re: /^[\w+=,.@-]+$/, text: '[\\w+=,.@-]+' };
const PATH = { re: /^(\/|\/[\u0021-\u007E]+\/)$/, text: '(\\u002F)|(\\u002F[\\u0021-\\u007E]+\\u002F)' };
const PATH_PREFIX = { re: /^\/[\u0021-\u007F]*$/, text: '\\u002F[\\u0021-\\u007F]*' };
/** Key and certificate bodies: tab, line breaks and the printable Latin-1 range. */
export const PRINTABLE_BODY = {
  re: /^[\t\n\r\u0020-\u00FF]+$/,
  text: '[\\u0009\\u000A\\u000D\\u0020-\\u00FF]+',
};
const POLICY_PATH = { re: /^((\/[A-Za-z0-9.,+@=_-]+)*)\/$/, text: '((/[A-Za-z0-9\\.,\\+@=_-]+)*)/' };

/**
 * Collects violations the way IAM reports them: "2 validation errors detected: Value 'x' at
 * 'userName' failed to satisfy constraint: ...; Value ...". Member names as in the SDK.
 */
export class Checks {
  private readonly errors: string[] = [];

  private fail(member: string, value: unknown, constraint: string): void {
    const shown = value === null ? 'null' : `'${String(value)}'`;
    this.errors.push(`Value ${shown} at '${lcfirst(member)}' failed to satisfy constraint: ${constraint}`);
  }

  string(
    member: string,
    value: string | undefined,
    opts: { min?: number; max?: number; pattern?: { re: RegExp; text: string } },
  ): this {
    if (value === undefined) return this;
    if (opts.min !== undefined && value.length < opts.min) {
      this.fail(member, value, `Member must have length greater than or equal to ${opts.min}`);
    } else if (opts.max !== undefined && value.length > opts.max) {
      this.fail(member, value, `Member must have length less than or equal to ${opts.max}`);
    } else if (opts.pattern && !opts.pattern.re.test(value)) {
      this.fail(member, value, `Member must satisfy regular expression pattern: ${opts.pattern.text}`);
    }
    return this;
  }

  name(member: string, value: string | undefined, max = 64): this {
    return this.string(member, value, { min: 1, max, pattern: NAME });
  }

  path(member: string, value: string | undefined): this {
    return this.string(member, value, { min: 1, max: 512, pattern: PATH });
  }

  pathPrefix(member: string, value: string | undefined): this {
    return this.string(member, value, { min: 1, max: 512, pattern: PATH_PREFIX });
  }

  policyPath(member: string, value: string | undefined): this {
    return this.string(member, value, { min: 1, max: 512, pattern: POLICY_PATH });
  }

  int(member: string, value: number | undefined, min: number, max: number): this {
    if (value === undefined) return this;
    if (value < min) this.fail(member, value, `Member must have value greater than or equal to ${min}`);
    else if (value > max) this.fail(member, value, `Member must have value less than or equal to ${max}`);
    return this;
  }

  oneOf(member: string, value: string | undefined, allowed: readonly string[]): this {
    if (value !== undefined && !allowed.includes(value)) {
      this.fail(member, value, `Member must satisfy enum value set: [${allowed.join(', ')}]`);
    }
    return this;
  }

  tags(member: string, tags: TagInput[] | undefined): this {
    for (const t of tags ?? []) {
      this.string(`${member}.member.key`, t.Key ?? '', { min: 1, max: 128 });
      this.string(`${member}.member.value`, t.Value ?? '', { max: 256 });
    }
    return this;
  }

  done(): void {
    if (!this.errors.length) return;
    const n = this.errors.length;
    throw new ServiceError(
      'ValidationError',
      `${n} validation error${n > 1 ? 's' : ''} detected: ${this.errors.join('; ')}`,
    );
  }
}

export const checks = (): Checks => new Checks();

/** Tags as the SDK types them (members optional). */
export interface TagInput {
  Key?: string;
  Value?: string;
}

/** IAM's Marker/MaxItems/IsTruncated pagination over an already filtered and sorted list. */
export function pageOf<T>(
  items: readonly T[],
  input: { Marker?: string; MaxItems?: number },
  query: unknown,
): { page: T[]; IsTruncated: boolean; Marker?: string } {
  checks().int('MaxItems', input.MaxItems, 1, 1000).done();
  const { page, nextToken } = paginate(items, {
    token: input.Marker,
    max: input.MaxItems,
    defaultMax: 100,
    query,
    invalidToken: () => new ServiceError('ValidationError', 'Invalid Marker.'),
  });
  return { page, IsTruncated: nextToken !== undefined, ...(nextToken ? { Marker: nextToken } : {}) };
}

/** Paths filter as IAM does: by prefix of the entity's path. */
export function underPath(path: string, prefix: string | undefined): boolean {
  return prefix === undefined || path.startsWith(prefix);
}

/** Add or replace tags (keys compare case-insensitively), at most 50 per entity. */
export function mergeTags(existing: IamTag[], incoming: TagInput[] | undefined): IamTag[] {
  const incomingKeys = new Set<string>();
  for (const t of incoming ?? []) {
    const k = (t.Key ?? '').toLowerCase();
    if (incomingKeys.has(k)) {
      throw new ServiceError(
        'InvalidInput',
        'Duplicate tag keys found. Please note that Tag keys are case insensitive.',
      );
    }
    incomingKeys.add(k);
  }
  const out = existing.filter((t) => !incomingKeys.has(t.Key.toLowerCase()));
  for (const t of incoming ?? []) out.push({ Key: t.Key ?? '', Value: t.Value ?? '' });
  if (out.length > 50) {
    throw new ServiceError('LimitExceeded', 'The number of tags has reached the maximum limit.', 409);
  }
  return out;
}

export function removeTags(existing: IamTag[], keys: string[] | undefined): IamTag[] {
  const drop = new Set((keys ?? []).map((k) => k.toLowerCase()));
  return existing.filter((t) => !drop.has(t.Key.toLowerCase()));
}

/** `[]` reads back as absent: IAM omits empty tag lists. */
export function tagsOut(tags: IamTag[]): IamTag[] | undefined {
  return tags.length ? tags.map((t) => ({ ...t })) : undefined;
}
