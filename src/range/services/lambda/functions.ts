import { createHash } from 'node:crypto';
import type {
  CreateFunctionRequest,
  DeleteFunctionRequest,
  FunctionConfiguration,
  GetFunctionConfigurationRequest,
  GetFunctionRequest,
  GetFunctionResponse,
  ListFunctionsRequest,
  ListFunctionsResponse,
  UpdateFunctionCodeRequest,
  UpdateFunctionConfigurationRequest,
} from '@aws-sdk/client-lambda';
import type { CallContext } from '../../context.js';
import { ServiceError, isServiceError } from '../../errors.js';
import { uuid } from '../../ids.js';
import { paginate } from '../../paginate.js';
import { has, record } from '../../records.js';
import { RESERVED_VARIABLES, executionCredentials } from './execution.js';
import { removeCode } from './code.js';
import { concurrencyOf } from './concurrency.js';
import { retireWorkers } from './runtime.js';
import {
  NODE_RUNTIMES,
  PYTHON_RUNTIMES,
  findFunction,
  functionArn,
  lambdaState,
  lastModified,
  parseFunctionName,
  type LambdaFunction,
} from './store.js';
import { ZipError, readZip } from './zip.js';

/** The function as Lambda's FunctionConfiguration describes it. */
export function configurationOf(fn: LambdaFunction): FunctionConfiguration {
  return {
    FunctionName: fn.name,
    FunctionArn: fn.arn,
    Runtime: fn.runtime as FunctionConfiguration['Runtime'],
    Role: fn.role,
    Handler: fn.handler,
    CodeSize: fn.codeSize,
    Description: fn.description,
    Timeout: fn.timeout,
    MemorySize: fn.memorySize,
    LastModified: fn.lastModified,
    CodeSha256: fn.codeSha256,
    Version: '$LATEST',
    ...(fn.environment ? { Environment: { Variables: { ...fn.environment } } } : {}),
    TracingConfig: { Mode: 'PassThrough' },
    RevisionId: fn.revisionId,
    State: 'Active',
    LastUpdateStatus: 'Successful',
    PackageType: 'Zip',
    Architectures: fn.architectures as FunctionConfiguration['Architectures'],
    EphemeralStorage: { Size: fn.ephemeralStorage },
    SnapStart: { ApplyOn: 'None', OptimizationStatus: 'Off' },
    LoggingConfig: { LogFormat: 'Text', LogGroup: `/aws/lambda/${fn.name}` },
  };
}

function invalid(message: string): ServiceError {
  return new ServiceError('InvalidParameterValueException', message);
}

function constraint(value: unknown, member: string, rule: string): ServiceError {
  return new ServiceError(
    'ValidationException',
    `1 validation error detected: Value '${String(value).slice(0, 200)}' at '${member}' failed to satisfy constraint: ${rule}`,
  );
}

function checkRuntime(runtime: string | undefined, handler: string | undefined): void {
  if (!runtime || !handler) {
    throw invalid(
      'Runtime and Handler are mandatory parameters for functions created with deployment packages.',
    );
  }
  if (!NODE_RUNTIMES.includes(runtime) && !PYTHON_RUNTIMES.includes(runtime)) {
    throw invalid(
      `The runtime parameter of ${runtime} is not supported by the range: it runs ${[...NODE_RUNTIMES, ...PYTHON_RUNTIMES].join(', ')}.`,
    );
  }
  if (!/^[^\s]+$/.test(handler) || handler.length > 128) {
    throw constraint(handler, 'handler', 'Member must satisfy regular expression pattern: [^\\s]+');
  }
}

function checkSettings(input: { Timeout?: number; MemorySize?: number; Role?: string }): void {
  if (input.Timeout !== undefined && input.Timeout < 1)
    throw constraint(input.Timeout, 'timeout', 'Member must have value greater than or equal to 1');
  if (input.Timeout !== undefined && input.Timeout > 900)
    throw constraint(input.Timeout, 'timeout', 'Member must have value less than or equal to 900');
  if (input.MemorySize !== undefined && input.MemorySize < 128)
    throw constraint(input.MemorySize, 'memorySize', 'Member must have value greater than or equal to 128');
  if (input.MemorySize !== undefined && input.MemorySize > 10240)
    throw constraint(input.MemorySize, 'memorySize', 'Member must have value less than or equal to 10240');
  if (
    input.Role !== undefined &&
    !/^arn:(aws[a-zA-Z-]*)?:iam::\d{12}:role\/?[a-zA-Z_0-9+=,.@\-_/]+$/.test(input.Role)
  ) {
    throw constraint(
      input.Role,
      'role',
      'Member must satisfy regular expression pattern: arn:(aws[a-zA-Z-]*)?:iam::\\d{12}:role/?[a-zA-Z_0-9+=,.@\\-_/]+',
    );
  }
}

