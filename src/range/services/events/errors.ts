import { ServiceError } from '../../errors.js';

/** EventBridge's error answers, with the wording AWS uses. */

export const ruleNotFound = (name: string, bus: string) =>
  new ServiceError('ResourceNotFoundException', `Rule ${name} does not exist on EventBus ${bus}.`);

export const busNotFound = (name: string) =>
  new ServiceError('ResourceNotFoundException', `Event bus ${name} does not exist.`);

export const validation = (message: string) => new ServiceError('ValidationException', message);

export const invalidPattern = (reason: string) =>
  new ServiceError('InvalidEventPatternException', `Event pattern is not valid. Reason: ${reason}`);

/** The JSON protocol's model-constraint message, as AWS's front end words it. */
export function constraint(value: string | undefined, member: string, rule: string): ServiceError {
  const shown = value === undefined ? 'null' : `'${value}'`;
  return validation(
    `1 validation error detected: Value ${shown} at '${member}' failed to satisfy constraint: ${rule}`,
  );
}

const NAME = /^[.\-_A-Za-z0-9]+$/;

/** Rule names and target ids: 1 to 64 of `.`, `-`, `_`, letters and digits. */
export function checkName(value: string | undefined, member: string): string {
  if (value === undefined || value.length === 0 || value.length > 64)
    throw constraint(value, member, 'Member must have length between 1 and 64');
  if (!NAME.test(value))
    throw constraint(value, member, 'Member must satisfy regular expression pattern: [\\.\\-_A-Za-z0-9]+');
  return value;
}

export function checkMaxLength(value: string | undefined, member: string, max: number): void {
  if (value !== undefined && value.length > max)
    throw constraint(value, member, `Member must have length less than or equal to ${max}`);
}
