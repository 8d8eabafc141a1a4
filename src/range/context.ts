import type { Principal } from './identity.js';
import type { StateDef } from './state.js';
import type { RangeClock } from './clock.js';
import type { CloudTrailRecord, EventHistory } from './history.js';
import type { SourcedPolicy } from './policy/types.js';

/** Options of a call one service makes to another inside the range. */
export interface DispatchOptions {
  /** Act as this principal (default: the caller's). */
  principal?: Principal;
  accountId?: string;
  region?: string;
  /** The service on whose behalf the call is made (CloudTrail `invokedBy`), e.g. cloudformation.amazonaws.com. */
  invokedBy?: string;
  /** Record the call in CloudTrail (default true when invokedBy is set, false otherwise). */
  record?: boolean;
}

export type Dispatch = (
  service: string,
  operation: string,
  input: object,
  opts?: DispatchOptions,
) => Promise<unknown>;

/**
 * What a handler sees of a call: who, where, when, and the range's facilities. Cross-cutting concerns
 * (identity, request ids, CloudTrail) are settled before a handler runs.
 */
export interface CallContext {
  readonly requestId: string;
  readonly service: string;
  readonly operation: string;
  readonly accountId: string;
  readonly region: string;
  readonly principal: Principal;
  readonly accessKeyId?: string;
  readonly sourceIp: string;
  readonly userAgent: string;
  readonly invokedBy?: string;
  /** The range clock's time when the call arrived. */
  readonly now: Date;
  /** HTTP details some handlers need (S3's Host, anonymous access); absent for internal calls. */
  readonly http?: { host: string; headers: Record<string, string>; anonymous: boolean };
  /** The store of a service for this call's account (and region, for regional stores). */
  state<T>(def: StateDef<T>, where?: { accountId?: string; region?: string }): T;
  /** Every slot of a store across accounts and regions. */
  allState<T>(def: StateDef<T>): Array<{ accountId?: string; region?: string; value: T }>;
  /** Call another service through the same chain as an API call (validation, CloudTrail). */
  dispatch: Dispatch;
  readonly clock: RangeClock;
  readonly history: EventHistory;
  /** The range's settings (default account, region, endpoint). */
  readonly range: RangeInfo;
  /**
   * Name condition keys the range does not supply that a policy evaluated for this call used (they did
   * not match): for services that evaluate policies themselves (S3). Logged once per statement.
   */
  unknownConditionKeys(keys: readonly string[], policies: readonly SourcedPolicy[]): void;
}

export interface RangeInfo {
  readonly accountId: string;
  readonly region: string;
  readonly endpoint: string;
  readonly hostname: string;
  /** CloudTrail LookupEvents requests per second per account and region (0: no limit). */
  readonly lookupEventsPerSecond: number;
}

export type Handler<I = never, O = unknown> = (ctx: CallContext, input: I) => O | Promise<O>;

/** Resource a call touched, for CloudTrail's LookupEvents ResourceType/ResourceName. */
export interface EventResource {
  ResourceType: string;
  ResourceName: string;
}

export interface ServiceDefinition {
  /** The range's service name: the SigV4 signing name (`ec2`, `s3`, `monitoring`, ...) or `s3control`. */
  readonly name: string;
  /** CloudTrail's eventSource, e.g. `ec2.amazonaws.com`. */
  readonly eventSource: string;
  /** IAM and STS: events land in us-east-1 whatever region was called. */
  readonly globalEvents?: boolean;
  // Handlers take the SDK's own input types; the chain passes what the codec parsed from the wire.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly handlers: Record<string, Handler<any, any>>;
  /** Operations CloudTrail records as data events (not in LookupEvents; to trails that select them). */
  readonly dataEvents?: ReadonlySet<string>;
  /** Operations CloudTrail does not record at all. */
  readonly unrecorded?: ReadonlySet<string>;
  /** CloudTrail eventNames that differ from the API operation (S3's GetPublicAccessBlock → GetBucketPublicAccessBlock). */
  readonly eventNames?: Readonly<Record<string, string>>;
  /** Resources of a call for LookupEvents; the chain's generic extraction is used when absent. */
  resources?(operation: string, input: Record<string, unknown>, output: unknown): EventResource[];
  /**
   * CloudTrail requestParameters where the service logs a shape of its own rather than the API's
   * (EC2's `instancesSet`, `tagSet`, ...): receives the generic conversion, returns what to record.
   */
  trailParameters?(operation: string, converted: Record<string, unknown>): Record<string, unknown>;
  /** Seeds an account when the range first sees it (IAM: the default admin user). */
  seedAccount?(ctx: CallContext): void | Promise<void>;
  /** Called with every recorded CloudTrail event (trails deliver to CloudWatch Logs). */
  onEvent?(ctx: CallContext, record: CloudTrailRecord, management: boolean): void | Promise<void>;
  /**
   * The resource-based policy of a request's resource (KMS key policy, SNS topic policy, Logs resource
   * policy), evaluated with the caller's policies by the engine's authorizer.
   */
  resourcePolicy?(
    ctx: CallContext,
    action: string,
    resourceArn: string,
  ): Promise<SourcedPolicy | undefined> | SourcedPolicy | undefined;
  /**
   * The tags of a resource a request is on, for `aws:ResourceTag/<key>` conditions (EC2's tags);
   * undefined when the service does not know the resource.
   */
  resourceTags?(ctx: CallContext, resourceArn: string): Readonly<Record<string, string>> | undefined;
  /** The service evaluates its requests' policies itself (S3: bucket policies and ACLs); the engine does not. */
  readonly authorizesItself?: boolean;
}
