import type { Operation, ServiceModel, Shape } from '../model/index.js';
import { ServiceError } from '../errors.js';
import type { Codec, HttpRequest, HttpResponse, ResponseMeta } from './types.js';
import { escapeXml, parseXmlDocument, queryXmlStyle, readXml, writeMembers, writeNamed } from './xml.js';
import { formatScalar, parseScalar } from './values.js';
import { record } from '../records.js';

type Segment = { literal: string } | { label: string; greedy: boolean };

interface Route {
  op: string;
  method: string;
  segments: Segment[];
  query: Array<[string, string | undefined]>;
  /** Required query-string members (AbortMultipartUpload's uploadId): they tell apart ops sharing a URI. */
  requiredQuery: string[];
}

function compileRoute(op: string, method: string, requestUri: string): Route {
  const [pathPart = '/', queryPart] = requestUri.split('?');
  const segments: Segment[] = pathPart
    .split('/')
    .filter((s) => s !== '')
    .map((s) => {
      const m = /^\{([^}+]+)(\+?)\}$/.exec(s);
      return m ? { label: m[1] as string, greedy: m[2] === '+' } : { literal: s };
    });
  const query: Array<[string, string | undefined]> = [];
  for (const pair of (queryPart ?? '').split('&').filter(Boolean)) {
    const eq = pair.indexOf('=');
    query.push(eq === -1 ? [pair, undefined] : [pair.slice(0, eq), pair.slice(eq + 1)]);
  }
  return { op, method, segments, query, requiredQuery: [] };
}

function matchPath(route: Route, parts: string[]): Record<string, string> | undefined {
  const labels: Record<string, string> = {};
  let i = 0;
  for (const seg of route.segments) {
    if ('literal' in seg) {
      if (parts[i] !== seg.literal) return undefined;
      i++;
    } else if (seg.greedy) {
      const rest = parts.slice(i).join('/');
      if (!rest) return undefined;
      labels[seg.label] = rest;
      i = parts.length;
    } else {
      if (!parts[i]) return undefined;
      labels[seg.label] = parts[i] as string;
      i++;
    }
  }
  // A trailing slash after the last label is not a segment of its own (`/bucket/`).
  return i === parts.length || (i === parts.length - 1 && parts[i] === '') ? labels : undefined;
}

const routeCache = new WeakMap<ServiceModel, Route[]>();
const matchCache = new WeakMap<HttpRequest, { op: string; labels: Record<string, string> } | undefined>();

function routesOf(model: ServiceModel): Route[] {
  let routes = routeCache.get(model);
  if (!routes) {
    routes = model.operationNames.map((name) => {
      const op = model.operation(name)!;
      const route = compileRoute(name, op.http.method, op.http.requestUri);
      for (const member of op.input ? model.required(op.input) : []) {
        const shape = model.member(op.input!, member);
        if (shape?.location === 'querystring') route.requiredQuery.push(shape.locationName ?? member);
      }
      return route;
    });
    routeCache.set(model, routes);
  }
  return routes;
}

function pathParts(path: string): string[] {
  // A trailing slash is kept: it belongs to greedy labels (S3 keys such as `folder/`).
  const parts = path.split('/').slice(1);
  if (parts.length === 1 && parts[0] === '') return [];
  return parts;
}

/** Name the operation a REST request asks for, with the URI labels it bound. */
export function matchRestOperation(
  model: ServiceModel,
  req: HttpRequest,
): { op: string; labels: Record<string, string> } | undefined {
  if (matchCache.has(req)) return matchCache.get(req);
  const parts = pathParts(req.path);
  const hinted = req.query.get('x-id');
  let best: { route: Route; labels: Record<string, string>; score: number } | undefined;
  for (const route of routesOf(model)) {
    if (route.method !== req.method) continue;
    const labels = matchPath(route, parts);
    if (!labels) continue;
    if (!route.query.every(([k, v]) => req.query.has(k) && (v === undefined || req.query.get(k) === v)))
      continue;
    if (!route.requiredQuery.every((k) => req.query.has(k))) continue;
    let score =
      (route.query.length + route.requiredQuery.length) * 100 +
      route.segments.filter((s) => 'literal' in s).length;
    if (hinted === route.op) score += 10_000;
    if (copySourceOps.has(route.op) !== (req.headers['x-amz-copy-source'] !== undefined)) score -= 1_000;
    if (supersededOps.has(route.op)) score -= 1;
    if (!best || score > best.score) best = { route, labels, score };
  }
  const match = best && { op: best.route.op, labels: best.labels };
  matchCache.set(req, match);
  return match;
}

// Operations that share a route with another and differ only by the copy-source header.
const copySourceOps = new Set(['CopyObject', 'UploadPartCopy']);

/**
 * Deprecated S3 operations whose route a current one shares (the SDKs and the CLI send the current
 * one, whose shapes have Filter and the newer notification types): the current one answers.
 */
const supersededOps = new Set([
  'GetBucketLifecycle',
  'PutBucketLifecycle',
  'GetBucketNotification',
  'PutBucketNotification',
]);

