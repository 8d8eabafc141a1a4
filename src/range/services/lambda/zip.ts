import { crc32, deflateRawSync, inflateRawSync } from 'node:zlib';
import { posix } from 'node:path';

/** A file of a deployment package, with its path inside the package (always relative, `/`-separated). */
export interface ZipEntry {
  path: string;
  data: Buffer;
  /** Unix mode bits when the archive records them (made on Unix), e.g. 0o755 for a script. */
  mode?: number;
}

/** Why a package cannot be read; the handler turns it into Lambda's InvalidParameterValueException. */
export class ZipError extends Error {}

/** Lambda's limit on a function's unzipped code (250 MB). */
export const MAX_UNZIPPED_BYTES = 262_144_000;
const MAX_ENTRIES = 20_000;

const EOCD_SIGNATURE = 0x06054b50;
const CENTRAL_SIGNATURE = 0x02014b50;
const LOCAL_SIGNATURE = 0x04034b50;

/**
 * Read a zip archive's files: stored and deflated entries (what every zip tool and `zip -r` writes).
 * Refuses paths that would leave the function's folder (`../`, absolute paths), encrypted and ZIP64
 * archives, and more than MAX_UNZIPPED_BYTES in all; each entry's CRC-32 is checked.
 */
export function readZip(zip: Buffer, maxTotal = MAX_UNZIPPED_BYTES): ZipEntry[] {
  const eocd = findEndOfCentralDirectory(zip);
  const count = zip.readUInt16LE(eocd + 10);
  const dirSize = zip.readUInt32LE(eocd + 12);
  const dirOffset = zip.readUInt32LE(eocd + 16);
  if (count === 0xffff || dirOffset === 0xffffffff) throw new ZipError('ZIP64 archives are not supported');
  if (count > MAX_ENTRIES) throw new ZipError(`more than ${MAX_ENTRIES} files`);
  if (dirOffset + dirSize > zip.length) throw new ZipError('the central directory is cut short');
  const entries: ZipEntry[] = [];
  let total = 0;
  let pos = dirOffset;
  for (let i = 0; i < count; i++) {
    if (pos + 46 > zip.length || zip.readUInt32LE(pos) !== CENTRAL_SIGNATURE)
      throw new ZipError('a central directory entry is damaged');
    const flags = zip.readUInt16LE(pos + 8);
    const method = zip.readUInt16LE(pos + 10);
    const crc = zip.readUInt32LE(pos + 16);
    const compressedSize = zip.readUInt32LE(pos + 20);
    const size = zip.readUInt32LE(pos + 24);
    const nameLength = zip.readUInt16LE(pos + 28);
    const extraLength = zip.readUInt16LE(pos + 30);
    const commentLength = zip.readUInt16LE(pos + 32);
    const madeBy = zip.readUInt16LE(pos + 4) >> 8;
    const externalAttributes = zip.readUInt32LE(pos + 38);
    const localOffset = zip.readUInt32LE(pos + 42);
    const rawName = zip.subarray(pos + 46, pos + 46 + nameLength).toString('utf8');
    pos += 46 + nameLength + extraLength + commentLength;
    if (flags & 0x1) throw new ZipError(`${rawName} is encrypted`);
    const path = safePath(rawName);
    if (path === undefined) continue; // a directory entry
    total += size;
    if (total > maxTotal) throw new ZipError(`Unzipped size must be smaller than ${maxTotal} bytes`);
    const data = entryData(zip, localOffset, method, compressedSize, size, rawName);
    if (crc32(data) !== crc) throw new ZipError(`${rawName} fails its CRC check`);
    // Unix archives keep the file's mode in the high half of the external attributes.
    const mode = madeBy === 3 ? (externalAttributes >>> 16) & 0o777 : undefined;
    entries.push(mode ? { path, data, mode } : { path, data });
  }
  return entries;
}

function findEndOfCentralDirectory(zip: Buffer): number {
  // The record is 22 bytes plus a comment of up to 65,535 bytes, at the very end.
  const stop = Math.max(0, zip.length - 22 - 0xffff);
  for (let i = zip.length - 22; i >= stop; i--) {
    if (zip.readUInt32LE(i) === EOCD_SIGNATURE) return i;
  }
  throw new ZipError('not a zip archive');
}

/** The entry's path inside the function folder, or undefined for a directory; unsafe paths throw. */
function safePath(name: string): string | undefined {
  const slashed = name.replace(/\\/g, '/');
  if (slashed.startsWith('/') || /^[a-zA-Z]:/.test(slashed) || slashed.includes('\0'))
    throw new ZipError(`${name} is an absolute path`);
  if (slashed.endsWith('/')) return undefined;
  const normal = posix.normalize(slashed);
  if (normal === '..' || normal.startsWith('../') || slashed.split('/').includes('..'))
    throw new ZipError(`${name} points outside the package`);
  return normal;
}

function entryData(
  zip: Buffer,
  offset: number,
  method: number,
  compressedSize: number,
  size: number,
  name: string,
): Buffer {
  if (offset + 30 > zip.length || zip.readUInt32LE(offset) !== LOCAL_SIGNATURE)
    throw new ZipError(`${name}: local header is damaged`);
  const start = offset + 30 + zip.readUInt16LE(offset + 26) + zip.readUInt16LE(offset + 28);
  const raw = zip.subarray(start, start + compressedSize);
  if (raw.length !== compressedSize) throw new ZipError(`${name} is cut short`);
  if (method === 0) return Buffer.from(raw);
  if (method !== 8) throw new ZipError(`${name} uses compression method ${method}`);
  try {
    // The size bound stops a small archive that inflates to far more than its directory says.
    const data = inflateRawSync(raw, { maxOutputLength: Math.max(size, 1) });
    if (data.length !== size) throw new ZipError(`${name} inflates to ${data.length} bytes, not ${size}`);
    return data;
  } catch (err) {
    if (err instanceof ZipError) throw err;
    throw new ZipError(`${name} does not inflate: ${(err as Error).message}`);
  }
}

/** Write a zip archive (deflated entries): the CloudFormation inline `ZipFile` form and tests use it. */
export function writeZip(
  files: ReadonlyArray<{ path: string; data: Buffer | string; mode?: number }>,
): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const f of files) {
    const data = Buffer.isBuffer(f.data) ? f.data : Buffer.from(f.data);
    const name = Buffer.from(f.path);
    const packed = deflateRawSync(data);
    const crc = crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(LOCAL_SIGNATURE, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x0800, 6); // UTF-8 names
    local.writeUInt16LE(8, 8);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(packed.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(name.length, 26);
    locals.push(local, name, packed);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(CENTRAL_SIGNATURE, 0);
    central.writeUInt16LE((3 << 8) | 20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x0800, 8);
    central.writeUInt16LE(8, 10);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(packed.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(((0o100000 | (f.mode ?? 0o644)) << 16) >>> 0, 38);
    central.writeUInt32LE(offset, 42);
    centrals.push(central, name);
    offset += 30 + name.length + packed.length;
  }
  const dir = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(EOCD_SIGNATURE, 0);
  end.writeUInt16LE(files.length, 8);
  end.writeUInt16LE(files.length, 10);
  end.writeUInt32LE(dir.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, dir, end]);
}
