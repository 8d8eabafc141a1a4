import type { Operation, ServiceModel, Shape } from '../model/index.js';
import { ServiceError } from '../errors.js';
import type { Codec, HttpRequest, HttpResponse, ResponseMeta } from './types.js';
import { fromDocument, toDocument } from './shape-values.js';
import { formatScalar } from './values.js';
import { bindHttpMembers, matchRestOperation } from './rest-xml.js';

/**
 * REST-JSON (Lambda): the operation from the method and URI template, members bound to URI labels,
 * the query string and headers, the rest in a JSON body (or a raw payload member such as Invoke's
 * Payload). Errors are `{"Type":"User","message":...}` with the code in `X-Amzn-ErrorType`.
 */
export const restJsonCodec: Codec = {
  protocol: 'rest-json',

  operationName(model: ServiceModel, req: HttpRequest) {
    return matchRestOperation(model, req)?.op;
  },

  parse(op: Operation, req: HttpRequest) {
    const input = op.input;
    if (!input) return {};
    const model = op.model;
    const { out, body: bodyMembers } = bindHttpMembers(op, req, decodeLabel);
    if (input.payload) {
      const member = model.member(input, input.payload);
      if (member && (member.type === 'blob' || member.streaming)) {
        if (req.body.length) out[input.payload] = req.body;
      } else if (member && req.body.length) {
        out[input.payload] = fromDocument(model, member, parseJson(req.body), input.payload);
      }
    } else if (bodyMembers.length && req.body.length) {
      const doc = parseJson(req.body);
      if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) throw unparsable();
      const obj = doc as Record<string, unknown>;
      for (const [name, member] of bodyMembers) {
        if (!Object.hasOwn(obj, name)) continue;
        const v = fromDocument(model, member, obj[name], `input.${name}`);
        if (v !== undefined) out[name] = v;
      }
    }
    return out;
  },

  serialize(op: Operation, output: unknown, meta: ResponseMeta): HttpResponse {
    const headers: Record<string, string> = { 'x-amzn-requestid': meta.requestId };
    const model = op.model;
    const shape = op.output;
    let status = op.http.responseCode ?? 200;
    const value = (output ?? {}) as Record<string, unknown>;
    const doc: Record<string, unknown> = {};
    let body: Buffer | string | undefined;
    if (shape) {
      for (const [name, member] of model.members(shape)) {
        const v = value[name];
        if (v === undefined || v === null) continue;
        const loc = member.locationName ?? name;
        if (member.location === 'header') headers[loc.toLowerCase()] = headerValue(member, v);
        else if (member.location === 'headers') {
          for (const [k, hv] of Object.entries(v as Record<string, string>))
            headers[`${loc}${k}`.toLowerCase()] = hv;
        } else if (member.location === 'statusCode') status = Number(v);
        else if (member.location === 'uri' || member.location === 'querystring') continue;
        else if (name === shape.payload) {
          if (member.type === 'blob' || member.streaming) {
            body = Buffer.isBuffer(v) ? v : Buffer.from(v as Uint8Array);
            headers['content-type'] = 'application/json';
          } else body = JSON.stringify(toDocument(model, member, v, 'json') ?? {});
        } else doc[name] = toDocument(model, member, v, 'json');
      }
    }
    if (body === undefined) body = status === 204 ? '' : JSON.stringify(doc);
    if (body.length || status !== 204) headers['content-type'] ??= 'application/json';
    return { status, headers, body };
  },

  serializeError(err: ServiceError, meta: ResponseMeta): HttpResponse {
    return {
      status: err.status,
      headers: {
        'content-type': 'application/json',
        'x-amzn-requestid': meta.requestId,
        'x-amzn-errortype': err.code,
      },
      body: JSON.stringify({ Type: err.sender ? 'User' : 'Service', message: err.message, ...err.fields }),
    };
  },
};

function headerValue(shape: Shape, v: unknown): string {
  if (shape.type === 'timestamp') return formatScalar(shape, v, 'rfc822');
  if (shape.jsonvalue) return Buffer.from(JSON.stringify(v)).toString('base64');
  return formatScalar(shape, v);
}

function parseJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    throw unparsable();
  }
}

// Lambda's answer to a body that is not JSON (InvalidRequestContentException, 400).
function unparsable(): ServiceError {
  return new ServiceError('InvalidRequestContentException', 'Could not parse request body into json');
}

function decodeLabel(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    throw new ServiceError('InvalidRequestContentException', 'The request URI could not be decoded.');
  }
}
