/**
 * Verifying AWS Signature Version 4 as a service does: the client names the headers it signed, the
 * server rebuilds the canonical request from them, derives the signing key from the secret of the
 * access key used, and compares. The canonical request (path escaping, query encoding, layout) is
 * the AWS SDK's own (`@smithy/signature-v4`); the HMAC chain runs on node:crypto synchronously, with
 * derived signing keys cached per (secret, date, region, service).
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { SignatureV4Base } from '@smithy/signature-v4';
import type { HttpRequest as SmithyRequest, QueryParameterBag } from '@smithy/types';
import type { HttpRequest } from '../protocol/types.js';

export const ALGORITHM = 'AWS4-HMAC-SHA256';
export const UNSIGNED_PAYLOAD = 'UNSIGNED-PAYLOAD';
export const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
/** AWS accepts a request dated up to 15 minutes from its own clock, either way. */
export const MAX_SKEW_MS = 15 * 60 * 1000;
/** A presigned URL lives at most 7 days. */
export const MAX_EXPIRES_SECONDS = 7 * 24 * 3600;

/** What a SigV4 request says about itself: who signed, for which scope, when, over which headers. */
export interface SigV4Claim {
  form: 'header' | 'query';
  accessKeyId: string;
  /** YYYYMMDD, region, service: the credential scope. */
  scopeDate: string;
  region: string;
  service: string;
  /** ISO 8601 basic (20261206T103000Z), as signed. */
  amzDate: string;
  signedHeaders: string[];
  signature: string;
  /** Presigned URLs: seconds of validity from amzDate. */
  expiresSeconds?: number;
  sessionToken?: string;
}

/** A request that claims SigV4 but does not say everything SigV4 needs. */
export interface IncompleteClaim {
  incomplete: string;
  accessKeyId?: string;
  scopeDate?: string;
  region?: string;
  service?: string;
}

/** A request signed with the retired Signature Version 2 (the range verifies Version 4 only). */
export interface LegacyClaim {
  legacy: true;
  accessKeyId: string;
}

export type Claim = SigV4Claim | IncompleteClaim | LegacyClaim;

export function isIncomplete(c: Claim): c is IncompleteClaim {
  return 'incomplete' in c;
}

export function isLegacy(c: Claim): c is LegacyClaim {
  return 'legacy' in c;
}

const AMZ_DATE = /^\d{8}T\d{6}Z$/;

/** The signature a request carries, in its Authorization header or its query string; none: anonymous. */
export function readClaim(req: HttpRequest): Claim | undefined {
  const header = req.headers['authorization'];
  const token = req.headers['x-amz-security-token'] ?? req.query.get('X-Amz-Security-Token') ?? undefined;
  if (header !== undefined) {
    if (header.startsWith('AWS ')) {
      const v2 = /^AWS ([^:]+):/.exec(header);
      return v2 ? { legacy: true, accessKeyId: v2[1] as string } : { incomplete: 'malformed Authorization' };
    }
    return headerClaim(req, header, token);
  }
  if (req.query.has('X-Amz-Algorithm') || req.query.has('X-Amz-Credential')) return queryClaim(req, token);
  const legacy = req.query.get('AWSAccessKeyId');
  if (legacy) return { legacy: true, accessKeyId: legacy };
  return undefined;
}

function headerClaim(req: HttpRequest, header: string, token: string | undefined): Claim {
  const space = header.indexOf(' ');
  const algorithm = space === -1 ? header : header.slice(0, space);
  if (algorithm !== ALGORITHM) {
    return { incomplete: `Unsupported AWS 'algorithm': '${algorithm}'` };
  }
  const params: Record<string, string> = {};
  for (const part of header.slice(space + 1).split(',')) {
    const eq = part.indexOf('=');
    if (eq !== -1) params[part.slice(0, eq).trim()] = part.slice(eq + 1).trim();
  }
  const missing = ['Credential', 'SignedHeaders', 'Signature']
    .filter((p) => !params[p])
    .map((p) => `Authorization header requires '${p}' parameter.`);
  const amzDate = req.headers['x-amz-date'] ?? isoFromHttpDate(req.headers['date']);
  if (!amzDate) {
    missing.push(`Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.`);
  }
  const scope = parseScope(params['Credential'] ?? '');
  if (missing.length) return { incomplete: `${missing.join(' ')} Authorization=${header}`, ...scope };
  if (!scope.accessKeyId || !scope.scopeDate || !scope.region || !scope.service) {
    return { incomplete: `Credential should be scoped to a valid region. Authorization=${header}` };
  }
  return {
    form: 'header',
    accessKeyId: scope.accessKeyId,
    scopeDate: scope.scopeDate,
    region: scope.region,
    service: scope.service,
    amzDate: amzDate as string,
    signedHeaders: (params['SignedHeaders'] as string).split(';'),
    signature: params['Signature'] as string,
    sessionToken: token,
  };
}

function queryClaim(req: HttpRequest, token: string | undefined): Claim {
  const q = req.query;
  const scope = parseScope(q.get('X-Amz-Credential') ?? '');
  const missing = [
    'X-Amz-Algorithm',
    'X-Amz-Credential',
    'X-Amz-Date',
    'X-Amz-SignedHeaders',
    'X-Amz-Signature',
  ]
    .filter((p) => !q.get(p))
    .map((p) => `AWS query-string parameters must include '${p}'.`);
  if (missing.length) return { incomplete: missing.join(' '), ...scope };
  if (q.get('X-Amz-Algorithm') !== ALGORITHM)
    return { incomplete: `X-Amz-Algorithm only supports "${ALGORITHM}"`, ...scope };
  if (!scope.accessKeyId || !scope.scopeDate || !scope.region || !scope.service)
    return { incomplete: 'Credential should be scoped to a valid region.', ...scope };
  const expires = q.get('X-Amz-Expires');
  return {
    form: 'query',
    accessKeyId: scope.accessKeyId,
    scopeDate: scope.scopeDate,
    region: scope.region,
    service: scope.service,
    amzDate: q.get('X-Amz-Date') as string,
    signedHeaders: (q.get('X-Amz-SignedHeaders') as string).split(';'),
    signature: q.get('X-Amz-Signature') as string,
    ...(expires !== null ? { expiresSeconds: /^\d+$/.test(expires) ? Number(expires) : -1 } : {}),
    sessionToken: token,
  };
}