/** Decode an `aws-chunked` body (streaming uploads with trailing checksums) to its payload. */
export function decodeAwsChunked(body: Buffer): Buffer {
  const parts: Buffer[] = [];
  let pos = 0;
  for (;;) {
    const eol = body.indexOf('\r\n', pos);
    if (eol === -1) throw new ServiceError('IncompleteBody', 'The request body terminated unexpectedly');
    const size = parseInt(body.subarray(pos, eol).toString('latin1').split(';')[0] as string, 16);
    if (Number.isNaN(size))
      throw new ServiceError('InvalidChunkSizeError', 'Invalid chunk size in aws-chunked body');
    pos = eol + 2;
    if (size === 0) break;
    parts.push(body.subarray(pos, pos + size));
    pos += size + 2;
  }
  return Buffer.concat(parts);
}

function isChunked(req: HttpRequest): boolean {
  return (
    (req.headers['content-encoding'] ?? '').includes('aws-chunked') ||
    (req.headers['x-amz-content-sha256'] ?? '').startsWith('STREAMING-')
  );
}

/** Root element names of outputs that have no payload member, as S3 writes them. */
const rootElementNames: Record<string, string> = {
  ListBuckets: 'ListAllMyBucketsResult',
  ListObjects: 'ListBucketResult',
  ListObjectsV2: 'ListBucketResult',
  ListObjectVersions: 'ListVersionsResult',
  GetBucketAcl: 'AccessControlPolicy',
  GetObjectAcl: 'AccessControlPolicy',
  GetBucketTagging: 'Tagging',
  GetObjectTagging: 'Tagging',
  GetBucketVersioning: 'VersioningConfiguration',
  DeleteObjects: 'DeleteResult',
  CreateMultipartUpload: 'InitiateMultipartUploadResult',
  CompleteMultipartUpload: 'CompleteMultipartUploadResult',
  GetBucketLogging: 'BucketLoggingStatus',
  GetBucketCors: 'CORSConfiguration',
  GetBucketLifecycleConfiguration: 'LifecycleConfiguration',
  GetBucketWebsite: 'WebsiteConfiguration',
  GetBucketNotificationConfiguration: 'NotificationConfiguration',
  GetBucketRequestPayment: 'RequestPaymentConfiguration',
  GetBucketAccelerateConfiguration: 'AccelerateConfiguration',
};

/** A handler may answer with exactly these bytes (e.g. GetBucketLocation's bare element). */
export interface RawRestResponse {
  readonly rawResponse: true;
  status?: number;
  headers?: Record<string, string>;
  body: Buffer | string;
}

export function isRawRestResponse(v: unknown): v is RawRestResponse {
  return typeof v === 'object' && v !== null && (v as { rawResponse?: unknown }).rawResponse === true;
}

function headerValue(shape: Shape, v: unknown): string {
  if (shape.type === 'timestamp') return formatScalar(shape, v, 'rfc822');
  if (shape.jsonvalue) return Buffer.from(JSON.stringify(v)).toString('base64');
  return formatScalar(shape, v);
}

/**
 * The members a REST request (REST-XML or REST-JSON) binds to its URI labels, query string and headers,
 * and the members left for the body in model order (besides the payload member). `decodeLabel` answers
 * a label that does not percent-decode in the protocol's own error.
 */
export function bindHttpMembers(
  op: Operation,
  req: HttpRequest,
  decodeLabel: (raw: string) => string,
): { out: Record<string, unknown>; body: Array<[string, Shape]> } {
  const input = op.input!;
  const model = op.model;
  const labels = matchRestOperation(model, req)?.labels ?? {};
  const out: Record<string, unknown> = {};
  const body: Array<[string, Shape]> = [];
  for (const [name, member] of model.members(input)) {
    const loc = member.locationName ?? name;
    switch (member.location) {
      case 'uri': {
        const raw = labels[loc];
        if (raw !== undefined) out[name] = parseScalar(member, decodeLabel(raw), name);
        break;
      }
      case 'querystring':
        if (member.type === 'list') {
          const all = req.query.getAll(loc);
          if (all.length) out[name] = all.map((v) => parseScalar(model.listMember(member), v, name));
        } else if (member.type === 'map') {
          const map: Record<string, string> = record();
          for (const [k, v] of req.query) map[k] = v;
          out[name] = map;
        } else if (req.query.has(loc)) out[name] = parseScalar(member, req.query.get(loc) ?? '', name);
        break;
      case 'header': {
        const h = req.headers[loc.toLowerCase()];
        if (h === undefined) break;
        if (member.jsonvalue) out[name] = JSON.parse(Buffer.from(h, 'base64').toString('utf8'));
        else if (member.type === 'list') out[name] = h.split(',').map((s) => s.trim());
        else out[name] = parseScalar(member, h, name);
        break;
      }
      case 'headers': {
        const prefix = loc.toLowerCase();
        const map: Record<string, string> = record();
        for (const [k, v] of Object.entries(req.headers))
          if (k.startsWith(prefix)) map[k.slice(prefix.length)] = v;
        if (Object.keys(map).length) out[name] = map;
        break;
      }
      default:
        if (name !== input.payload) body.push([name, member]);
    }
  }
  return { out, body };
}

