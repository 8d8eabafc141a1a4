import type { Operation, ServiceModel } from '../model/index.js';
import type { ServiceError } from '../errors.js';
import type { Codec, HttpRequest, HttpResponse, ResponseMeta } from './types.js';
import { FormParams, readForm } from './form.js';
import { formParamsOf } from './query.js';
import { ec2XmlStyle, escapeXml, writeMembers } from './xml.js';

/** The EC2 query protocol: flattened lists in, `<item>`-wrapped camelCase XML out. */
export const ec2Codec: Codec = {
  protocol: 'ec2',

  operationName(_model: ServiceModel, req: HttpRequest) {
    return formParamsOf(req).get('Action') ?? undefined;
  },

  parse(op: Operation, req: HttpRequest) {
    const input = op.input;
    if (!input) return {};
    return readForm(op.model, input, new FormParams(formParamsOf(req)), '', 'ec2') as Record<string, unknown>;
  },

  serialize(op: Operation, output: unknown, meta: ResponseMeta): HttpResponse {
    const ns =
      op.model.metadata.xmlNamespace ?? `http://ec2.amazonaws.com/doc/${op.model.metadata.apiVersion}/`;
    const members = op.output ? writeMembers(op.model, op.output, output, ec2XmlStyle) : '';
    const body =
      `<?xml version="1.0" encoding="UTF-8"?>\n<${op.name}Response xmlns="${escapeXml(ns)}">` +
      `<requestId>${meta.requestId}</requestId>${members}</${op.name}Response>`;
    return { status: 200, headers: { 'content-type': 'text/xml;charset=UTF-8' }, body };
  },

  serializeError(err: ServiceError, meta: ResponseMeta): HttpResponse {
    const body =
      `<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error><Code>${escapeXml(err.code)}</Code>` +
      `<Message>${escapeXml(err.message)}</Message></Error></Errors><RequestID>${meta.requestId}</RequestID></Response>`;
    return { status: err.status, headers: { 'content-type': 'text/xml;charset=UTF-8' }, body };
  },
};
