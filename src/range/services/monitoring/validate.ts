import type { Dimension } from '@aws-sdk/client-cloudwatch';
import { ServiceError } from '../../errors.js';
import { STANDARD_UNITS as UNITS } from '../../metric-units.js';

/**
 * CloudWatch's parameter errors. The service names parameters the query-protocol way
 * (`MetricData.member.1.Value`) whatever protocol the call came in, and reports several problems of one
 * request at once, one per line.
 */

export function invalidValue(message: string): ServiceError {
  return new ServiceError('InvalidParameterValue', message);
}

export function invalidCombination(message: string): ServiceError {
  return new ServiceError('InvalidParameterCombination', message);
}

export function missingParameter(name: string): ServiceError {
  return new ServiceError('MissingParameter', `The parameter ${name} is required.`);
}

export function validationError(message: string): ServiceError {
  return new ServiceError('ValidationError', message);
}

/** Collects InvalidParameterValue problems and throws them together. */
export class Problems {
  private readonly messages: string[] = [];

  add(message: string): void {
    this.messages.push(message);
  }

  throwIfAny(): void {
    if (this.messages.length > 0) throw invalidValue(this.messages.join('\n'));
  }
}

/** 1 to 255 printable ASCII characters, not starting with a colon; `AWS/` is reserved for writes. */
export function checkNamespace(namespace: string | undefined, param: string, opts: { write: boolean }): void {
  if (namespace === undefined) throw missingParameter(param);
  const printable = /^[\x20-\x7e]+$/.test(namespace) && namespace.trim().length > 0;
  if (
    !printable ||
    namespace.length > 255 ||
    namespace.startsWith(':') ||
    (opts.write && namespace.startsWith('AWS/'))
  ) {
    throw invalidValue(`The value ${namespace} for parameter ${param} is invalid.`);
  }
}

export function checkMetricName(name: string | undefined, param: string): void {
  if (name === undefined) throw missingParameter(param);
  if (name.length === 0 || name.length > 255 || name.trim().length === 0) {
    throw invalidValue(`The value ${name} for parameter ${param} is invalid.`);
  }
}

/** Dimension names: 1-255 ASCII, not starting with ':'; values: 1-1024 ASCII; names unique; at most 30. */
export function checkDimensions(
  dimensions: readonly Dimension[] | undefined,
  prefix: string,
  problems: Problems,
): void {
  if (!dimensions) return;
  if (dimensions.length > 30) problems.add(`The collection ${prefix} must not have a size greater than 30.`);
  const names = new Set<string>();
  dimensions.forEach((d, i) => {
    const at = `${prefix}.member.${i + 1}`;
    const name = d.Name ?? '';
    const value = d.Value ?? '';
    if (!/^[\x20-\x7e]{1,255}$/.test(name) || name.startsWith(':') || name.trim() === '') {
      problems.add(`The value ${name} for parameter ${at}.Name is invalid.`);
    }
    if (!/^[\x20-\x7e]{1,1024}$/.test(value) || value.trim() === '') {
      problems.add(`The value ${value} for parameter ${at}.Value is invalid.`);
    }
    if (names.has(name))
      problems.add(
        `No metric may have duplicate dimension names; ${name} appears more than once in ${prefix}.`,
      );
    names.add(name);
  });
}

export function checkUnit(unit: string | undefined, param: string, problems: Problems): void {
  if (unit !== undefined && !UNITS.includes(unit)) {
    problems.add(`The parameter ${param} must be a value in the set [ ${UNITS.join(', ')} ].`);
  }
}

/** Periods: 10, 20, 30 (high resolution; 1 and 5 for queries) or a multiple of 60. */
export function validPeriod(period: number, opts: { query: boolean }): boolean {
  if (!Number.isInteger(period) || period < 1) return false;
  if (period % 60 === 0) return true;
  return (opts.query ? [1, 5, 10, 20, 30] : [10, 20, 30]).includes(period);
}

/** True when the metric's dimensions are exactly `wanted` (order does not matter). */
export function sameDimensions(
  a: readonly Dimension[] | undefined,
  b: readonly Dimension[] | undefined,
): boolean {
  const key = (ds: readonly Dimension[] | undefined) =>
    (ds ?? [])
      .map((d) => `${d.Name ?? ''}=${d.Value ?? ''}`)
      .sort()
      .join('\u0001');
  return key(a) === key(b);
}