function checkEnvironment(vars: Record<string, string> | undefined): void {
  if (!vars) return;
  const reserved = Object.keys(vars).filter((k) => RESERVED_VARIABLES.includes(k));
  if (reserved.length) {
    throw invalid(
      `Lambda was unable to configure your environment variables because the environment variables you have provided contains reserved keys that are currently not supported for modification. Reserved keys used in this request: ${reserved.join(', ')}`,
    );
  }
  for (const k of Object.keys(vars)) {
    if (!/^[a-zA-Z]([a-zA-Z0-9_])+$/.test(k)) {
      throw invalid(
        `Lambda was unable to configure your environment variables because the environment variables you have provided contains invalid keys. Invalid keys used in this request: ${k}`,
      );
    }
  }
  const size = Buffer.byteLength(JSON.stringify(vars));
  if (size > 4096) {
    throw invalid(
      `Lambda was unable to configure your environment variables because the environment variables you have provided exceeded the 4KB limit. String measured: ${JSON.stringify(vars).slice(0, 200)}`,
    );
  }
}

/** The package a request supplies: inline bytes or an S3 object read from the range's S3. */
async function packageOf(
  ctx: CallContext,
  code: {
    ZipFile?: Uint8Array;
    S3Bucket?: string;
    S3Key?: string;
    S3ObjectVersion?: string;
    ImageUri?: string;
  },
): Promise<Buffer> {
  if (code.ImageUri) throw invalid('The range runs .zip deployment packages only, not container images.');
  let zip: Buffer;
  if (code.ZipFile && code.ZipFile.length) {
    zip = Buffer.from(code.ZipFile);
  } else if (code.S3Bucket && code.S3Key) {
    try {
      const out = (await ctx.dispatch(
        's3',
        'GetObject',
        {
          Bucket: code.S3Bucket,
          Key: code.S3Key,
          ...(code.S3ObjectVersion ? { VersionId: code.S3ObjectVersion } : {}),
        },
        { record: false },
      )) as { Body?: Buffer };
      zip = out.Body ?? Buffer.alloc(0);
    } catch (err) {
      if (!isServiceError(err)) throw err;
      throw invalid(
        `Error occurred while GetObject. S3 Error Code: ${err.code}. S3 Error Message: ${err.message}`,
      );
    }
  } else {
    throw invalid('Please provide a source for function code.');
  }
  if (zip.length > 50 * 1024 * 1024) {
    throw new ServiceError(
      'RequestEntityTooLargeException',
      `Request must be smaller than 70167211 bytes for the CreateFunction operation`,
      413,
    );
  }
  try {
    readZip(zip);
  } catch (err) {
    if (!(err instanceof ZipError)) throw err;
    if (/^Unzipped size/.test(err.message)) throw invalid(err.message);
    throw invalid(
      `Could not unzip uploaded file. Please check your file, then try to upload again. (${err.message})`,
    );
  }
  return zip;
}

function setCode(fn: LambdaFunction, zip: Buffer): void {
  fn.zip = zip;
  fn.codeSha256 = createHash('sha256').update(zip).digest('base64');
  fn.codeSize = zip.length;
}

export async function createFunction(
  ctx: CallContext,
  input: CreateFunctionRequest,
): Promise<FunctionConfiguration> {
  const name = parseFunctionName(ctx, input.FunctionName ?? '').name;
  if (input.PackageType === 'Image')
    throw invalid('The range runs .zip deployment packages only, not container images.');
  checkRuntime(input.Runtime, input.Handler);
  checkSettings(input);
  checkEnvironment(input.Environment?.Variables);
  const functions = ctx.state(lambdaState).functions;
  if (has(functions, name)) {
    throw new ServiceError('ResourceConflictException', `Function already exist: ${name}`, 409);
  }
  const zip = await packageOf(ctx, input.Code ?? {});
  // Lambda checks that it can assume the execution role before it creates the function.
  await executionCredentials(ctx, { name, role: input.Role ?? '' }, { fresh: true });
  if (has(functions, name))
    throw new ServiceError('ResourceConflictException', `Function already exist: ${name}`, 409);
  const fn: LambdaFunction = {
    name,
    arn: functionArn(ctx, name),
    runtime: input.Runtime ?? '',
    handler: input.Handler ?? '',
    role: input.Role ?? '',
    description: input.Description ?? '',
    timeout: input.Timeout ?? 3,
    memorySize: input.MemorySize ?? 128,
    ...(input.Environment?.Variables
      ? { environment: record(Object.entries(input.Environment.Variables)) }
      : {}),
    tags: record(Object.entries(input.Tags ?? {})),
    architectures: input.Architectures?.length ? [...input.Architectures] : ['x86_64'],
    ephemeralStorage: input.EphemeralStorage?.Size ?? 512,
    zip,
    codeSha256: '',
    codeSize: 0,
    lastModified: lastModified(ctx.now),
    revisionId: uuid(),
    policy: [],
  };
  setCode(fn, zip);
  functions[name] = fn;
  return configurationOf(fn);
}

