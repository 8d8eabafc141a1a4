import type { Operation, ServiceModel } from '../model/index.js';
import type { ServiceError } from '../errors.js';

export interface HttpRequest {
  method: string;
  /** The raw (still percent-encoded) path, without the query string. */
  path: string;
  query: URLSearchParams;
  /** Lower-case header names. */
  headers: Record<string, string>;
  body: Buffer;
}

export interface HttpResponse {
  status: number;
  headers: Record<string, string>;
  body: Buffer | string;
}

export interface ResponseMeta {
  requestId: string;
}

/**
 * One codec per protocol: it names the operation a request asks for, reads the request into the
 * SDK-shaped input, and writes outputs and errors in the protocol's exact shape.
 */
export interface Codec {
  readonly protocol: string;
  operationName(model: ServiceModel, req: HttpRequest): string | undefined;
  parse(op: Operation, req: HttpRequest): Record<string, unknown>;
  serialize(op: Operation, output: unknown, meta: ResponseMeta): HttpResponse;
  serializeError(err: ServiceError, meta: ResponseMeta, op?: Operation, req?: HttpRequest): HttpResponse;
}
