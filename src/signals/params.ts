import { z } from 'zod';
import { isPlaceholderOnly } from '../scenario/placeholders.js';

/**
 * Parameter building blocks shared by signal kinds. Any string may be a placeholder such as
 * `{{outputs.WebSgId}}`; formats (CIDRs, ids) are only checked when the value is written out literally.
 */
export function resource(description: string) {
  return z.string().min(1, { error: 'must not be empty' }).describe(description);
}

export function expect<const T extends readonly [string, ...string[]]>(values: T, description: string) {
  return z.enum(values).describe(description);
}

const IPV4_CIDR = /^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}\/(3[0-2]|[12]?\d)$/;
const IPV6_CIDR = /^[0-9a-fA-F:]*:[0-9a-fA-F:]*\/(12[0-8]|1[01]\d|[1-9]?\d)$/;

export const ipv4Cidr = z
  .string()
  .refine((s) => isPlaceholderOnly(s) || IPV4_CIDR.test(s), {
    error: 'must be an IPv4 CIDR like 10.0.0.0/24',
  })
  .describe('An IPv4 CIDR block, e.g. 0.0.0.0/0.');

export const ipv6Cidr = z
  .string()
  .refine((s) => isPlaceholderOnly(s) || IPV6_CIDR.test(s), { error: 'must be an IPv6 CIDR like ::/0' })
  .describe('An IPv6 CIDR block, e.g. ::/0.');

export const port = z.int().min(0).max(65535);

export const findingName = z
  .string()
  .regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, { error: 'must be kebab-case, like ssh-exposure' })
  .describe('The finding name responders declare with `sirs ack`, kebab-case (e.g. ssh-exposure).');
