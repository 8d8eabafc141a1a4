/**
 * The log's record framing: each record is its length and CRC-32 (4 bytes each, big-endian), then its
 * bytes. A record cut short by a crash (the range killed in the middle of an append) is told apart
 * from damage in the middle of the file: only the first was never acknowledged and may be dropped.
 */
import { crc32 } from 'node:zlib';

const HEADER = 8;
/** No single commit comes near this; a larger length is damage, not a record. */
export const MAX_RECORD = 512 * 1024 * 1024;

export function frame(payload: Buffer): Buffer {
  const out = Buffer.allocUnsafe(HEADER + payload.length);
  out.writeUInt32BE(payload.length, 0);
  out.writeUInt32BE(crc32(payload), 4);
  payload.copy(out, HEADER);
  return out;
}

export interface FrameScan {
  records: Buffer[];
  /** Where the last good record ends. */
  end: number;
  /** The first record that failed its checks, if any. */
  bad?: { offset: number; torn: boolean; reason: string };
}

/** Read records from the start of `buf`, stopping at the first one that fails its length or checksum. */
export function scanFrames(buf: Buffer): FrameScan {
  const records: Buffer[] = [];
  let at = 0;
  while (at < buf.length) {
    const left = buf.length - at;
    if (left < HEADER) {
      return { records, end: at, bad: { offset: at, torn: true, reason: `${left} stray bytes at the end` } };
    }
    const length = buf.readUInt32BE(at);
    const sum = buf.readUInt32BE(at + 4);
    if (length === 0 || length > MAX_RECORD) {
      // Zeros to the end are space the file system allotted to an append that never landed.
      const torn = buf.subarray(at).every((b) => b === 0);
      return { records, end: at, bad: { offset: at, torn, reason: `a record of length ${length}` } };
    }
    if (length > left - HEADER) {
      return {
        records,
        end: at,
        bad: { offset: at, torn: true, reason: `a record of ${length} bytes with ${left - HEADER} left` },
      };
    }
    const payload = buf.subarray(at + HEADER, at + HEADER + length);
    if (crc32(payload) !== sum) {
      const torn = at + HEADER + length === buf.length;
      return {
        records,
        end: at,
        bad: { offset: at, torn, reason: 'a record whose checksum does not match' },
      };
    }
    records.push(payload);
    at += HEADER + length;
  }
  return { records, end: at };
}
