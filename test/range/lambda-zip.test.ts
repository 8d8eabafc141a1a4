import { expect } from 'chai';
import { deflateRawSync } from 'node:zlib';
import { ZipError, readZip, writeZip } from '../../src/range/services/lambda/zip.js';

/** A one-entry archive with the given name, written field by field (APPNOTE.TXT 4.3.7 and 4.3.12). */
function archive(name: string, data: Buffer, opts: { stored?: boolean; declaredSize?: number } = {}): Buffer {
  const body = opts.stored ? data : deflateRawSync(data);
  const method = opts.stored ? 0 : 8;
  const nameBytes = Buffer.from(name);
  const local = Buffer.alloc(30);
  local.writeUInt32LE(0x04034b50, 0);
  local.writeUInt16LE(method, 8);
  local.writeUInt32LE(body.length, 18);
  local.writeUInt32LE(opts.declaredSize ?? data.length, 22);
  local.writeUInt16LE(nameBytes.length, 26);
  const central = Buffer.alloc(46);
  central.writeUInt32LE(0x02014b50, 0);
  central.writeUInt16LE(method, 10);
  central.writeUInt32LE(crc(data), 16);
  central.writeUInt32LE(body.length, 20);
  central.writeUInt32LE(opts.declaredSize ?? data.length, 24);
  central.writeUInt16LE(nameBytes.length, 28);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(1, 8);
  end.writeUInt16LE(1, 10);
  end.writeUInt32LE(46 + nameBytes.length, 12);
  end.writeUInt32LE(30 + nameBytes.length + body.length, 16);
  return Buffer.concat([local, nameBytes, body, central, nameBytes, end]);
}

function crc(data: Buffer): number {
  let c = ~0;
  for (const byte of data) {
    c ^= byte;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0xedb88320 : c >>> 1;
  }
  return ~c >>> 0;
}

// The deployment-package reader: what it reads, and the archives it refuses before anything is written.
describe('range: Lambda deployment packages (zip)', () => {
  it('reads stored and deflated entries, with folders and Unix modes', () => {
    const zip = writeZip([
      { path: 'index.js', data: 'exports.handler = async () => 1;' },
      { path: 'lib/run.sh', data: '#!/bin/sh\n', mode: 0o755 },
    ]);
    expect(readZip(zip).map((e) => [e.path, e.data.toString(), e.mode])).to.deep.equal([
      ['index.js', 'exports.handler = async () => 1;', 0o644],
      ['lib/run.sh', '#!/bin/sh\n', 0o755],
    ]);
    expect(readZip(archive('a.py', Buffer.from('x = 1\n'), { stored: true }))[0]?.data.toString()).to.equal(
      'x = 1\n',
    );
  });

  it('refuses entries that would leave the function folder', () => {
    for (const name of ['../evil.js', 'lib/../../evil.js', '/etc/passwd', 'C:/evil.js', '..\\evil.js']) {
      expect(() => readZip(archive(name, Buffer.from('x'))), name).to.throw(ZipError);
    }
  });

  it('refuses an archive that inflates past its declared size or past the unzipped limit', () => {
    const big = Buffer.alloc(1_000_000, 0x61);
    expect(() => readZip(archive('bomb.txt', big, { declaredSize: 10 }))).to.throw(ZipError);
    expect(() => readZip(archive('big.txt', big), 500_000)).to.throw(
      ZipError,
      'Unzipped size must be smaller than 500000 bytes',
    );
  });

  it('refuses what is not a zip, or is damaged', () => {
    expect(() => readZip(Buffer.from('not a zip at all, just text'))).to.throw(ZipError, 'not a zip archive');
    const zip = writeZip([{ path: 'index.js', data: 'exports.handler = 1;' }]);
    const damaged = Buffer.from(zip);
    damaged[40] = (damaged[40] ?? 0) ^ 0xff; // a byte of the deflated data (after the 30-byte header and the name)
    expect(() => readZip(damaged)).to.throw(ZipError);
  });
});
