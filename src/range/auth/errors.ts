/**
 * Authentication failures as each protocol family's services answer them. S3 has its own codes and
 * extra fields; JSON (and CBOR) services use `...Exception` names; query and EC2 services the common
 * errors (https://docs.aws.amazon.com/STS/latest/APIReference/CommonErrors.html).
 */
import { ServiceError } from '../errors.js';

type Family = 's3' | 'json' | 'ec2' | 'query';

function family(protocol: string): Family {
  switch (protocol) {
    case 'rest-xml':
      return 's3';
    case 'json':
    case 'rest-json':
    case 'smithy-rpc-v2-cbor':
      return 'json';
    case 'ec2':
      return 'ec2';
    default:
      return 'query';
  }
}

const MISMATCH =
  'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.';
const S3_MISMATCH =
  'The request signature we calculated does not match the signature you provided. Check your key and signing method.';
const EXPIRED_REQUEST =
  'The request reached the service more than 15 minutes after the date stamp on the request or more than 15 minutes after the request expiration date (such as for pre-signed URLs), or the date stamp on the request is more than 15 minutes in the future.';

export function signatureMismatch(
  protocol: string,
  detail: { accessKeyId: string; stringToSign?: string; canonicalRequest?: string; provided?: string },
): ServiceError {
  switch (family(protocol)) {
    case 's3':
      return new ServiceError('SignatureDoesNotMatch', S3_MISMATCH, 403, {
        fields: {
          AWSAccessKeyId: detail.accessKeyId,
          ...(detail.stringToSign !== undefined ? { StringToSign: detail.stringToSign } : {}),
          ...(detail.provided !== undefined ? { SignatureProvided: detail.provided } : {}),
          ...(detail.canonicalRequest !== undefined ? { CanonicalRequest: detail.canonicalRequest } : {}),
        },
      });
    case 'json':
      return new ServiceError('InvalidSignatureException', MISMATCH, 400);
    default:
      return new ServiceError('SignatureDoesNotMatch', MISMATCH, 403);
  }
}

export function incompleteSignature(
  protocol: string,
  message: string,
  form: 'header' | 'query',
): ServiceError {
  switch (family(protocol)) {
    case 's3':
      return form === 'header'
        ? new ServiceError(
            'AuthorizationHeaderMalformed',
            `The authorization header is malformed; ${message}`,
            400,
          )
        : new ServiceError('AuthorizationQueryParametersError', message, 400);
    case 'json':
      return new ServiceError('IncompleteSignatureException', message, 400);
    default:
      return new ServiceError('IncompleteSignature', message, 400);
  }
}

/** A request dated more than 15 minutes away from the range's clock. */
export function requestTimeTooSkewed(protocol: string, requestTime: string, now: Date): ServiceError {
  if (family(protocol) === 's3') {
    return new ServiceError(
      'RequestTimeTooSkewed',
      'The difference between the request time and the current time is too large.',
      403,
      {
        fields: {
          RequestTime: requestTime,
          ServerTime: now.toISOString().replace(/\.\d{3}Z$/, 'Z'),
          MaxAllowedSkewMilliseconds: '900000',
        },
      },
    );
  }
  return new ServiceError('RequestExpired', EXPIRED_REQUEST, 400);
}

/** A presigned URL past its X-Amz-Expires (or not valid yet). */
export function presignedExpired(
  protocol: string,
  detail: { expiresSeconds: number; expiresAt: Date; now: Date; notYet?: boolean },
): ServiceError {
  if (family(protocol) === 's3') {
    const iso = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, 'Z');
    return new ServiceError(
      'AccessDenied',
      detail.notYet ? 'Request is not yet valid' : 'Request has expired',
      403,
      {
        fields: {
          'X-Amz-Expires': String(detail.expiresSeconds),
          Expires: iso(detail.expiresAt),
          ServerTime: iso(detail.now),
        },
      },
    );
  }
  return new ServiceError('RequestExpired', EXPIRED_REQUEST, 400);
}

/** Signature Version 2: AWS retired it; the range verifies Version 4 only. */
export function legacySignature(protocol: string): ServiceError {
  if (family(protocol) === 's3') {
    return new ServiceError(
      'InvalidRequest',
      'The authorization mechanism you have provided is not supported. Please use AWS4-HMAC-SHA256.',
      400,
    );
  }
  return incompleteSignature(
    protocol,
    'The range accepts Signature Version 4 (AWS4-HMAC-SHA256) only.',
    'header',
  );
}

export function contentSha256Mismatch(claimed: string, computed: string): ServiceError {
  return new ServiceError(
    'XAmzContentSHA256Mismatch',
    "The provided 'x-amz-content-sha256' header does not match what was computed.",
    400,
    { fields: { ClientComputedContentSHA256: claimed, S3ComputedContentSHA256: computed } },
  );
}

export function missingContentSha256(): ServiceError {
  return new ServiceError(
    'InvalidRequest',
    'Missing required header for this request: x-amz-content-sha256',
    400,
  );
}

export function invalidContentSha256(): ServiceError {
  return new ServiceError(
    'InvalidArgument',
    'x-amz-content-sha256 must be UNSIGNED-PAYLOAD, STREAMING-UNSIGNED-PAYLOAD-TRAILER, STREAMING-AWS4-HMAC-SHA256-PAYLOAD, STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER or a valid sha256 value.',
    400,
  );
}

export function incompleteBody(message: string): ServiceError {
  return new ServiceError('IncompleteBody', message, 400);
}

export function missingAuthentication(protocol: string): ServiceError {
  switch (family(protocol)) {
    case 'ec2':
      return new ServiceError(
        'AuthFailure',
        'AWS was not able to validate the provided access credentials',
        401,
      );
    case 'json':
      return new ServiceError('MissingAuthenticationTokenException', 'Missing Authentication Token', 400);
    default:
      return new ServiceError('MissingAuthenticationToken', 'Request is missing Authentication Token', 403);
  }
}

export function invalidAccessKey(protocol: string, accessKeyId: string): ServiceError {
  switch (family(protocol)) {
    case 'ec2':
      return new ServiceError(
        'AuthFailure',
        'AWS was not able to validate the provided access credentials',
        401,
      );
    case 's3':
      return new ServiceError(
        'InvalidAccessKeyId',
        'The AWS Access Key Id you provided does not exist in our records.',
        403,
        { fields: { AWSAccessKeyId: accessKeyId } },
      );
    case 'json':
      return new ServiceError(
        'UnrecognizedClientException',
        'The security token included in the request is invalid.',
        400,
      );
    default:
      return new ServiceError(
        'InvalidClientTokenId',
        'The security token included in the request is invalid.',
        403,
      );
  }
}

export function expiredToken(protocol: string): ServiceError {
  return family(protocol) === 'json'
    ? new ServiceError('ExpiredTokenException', 'The security token included in the request is expired', 400)
    : new ServiceError('ExpiredToken', 'The security token included in the request is expired', 400);
}

/** S3: an `x-amz-*` header the signature does not cover. */
export function headersNotSigned(headers: readonly string[]): ServiceError {
  return new ServiceError(
    'AccessDenied',
    'There were headers present in the request which were not signed',
    403,
    {
      fields: { HeadersNotSigned: headers.join(', ') },
    },
  );
}