/** `AKID/20261206/us-east-1/sts/aws4_request`. */
function parseScope(credential: string): {
  accessKeyId?: string;
  scopeDate?: string;
  region?: string;
  service?: string;
} {
  const parts = credential.split('/');
  if (parts.length !== 5 || parts[4] !== 'aws4_request' || !/^\d{8}$/.test(parts[1] as string)) {
    return parts[0] ? { accessKeyId: parts[0] } : {};
  }
  return { accessKeyId: parts[0], scopeDate: parts[1], region: parts[2], service: parts[3] };
}

function isoFromHttpDate(date: string | undefined): string | undefined {
  if (!date) return undefined;
  const t = Date.parse(date);
  return Number.isNaN(t) ? undefined : new Date(t).toISOString().replace(/[-:]|\.\d{3}/g, '');
}

/** The time an ISO 8601 basic date stands for, or NaN. */
export function amzDateTime(amzDate: string): number {
  if (!AMZ_DATE.test(amzDate)) return NaN;
  return Date.parse(
    `${amzDate.slice(0, 4)}-${amzDate.slice(4, 6)}-${amzDate.slice(6, 8)}T${amzDate.slice(9, 11)}:${amzDate.slice(11, 13)}:${amzDate.slice(13, 15)}Z`,
  );
}

/**
 * The SDK's canonical request builder, exposed: `createCanonicalRequest` is the exact layout and
 * escaping the SDK signs with (path segments normalised and escaped twice except for S3).
 */
class CanonicalRequest extends SignatureV4Base {
  constructor(uriEscapePath: boolean) {
    super({
      service: 'range',
      region: 'us-east-1',
      credentials: { accessKeyId: '', secretAccessKey: '' },
      sha256: NoHash,
      uriEscapePath,
    });
  }

  build(req: SmithyRequest, headers: Record<string, string>, payloadHash: string): string {
    return this.createCanonicalRequest(req, headers, payloadHash);
  }
}

/** The builder never hashes (the range hashes with node:crypto), but its base class wants a constructor. */
class NoHash {
  update(): void {}
  digest(): Promise<Uint8Array> {
    return Promise.reject(new Error('not used'));
  }
}

const escapedPaths = new CanonicalRequest(true);
const s3Paths = new CanonicalRequest(false);

/** What the client signed: method, path as sent, query, the listed headers and the payload hash. */
export function canonicalRequest(req: HttpRequest, claim: SigV4Claim, payloadHash: string): string {
  const query: QueryParameterBag = {};
  for (const [k, v] of req.query) {
    if (claim.form === 'query' && k === 'X-Amz-Signature') continue;
    const prev = query[k];
    if (prev === undefined || prev === null) query[k] = v;
    else query[k] = Array.isArray(prev) ? [...prev, v] : [prev, v];
  }
  const headers: Record<string, string> = {};
  for (const name of claim.signedHeaders) {
    const value = req.headers[name];
    // A signed header that is absent cannot match: keep it empty so the signature comparison fails.
    headers[name] = value === undefined ? '' : value.trim().replace(/\s+/g, ' ');
  }
  const builder = claim.service === 's3' ? s3Paths : escapedPaths;
  return builder.build(
    { method: req.method, path: req.path, query, headers, protocol: 'http:', hostname: '' },
    headers,
    payloadHash,
  );
}

export function sha256Hex(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

export function scopeOf(claim: { scopeDate: string; region: string; service: string }): string {
  return `${claim.scopeDate}/${claim.region}/${claim.service}/aws4_request`;
}

export function stringToSign(claim: SigV4Claim, canonical: string): string {
  return `${ALGORITHM}\n${claim.amzDate}\n${scopeOf(claim)}\n${sha256Hex(canonical)}`;
}

const keyCache = new Map<string, Buffer>();
const KEY_CACHE_MAX = 256;

/** kSigning = HMAC(HMAC(HMAC(HMAC("AWS4" + secret, date), region), service), "aws4_request"), cached. */
export function signingKey(secret: string, scopeDate: string, region: string, service: string): Buffer {
  const cacheKey = `${scopeDate}\n${region}\n${service}\n${secret}`;
  let key = keyCache.get(cacheKey);
  if (!key) {
    key = hmac(`AWS4${secret}`, scopeDate);
    for (const part of [region, service, 'aws4_request']) key = hmac(key, part);
    if (keyCache.size >= KEY_CACHE_MAX) keyCache.delete(keyCache.keys().next().value as string);
    keyCache.set(cacheKey, key);
  }
  return key;
}

export function hmac(key: string | Buffer, data: string): Buffer {
  return createHmac('sha256', key).update(data, 'utf8').digest();
}

export function signatureOf(key: Buffer, toSign: string): string {
  return createHmac('sha256', key).update(toSign, 'utf8').digest('hex');
}

/** Constant-time comparison of two hex signatures. */
export function sameSignature(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  return timingSafeEqual(Buffer.from(a, 'latin1'), Buffer.from(b, 'latin1'));
}
