/**
 * Authenticating a request to the range as AWS does: the access key selects a credential, the
 * request's date must be within 15 minutes of the range's clock (a presigned URL: before its expiry),
 * and the signature must be the one the key's secret makes over what the client sent. S3 bodies are
 * covered by `x-amz-content-sha256`: a hash, `UNSIGNED-PAYLOAD`, or a chunked stream.
 */
import type { Credential } from '../identity.js';
import type { HttpRequest } from '../protocol/types.js';
import {
  MAX_EXPIRES_SECONDS,
  MAX_SKEW_MS,
  UNSIGNED_PAYLOAD,
  amzDateTime,
  canonicalRequest,
  isIncomplete,
  isLegacy,
  sameSignature,
  sha256Hex,
  signatureOf,
  signingKey,
  stringToSign,
  type Claim,
  type SigV4Claim,
} from './sigv4.js';
import {
  STREAMING_SIGNED,
  STREAMING_SIGNED_TRAILER,
  STREAMING_UNSIGNED_TRAILER,
  checkChunkedBody,
} from './chunked.js';
import {
  contentSha256Mismatch,
  expiredToken,
  headersNotSigned,
  incompleteBody,
  incompleteSignature,
  invalidAccessKey,
  invalidContentSha256,
  legacySignature,
  missingAuthentication,
  missingContentSha256,
  presignedExpired,
  requestTimeTooSkewed,
  signatureMismatch,
} from './errors.js';

export interface AuthRequest {
  /** The request as the client sent it (before the range moves a virtual-host bucket into the path). */
  req: HttpRequest;
  claim: Claim | undefined;
  /** The codec's protocol: errors are answered in it. */
  protocol: string;
  service: string;
  /** The range's clock: request dates and presigned expiries are judged against it. */
  now: Date;
  credential(accessKeyId: string): Credential | undefined;
}

/** The credential that signed the request; undefined for an anonymous S3 request. Throws the AWS error. */
export function verifyRequest(a: AuthRequest): Credential | undefined {
  const { claim, protocol } = a;
  if (!claim) {
    if (a.service === 's3') return undefined;
    throw missingAuthentication(protocol);
  }
  const form = a.req.headers['authorization'] !== undefined ? 'header' : 'query';
  if (isIncomplete(claim)) throw incompleteSignature(protocol, claim.incomplete, form);
  const cred = a.credential(claim.accessKeyId);
  if (!cred || cred.status !== 'Active') throw invalidAccessKey(protocol, claim.accessKeyId);
  if (isLegacy(claim)) throw legacySignature(protocol);
  if (cred.sessionToken !== undefined && claim.sessionToken !== cred.sessionToken) {
    throw invalidAccessKey(protocol, claim.accessKeyId);
  }
  checkTime(claim, protocol, a.now);
  if (!claim.signedHeaders.includes('host')) {
    throw incompleteSignature(
      protocol,
      `'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.`,
      form,
    );
  }
  if (claim.amzDate.slice(0, 8) !== claim.scopeDate) {
    if (protocol === 'rest-xml') {
      throw incompleteSignature(
        protocol,
        'Invalid credential date. Date is not the same as X-Amz-Date.',
        form,
      );
    }
    throw signatureMismatch(protocol, { accessKeyId: claim.accessKeyId });
  }
  const key = signingKey(cred.secretAccessKey, claim.scopeDate, claim.region, claim.service);
  const payloadHash = checkSignature(a, claim, key);
  if (claim.service === 's3') checkS3HeadersSigned(a.req, claim);
  if (claim.service === 's3' && claim.form === 'header') checkS3Payload(a, claim, key, payloadHash);
  if (cred.expiration && cred.expiration.getTime() < a.now.getTime()) throw expiredToken(protocol);
  return cred;
}

/**
 * S3 refuses `x-amz-*` headers the signature does not cover (an unsigned `x-amz-acl` or
 * `x-amz-copy-source` added to a presigned request would change what it does):
 * AccessDenied, "There were headers present in the request which were not signed", with HeadersNotSigned.
 * `x-amz-content-sha256` is checked against the payload instead.
 */
