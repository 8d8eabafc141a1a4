import type { HttpRequest } from './protocol/types.js';
import type { Codec } from './protocol/types.js';
import { queryCodec } from './protocol/query.js';
import { ec2Codec } from './protocol/ec2.js';
import { jsonCodec } from './protocol/json.js';
import { cborCodec } from './protocol/cbor.js';
import { restXmlCodec } from './protocol/rest-xml.js';

export interface Auth {
  accessKeyId: string;
  region?: string;
  signingName?: string;
  sessionToken?: string;
}

/** The access key and credential scope of a SigV4 (header or presigned) or legacy SigV2 request. */
export function parseAuth(req: HttpRequest): Auth | undefined {
  const header = req.headers['authorization'];
  const token = req.headers['x-amz-security-token'] ?? req.query.get('X-Amz-Security-Token') ?? undefined;
  if (header) {
    const v4 = /Credential=([^/,\s]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request/.exec(header);
    if (v4) return { accessKeyId: v4[1] as string, region: v4[3], signingName: v4[4], sessionToken: token };
    const v2 = /^AWS ([^:]+):/.exec(header);
    if (v2) return { accessKeyId: v2[1] as string, signingName: 's3', sessionToken: token };
  }
  const scope = req.query.get('X-Amz-Credential');
  if (scope) {
    const [accessKeyId, , region, signingName] = scope.split('/');
    if (accessKeyId) return { accessKeyId, region, signingName, sessionToken: token };
  }
  const legacy = req.query.get('AWSAccessKeyId');
  if (legacy) return { accessKeyId: legacy, signingName: 's3', sessionToken: token };
  return undefined;
}

const jsonTargets: Record<string, string> = {
  CloudTrail_20131101: 'cloudtrail',
  'com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101': 'cloudtrail',
  Logs_20140328: 'logs',
  TrentService: 'kms',
  AmazonSSM: 'ssm',
  GraniteServiceVersion20100801: 'monitoring',
};

const codecs: Record<string, Codec> = {
  query: queryCodec,
  ec2: ec2Codec,
  json: jsonCodec,
  'rest-xml': restXmlCodec,
  'smithy-rpc-v2-cbor': cborCodec,
};

const CBOR_PATH = /^\/service\/GraniteServiceVersion20100801\/operation\//;

export interface Route {
  service: string;
  codec: Codec;
}

/** Which service (and so which codec) a request is for: signing name first, then what the request looks like. */
export function routeRequest(
  req: HttpRequest,
  auth: Auth | undefined,
  modelProtocol: (service: string) => string,
): Route {
  const target = req.headers['x-amz-target'];
  const targetService = target ? jsonTargets[target.slice(0, target.lastIndexOf('.'))] : undefined;
  let service = auth?.signingName ?? targetService;
  if (!service) service = CBOR_PATH.test(req.path) ? 'monitoring' : 's3';
  if (service === 's3' && req.path.startsWith('/v20180820/')) service = 's3control';
  if (service === 'monitoring') {
    if (req.headers['smithy-protocol'] === 'rpc-v2-cbor' || CBOR_PATH.test(req.path))
      return { service, codec: cborCodec };
    if (target) return { service, codec: jsonCodec };
    return { service, codec: queryCodec };
  }
  return { service, codec: codecs[modelProtocol(service)] ?? queryCodec };
}

/**
 * S3 virtual-hosted-style requests name the bucket in the Host header; the codecs work on path-style,
 * so the bucket moves into the path. `bucket.localhost`, `bucket.s3.localhost`, `bucket.s3.<region>.amazonaws.com`.
 */
export function virtualHostBucket(host: string): string | undefined {
  const name = host.replace(/:\d+$/, '').toLowerCase();
  if (/^\d+\.\d+\.\d+\.\d+$/.test(name) || name === 'localhost' || name.startsWith('[')) return undefined;
  let m = /^(.+?)(?:\.s3)?\.localhost$/.exec(name);
  if (m) return m[1] === 's3' ? undefined : m[1];
  m = /^(.+)\.s3[.-](?:[a-z0-9-]+\.)?amazonaws\.com$/.exec(name);
  return m?.[1];
}
