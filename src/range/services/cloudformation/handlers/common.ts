import type { CallContext } from '../../../context.js';
import { ServiceError, isServiceError } from '../../../errors.js';
import { uuid } from '../../../ids.js';
import type { ProviderTable } from '../provider.js';
import { CLOUDFORMATION } from '../prepare.js';
import { cloudFormationState, type Stack } from '../store.js';

/** What the CloudFormation handlers share: the provider table and the engine's pacing. */
export interface CloudFormationEnv {
  providers: ProviderTable;
  stepMs: number;
  /** Stacks whose operation runs in this process. */
  running: Set<string>;
}

export function validation(message: string): ServiceError {
  return new ServiceError('ValidationError', message);
}

export function checkStackName(name: string): void {
  if (!/^[a-zA-Z][-a-zA-Z0-9]*$/.test(name) || name.length > 128) {
    throw validation(
      `1 validation error detected: Value '${name}' at 'stackName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z][-a-zA-Z0-9]*`,
    );
  }
}

export function newStackId(ctx: CallContext, name: string): string {
  return `arn:aws:cloudformation:${ctx.region}:${ctx.accountId}:stack/${name}/${uuid()}`;
}

export function stacks(ctx: CallContext): Record<string, Stack> {
  return ctx.state(cloudFormationState).stacks;
}

/** The live stack with this name, if any (deleted stacks are found by id only). */
export function liveStackNamed(ctx: CallContext, name: string): Stack | undefined {
  return Object.values(stacks(ctx)).find((s) => s.stackName === name && s.status !== 'DELETE_COMPLETE');
}

/** A stack by name (live stacks) or by id (deleted ones too), or AWS's "does not exist" error. */
export function findStack(
  ctx: CallContext,
  nameOrId: string | undefined,
  opts: { live?: boolean } = {},
): Stack {
  const key = nameOrId ?? '';
  const stack = key.startsWith('arn:') ? stacks(ctx)[key] : liveStackNamed(ctx, key);
  if (!stack || (opts.live && stack.status === 'DELETE_COMPLETE'))
    throw validation(`Stack with id ${key} does not exist`);
  return stack;
}

const BODY_LIMIT = 51200;

/** The template of a call: TemplateBody, or the S3 object TemplateURL names (read through S3 as the caller). */
export async function templateBodyOf(
  ctx: CallContext,
  input: { TemplateBody?: string; TemplateURL?: string },
): Promise<string> {
  if (input.TemplateBody !== undefined && input.TemplateURL !== undefined) {
    throw validation('Specify exactly one of TemplateBody or TemplateUrl.');
  }
  if (input.TemplateBody !== undefined) {
    if (Buffer.byteLength(input.TemplateBody) > BODY_LIMIT) {
      throw validation(
        `1 validation error detected: Value at 'templateBody' failed to satisfy constraint: Member must have length less than or equal to ${BODY_LIMIT}`,
      );
    }
    return input.TemplateBody;
  }
  if (input.TemplateURL === undefined)
    throw validation('Either Template URL or Template Body must be specified.');
  const location = s3Location(ctx, input.TemplateURL);
  if (!location) throw validation('TemplateURL must be a supported URL.');
  try {
    const out = (await ctx.dispatch(
      's3',
      'GetObject',
      { Bucket: location.bucket, Key: location.key },
      { invokedBy: CLOUDFORMATION },
    )) as {
      Body?: unknown;
    };
    return bodyText(out.Body);
  } catch (err) {
    if (!isServiceError(err)) throw err;
    throw validation(`S3 error: ${err.message}`);
  }
}

async function bodyTextAsync(body: unknown): Promise<string> {
  if (body && typeof (body as AsyncIterable<unknown>)[Symbol.asyncIterator] === 'function') {
    const chunks: Buffer[] = [];
    for await (const c of body as AsyncIterable<Buffer | string>)
      chunks.push(Buffer.isBuffer(c) ? c : Buffer.from(c));
    return Buffer.concat(chunks).toString('utf8');
  }
  return '';
}

function bodyText(body: unknown): string | Promise<string> {
  if (typeof body === 'string') return body;
  if (Buffer.isBuffer(body) || body instanceof Uint8Array) return Buffer.from(body).toString('utf8');
  return bodyTextAsync(body);
}

/** Bucket and key of the S3 URL forms CloudFormation accepts, including the range's own endpoint. */
export function s3Location(ctx: CallContext, url: string): { bucket: string; key: string } | undefined {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return undefined;
  }
  const path = decodeURIComponent(u.pathname.replace(/^\//, ''));
  const host = u.hostname;
  const virtual = /^(.+)\.s3(?:[.-][a-z0-9-]+)?\.amazonaws\.com(?:\.cn)?$/.exec(host);
  if (virtual) return path ? { bucket: virtual[1] as string, key: path } : undefined;
  const rangeHost = new URL(ctx.range.endpoint || 'http://127.0.0.1').hostname;
  if (
    /^s3(?:[.-][a-z0-9-]+)?\.amazonaws\.com(?:\.cn)?$/.test(host) ||
    host === rangeHost ||
    host === 'localhost'
  ) {
    const slash = path.indexOf('/');
    return slash > 0 ? { bucket: path.slice(0, slash), key: path.slice(slash + 1) } : undefined;
  }
  return undefined;
}
