import type { HttpRequest } from './protocol/types.js';
import type { Codec } from './protocol/types.js';
import { queryCodec } from './protocol/query.js';
import { ec2Codec } from './protocol/ec2.js';
import { jsonCodec } from './protocol/json.js';
import { cborCodec } from './protocol/cbor.js';
import { restXmlCodec } from './protocol/rest-xml.js';
import { restJsonCodec } from './protocol/rest-json.js';
import { isIncomplete, isLegacy, readClaim, type Claim } from './auth/sigv4.js';
import { has } from './records.js';

export interface Auth {
  accessKeyId: string;
  region?: string;
  signingName?: string;
  sessionToken?: string;
}

/** The access key and credential scope a request names (its signature is verified in auth/verify.ts). */
export function parseAuth(req: HttpRequest): Auth | undefined {
  return authOf(readClaim(req));
}

export function authOf(claim: Claim | undefined): Auth | undefined {
  if (!claim) return undefined;
  if (isLegacy(claim)) return { accessKeyId: claim.accessKeyId, signingName: 's3' };
  if (isIncomplete(claim)) {
    return { accessKeyId: claim.accessKeyId ?? '', region: claim.region, signingName: claim.service };
  }
  return {
    accessKeyId: claim.accessKeyId,
    region: claim.region,
    signingName: claim.service,
    sessionToken: claim.sessionToken,
  };
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
  'rest-json': restJsonCodec,
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
  const prefix = target ? target.slice(0, target.lastIndexOf('.')) : '';
  const targetService = has(jsonTargets, prefix) ? jsonTargets[prefix] : undefined;
  let service = auth?.signingName ?? targetService;
  if (!service) service = CBOR_PATH.test(req.path) ? 'monitoring' : 's3';
  if (service === 's3' && req.path.startsWith('/v20180820/')) service = 's3control';
  if (service === 'monitoring') {
    if (req.headers['smithy-protocol'] === 'rpc-v2-cbor' || CBOR_PATH.test(req.path))
      return { service, codec: cborCodec };
    if (target) return { service, codec: jsonCodec };
    return { service, codec: queryCodec };
  }
  return { service, codec: codecs[modelProtocol(service)] ?? codecOfRequest(req) };
}

/** A service the range lacks: answer in the protocol its client speaks, as far as the request shows it. */
function codecOfRequest(req: HttpRequest): Codec {
  const type = req.headers['content-type'] ?? '';
  if (req.headers['x-amz-target'] || type.startsWith('application/x-amz-json-')) return jsonCodec;
  if (type.startsWith('application/x-www-form-urlencoded') || req.query.has('Action')) return queryCodec;
  return restXmlCodec;
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
