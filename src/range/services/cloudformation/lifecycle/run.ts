import type { CallContext } from '../../../context.js';
import { ServiceError, isServiceError } from '../../../errors.js';
import { hexId, uuid } from '../../../ids.js';
import { loadModel } from '../../../model/index.js';
import { nextStatus, type StackTransition } from '../machine.js';
import { CLOUDFORMATION, findExport, noSuchExport, type PreparedStack } from '../prepare.js';
import { PropertyValidationError, readProperties } from '../properties.js';
import type { CurrentResource, ProviderContext, ProviderTable, ResourceProvider, Tag } from '../provider.js';
import { cloudFormationState, type ResourceStatus, type Stack, type StackResource } from '../store.js';
import type { EvalScope } from '../template/intrinsics.js';

/** The stack vanished under a running operation (the range was reset): stop quietly. */
export class StackGone extends Error {}

export interface RunOptions {
  ctx: CallContext;
  providers: ProviderTable;
  /** Range-clock delay of each resource step, so pollers can see IN_PROGRESS. */
  stepMs: number;
  stackId: string;
  token?: string;
  /** Stacks with an operation running in this process (a restart loses them). */
  running?: Set<string>;
}

/**
 * One running stack operation: the stack record it works on, its events, and the steps shared by
 * create, update and delete. Holds no state of its own beyond the run; the stack record is the truth.
 */
export class StackRun {
  readonly ctx: CallContext;
  readonly providers: ProviderTable;
  readonly stepMs: number;
  readonly stackId: string;
  readonly token?: string;

  constructor(opts: RunOptions) {
    this.ctx = opts.ctx;
    this.providers = opts.providers;
    this.stepMs = opts.stepMs;
    this.stackId = opts.stackId;
    this.token = opts.token;
  }

  get stack(): Stack {
    const stack = this.ctx.state(cloudFormationState).stacks[this.stackId];
    if (!stack) throw new StackGone();
    return stack;
  }

  now(): Date {
    return this.ctx.clock.now();
  }

  sleep(ms = this.stepMs): Promise<void> {
    return new Promise((resolve) => this.ctx.clock.schedule(ms, resolve));
  }

  transition(t: StackTransition, reason?: string): void {
    const stack = this.stack;
    stack.status = nextStatus(stack.status, t);
    stack.statusReason = reason;
    this.stackEvent(reason);
  }

  stackEvent(reason?: string): void {
    const stack = this.stack;
    stack.events.push({
      EventId: uuid(),
      LogicalResourceId: stack.stackName,
      PhysicalResourceId: stack.stackId,
      ResourceType: 'AWS::CloudFormation::Stack',
      Timestamp: this.now(),
      ResourceStatus: stack.status,
      ResourceStatusReason: reason,
      ClientRequestToken: this.token,
    });
  }

  resourceEvent(res: StackResource, status: ResourceStatus, reason?: string, properties?: unknown): void {
    res.status = status;
    res.statusReason = reason;
    res.updatedAt = this.now();
    this.stack.events.push({
      EventId: `${res.logicalId}-${status}-${this.now().toISOString()}-${hexId(6)}`,
      LogicalResourceId: res.logicalId,
      PhysicalResourceId: res.physicalId ?? '',
      ResourceType: res.type,
      Timestamp: this.now(),
      ResourceStatus: status,
      ResourceStatusReason: reason,
      ResourceProperties: properties === undefined ? undefined : JSON.stringify(properties),
      ClientRequestToken: this.token,
    });
  }

  provider(type: string): ResourceProvider {
    const p = this.providers[type];
    if (!p)
      throw new ServiceError('NotImplemented', `The range cannot create resources of type ${type} yet.`);
    return p;
  }

