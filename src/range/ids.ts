import { randomBytes, randomUUID } from 'node:crypto';

const UPPER_ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

function randomFrom(alphabet: string, length: number): string {
  const bytes = randomBytes(length);
  let out = '';
  for (let i = 0; i < length; i++) out += alphabet[(bytes[i] as number) % alphabet.length];
  return out;
}

/** `sg-0a1b2c3d4e5f67890`: EC2 ids carry 17 hex digits. */
export function ec2Id(prefix: string): string {
  return `${prefix}-${randomBytes(9).toString('hex').slice(0, 17)}`;
}

/** IAM unique ids and access key ids: a 4-letter prefix (AKIA, ASIA, AIDA, AROA, ANPA, ...) + 16 chars. */
export function iamId(prefix: string): string {
  return prefix + randomFrom(UPPER_ALNUM, 16);
}

export function secretKey(): string {
  return randomBytes(30).toString('base64').replace(/[+/=]/g, 'x').slice(0, 40);
}

export function requestId(): string {
  return randomUUID();
}

export function uuid(): string {
  return randomUUID();
}

export function hexId(length: number): string {
  return randomBytes(Math.ceil(length / 2))
    .toString('hex')
    .slice(0, length);
}
