import { loadModel, type Operation } from './model/index.js';
import type { CallContext, DispatchOptions, RangeInfo, ServiceDefinition } from './context.js';
import { ServiceError, isServiceError, missingParameter } from './errors.js';
import { EventHistory } from './history.js';
import { anonymousPrincipal, identityState, rootPrincipal, type Principal } from './identity.js';
import { requestId as newRequestId } from './ids.js';
import type { Codec, HttpRequest, HttpResponse } from './protocol/types.js';
import { buildRecord, isReadOnly, resourcesOf } from './recorder.js';
import { authOf, parseAuth, routeRequest, virtualHostBucket } from './router.js';
import { readClaim, type Claim } from './auth/sigv4.js';
import { verifyRequest } from './auth/verify.js';
import { exposureRefusal, type ExposurePolicy } from './auth/exposure.js';
import { StateRegistry, defineState, type StateDef } from './state.js';
import type { RangeClock } from './clock.js';
import type { FaultInjector } from './faults.js';
import { gunzip } from 'node:zlib';
import { promisify } from 'node:util';
import { has } from './records.js';
import { Authorizer } from './authz/authorizer.js';

export interface EngineOptions {
  info: RangeInfo;
  clock: RangeClock;
  services: readonly ServiceDefinition[];
  faults?: FaultInjector;
  log?: (message: string) => void;
  /** The largest request body the range reads, in bytes; gzip bodies are inflated up to this size. */
  maxBodyBytes?: number;
  /**
   * The clock request signatures are dated against (15 minutes either way; presigned URLs until they
   * expire). Default: the range's clock.
   */
  signatureClock?: RangeClock;
}

/** A body larger than this is refused (the range keeps objects in memory). */
export const DEFAULT_MAX_BODY_BYTES = 128 * 1024 * 1024;

const inflate = promisify(gunzip);

const accountsState = defineState<{ seeded: string[] }>('accounts', 'range', () => ({ seeded: [] }));

/**
 * The request chain: identity from the access key, request ids, faults, the handler, CloudTrail.
 * HTTP requests and calls one service makes to another (dispatch) take the same path.
 */
export class RangeEngine {
  readonly state = new StateRegistry();
  readonly history = new EventHistory();
  readonly info: RangeInfo;
  readonly clock: RangeClock;
  faults?: FaultInjector;
  /** Host and Origin checks, set once the server listens (its port is part of the allowed Host). */
  exposure?: ExposurePolicy;
  private readonly signatureClock: RangeClock;
  private readonly services = new Map<string, ServiceDefinition>();
  private readonly log: (message: string) => void;
  private readonly maxBodyBytes: number;
  /** Handlers' clock: work they schedule changes state outside any request, so it marks the state for saving. */
  private readonly handlerClock: RangeClock;
  /** IAM policy evaluation for users and role sessions (root and the built-in administrator pass). */
  private readonly authorizer: Authorizer;

  constructor(opts: EngineOptions) {
    this.info = opts.info;
    this.clock = opts.clock;
    this.handlerClock = {
      now: () => opts.clock.now(),
      schedule: (ms, fn) =>
        opts.clock.schedule(ms, () => {
          try {
            fn();
          } finally {
            this.state.markDirty();
          }
        }),
    };
    this.faults = opts.faults;
    this.signatureClock = opts.signatureClock ?? opts.clock;
    this.log = opts.log ?? (() => {});
    this.authorizer = new Authorizer(this.log);
    this.maxBodyBytes = opts.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
    for (const s of opts.services) this.services.set(s.name, s);
  }

  service(name: string): ServiceDefinition | undefined {
    return this.services.get(name);
  }

  get serviceNames(): string[] {
    return [...this.services.keys()];
  }

  /** Seed an account's built-in principals and resources once (IAM admin user, root credentials). */
  async ensureAccount(accountId: string): Promise<void> {
    const accounts = this.state.get(accountsState, accountId, this.info.region);
    if (accounts.seeded.includes(accountId)) return;
    accounts.seeded.push(accountId);
    const ctx = this.context({
      service: 'range',
      operation: 'SeedAccount',
      accountId,
      region: this.info.region,
      principal: rootPrincipal(accountId),
    });
    for (const s of this.services.values()) await s.seedAccount?.(ctx);
    this.state.markDirty();
  }

