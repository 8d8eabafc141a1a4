import type { Operation, ServiceModel } from '../model/index.js';
import { ServiceError } from '../errors.js';
import type { Codec, HttpRequest, HttpResponse, ResponseMeta } from './types.js';
import { fromDocument, toDocument } from './shape-values.js';

/** AWS JSON 1.0 / 1.1: the operation in X-Amz-Target, members by name, timestamps as epoch seconds. */
export const jsonCodec: Codec = {
  protocol: 'json',

  operationName(_model: ServiceModel, req: HttpRequest) {
    const target = req.headers['x-amz-target'];
    if (!target) return undefined;
    // The SDK v3 sends `CloudTrail_20131101.X`, the AWS CLI the fully qualified prefix: the operation
    // is what follows the last dot either way.
    return target.slice(target.lastIndexOf('.') + 1);
  },

  parse(op: Operation, req: HttpRequest) {
    const input = op.input;
    if (!input) return {};
    const text = req.body.toString('utf8').trim();
    if (!text) return {};
    let doc: unknown;
    try {
      doc = JSON.parse(text);
    } catch {
      throw new ServiceError('SerializationException', 'Start of structure or map found where not expected.');
    }
    return (fromDocument(op.model, input, doc, 'input') ?? {}) as Record<string, unknown>;
  },

  serialize(op: Operation, output: unknown, meta: ResponseMeta): HttpResponse {
    const doc = op.output ? toDocument(op.model, op.output, output ?? {}, 'json') : {};
    return {
      status: 200,
      headers: { 'content-type': contentType(op.model), 'x-amzn-requestid': meta.requestId },
      body: JSON.stringify(doc ?? {}),
    };
  },

  serializeError(err: ServiceError, meta: ResponseMeta, op?: Operation): HttpResponse {
    const headers: Record<string, string> = {
      'content-type': op ? contentType(op.model) : 'application/x-amz-json-1.1',
      'x-amzn-requestid': meta.requestId,
      'x-amzn-errortype': err.code,
    };
    if (op?.model.metadata.awsQueryCompatible) {
      headers['x-amzn-query-error'] = `${err.code};${err.sender ? 'Sender' : 'Receiver'}`;
    }
    return {
      status: err.status,
      headers,
      body: JSON.stringify({ __type: err.code, message: err.message, ...err.fields }),
    };
  },
};

function contentType(model: ServiceModel): string {
  return `application/x-amz-json-${model.metadata.jsonVersion ?? '1.1'}`;
}
