/**
 * S3 streaming uploads (`Content-Encoding: aws-chunked`): with `STREAMING-AWS4-HMAC-SHA256-PAYLOAD`
 * every chunk is signed, each signature chained to the previous one from the request's own
 * (the "seed"); the `-TRAILER` variants end with trailing headers (checksums), signed in their turn
 * when the chunks are. `STREAMING-UNSIGNED-PAYLOAD-TRAILER` (SDK v3) signs the headers only; its
 * body is checked for shape. The S3 codec decodes the payload afterwards.
 * https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-streaming.html
 */
import { EMPTY_SHA256, sameSignature, scopeOf, sha256Hex, signatureOf } from './sigv4.js';

export const STREAMING_SIGNED = 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD';
export const STREAMING_SIGNED_TRAILER = 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER';
export const STREAMING_UNSIGNED_TRAILER = 'STREAMING-UNSIGNED-PAYLOAD-TRAILER';

export interface ChunkSigning {
  key: Buffer;
  amzDate: string;
  scope: { scopeDate: string; region: string; service: string };
  seedSignature: string;
}

export type ChunkProblem =
  { kind: 'malformed'; message: string } | { kind: 'signature'; stringToSign: string; provided: string };

/**
 * Walk an aws-chunked body; with `signing`, check every chunk signature (and the trailer's).
 * Returns undefined when the body is well-formed and every signature matches.
 */
export function checkChunkedBody(
  body: Buffer,
  opts: { signing?: ChunkSigning; trailer: boolean },
): ChunkProblem | undefined {
  const { signing } = opts;
  let previous = signing?.seedSignature ?? '';
  let pos = 0;
  for (;;) {
    const eol = body.indexOf('\r\n', pos);
    if (eol === -1) return { kind: 'malformed', message: 'The request body terminated unexpectedly' };
    const line = body.subarray(pos, eol).toString('latin1');
    const semi = line.indexOf(';');
    const sizeText = semi === -1 ? line : line.slice(0, semi);
    if (!/^[0-9a-fA-F]+$/.test(sizeText))
      return { kind: 'malformed', message: 'Invalid chunk size in aws-chunked body' };
    const size = parseInt(sizeText, 16);
    const start = eol + 2;
    if (start + size > body.length)
      return { kind: 'malformed', message: 'The request body terminated unexpectedly' };
    if (signing) {
      const provided = /^chunk-signature=([0-9a-f]{64})$/.exec(semi === -1 ? '' : line.slice(semi + 1))?.[1];
      if (!provided) return { kind: 'malformed', message: 'Chunk is missing its chunk-signature' };
      const toSign = [
        'AWS4-HMAC-SHA256-PAYLOAD',
        signing.amzDate,
        scopeOf(signing.scope),
        previous,
        EMPTY_SHA256,
        sha256Hex(body.subarray(start, start + size)),
      ].join('\n');
      const expected = signatureOf(signing.key, toSign);
      if (!sameSignature(expected, provided)) return { kind: 'signature', stringToSign: toSign, provided };
      previous = provided;
    }
    if (size === 0) {
      pos = start;
      break;
    }
    if (body.subarray(start + size, start + size + 2).toString('latin1') !== '\r\n') {
      return { kind: 'malformed', message: 'Chunk data is not followed by CRLF' };
    }
    pos = start + size + 2;
  }
  if (!opts.trailer) return undefined;
  return checkTrailer(body.subarray(pos).toString('latin1'), signing, previous);
}

function checkTrailer(
  rest: string,
  signing: ChunkSigning | undefined,
  previous: string,
): ChunkProblem | undefined {
  const lines = rest.split('\r\n');
  const headers: string[] = [];
  let provided: string | undefined;
  for (const line of lines) {
    if (line === '') continue;
    const colon = line.indexOf(':');
    if (colon === -1) return { kind: 'malformed', message: 'Malformed trailing header in aws-chunked body' };
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    if (name === 'x-amz-trailer-signature') provided = value;
    else headers.push(`${name}:${value}\n`);
  }
  if (!signing) return undefined;
  if (!provided || !/^[0-9a-f]{64}$/.test(provided))
    return { kind: 'malformed', message: 'The trailing headers are missing x-amz-trailer-signature' };
  const toSign = [
    'AWS4-HMAC-SHA256-TRAILER',
    signing.amzDate,
    scopeOf(signing.scope),
    previous,
    sha256Hex(headers.join('')),
  ].join('\n');
  const expected = signatureOf(signing.key, toSign);
  return sameSignature(expected, provided)
    ? undefined
    : { kind: 'signature', stringToSign: toSign, provided };
}
