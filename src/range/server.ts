import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { DEFAULT_MAX_BODY_BYTES, type RangeEngine } from './engine.js';
import type { HttpRequest, HttpResponse } from './protocol/types.js';

/**
 * What the range's HTTP server tolerates from a client. The defaults follow what AWS clients expect:
 * the AWS CLI and botocore give up on a connection or a response after 60 s (`--cli-connect-timeout`,
 * `--cli-read-timeout`), so a request still arriving after that has been abandoned by any AWS client.
 */
export interface ServerLimits {
  /** The largest request body, in bytes (after gzip decoding too). */
  maxBodyBytes: number;
  /** Time to receive a request's headers; a client that trickles them gets 408. */
  headersTimeoutMs: number;
  /** Time to receive a whole request, body included; a client that trickles its body gets 408. */
  requestTimeoutMs: number;
  /** How long an idle keep-alive connection stays open between requests. */
  keepAliveTimeoutMs: number;
  /** Open connections at once; further connections are closed as they arrive. */
  maxConnections: number;
}

export const defaultServerLimits: ServerLimits = {
  maxBodyBytes: DEFAULT_MAX_BODY_BYTES,
  headersTimeoutMs: 30_000,
  requestTimeoutMs: 60_000,
  keepAliveTimeoutMs: 60_000,
  // The SDK for JavaScript opens at most 50 sockets per host; several clients and the CLI fit well within.
  maxConnections: 512,
};

type BodyResult = { body: Buffer } | { tooLarge: true };

/** The request body, or `tooLarge` as soon as it passes the limit (the rest is then discarded, see handle). */
function readBody(req: IncomingMessage, limit: number): Promise<BodyResult> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (c: Buffer): void => {
      size += c.length;
      if (size > limit) {
        req.off('data', onData);
        chunks.length = 0;
        resolve({ tooLarge: true });
        return;
      }
      chunks.push(c);
    };
    req.on('data', onData);
    req.on('end', () => resolve({ body: Buffer.concat(chunks) }));
    req.on('error', reject);
  });
}

export function createRangeServer(engine: RangeEngine, limits: Partial<ServerLimits> = {}): Server {
  const l: ServerLimits = { ...defaultServerLimits, ...limits };
  // Node checks the header and request timeouts every connectionsCheckingInterval (30 s by default).
  const checkEvery = Math.max(50, Math.min(1_000, l.headersTimeoutMs / 2));
  const server = createServer(
    { connectionsCheckingInterval: checkEvery },
    (req: IncomingMessage, res: ServerResponse) => {
      handle(engine, l, req, res).catch(() => res.destroy());
    },
  );
  // Node requires headersTimeout <= requestTimeout.
  server.requestTimeout = l.requestTimeoutMs;
  server.headersTimeout = Math.min(l.headersTimeoutMs, l.requestTimeoutMs);
  server.keepAliveTimeout = l.keepAliveTimeoutMs;
  server.maxConnections = l.maxConnections;
  return server;
}

function toHttpRequest(req: IncomingMessage, body: Buffer): HttpRequest {
  // HTTP/1.1 servers must accept absolute-form targets (`GET http://host/path`), which clients
  // send when the range is their HTTP proxy (how the AWS CLI reaches S3 Control's `<account>.` hosts).
  const absolute = /^https?:\/\/[^/]*/i.exec(req.url ?? '');
  const url = absolute ? (req.url ?? '').slice(absolute[0].length) || '/' : (req.url ?? '/');
  const q = url.indexOf('?');
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers))
    if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(',') : v;
  return {
    method: req.method ?? 'GET',
    path: q === -1 ? url : url.slice(0, q),
    query: new URLSearchParams(q === -1 ? '' : url.slice(q + 1)),
    headers,
    body,
  };
}

async function handle(
  engine: RangeEngine,
  limits: ServerLimits,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const read = await readBody(req, limits.maxBodyBytes);
  const sourceIp = req.socket.remoteAddress?.replace(/^::ffff:/, '') ?? '127.0.0.1';
  if ('tooLarge' in read) {
    // Answer while the client is still sending, then discard the rest (up to one more limit's worth)
    // so the client reads the answer instead of a reset; the connection closes after it.
    const request = toHttpRequest(req, Buffer.alloc(0));
    send(res, request, engine.bodyTooLarge(request, limits.maxBodyBytes), { connection: 'close' });
    let discarded = 0;
    req.on('data', (c: Buffer) => {
      discarded += c.length;
      if (discarded > limits.maxBodyBytes) req.socket.destroy();
    });
    req.resume();
    return;
  }
  const request = toHttpRequest(req, read.body);
  send(res, request, await engine.handleHttp(request, sourceIp));
}

function send(
  res: ServerResponse,
  request: HttpRequest,
  response: HttpResponse,
  extra: Record<string, string> = {},
): void {
  const payload = typeof response.body === 'string' ? Buffer.from(response.body, 'utf8') : response.body;
  const out: Record<string, string | number> = {
    ...response.headers,
    ...extra,
    date: new Date().toUTCString(),
  };
  if (request.method === 'HEAD') {
    if (out['content-length'] === undefined) out['content-length'] = payload.length;
    res.writeHead(response.status, out).end();
    return;
  }
  out['content-length'] = payload.length;
  res.writeHead(response.status, out).end(payload);
}
