/**
 * A small closed-loop load generator over keep-alive HTTP: `concurrency` workers replay prepared
 * requests for a fixed count and report requests/s and latency percentiles. Requests are built once
 * (static SigV4-style headers: both peers accept unsigned-but-well-formed credentials), so the
 * client's cost stays small and equal for every peer.
 */
import { Agent, request } from 'node:http';

export interface PreparedRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string | Buffer;
}

export interface LoadResult {
  requests: number;
  errors: number;
  rps: number;
  p50: number;
  p99: number;
}

export function authHeader(
  accessKeyId: string,
  service: string,
  region = 'us-east-1',
): Record<string, string> {
  return {
    authorization: `AWS4-HMAC-SHA256 Credential=${accessKeyId}/20261128/${region}/${service}/aws4_request, SignedHeaders=host;x-amz-date, Signature=${'0'.repeat(64)}`,
    'x-amz-date': '20261128T000000Z',
  };
}

function send(agent: Agent, endpoint: URL, r: PreparedRequest): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        agent,
        host: endpoint.hostname,
        port: endpoint.port,
        method: r.method,
        path: r.path,
        headers: r.headers,
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end(r.body);
  });
}

export async function runLoad(
  endpoint: string,
  make: (i: number) => PreparedRequest,
  opts: { count: number; concurrency: number },
): Promise<LoadResult> {
  const url = new URL(endpoint);
  const agent = new Agent({ keepAlive: true, maxSockets: opts.concurrency });
  const latencies: number[] = [];
  let next = 0;
  let errors = 0;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: opts.concurrency }, async () => {
      for (let i = next++; i < opts.count; i = next++) {
        const t = performance.now();
        const status = await send(agent, url, make(i)).catch(() => 0);
        latencies.push(performance.now() - t);
        if (status === 0 || status >= 400) errors++;
      }
    }),
  );
  const elapsed = (performance.now() - start) / 1000;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] ?? 0;
  return { requests: opts.count, errors, rps: opts.count / elapsed, p50: pct(0.5), p99: pct(0.99) };
}