  /** Intrinsic functions see the stack's resources as they are now. */
  scope(prepared: PreparedStack, imports: Set<string>): EvalScope {
    return {
      parameters: prepared.parameters,
      pseudo: prepared.pseudo,
      mappings: prepared.template.Mappings,
      conditions: prepared.conditions,
      resourceRef: (name) => {
        if (!(name in prepared.resources)) return undefined;
        const r = this.stack.resources[name];
        if (!r?.physicalId)
          throw new ServiceError('ValidationError', `Template error: resource ${name} has not been created`);
        return r.ref ?? r.physicalId;
      },
      getAtt: (name, attribute) => {
        const value = this.stack.resources[name]?.attributes[attribute];
        if (value === undefined) {
          throw new ServiceError(
            'ValidationError',
            `Template error: resource ${name} does not support attribute type ${attribute} in Fn::GetAtt`,
          );
        }
        return value;
      },
      importValue: (name) => {
        const found = findExport(this.ctx, name);
        if (!found || found.stack.stackId === this.stackId) throw noSuchExport(name);
        imports.add(name);
        return found.value;
      },
      availabilityZones: (region) =>
        region === this.ctx.region ? prepared.azs : ['a', 'b', 'c'].map((z) => `${region}${z}`),
    };
  }

  providerContext(logicalId: string, type: string, previousStackTags?: Tag[]): ProviderContext {
    const stack = this.stack;
    const principal = stack.principal;
    const stackTags = stack.tags;
    const previousTags = previousStackTags ?? stackTags;
    const { stackName, stackId } = stack;
    const region = this.ctx.region;
    const partition = region.startsWith('cn-')
      ? 'aws-cn'
      : region.startsWith('us-gov-')
        ? 'aws-us-gov'
        : 'aws';
    return {
      logicalId,
      resourceType: type,
      stackName,
      stackId,
      accountId: this.ctx.accountId,
      region,
      partition,
      urlSuffix: partition === 'aws-cn' ? 'amazonaws.com.cn' : 'amazonaws.com',
      call: async <O>(service: string, operation: string, input: object): Promise<O> => {
        try {
          return (await this.ctx.dispatch(service, operation, input, {
            invokedBy: CLOUDFORMATION,
            principal,
          })) as O;
        } catch (err) {
          throw handlerError(type, service, err);
        }
      },
      tags: (own, opts = {}) =>
        mergeTags(
          opts.previous ? previousTags : stackTags,
          own,
          opts.systemFor && !REFUSES_SYSTEM_TAGS.has(opts.systemFor)
            ? systemTags(stackName, stackId, logicalId)
            : [],
        ),
      physicalName: (opts = {}) => physicalName(stackName, logicalId, opts),
      read: (value) => readProperties(value),
      unsupported: (property, detail) => {
        throw new ServiceError(
          'NotImplemented',
          `The range does not support the property ${property} of ${type} yet${detail ? ` (${detail})` : ''}.`,
        );
      },
      invalid: (message) => {
        throw new PropertyValidationError(message);
      },
      sleep: (ms) => this.sleep(ms),
    };
  }

  current(res: StackResource): CurrentResource {
    return {
      physicalId: res.physicalId ?? '',
      ref: res.ref,
      attributes: res.attributes,
      state: res.state,
      properties: readProperties(res.properties ?? {}),
    };
  }

  /** Delete one resource; DeletionPolicy Retain (or RetainResources) keeps it. Already-gone counts as deleted. */
  async deleteResource(res: StackResource, retain: boolean): Promise<boolean> {
    if (res.status === 'DELETE_COMPLETE' || res.status === 'DELETE_SKIPPED') return true;
    if (!res.physicalId) {
      this.resourceEvent(res, 'DELETE_COMPLETE');
      return true;
    }
    if (retain) {
      this.resourceEvent(res, 'DELETE_SKIPPED');
      return true;
    }
    this.resourceEvent(res, 'DELETE_IN_PROGRESS');
    await this.sleep();
    try {
      const provider = this.providers[res.type];
      if (provider) await provider.delete(this.providerContext(res.logicalId, res.type), this.current(res));
    } catch (err) {
      if (!(isServiceError(err) && handlerErrorCode(err.code) === 'NotFound')) {
        this.resourceEvent(res, 'DELETE_FAILED', reasonOf(err, res.logicalId));
        return false;
      }
    }
    this.resourceEvent(res, 'DELETE_COMPLETE');
    return true;
  }
}

