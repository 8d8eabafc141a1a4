import type { Operation, ServiceModel } from '../model/index.js';
import { ServiceError } from '../errors.js';
import type { Codec, HttpRequest, HttpResponse, ResponseMeta } from './types.js';
import { fromDocument, toDocument } from './shape-values.js';

/** A compact CBOR (RFC 8949) reader and writer: what Smithy RPC v2 CBOR needs, nothing more. */
export function decodeCbor(buf: Uint8Array): unknown {
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  let pos = 0;
  const BREAK = Symbol('break');
  const need = (n: number) => {
    if (pos + n > buf.length) throw new Error('truncated CBOR');
  };
  const readLength = (info: number): number => {
    if (info < 24) return info;
    if (info === 24) return (need(1), view.getUint8(pos++));
    if (info === 25) return (need(2), (pos += 2), view.getUint16(pos - 2));
    if (info === 26) return (need(4), (pos += 4), view.getUint32(pos - 4));
    if (info === 27) {
      need(8);
      const big = view.getBigUint64(pos);
      pos += 8;
      return Number(big);
    }
    throw new Error(`bad CBOR length ${info}`);
  };
  const bytes = (n: number): Uint8Array => {
    need(n);
    const out = buf.subarray(pos, pos + n);
    pos += n;
    return out;
  };
  const item = (depth: number): unknown => {
    if (depth > 200) throw new Error('CBOR nested too deeply');
    need(1);
    const head = view.getUint8(pos++);
    const major = head >> 5;
    const info = head & 31;
    switch (major) {
      case 0:
        return readLength(info);
      case 1:
        return -1 - readLength(info);
      case 2:
      case 3: {
        let data: Uint8Array;
        if (info === 31) {
          const parts: Uint8Array[] = [];
          for (;;) {
            const part = item(depth + 1);
            if (part === BREAK) break;
            parts.push(typeof part === 'string' ? Buffer.from(part) : (part as Uint8Array));
          }
          data = Buffer.concat(parts);
        } else data = bytes(readLength(info));
        return major === 2 ? Buffer.from(data) : Buffer.from(data).toString('utf8');
      }
      case 4: {
        const out: unknown[] = [];
        if (info === 31) {
          for (let v = item(depth + 1); v !== BREAK; v = item(depth + 1)) out.push(v);
        } else for (let n = readLength(info); n > 0; n--) out.push(item(depth + 1));
        return out;
      }
      case 5: {
        const out: Record<string, unknown> = {};
        const entry = (): boolean => {
          const k = item(depth + 1);
          if (k === BREAK) return false;
          out[String(k)] = item(depth + 1);
          return true;
        };
        if (info === 31) while (entry());
        else for (let n = readLength(info); n > 0; n--) entry();
        return out;
      }
      case 6: {
        const tag = readLength(info);
        const v = item(depth + 1);
        return tag === 1 && typeof v === 'number' ? new Date(v * 1000) : v;
      }
      default:
        switch (info) {
          case 20:
            return false;
          case 21:
            return true;
          case 22:
          case 23:
            return null;
          case 25: {
            need(2);
            const half = view.getUint16(pos);
            pos += 2;
            return decodeHalf(half);
          }
          case 26:
            return (need(4), (pos += 4), view.getFloat32(pos - 4));
          case 27:
            return (need(8), (pos += 8), view.getFloat64(pos - 8));
          case 31:
            return BREAK;
          default:
            throw new Error(`unsupported CBOR simple value ${info}`);
        }
    }
  };
  const value = item(0);
  return value;
}

function decodeHalf(h: number): number {
  const exp = (h >> 10) & 0x1f;
  const mant = h & 0x3ff;
  const sign = h & 0x8000 ? -1 : 1;
  if (exp === 0) return sign * 2 ** -14 * (mant / 1024);
  if (exp === 31) return mant ? NaN : sign * Infinity;
  return sign * 2 ** (exp - 15) * (1 + mant / 1024);
}

