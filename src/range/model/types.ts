/** The subset of the AWS service model format (as published in the aws-sdk package) the range reads. */
export type ShapeType =
  | 'structure'
  | 'list'
  | 'map'
  | 'string'
  | 'integer'
  | 'long'
  | 'float'
  | 'double'
  | 'boolean'
  | 'timestamp'
  | 'blob'
  | 'character'
  | 'bigdecimal'
  | 'biginteger';

export interface RawShape {
  shape?: string;
  type?: ShapeType;
  members?: Record<string, RawShape>;
  member?: RawShape;
  key?: RawShape;
  value?: RawShape;
  required?: string[];
  location?: 'uri' | 'querystring' | 'header' | 'headers' | 'statusCode';
  locationName?: string;
  queryName?: string;
  flattened?: boolean;
  xmlAttribute?: boolean;
  xmlNamespace?: { uri: string; prefix?: string } | string;
  timestampFormat?: 'iso8601' | 'rfc822' | 'unixTimestamp';
  jsonvalue?: boolean;
  payload?: string;
  streaming?: boolean;
  resultWrapper?: string;
  idempotencyToken?: boolean;
  enum?: string[];
  sensitive?: boolean;
  event?: boolean;
  eventstream?: boolean;
}

export interface RawOperation {
  name?: string;
  http?: { method?: string; requestUri?: string; responseCode?: number };
  input?: RawShape;
  output?: RawShape;
  errors?: RawShape[];
  endpoint?: { hostPrefix?: string };
}

export interface ServiceMetadata {
  apiVersion: string;
  endpointPrefix: string;
  protocol: string;
  protocols?: string[];
  jsonVersion?: string;
  targetPrefix?: string;
  xmlNamespace?: string;
  serviceId: string;
  signingName?: string;
  awsQueryCompatible?: Record<string, never>;
  rangeService: string;
}

export interface RawModel {
  metadata: ServiceMetadata;
  operations: Record<string, RawOperation>;
  shapes: Record<string, RawShape>;
}

/**
 * A shape with its `{ shape: ref }` indirection resolved: the traits written on the member win over the
 * traits of the shape it refers to (locationName, flattened, ...), as in the model format.
 */
export interface Shape extends Omit<RawShape, 'shape' | 'members' | 'member' | 'key' | 'value'> {
  type: ShapeType;
  name?: string;
}
