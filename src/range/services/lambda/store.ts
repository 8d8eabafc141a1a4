import type { CallContext } from '../../context.js';
import { ServiceError } from '../../errors.js';
import { defineState } from '../../state.js';
import { has, record } from '../../records.js';

/** One function (the range keeps `$LATEST` only: no published versions or aliases). */
export interface LambdaFunction {
  name: string;
  arn: string;
  runtime: string;
  handler: string;
  role: string;
  description: string;
  timeout: number;
  memorySize: number;
  environment?: Record<string, string>;
  tags: Record<string, string>;
  architectures: string[];
  ephemeralStorage: number;
  /** The deployment package as uploaded (kept so a restarted range can still run the function). */
  zip: Buffer;
  codeSha256: string;
  codeSize: number;
  lastModified: string;
  revisionId: string;
  /** The function's resource-based policy statements (AddPermission), in AWS's JSON form. */
  policy: PolicyStatement[];
  /** Reserved concurrency (PutFunctionConcurrency); absent when the function has none. */
  reservedConcurrency?: number;
}

export interface PolicyStatement {
  Sid: string;
  Effect: 'Allow';
  Principal: string | Record<string, string>;
  Action: string;
  Resource: string;
  Condition?: Record<string, Record<string, string>>;
}

export interface LambdaState {
  functions: Record<string, LambdaFunction>;
}

export const lambdaState = defineState<LambdaState>('lambda', 'regional', () => ({ functions: record() }));

/** Runtimes the range can run: Node.js in a `node` child process, Python in `python3`. */
export const NODE_RUNTIMES = ['nodejs18.x', 'nodejs20.x', 'nodejs22.x', 'nodejs24.x'];
export const PYTHON_RUNTIMES = ['python3.9', 'python3.10', 'python3.11', 'python3.12', 'python3.13'];

export function functionArn(ctx: CallContext, name: string): string {
  return `arn:aws:lambda:${ctx.region}:${ctx.accountId}:function:${name}`;
}

/** Lambda's LastModified form: `2024-01-31T12:00:00.000+0000`. */
export function lastModified(d: Date): string {
  return d.toISOString().replace('Z', '+0000');
}

// A function's name, ARN (`arn:aws:lambda:us-east-1:123456789012:function:my-function[:qualifier]`)
// or partial ARN (`123456789012:function:my-function`), as the API reference lists the forms.
const NAME_FORMS =
  /^(?:arn:aws[a-zA-Z-]*:lambda:([a-z]{2}(?:-[a-z]+)+-\d):(\d{12}):function:|(\d{12}):function:)?([a-zA-Z0-9_-]{1,64})(?::(\$LATEST|[a-zA-Z0-9_-]+))?$/;

export interface FunctionRef {
  name: string;
  qualifier?: string;
}

/** Read a FunctionName member; an ARN of another account or region names a function the range cannot see. */
export function parseFunctionName(ctx: CallContext, value: string, member = 'functionName'): FunctionRef {
  const m = NAME_FORMS.exec(value);
  if (!m) {
    throw new ServiceError(
      'ValidationException',
      `1 validation error detected: Value '${value.slice(0, 200)}' at '${member}' failed to satisfy constraint: Member must satisfy regular expression pattern: (arn:(aws[a-zA-Z-]*)?:lambda:)?([a-z]{2}(-gov)?-[a-z]+-\\d{1}:)?(\\d{12}:)?(function:)?([a-zA-Z0-9-_\\.]+)(:(\\$LATEST|[a-zA-Z0-9-_]+))?`,
    );
  }
  const [, region, account, partialAccount, name = '', qualifier] = m;
  const owner = account ?? partialAccount;
  if ((owner && owner !== ctx.accountId) || (region && region !== ctx.region)) {
    throw notFound(`arn:aws:lambda:${region ?? ctx.region}:${owner ?? ctx.accountId}:function:${name}`);
  }
  return qualifier ? { name, qualifier } : { name };
}

export function notFound(arn: string): ServiceError {
  return new ServiceError('ResourceNotFoundException', `Function not found: ${arn}`, 404);
}

/**
 * The function a request names, with its qualifier checked: the range has `$LATEST` only, so any
 * other version or alias is not found, as an unpublished version is in AWS.
 */
export function findFunction(ctx: CallContext, value: string, qualifier?: string): LambdaFunction {
  const ref = parseFunctionName(ctx, value);
  const q = qualifier ?? ref.qualifier;
  if (ref.qualifier && qualifier && ref.qualifier !== qualifier) {
    throw new ServiceError(
      'InvalidParameterValueException',
      'The derived qualifier from the function name does not match the specified qualifier.',
    );
  }
  const functions = ctx.state(lambdaState).functions;
  const fn = has(functions, ref.name) ? functions[ref.name] : undefined;
  const arn = functionArn(ctx, ref.name);
  if (!fn) throw notFound(q ? `${arn}:${q}` : arn);
  if (q && q !== '$LATEST') throw notFound(`${arn}:${q}`);
  return fn;
}
