import { createHash } from 'node:crypto';
import { crc32 } from 'node:zlib';
import { ServiceError } from '../../errors.js';
import type { ChecksumValue } from './store.js';

export type ChecksumAlgorithm = ChecksumValue['algorithm'];

const algorithms: readonly ChecksumAlgorithm[] = ['CRC32', 'CRC32C', 'SHA1', 'SHA256'];

// CRC-32C (Castagnoli), reflected polynomial 0x82F63B78; Node has no built-in for it.
const crc32cTable = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0x82f63b78 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

function crc32c(data: Buffer): number {
  let crc = 0xffffffff;
  for (const byte of data) crc = (crc32cTable[(crc ^ byte) & 0xff] as number) ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

function uint32Base64(n: number): string {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n >>> 0);
  return b.toString('base64');
}

/** The base64 checksum S3 reports in `x-amz-checksum-<algorithm>`. */
export function checksum(algorithm: ChecksumAlgorithm, data: Buffer): string {
  switch (algorithm) {
    case 'CRC32':
      return uint32Base64(crc32(data));
    case 'CRC32C':
      return uint32Base64(crc32c(data));
    case 'SHA1':
      return createHash('sha1').update(data).digest('base64');
    case 'SHA256':
      return createHash('sha256').update(data).digest('base64');
  }
}

export interface ChecksumInput {
  ChecksumAlgorithm?: string;
  ChecksumCRC32?: string;
  ChecksumCRC32C?: string;
  ChecksumSHA1?: string;
  ChecksumSHA256?: string;
  ContentMD5?: string;
}

/**
 * The checksum of an upload, when the client sent one: as a header (verified, BadDigest when it does
 * not match) or announced in `x-amz-trailer` for aws-chunked bodies (the codec has already consumed
 * the trailer, so the range computes the value itself). Content-MD5 is verified too.
 */
export function uploadChecksum(
  input: ChecksumInput,
  headers: Record<string, string> | undefined,
  body: Buffer,
): ChecksumValue | undefined {
  if (input.ContentMD5 !== undefined) {
    const md5 = createHash('md5').update(body).digest('base64');
    if (!/^[A-Za-z0-9+/]{22}==$/.test(input.ContentMD5))
      throw new ServiceError('InvalidDigest', 'The Content-MD5 you specified was invalid.', 400);
    if (md5 !== input.ContentMD5)
      throw new ServiceError(
        'BadDigest',
        'The Content-MD5 you specified did not match what we received.',
        400,
      );
  }
  for (const algorithm of algorithms) {
    const sent = input[`Checksum${algorithm}`];
    if (sent === undefined) continue;
    const value = checksum(algorithm, body);
    if (value !== sent) {
      throw new ServiceError(
        'BadDigest',
        `The ${algorithm} you specified did not match the calculated checksum.`,
        400,
      );
    }
    return { algorithm, value };
  }
  const trailer = /x-amz-checksum-(crc32c|crc32|sha1|sha256)/i.exec(headers?.['x-amz-trailer'] ?? '')?.[1];
  const named = (trailer ?? input.ChecksumAlgorithm)?.toUpperCase() as ChecksumAlgorithm | undefined;
  if (named && algorithms.includes(named)) return { algorithm: named, value: checksum(named, body) };
  return undefined;
}

/** `{ ChecksumCRC32: '...' }`: the output member for a stored checksum. */
export function checksumMember(value: ChecksumValue | undefined): Record<string, string> {
  return value ? { [`Checksum${value.algorithm}`]: value.value } : {};
}
