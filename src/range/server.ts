import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { RangeEngine } from './engine.js';
import type { HttpRequest } from './protocol/types.js';

const MAX_BODY = 128 * 1024 * 1024;

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        reject(new Error('body too large'));
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

export function createRangeServer(engine: RangeEngine): Server {
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    void handle(engine, req, res);
  });
  server.keepAliveTimeout = 60_000;
  return server;
}

async function handle(engine: RangeEngine, req: IncomingMessage, res: ServerResponse): Promise<void> {
  let body: Buffer;
  try {
    body = await readBody(req);
  } catch {
    res.writeHead(413, { 'content-type': 'text/plain' }).end('request body too large for the range\n');
    return;
  }
  // HTTP/1.1 servers must accept absolute-form targets (`GET http://host/path`), which clients
  // send when the range is their HTTP proxy (how the AWS CLI reaches S3 Control's `<account>.` hosts).
  const absolute = /^https?:\/\/[^/]*/i.exec(req.url ?? '');
  const url = absolute ? (req.url ?? '').slice(absolute[0].length) || '/' : (req.url ?? '/');
  const q = url.indexOf('?');
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers))
    if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(',') : v;
  const request: HttpRequest = {
    method: req.method ?? 'GET',
    path: q === -1 ? url : url.slice(0, q),
    query: new URLSearchParams(q === -1 ? '' : url.slice(q + 1)),
    headers,
    body,
  };
  const response = await engine.handleHttp(
    request,
    req.socket.remoteAddress?.replace(/^::ffff:/, '') ?? '127.0.0.1',
  );
  const payload = typeof response.body === 'string' ? Buffer.from(response.body, 'utf8') : response.body;
  const out: Record<string, string | number> = { ...response.headers, date: new Date().toUTCString() };
  if (request.method === 'HEAD') {
    if (out['content-length'] === undefined) out['content-length'] = payload.length;
    res.writeHead(response.status, out).end();
    return;
  }
  out['content-length'] = payload.length;
  res.writeHead(response.status, out).end(payload);
}