function checkS3HeadersSigned(req: HttpRequest, claim: SigV4Claim): void {
  const signed = new Set(claim.signedHeaders.map((h) => h.toLowerCase()));
  const unsigned = Object.keys(req.headers)
    .map((h) => h.toLowerCase())
    .filter((h) => h.startsWith('x-amz-') && h !== 'x-amz-content-sha256' && !signed.has(h));
  if (unsigned.length > 0) throw headersNotSigned(unsigned.sort());
}

function checkTime(claim: SigV4Claim, protocol: string, now: Date): void {
  const t = amzDateTime(claim.amzDate);
  if (Number.isNaN(t)) {
    throw incompleteSignature(
      protocol,
      `Date must be in ISO-8601 'basic format'. Got '${claim.amzDate}'. See http://en.wikipedia.org/wiki/ISO_8601`,
      claim.form,
    );
  }
  const skew = t - now.getTime();
  if (claim.form === 'query' && claim.expiresSeconds !== undefined) {
    const expires = claim.expiresSeconds;
    if (expires < 1 || expires > MAX_EXPIRES_SECONDS) {
      throw incompleteSignature(
        protocol,
        `X-Amz-Expires must be less than a week (in seconds) that is ${MAX_EXPIRES_SECONDS}`,
        'query',
      );
    }
    const expiresAt = new Date(t + expires * 1000);
    if (now.getTime() > expiresAt.getTime() || skew > MAX_SKEW_MS) {
      throw presignedExpired(protocol, {
        expiresSeconds: expires,
        expiresAt,
        now,
        notYet: skew > MAX_SKEW_MS,
      });
    }
    return;
  }
  if (Math.abs(skew) > MAX_SKEW_MS) throw requestTimeTooSkewed(protocol, claim.amzDate, now);
}

/** The payload hash the client signed, once its signature is found right. */
function checkSignature(a: AuthRequest, claim: SigV4Claim, key: Buffer): string {
  const candidates = payloadHashes(a.req, claim);
  let first: { canonical: string; toSign: string } | undefined;
  for (const hash of candidates) {
    const canonical = canonicalRequest(a.req, claim, hash);
    const toSign = stringToSign(claim, canonical);
    if (sameSignature(signatureOf(key, toSign), claim.signature)) return hash;
    first ??= { canonical, toSign };
  }
  throw signatureMismatch(a.protocol, {
    accessKeyId: claim.accessKeyId,
    stringToSign: first?.toSign,
    canonicalRequest: first?.canonical,
    provided: claim.signature,
  });
}

/**
 * What the client may have put last in its canonical request. S3 names it in x-amz-content-sha256
 * (presigned URLs: UNSIGNED-PAYLOAD); other services hash the body. A presigned URL for another service
 * carries UNSIGNED-PAYLOAD (the AWS CLI) or the empty body's hash (the SDKs).
 */
function payloadHashes(req: HttpRequest, claim: SigV4Claim): string[] {
  if (claim.service === 's3') {
    if (claim.form === 'query') return [req.query.get('X-Amz-Content-Sha256') ?? UNSIGNED_PAYLOAD];
    const declared = req.headers['x-amz-content-sha256'];
    if (declared === undefined) throw missingContentSha256();
    return [declared];
  }
  const body = sha256Hex(req.body);
  return claim.form === 'query' ? [body, UNSIGNED_PAYLOAD] : [body];
}

function checkS3Payload(a: AuthRequest, claim: SigV4Claim, key: Buffer, declared: string): void {
  if (declared === UNSIGNED_PAYLOAD) return;
  if (/^[0-9a-f]{64}$/.test(declared)) {
    const computed = sha256Hex(a.req.body);
    if (computed !== declared) throw contentSha256Mismatch(declared, computed);
    return;
  }
  const signed = declared === STREAMING_SIGNED || declared === STREAMING_SIGNED_TRAILER;
  if (!signed && declared !== STREAMING_UNSIGNED_TRAILER) throw invalidContentSha256();
  const problem = checkChunkedBody(a.req.body, {
    trailer: declared !== STREAMING_SIGNED,
    ...(signed
      ? { signing: { key, amzDate: claim.amzDate, scope: claim, seedSignature: claim.signature } }
      : {}),
  });
  if (!problem) return;
  if (problem.kind === 'malformed') throw incompleteBody(problem.message);
  throw signatureMismatch(a.protocol, {
    accessKeyId: claim.accessKeyId,
    stringToSign: problem.stringToSign,
    provided: problem.provided,
  });
}