  async handleHttp(req: HttpRequest, sourceIp: string): Promise<HttpResponse> {
    const since = this.state.begin();
    const response = await this.answerHttp(req, sourceIp);
    // Durability (--state-dir): the answer leaves once the call's changes and CloudTrail event are on disk.
    const failure = await this.state.commit(since);
    if (!failure) return response;
    return {
      status: 503,
      headers: { 'content-type': 'text/plain' },
      body: 'the range cannot save its state\n',
    };
  }

  private async answerHttp(req: HttpRequest, sourceIp: string): Promise<HttpResponse> {
    const requestId = newRequestId();
    const claim = readClaim(req);
    const auth = authOf(claim);
    const route = routeRequest(req, auth, (s) => this.protocolOf(s));
    const codec = route.codec;
    // The signature covers the request as the client sent it: path before the virtual-host bucket
    // moves into it, body before gzip is undone.
    const sent = req;
    const bucket = route.service === 's3' ? virtualHostBucket(req.headers['host'] ?? '') : undefined;
    if (bucket) req = { ...req, path: `/${bucket}${req.path === '/' ? '' : req.path}` };
    let op: Operation | undefined;
    try {
      const refusal = this.exposure && exposureRefusal(req.headers, codec.protocol, this.exposure);
      if (refusal) throw refusal;
      // SDKs and the CLI gzip large bodies of operations with the requestCompression trait (CloudWatch
      // PutMetricData). S3's Content-Encoding describes the object, not the request.
      if (route.service !== 's3' && /(^|,)\s*gzip\s*$/.test(req.headers['content-encoding'] ?? '')) {
        req = { ...req, body: await this.inflateBody(req) };
      }
      const svc = this.services.get(route.service);
      if (!svc) throw unknownService(codec, route.service);
      const model = loadModel(route.service);
      const opName = codec.operationName(model, req);
      op = opName ? model.operation(opName) : undefined;
      if (!op) throw unknownOperation(codec, route.service, opName, req);
      const { principal, accessKeyId } = this.authenticate(sent, claim, route.service, codec);
      const region = auth?.region ?? this.info.region;
      const accountId = principal.type === 'AWSAccount' ? this.info.accountId : principal.accountId;
      if (accessKeyId) {
        this.state.get(identityState, accountId, region).lastUsed[accessKeyId] = {
          lastUsedDate: this.clock.now(),
          serviceName: route.service,
          region,
        };
      }
      const ctx = this.context({
        requestId,
        service: route.service,
        operation: op.name,
        accountId,
        region,
        principal,
        accessKeyId,
        sourceIp,
        userAgent: req.headers['user-agent'] ?? '',
        http: { host: req.headers['host'] ?? this.info.hostname, headers: req.headers, anonymous: !auth },
      });
      const handler = has(svc.handlers, op.name) ? svc.handlers[op.name] : undefined;
      if (!handler) throw notImplemented(route.service, op.name);
      let input: Record<string, unknown> = {};
      try {
        input = codec.parse(op, req);
        checkRequired(op, input, codec.protocol === 'smithy-rpc-v2-cbor' ? 'json' : codec.protocol);
        await this.authorizer.authorize({ ctx, service: svc, operation: op.name, input });
        const fault = this.faults?.decide(route.service, op.name, codec.protocol);
        if (fault?.delayMs) await new Promise((r) => setTimeout(r, fault.delayMs));
        if (fault?.error) throw fault.error;
        const output = await handler(ctx, input);
        if (!isReadOnly(op.name)) this.state.markDirty();
        await this.record(ctx, svc, op, input, output, undefined);
        return codec.serialize(op, output, { requestId });
      } catch (err) {
        if (isServiceError(err)) await this.record(ctx, svc, op, input, undefined, err);
        throw err;
      }
    } catch (err) {
      if (isServiceError(err)) return codec.serializeError(err, { requestId }, op, req);
      this.log(
        `range: internal error in ${route.service}:${op?.name ?? '?'}: ${(err as Error).stack ?? String(err)}`,
      );
      const internal = new ServiceError(
        codec.protocol === 'json' || codec.protocol === 'rest-json' ? 'InternalFailure' : 'InternalError',
        'We encountered an internal error. Please try again.',
        500,
      );
      return codec.serializeError(internal, { requestId }, op, req);
    }
  }

  /**
   * A body too large to read, answered in the protocol of the service it was for. S3 answers
   * EntityTooLarge (as for a PutObject over 5 GB); other services the common RequestEntityTooLargeException.
   */
  bodyTooLarge(req: HttpRequest, limit: number): HttpResponse {
    const route = routeRequest(req, parseAuth(req), (s) => this.protocolOf(s));
    const err =
      route.codec.protocol === 'rest-xml'
        ? new ServiceError(
            'EntityTooLarge',
            'Your proposed upload exceeds the maximum allowed object size.',
            400,
            {
              fields: { MaxSizeAllowed: String(limit) },
            },
          )
        : tooLarge(limit);
    return route.codec.serializeError(err, { requestId: newRequestId() }, undefined, req);
  }

