import type { Operation, ServiceModel } from '../model/index.js';
import type { ServiceError } from '../errors.js';
import type { Codec, HttpRequest, HttpResponse, ResponseMeta } from './types.js';
import { FormParams, readForm } from './form.js';
import { escapeXml, queryXmlStyle, writeMembers } from './xml.js';

/** Form parameters of a query-style request: the urlencoded body of a POST, else the query string. */
export function formParamsOf(req: HttpRequest): URLSearchParams {
  const type = req.headers['content-type'] ?? '';
  if (
    req.method === 'POST' &&
    (type.includes('x-www-form-urlencoded') || (type === '' && req.body.length > 0))
  ) {
    return new URLSearchParams(req.body.toString('utf8'));
  }
  return req.query;
}

/** The AWS query protocol (IAM, STS, CloudFormation, SNS, and CloudWatch's oldest protocol). */
export const queryCodec: Codec = {
  protocol: 'query',

  operationName(_model: ServiceModel, req: HttpRequest) {
    return formParamsOf(req).get('Action') ?? undefined;
  },

  parse(op: Operation, req: HttpRequest) {
    const input = op.input;
    if (!input) return {};
    return readForm(op.model, input, new FormParams(formParamsOf(req)), '', 'query') as Record<
      string,
      unknown
    >;
  },

  serialize(op: Operation, output: unknown, meta: ResponseMeta): HttpResponse {
    const ns = op.model.metadata.xmlNamespace ?? '';
    const shape = op.output;
    let result = '';
    if (shape) {
      const wrapper = shape.resultWrapper ?? `${op.name}Result`;
      result = `<${wrapper}>${writeMembers(op.model, shape, output, queryXmlStyle)}</${wrapper}>`;
    }
    const body =
      `<?xml version="1.0" encoding="UTF-8"?>\n<${op.name}Response xmlns="${escapeXml(ns)}">${result}` +
      `<ResponseMetadata><RequestId>${meta.requestId}</RequestId></ResponseMetadata></${op.name}Response>`;
    return { status: 200, headers: { 'content-type': 'text/xml', 'x-amzn-requestid': meta.requestId }, body };
  },

  serializeError(err: ServiceError, meta: ResponseMeta, op?: Operation): HttpResponse {
    const ns = op?.model.metadata.xmlNamespace;
    const body =
      `<?xml version="1.0" encoding="UTF-8"?>\n<ErrorResponse${ns ? ` xmlns="${escapeXml(ns)}"` : ''}><Error>` +
      `<Type>${err.sender ? 'Sender' : 'Receiver'}</Type><Code>${escapeXml(err.code)}</Code>` +
      `<Message>${escapeXml(err.message)}</Message></Error><RequestId>${meta.requestId}</RequestId></ErrorResponse>`;
    return {
      status: err.status,
      headers: { 'content-type': 'text/xml', 'x-amzn-requestid': meta.requestId },
      body,
    };
  },
};