export function reasonOf(err: unknown, logicalId?: string): string {
  if (
    err instanceof PropertyValidationError &&
    logicalId &&
    !err.message.startsWith('Properties validation failed')
  ) {
    return `Properties validation failed for resource ${logicalId} with message: ${err.message}`;
  }
  if (isServiceError(err)) return err.message;
  return `Internal Failure: ${(err as Error)?.message ?? String(err)}`;
}

function handlerErrorCode(code: string): string {
  if (/NotFound|NoSuch|NotExist|Unknown(Trail|Key)/i.test(code)) return 'NotFound';
  if (/AlreadyExist|Duplicate|AlreadyOwned|InUse/i.test(code)) return 'AlreadyExists';
  if (/AccessDenied|Unauthorized/i.test(code)) return 'AccessDenied';
  if (/Throttl|RequestLimitExceeded/i.test(code)) return 'Throttling';
  if (/LimitExceeded/i.test(code)) return 'ServiceLimitExceeded';
  if (/Invalid|Validation|Malformed|Missing/i.test(code)) return 'InvalidRequest';
  return 'GeneralServiceException';
}

/** A service's error, as CloudFormation's resource handlers report it in ResourceStatusReason. */
function handlerError(type: string, service: string, err: unknown): unknown {
  if (!isServiceError(err)) return err;
  if (err.code === 'InvalidAction' && err.message.startsWith('Unknown operation')) {
    return new ServiceError(
      'NotImplemented',
      `The range cannot create resources of type ${type} yet: it does not emulate ${service}.`,
    );
  }
  if (err.code === 'NotImplemented')
    return new ServiceError(
      'NotImplemented',
      `The range cannot manage resources of type ${type} yet: ${err.message}`,
    );
  let serviceId = service;
  try {
    serviceId = loadModel(service).metadata.serviceId?.replace(/\s+/g, '') ?? service;
  } catch {
    // keep the range's name for it
  }
  return new ServiceError(
    err.code,
    `Resource handler returned message: "${err.message} (Service: ${serviceId}, Status Code: ${err.status}, Request ID: ${uuid()})" (HandlerErrorCode: ${handlerErrorCode(err.code)})`,
    err.status,
  );
}

/**
 * Services whose tag validation refuses `aws:` keys even from CloudFormation, so the
 * aws:cloudformation:* tags cannot be set on their resources yet. In AWS those services accept them
 * from CloudFormation; drop a service from this set once it lets `invokedBy: cloudformation` through.
 */
const REFUSES_SYSTEM_TAGS = new Set(['ec2', 's3', 'logs', 'sns', 'monitoring']);

export function systemTags(stackName: string, stackId: string, logicalId: string): Tag[] {
  return [
    { Key: 'aws:cloudformation:stack-name', Value: stackName },
    { Key: 'aws:cloudformation:logical-id', Value: logicalId },
    { Key: 'aws:cloudformation:stack-id', Value: stackId },
  ];
}

export function mergeTags(
  stackTags: readonly Tag[],
  own: readonly Tag[] | undefined,
  system: readonly Tag[],
): Tag[] {
  const byKey = new Map<string, string>();
  for (const t of stackTags) byKey.set(t.Key, t.Value);
  for (const t of own ?? []) byKey.set(t.Key, t.Value);
  for (const t of system) byKey.set(t.Key, t.Value);
  return [...byKey].map(([Key, Value]) => ({ Key, Value }));
}

const NAME_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

/** `<stack>-<logicalId>-<13 random>`, both names shortened as needed to fit `maxLength`. */
export function physicalName(
  stackName: string,
  logicalId: string,
  opts: { maxLength?: number; lowercase?: boolean } = {},
): string {
  const max = opts.maxLength ?? 255;
  let suffix = '';
  for (let i = 0; i < 13; i++) suffix += NAME_ALPHABET[Math.floor(Math.random() * NAME_ALPHABET.length)];
  let stack = stackName;
  let logical = logicalId;
  const budget = max - suffix.length - 2;
  while (stack.length + logical.length > budget) {
    if (stack.length >= logical.length) stack = stack.slice(0, -1);
    else logical = logical.slice(0, -1);
  }
  const name = `${stack}-${logical}-${suffix}`;
  return opts.lowercase ? name.toLowerCase() : name;
}