  /** Inflate a gzip body on the thread pool, stopping at the body limit (a small bomb must not take the range down). */
  private async inflateBody(req: HttpRequest): Promise<Buffer> {
    try {
      return await inflate(req.body, { maxOutputLength: this.maxBodyBytes });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') throw tooLarge(this.maxBodyBytes);
      // AWS's common error for a body that does not decode as its Content-Encoding says.
      throw new ServiceError(
        'MalformedHttpRequestException',
        `The request body could not be decompressed as gzip: ${(err as Error).message}`,
        400,
      );
    }
  }

  private protocolOf(service: string): string {
    if (!this.services.has(service)) return '';
    try {
      return loadModel(service).metadata.protocol;
    } catch {
      return 'query';
    }
  }

  private authenticate(
    req: HttpRequest,
    claim: Claim | undefined,
    service: string,
    codec: Codec,
  ): { principal: Principal; accessKeyId?: string } {
    const ids = this.state.get(identityState, '', '');
    const cred = verifyRequest({
      req,
      claim,
      protocol: codec.protocol,
      service,
      now: this.signatureClock.now(),
      credential: (id) => (Object.hasOwn(ids.credentials, id) ? ids.credentials[id] : undefined),
    });
    if (!cred) return { principal: anonymousPrincipal };
    return { principal: cred.principal, accessKeyId: cred.accessKeyId };
  }

  /** A call one service makes to another: same validation, handler and CloudTrail path as HTTP. */
  async dispatch(
    parent: CallContext | undefined,
    service: string,
    operation: string,
    input: object,
    opts: DispatchOptions = {},
  ): Promise<unknown> {
    const svc = this.services.get(service);
    const model = loadModel(service);
    const op = model.operation(operation);
    if (!svc || !op) throw new ServiceError('InvalidAction', `Unknown operation ${service}:${operation}`);
    const handler = has(svc.handlers, operation) ? svc.handlers[operation] : undefined;
    if (!handler) throw notImplemented(service, operation);
    const accountId = opts.accountId ?? parent?.accountId ?? this.info.accountId;
    const ctx = this.context({
      service,
      operation,
      accountId,
      region: opts.region ?? parent?.region ?? this.info.region,
      principal: opts.principal ?? parent?.principal ?? rootPrincipal(accountId),
      accessKeyId: opts.principal ? undefined : parent?.accessKeyId,
      sourceIp: parent?.sourceIp ?? '127.0.0.1',
      userAgent: parent?.userAgent ?? 'range',
      invokedBy: opts.invokedBy,
    });
    const record = opts.record ?? opts.invokedBy !== undefined;
    const args = input as Record<string, unknown>;
    try {
      checkRequired(op, args, model.metadata.protocol);
      // A service acting for a principal (CloudFormation creating a stack's resources) needs the
      // principal's permissions; the range's own internal reads do not.
      if (ctx.invokedBy) await this.authorizer.authorize({ ctx, service: svc, operation, input: args });
      const output = await handler(ctx, args);
      if (!isReadOnly(operation)) this.state.markDirty();
      if (record) await this.record(ctx, svc, op, args, output, undefined);
      return output;
    } catch (err) {
      if (record && isServiceError(err)) await this.record(ctx, svc, op, args, undefined, err);
      throw err;
    }
  }

  private async record(
    ctx: CallContext,
    svc: ServiceDefinition,
    op: Operation,
    input: Record<string, unknown>,
    output: unknown,
    error: ServiceError | undefined,
  ): Promise<void> {
    if (svc.unrecorded?.has(op.name)) return;
    const management = !svc.dataEvents?.has(op.name);
    const record = buildRecord({
      ctx,
      service: svc,
      op,
      input,
      output,
      error: error && { code: error.code, message: error.message },
      management,
    });
    if (management) {
      this.history.add({
        accountId: ctx.accountId,
        region: record.awsRegion,
        time: Date.parse(record.eventTime),
        username: usernameOf(ctx.principal),
        accessKeyId: ctx.accessKeyId ?? '',
        resources: resourcesOf(svc, op.name, input, output),
        record,
      });
    }
    const system = this.context({
      service: 'cloudtrail',
      operation: 'Deliver',
      accountId: ctx.accountId,
      region: record.awsRegion,
      principal: rootPrincipal(ctx.accountId),
    });
    for (const s of this.services.values()) {
      if (!s.onEvent) continue;
      try {
        await s.onEvent(system, record, management);
      } catch (err) {
        this.log(`range: delivering a CloudTrail event through ${s.name} failed: ${(err as Error).message}`);
      }
    }
  }