export function getFunction(ctx: CallContext, input: GetFunctionRequest): GetFunctionResponse {
  const fn = findFunction(ctx, input.FunctionName ?? '', input.Qualifier);
  return {
    Configuration: configurationOf(fn),
    // AWS answers with a presigned S3 URL; the range names the package by its hash (not downloadable).
    Code: {
      RepositoryType: 'S3',
      Location: `${ctx.range.endpoint}/2015-03-31/functions/${fn.name}/code?sha256=${encodeURIComponent(fn.codeSha256)}`,
    },
    ...(Object.keys(fn.tags).length ? { Tags: { ...fn.tags } } : {}),
    ...concurrencyOf(fn),
  };
}

export function getFunctionConfiguration(
  ctx: CallContext,
  input: GetFunctionConfigurationRequest,
): FunctionConfiguration {
  return configurationOf(findFunction(ctx, input.FunctionName ?? '', input.Qualifier));
}

export function listFunctions(ctx: CallContext, input: ListFunctionsRequest): ListFunctionsResponse {
  if (input.MaxItems !== undefined && (input.MaxItems < 1 || input.MaxItems > 10000))
    throw constraint(input.MaxItems, 'maxItems', 'Member must have value between 1 and 10000');
  const all = Object.values(ctx.state(lambdaState).functions).sort((a, b) => (a.name < b.name ? -1 : 1));
  const { page, nextToken } = paginate(all, {
    token: input.Marker,
    max: input.MaxItems,
    defaultMax: 50,
    invalidToken: () => invalid('Invalid marker'),
  });
  return { Functions: page.map(configurationOf), ...(nextToken ? { NextMarker: nextToken } : {}) };
}

function checkRevision(fn: LambdaFunction, revisionId: string | undefined): void {
  if (revisionId !== undefined && revisionId !== fn.revisionId) {
    throw new ServiceError(
      'PreconditionFailedException',
      'The Revision Id provided does not match the latest Revision Id. Call the GetFunction/GetAlias API to retrieve the latest Revision Id',
      412,
    );
  }
}

/** A changed function: new revision, and its warm processes (old code or settings) are retired. */
function touched(ctx: CallContext, fn: LambdaFunction): void {
  fn.lastModified = lastModified(ctx.now);
  fn.revisionId = uuid();
  retireWorkers(ctx.range, ctx.accountId, ctx.region, fn.name);
}

export async function updateFunctionCode(
  ctx: CallContext,
  input: UpdateFunctionCodeRequest,
): Promise<FunctionConfiguration> {
  const fn = findFunction(ctx, input.FunctionName ?? '');
  checkRevision(fn, input.RevisionId);
  const zip = await packageOf(ctx, input);
  if (input.DryRun) return configurationOf(fn);
  setCode(fn, zip);
  if (input.Architectures?.length) fn.architectures = [...input.Architectures];
  touched(ctx, fn);
  return configurationOf(fn);
}

export async function updateFunctionConfiguration(
  ctx: CallContext,
  input: UpdateFunctionConfigurationRequest,
): Promise<FunctionConfiguration> {
  const fn = findFunction(ctx, input.FunctionName ?? '');
  checkRevision(fn, input.RevisionId);
  checkSettings(input);
  checkEnvironment(input.Environment?.Variables);
  if (input.Runtime !== undefined || input.Handler !== undefined)
    checkRuntime(input.Runtime ?? fn.runtime, input.Handler ?? fn.handler);
  if (input.Role !== undefined && input.Role !== fn.role) {
    await executionCredentials(ctx, { name: fn.name, role: input.Role }, { fresh: true });
    fn.role = input.Role;
  }
  if (input.Runtime !== undefined) fn.runtime = input.Runtime;
  if (input.Handler !== undefined) fn.handler = input.Handler;
  if (input.Description !== undefined) fn.description = input.Description;
  if (input.Timeout !== undefined) fn.timeout = input.Timeout;
  if (input.MemorySize !== undefined) fn.memorySize = input.MemorySize;
  if (input.EphemeralStorage?.Size !== undefined) fn.ephemeralStorage = input.EphemeralStorage.Size;
  if (input.Environment !== undefined) {
    const vars = input.Environment.Variables ?? {};
    if (Object.keys(vars).length) fn.environment = record(Object.entries(vars));
    else delete fn.environment;
  }
  touched(ctx, fn);
  return configurationOf(fn);
}

export function deleteFunction(ctx: CallContext, input: DeleteFunctionRequest): Record<string, never> {
  if (input.Qualifier === '$LATEST') throw invalid('Deletion of $LATEST version is not allowed.');
  const fn = findFunction(ctx, input.FunctionName ?? '', input.Qualifier);
  delete ctx.state(lambdaState).functions[fn.name];
  retireWorkers(ctx.range, ctx.accountId, ctx.region, fn.name);
  removeCode(ctx.range, ctx.accountId, ctx.region, fn.name);
  return {};
}
