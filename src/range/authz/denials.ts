/**
 * A denied request answers with its service's own error: the code, HTTP status and message form the
 * service's clients see on AWS. The message is the evaluator's (`User: ... is not authorized to
 * perform: ... because ...`).
 */
import { createHash } from 'node:crypto';
import { ServiceError } from '../errors.js';

/** Services whose JSON protocol answers `AccessDeniedException` with HTTP 400. */
const JSON_400 = new Set(['cloudtrail', 'logs', 'kms', 'ssm', 'events', 'config']);

export function denialError(service: string, message: string): ServiceError {
  switch (service) {
    case 'ec2':
      // EC2 prefixes the reason and appends an opaque encoded message (sts:DecodeAuthorizationMessage).
      return new ServiceError(
        'UnauthorizedOperation',
        `You are not authorized to perform this operation. ${message}${/[.!?]$/.test(message) ? '' : '.'} Encoded authorization failure message: ${encoded(message)}`,
        403,
      );
    case 'sns':
      return new ServiceError('AuthorizationError', message, 403);
    case 'lambda':
      return new ServiceError('AccessDeniedException', message, 403);
    default:
      if (JSON_400.has(service)) return new ServiceError('AccessDeniedException', message, 400);
      // Query services (IAM, STS, CloudFormation, CloudWatch) and S3 Control.
      return new ServiceError('AccessDenied', message, 403);
  }
}

/**
 * An opaque, URL-safe string standing for AWS's encrypted authorization message: stable for the same
 * denial, revealing nothing the plain message does not already say.
 */
function encoded(message: string): string {
  const digest = createHash('sha256').update(message).digest('base64url');
  return `${digest}${digest.split('').reverse().join('')}`.slice(0, 64);
}
