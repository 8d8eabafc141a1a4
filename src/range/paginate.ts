import { ServiceError } from './errors.js';

/**
 * Opaque pagination tokens over a list the handler has already filtered and sorted. The token
 * carries the offset and a fingerprint of the query, so a token from another query is refused.
 */
export function paginate<T>(
  items: readonly T[],
  opts: {
    token?: string;
    max?: number;
    defaultMax: number;
    limit?: number;
    /** What the query is (filters, names), so tokens cannot be replayed against another query. */
    query?: unknown;
    invalidToken?: () => ServiceError;
  },
): { page: T[]; nextToken?: string } {
  const limit = opts.limit ?? Number.MAX_SAFE_INTEGER;
  const max = Math.min(opts.max ?? opts.defaultMax, limit);
  const fingerprint = fingerprintOf(opts.query);
  let offset = 0;
  if (opts.token) {
    const decoded = decodeToken(opts.token);
    if (!decoded || decoded.f !== fingerprint || decoded.o > items.length) {
      throw opts.invalidToken?.() ?? new ServiceError('InvalidNextToken', 'The pagination token is invalid.');
    }
    offset = decoded.o;
  }
  const page = items.slice(offset, offset + max);
  const next = offset + page.length;
  return { page, nextToken: next < items.length ? encodeToken({ o: next, f: fingerprint }) : undefined };
}

function fingerprintOf(query: unknown): string {
  const text = JSON.stringify(query ?? null);
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return (h >>> 0).toString(36);
}

function encodeToken(t: { o: number; f: string }): string {
  return Buffer.from(JSON.stringify(t)).toString('base64url');
}

function decodeToken(token: string): { o: number; f: string } | undefined {
  try {
    const t = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { o?: unknown; f?: unknown };
    return typeof t.o === 'number' && typeof t.f === 'string' && t.o >= 0 ? { o: t.o, f: t.f } : undefined;
  } catch {
    return undefined;
  }
}