export function encodeCbor(value: unknown): Buffer {
  const chunks: Buffer[] = [];
  const head = (major: number, n: number) => {
    if (n < 24) chunks.push(Buffer.from([(major << 5) | n]));
    else if (n < 0x100) chunks.push(Buffer.from([(major << 5) | 24, n]));
    else if (n < 0x10000) {
      const b = Buffer.alloc(3);
      b[0] = (major << 5) | 25;
      b.writeUInt16BE(n, 1);
      chunks.push(b);
    } else if (n < 0x100000000) {
      const b = Buffer.alloc(5);
      b[0] = (major << 5) | 26;
      b.writeUInt32BE(n, 1);
      chunks.push(b);
    } else {
      const b = Buffer.alloc(9);
      b[0] = (major << 5) | 27;
      b.writeBigUInt64BE(BigInt(n), 1);
      chunks.push(b);
    }
  };
  const float = (n: number) => {
    const b = Buffer.alloc(9);
    b[0] = 0xfb;
    b.writeDoubleBE(n, 1);
    chunks.push(b);
  };
  const write = (v: unknown): void => {
    if (v === null || v === undefined) chunks.push(Buffer.from([0xf6]));
    else if (v === true) chunks.push(Buffer.from([0xf5]));
    else if (v === false) chunks.push(Buffer.from([0xf4]));
    else if (typeof v === 'number') {
      if (!Number.isSafeInteger(v)) float(v);
      else if (v >= 0) head(0, v);
      else head(1, -1 - v);
    } else if (typeof v === 'bigint') write(Number(v));
    else if (typeof v === 'string') {
      const b = Buffer.from(v, 'utf8');
      head(3, b.length);
      chunks.push(b);
    } else if (v instanceof Uint8Array) {
      head(2, v.length);
      chunks.push(Buffer.from(v));
    } else if (v instanceof Date) {
      head(6, 1);
      float(v.getTime() / 1000);
    } else if (Array.isArray(v)) {
      head(4, v.length);
      v.forEach(write);
    } else if (typeof v === 'object') {
      const entries = Object.entries(v as Record<string, unknown>).filter(([, x]) => x !== undefined);
      head(5, entries.length);
      for (const [k, x] of entries) {
        write(k);
        write(x);
      }
    } else throw new Error(`cannot encode ${typeof v} as CBOR`);
  };
  write(value);
  return Buffer.concat(chunks);
}

const OPERATION_PATH = /^\/service\/([^/]+)\/operation\/([^/]+)$/;

/** Smithy RPC v2 CBOR (CloudWatch through botocore). */
export const cborCodec: Codec = {
  protocol: 'smithy-rpc-v2-cbor',

  operationName(_model: ServiceModel, req: HttpRequest) {
    return OPERATION_PATH.exec(req.path)?.[2];
  },

  parse(op: Operation, req: HttpRequest) {
    if (!op.input || req.body.length === 0) return {};
    let doc: unknown;
    try {
      doc = decodeCbor(req.body);
    } catch (err) {
      throw new ServiceError('SerializationException', `Malformed CBOR body: ${(err as Error).message}`);
    }
    return (fromDocument(op.model, op.input, doc, 'input') ?? {}) as Record<string, unknown>;
  },

  serialize(op: Operation, output: unknown, meta: ResponseMeta): HttpResponse {
    const doc = op.output ? toDocument(op.model, op.output, output ?? {}, 'cbor') : {};
    return {
      status: 200,
      headers: {
        'content-type': 'application/cbor',
        'smithy-protocol': 'rpc-v2-cbor',
        'x-amzn-requestid': meta.requestId,
      },
      body: encodeCbor(doc ?? {}),
    };
  },

  serializeError(err: ServiceError, meta: ResponseMeta, op?: Operation): HttpResponse {
    const headers: Record<string, string> = {
      'content-type': 'application/cbor',
      'smithy-protocol': 'rpc-v2-cbor',
      'x-amzn-requestid': meta.requestId,
    };
    if (op?.model.metadata.awsQueryCompatible) {
      headers['x-amzn-query-error'] = `${err.code};${err.sender ? 'Sender' : 'Receiver'}`;
    }
    const ns = `com.amazonaws.${(op?.model.metadata.endpointPrefix ?? 'service').toLowerCase()}`;
    return {
      status: err.status,
      headers,
      body: encodeCbor({ __type: `${ns}#${err.code}`, message: err.message }),
    };
  },
};