  context(p: {
    requestId?: string;
    service: string;
    operation: string;
    accountId: string;
    region: string;
    principal: Principal;
    accessKeyId?: string;
    sourceIp?: string;
    userAgent?: string;
    invokedBy?: string;
    http?: CallContext['http'];
  }): CallContext {
    const registry = this.state;
    const ctx: CallContext = {
      requestId: p.requestId ?? newRequestId(),
      service: p.service,
      operation: p.operation,
      accountId: p.accountId,
      region: p.region,
      principal: p.principal,
      accessKeyId: p.accessKeyId,
      sourceIp: p.sourceIp ?? '127.0.0.1',
      userAgent: p.userAgent ?? '',
      invokedBy: p.invokedBy,
      now: this.clock.now(),
      http: p.http,
      state<T>(def: StateDef<T>, where?: { accountId?: string; region?: string }): T {
        return registry.get(def, where?.accountId ?? p.accountId, where?.region ?? p.region);
      },
      allState: (def) => registry.all(def),
      dispatch: (service, operation, input, opts) => this.dispatch(ctx, service, operation, input, opts),
      clock: this.handlerClock,
      history: this.history,
      range: this.info,
      unknownConditionKeys: (keys, policies) => this.authorizer.logUnknown(keys, policies),
    };
    return ctx;
  }
}

function usernameOf(p: Principal): string {
  if (p.type === 'Root') return 'root';
  if (p.session) return p.session.sessionName;
  return p.userName ?? '';
}

/** Required members, checked the way each protocol's service reports a missing parameter. */
function checkRequired(op: Operation, input: Record<string, unknown>, protocol: string): void {
  const shape = op.input;
  if (!shape) return;
  for (const name of op.model.required(shape)) {
    if (input[name] === undefined || input[name] === null) {
      const member = op.model.member(shape, name);
      // The body of an S3 PutObject may be empty.
      if (member?.streaming || member?.type === 'blob') continue;
      throw missingParameter(protocol, name);
    }
  }
}

function notImplemented(service: string, operation: string): ServiceError {
  return new ServiceError(
    'NotImplemented',
    `The range does not implement ${service}:${operation} yet (see RANGE-COVERAGE.md for what it does implement).`,
    501,
    { sender: false },
  );
}

function unknownOperation(
  codec: Codec,
  service: string,
  name: string | undefined,
  req: HttpRequest,
): ServiceError {
  switch (codec.protocol) {
    case 'json':
    case 'smithy-rpc-v2-cbor':
      return new ServiceError(
        'UnknownOperationException',
        `Unknown operation ${name ?? req.headers['x-amz-target'] ?? ''}`,
      );
    case 'rest-json':
      return new ServiceError(
        'UnknownOperationException',
        `Unknown operation ${req.method} ${req.path}`,
        404,
      );
    case 'rest-xml':
      return new ServiceError(
        'MethodNotAllowed',
        `The specified method is not allowed against this resource.`,
        405,
        {
          fields: { Method: req.method, ResourceType: 'OBJECT' },
        },
      );
    default:
      return new ServiceError(
        'InvalidAction',
        name
          ? `The action ${name} is not valid for this web service.`
          : `Could not find operation for ${service} request`,
      );
  }
}

function tooLarge(limit: number): ServiceError {
  return new ServiceError(
    'RequestEntityTooLargeException',
    `The request entity is too large: the range accepts request bodies of at most ${limit} bytes.`,
    413,
  );
}

/** A service the range does not emulate, in the error shape its client parses. */
function unknownService(codec: Codec, service: string): ServiceError {
  const message = `The range does not emulate the service '${service}' (see RANGE-COVERAGE.md for the services it does).`;
  switch (codec.protocol) {
    case 'json':
    case 'rest-json':
    case 'smithy-rpc-v2-cbor':
      return new ServiceError('UnknownOperationException', message);
    case 'rest-xml':
      return new ServiceError('NotImplemented', message, 501, { sender: false });
    default:
      return new ServiceError('InvalidAction', message);
  }
}

export type { Principal };
