import type { BuildMiddleware, MiddlewareStack } from '@smithy/types';

// Helpers of the hostile-request suites (hostile*.test.ts).

/** Rewrite the request an SDK client builds, before it is signed (so it stays properly signed). */
export function rewrite<I extends object, O extends object>(
  client: { middlewareStack: MiddlewareStack<I, O> },
  change: (req: { path: string; headers: Record<string, string>; body: unknown }) => void,
): void {
  const middleware: BuildMiddleware<I, O> = (next) => async (args) => {
    change(args.request as { path: string; headers: Record<string, string>; body: unknown });
    return next(args);
  };
  client.middlewareStack.add(middleware, { step: 'build', priority: 'low', name: 'hostileRewrite' });
}

/** Replace a request's body, with its length and optionally a Content-Encoding. */
export function replaceBody(
  req: { headers: Record<string, string>; body: unknown },
  body: Buffer | string,
  encoding?: string,
): void {
  for (const name of Object.keys(req.headers)) {
    if (/^content-(length|encoding)$/i.test(name)) delete req.headers[name];
  }
  req.body = body;
  req.headers['content-length'] = String(Buffer.byteLength(body));
  if (encoding) req.headers['content-encoding'] = encoding;
}
