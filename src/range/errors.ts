/**
 * An error a service answers with: data carrying the AWS error code and HTTP status. Each protocol
 * codec turns it into that protocol's error shape. `fields` adds members some services put beside
 * Code and Message (S3's BucketName, Key, ...).
 */
export class ServiceError extends Error {
  readonly code: string;
  readonly status: number;
  readonly sender: boolean;
  readonly fields: Record<string, string>;

  constructor(
    code: string,
    message: string,
    status = 400,
    opts: { sender?: boolean; fields?: Record<string, string> } = {},
  ) {
    super(message);
    this.name = 'ServiceError';
    this.code = code;
    this.status = status;
    this.sender = opts.sender ?? status < 500;
    this.fields = opts.fields ?? {};
  }
}

export function isServiceError(err: unknown): err is ServiceError {
  return err instanceof ServiceError;
}

/** The error each protocol family uses for a parameter that fails validation. */
export function validationError(protocol: string, message: string): ServiceError {
  switch (protocol) {
    case 'ec2':
      return new ServiceError('InvalidParameterValue', message);
    case 'query':
      return new ServiceError('ValidationError', message);
    case 'rest-xml':
      return new ServiceError('InvalidArgument', message);
    default:
      return new ServiceError('ValidationException', message);
  }
}

export function missingParameter(protocol: string, memberName: string): ServiceError {
  switch (protocol) {
    case 'ec2':
      return new ServiceError('MissingParameter', `The request must contain the parameter ${memberName}`);
    case 'query':
      return new ServiceError(
        'ValidationError',
        `1 validation error detected: Value null at '${lcfirst(memberName)}' failed to satisfy constraint: Member must not be null`,
      );
    case 'rest-xml':
      return new ServiceError('InvalidRequest', `Missing required parameter ${memberName}`);
    default:
      return new ServiceError(
        'ValidationException',
        `1 validation error detected: Value null at '${lcfirst(memberName)}' failed to satisfy constraint: Member must not be null`,
      );
  }
}

export function lcfirst(s: string): string {
  return s.charAt(0).toLowerCase() + s.slice(1);
}
