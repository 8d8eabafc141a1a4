import type { CallContext } from '../../context.js';
import { ServiceError } from '../../errors.js';
import { FilterPatternError, parseFilterPattern, type FilterPattern } from './filter-pattern.js';
import { logsState, type StoredLogGroup, type StoredLogStream } from './store.js';

export function invalidParameter(message: string): ServiceError {
  return new ServiceError('InvalidParameterException', message, 400);
}

export function groupNotFound(): ServiceError {
  return new ServiceError('ResourceNotFoundException', 'The specified log group does not exist.', 400);
}

export function streamNotFound(): ServiceError {
  return new ServiceError('ResourceNotFoundException', 'The specified log stream does not exist.', 400);
}

/** A model constraint violation, worded as the AWS validation layer words it. */
export function constraintError(member: string, value: unknown, constraint: string): ServiceError {
  return invalidParameter(
    `1 validation error detected: Value '${String(value)}' at '${member}' failed to satisfy constraint: ${constraint}`,
  );
}

const GROUP_NAME = /^[.\-_/#A-Za-z0-9]+$/;

export function checkGroupName(name: string, member = 'logGroupName'): void {
  if (name.length < 1 || name.length > 512) {
    throw constraintError(member, name, 'Member must have length less than or equal to 512');
  }
  if (!GROUP_NAME.test(name)) {
    throw constraintError(
      member,
      name,
      'Member must satisfy regular expression pattern: [\\.\\-_/#A-Za-z0-9]+',
    );
  }
}

export function checkStreamName(name: string, member = 'logStreamName'): void {
  if (name.length < 1 || name.length > 512) {
    throw constraintError(member, name, 'Member must have length less than or equal to 512');
  }
  if (/[:*]/.test(name))
    throw constraintError(member, name, 'Member must satisfy regular expression pattern: [^:*]*');
}

export function checkLimit(limit: number | undefined, max: number, member = 'limit'): void {
  if (limit === undefined) return;
  if (limit < 1) throw constraintError(member, limit, 'Member must have value greater than or equal to 1');
  if (limit > max)
    throw constraintError(member, limit, `Member must have value less than or equal to ${max}`);
}

/** `arn:aws:logs:<region>:<account>:log-group:<name>` (the trailing `:*` form too). */
export function groupArn(ctx: CallContext, name: string, star: boolean): string {
  return `arn:aws:logs:${ctx.region}:${ctx.accountId}:log-group:${name}${star ? ':*' : ''}`;
}

export function parseGroupArn(arn: string): { region: string; accountId: string; name: string } | undefined {
  const m = /^arn:aws[\w-]*:logs:([a-z0-9-]+):(\d{12}):log-group:([^:]+)(:\*)?$/.exec(arn);
  return m ? { region: m[1] as string, accountId: m[2] as string, name: m[3] as string } : undefined;
}

export function findGroup(ctx: CallContext, name: string): StoredLogGroup | undefined {
  return ctx.state(logsState).groups[name];
}

export function requireGroup(ctx: CallContext, name: string): StoredLogGroup {
  const group = findGroup(ctx, name);
  if (!group) throw groupNotFound();
  return group;
}

export function requireStream(group: StoredLogGroup, name: string): StoredLogStream {
  const stream = group.streams[name];
  if (!stream) throw streamNotFound();
  return stream;
}

/** Operations that take either logGroupName or logGroupIdentifier (a name or an ARN), never both. */
export function groupFromInput(
  ctx: CallContext,
  input: { logGroupName?: string; logGroupIdentifier?: string },
): StoredLogGroup {
  if (input.logGroupName !== undefined && input.logGroupIdentifier !== undefined) {
    throw invalidParameter('LogGroup name and LogGroup ARN are mutually exclusive parameters.');
  }
  if (input.logGroupName !== undefined) {
    checkGroupName(input.logGroupName);
    return requireGroup(ctx, input.logGroupName);
  }
  const id = input.logGroupIdentifier;
  if (id === undefined)
    throw invalidParameter('Should provide either a log group name or a log group identifier.');
  if (!id.startsWith('arn:')) return requireGroup(ctx, id);
  const arn = parseGroupArn(id);
  if (!arn) throw invalidParameter(`Invalid log group identifier: ${id}`);
  if (arn.accountId !== ctx.accountId || arn.region !== ctx.region) throw groupNotFound();
  return requireGroup(ctx, arn.name);
}

/** Parse a filter pattern, answering InvalidParameterException with the operation's wording. */
export function filterPatternOf(text: string | undefined, message = 'Invalid filter pattern'): FilterPattern {
  try {
    return parseFilterPattern(text ?? '');
  } catch (err) {
    if (err instanceof FilterPatternError) throw invalidParameter(message);
    throw err;
  }
}

/** CloudWatch Logs tags: at most 50 per resource; keys 1-128 characters, values up to 256. */
export function checkTags(
  tags: Record<string, string>,
  existing: Record<string, string>,
  tooMany: () => ServiceError,
): void {
  for (const [k, v] of Object.entries(tags)) {
    if (k.length < 1 || k.length > 128 || k.startsWith('aws:'))
      throw invalidParameter(`Invalid tag key: ${k}`);
    if (v.length > 256) throw invalidParameter(`Invalid tag value for key ${k}`);
  }
  if (Object.keys({ ...existing, ...tags }).length > 50) throw tooMany();
}
