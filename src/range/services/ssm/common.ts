import { ServiceError } from '../../errors.js';

export function validation(message: string): ServiceError {
  return new ServiceError('ValidationException', `1 validation error detected: ${message}`);
}

/** A numeric member within the model's bounds, with the validation message AWS gives. */
export function checkRange(
  member: string,
  value: number | undefined,
  min: number,
  max: number,
): number | undefined {
  if (value === undefined) return undefined;
  if (value < min || value > max) {
    throw validation(
      `Value '${value}' at '${member}' failed to satisfy constraint: Member must have value ${value < min ? `greater than or equal to ${min}` : `less than or equal to ${max}`}`,
    );
  }
  return value;
}

/** ISO 8601 duration as SSM prints elapsed times: `PT1M0.002S`. */
export function elapsed(ms: number): string {
  const minutes = Math.floor(ms / 60_000);
  const seconds = (ms - minutes * 60_000) / 1000;
  return `PT${minutes ? `${minutes}M` : ''}${Number(seconds.toFixed(3))}S`;
}
