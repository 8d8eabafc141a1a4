/**
 * The contract between the CloudFormation engine and a resource provider. Providers live beside the
 * service they drive (`services/<svc>/cfn.ts`), import only these types and core helpers, and reach
 * their service through `ctx.call`, the same chain as an API call (validation, CloudTrail with
 * invokedBy cloudformation.amazonaws.com).
 */

export interface Tag {
  Key: string;
  Value: string;
}

/** Typed, CloudFormation-style reads of resolved template properties ("22" and 22 are both a number). */
export interface Properties {
  readonly raw: Readonly<Record<string, unknown>>;
  has(name: string): boolean;
  str(name: string): string | undefined;
  /** A required string: a missing one fails like CloudFormation's schema validation. */
  required(name: string): string;
  num(name: string): number | undefined;
  bool(name: string): boolean | undefined;
  strList(name: string): string[] | undefined;
  /** Nested objects (rule lists, configurations), each readable the same way. */
  objects(name: string): Properties[] | undefined;
  object(name: string): Properties | undefined;
  /** A JSON document property (policies): objects are serialized, strings passed through. */
  json(name: string): string | undefined;
  /** `Tags: [{Key, Value}]` as given in the template. */
  tags(name?: string): Tag[] | undefined;
}

export interface ProviderContext {
  readonly logicalId: string;
  readonly resourceType: string;
  readonly stackName: string;
  readonly stackId: string;
  readonly accountId: string;
  readonly region: string;
  readonly partition: string;
  readonly urlSuffix: string;
  /** Call a range service as the stack's caller; CloudTrail records it with invokedBy cloudformation.amazonaws.com. */
  call<O = Record<string, unknown>>(service: string, operation: string, input: object): Promise<O>;
  /**
   * The tags CloudFormation puts on the resource: the stack's tags, the resource's own `Tags`
   * (which win), and, when `systemFor` names the service storing them, aws:cloudformation:stack-name,
   * stack-id and logical-id as AWS adds them (IAM resources get none). With `previous`, the stack's
   * tags as they were when the resource was last created or updated (what an update must remove).
   */
  tags(own: Tag[] | undefined, opts?: { systemFor?: string; previous?: boolean }): Tag[];
  /** A generated physical name, `<stack>-<logicalId>-<RANDOM>`, as CloudFormation makes them. */
  physicalName(opts?: { maxLength?: number; lowercase?: boolean }): string;
  /** Read a nested value with the same coercions as top-level properties. */
  read(value: unknown): Properties;
  /** A property the template gave that the provider cannot honour: fails the resource with a clear reason. */
  unsupported(property: string, detail?: string): never;
  /** A property value AWS would reject in schema validation. */
  invalid(message: string): never;
  /** Wait on the range clock. */
  sleep(ms: number): Promise<void>;
}

/** Attribute values for Fn::GetAtt; lists stay lists. */
export type Attributes = Record<string, string | string[]>;

export interface ProvisionedResource {
  physicalId: string;
  /** Ref's value when it is not the physical id. */
  ref?: string;
  attributes?: Attributes;
  /** Provider-private plain data kept with the resource (ids of sub-objects it created). */
  state?: Record<string, unknown>;
}

/** What the engine knows of a resource it created. */
export interface CurrentResource {
  physicalId: string;
  ref?: string;
  attributes: Attributes;
  state: Record<string, unknown>;
  properties: Properties;
}

export interface ResourceProvider {
  /** Attributes AWS documents for Fn::GetAtt. */
  readonly attributes: readonly string[];
  /** Properties the provider implements; any other property fails the resource instead of being ignored. */
  readonly properties: readonly string[];
  /** Properties AWS documents that the range does not implement yet: using one fails the resource, saying so. */
  readonly unsupported?: readonly string[];
  /** Required properties (AWS's schema). */
  readonly required?: readonly string[];
  /** Properties whose change replaces the resource (AWS: "Update requires: Replacement"); `'*'`: all. */
  readonly replaceOn: readonly string[] | '*';
  /** The property that names the resource; a custom-named resource cannot be replaced in place. */
  readonly nameProperty?: string;
  /** IAM resources need CAPABILITY_IAM (CAPABILITY_NAMED_IAM with a custom name). */
  readonly capability?: 'IAM';
  create(ctx: ProviderContext, props: Properties): Promise<ProvisionedResource>;
  /** In-place update; absent means every change replaces the resource. */
  update?(ctx: ProviderContext, current: CurrentResource, props: Properties): Promise<ProvisionedResource>;
  delete(ctx: ProviderContext, current: CurrentResource): Promise<void>;
}

export type ProviderTable = Readonly<Record<string, ResourceProvider>>;