/**
 * A URI label (an S3 bucket or key), percent-decoded. S3 documents no code for a key that is not valid
 * UTF-8; InvalidURI ("Couldn't parse the specified URI", 400) is the documented code closest to it.
 */
function decodeLabel(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    throw new ServiceError('InvalidURI', "Couldn't parse the specified URI.", 400);
  }
}

/** REST-XML (S3, S3 Control): input from the URI, query string, headers and an XML or raw payload. */
export const restXmlCodec: Codec = {
  protocol: 'rest-xml',

  operationName(model: ServiceModel, req: HttpRequest) {
    return matchRestOperation(model, req)?.op;
  },

  parse(op: Operation, req: HttpRequest) {
    const input = op.input;
    if (!input) return {};
    const model = op.model;
    const { out } = bindHttpMembers(op, req, decodeLabel);
    const body = isChunked(req) ? decodeAwsChunked(req.body) : req.body;
    const payloadName: string | undefined = input.payload;
    if (payloadName) {
      const member = model.member(input, payloadName);
      if (member && (member.type === 'blob' || member.streaming)) out[payloadName] = body;
      else if (member && member.type === 'string') {
        if (body.length) out[payloadName] = body.toString('utf8');
      } else if (member && body.length > 0) {
        const { node } = parseXmlDocument(body.toString('utf8'));
        out[payloadName] = readXml(model, member, node, payloadName);
      }
    } else if (body.length > 0 && model.members(input).some(([, m]) => !m.location)) {
      const { node } = parseXmlDocument(body.toString('utf8'));
      Object.assign(out, readXml(model, input, node, 'input'));
    }
    return out;
  },

  serialize(op: Operation, output: unknown, meta: ResponseMeta): HttpResponse {
    const headers: Record<string, string> = {
      'x-amz-request-id': meta.requestId,
      'x-amz-id-2': Buffer.from(meta.requestId).toString('base64'),
    };
    if (isRawRestResponse(output)) {
      return { status: output.status ?? 200, headers: { ...headers, ...output.headers }, body: output.body };
    }
    const model = op.model;
    const shape = op.output;
    let status = op.http.responseCode ?? 200;
    let body: Buffer | string = '';
    const value = (output ?? {}) as Record<string, unknown>;
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
      }
      // A satisfied Range request is 206 Partial Content; the model has no member that says so.
      if (op.name === 'GetObject' && value.ContentRange !== undefined) status = 206;
      const ns = typeof model.metadata.xmlNamespace === 'string' ? model.metadata.xmlNamespace : s3Namespace;
      if (shape.payload) {
        const member = model.member(shape, shape.payload);
        const v = value[shape.payload];
        if (member && v !== undefined && v !== null) {
          if (member.type === 'blob' || member.streaming)
            body = Buffer.isBuffer(v) ? v : Buffer.from(v as Uint8Array);
          else if (member.type === 'string') body = String(v);
          else {
            const element = member.locationName ?? shape.payload;
            // The namespace goes on the root element; a copy of the shape would lose its members.
            let xml = writeNamed(model, member, v, element, queryXmlStyle);
            if (!member.xmlNamespace)
              xml = xml.replace(`<${element}`, `<${element} xmlns="${escapeXml(ns)}"`);
            body = xmlDeclaration + xml;
            headers['content-type'] = 'application/xml';
          }
        }
      } else if (model.members(shape).some(([name, m]) => !m.location && value[name] !== undefined)) {
        const root = rootElementNames[op.name] ?? `${op.name}Result`;
        body = `${xmlDeclaration}<${root} xmlns="${escapeXml(ns)}">${writeMembers(model, shape, value, queryXmlStyle)}</${root}>`;
        headers['content-type'] = 'application/xml';
      }
    }
    return { status, headers, body };
  },

  serializeError(err: ServiceError, meta: ResponseMeta, _op?: Operation, req?: HttpRequest): HttpResponse {
    const headers: Record<string, string> = {
      'x-amz-request-id': meta.requestId,
      'x-amz-id-2': Buffer.from(meta.requestId).toString('base64'),
    };
    if (req?.method === 'HEAD') return { status: err.status, headers, body: '' };
    let fields = '';
    for (const [k, v] of Object.entries(err.fields)) fields += `<${k}>${escapeXml(v)}</${k}>`;
    const body =
      `${xmlDeclaration}<Error><Code>${escapeXml(err.code)}</Code><Message>${escapeXml(err.message)}</Message>` +
      `${fields}<RequestId>${meta.requestId}</RequestId><HostId>${headers['x-amz-id-2']}</HostId></Error>`;
    return { status: err.status, headers: { ...headers, 'content-type': 'application/xml' }, body };
  },
};

const xmlDeclaration = '<?xml version="1.0" encoding="UTF-8"?>\n';
const s3Namespace = 'http://s3.amazonaws.com/doc/2006-03-01/';
