/**
 * A small closed-loop load generator over keep-alive HTTP: `concurrency` workers replay prepared
 * requests for a fixed count and report requests/s and latency percentiles. Requests are signed with
 * SigV4 once, ahead of the run, with the AWS SDK's own signer and the peer's secret (the server still
 * verifies every one in full); each distinct request is signed again when its signature is older than
 * five minutes, well inside AWS's 15-minute window. The client's cost stays small and equal for every peer.
 */
import { createHash, createHmac, type Hash, type Hmac } from 'node:crypto';
import { Agent, request } from 'node:http';
import { SignatureV4 } from '@smithy/signature-v4';
import type { SourceData } from '@smithy/types';

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

/** node:crypto behind the SDK signer's hash interface. */
class NodeSha256 {
  private hash: Hash | Hmac;
  constructor(private readonly secret?: SourceData) {
    this.hash = this.fresh();
  }
  private fresh(): Hash | Hmac {
    if (this.secret === undefined) return createHash('sha256');
    const key = typeof this.secret === 'string' ? this.secret : Buffer.from(this.secret as Uint8Array);
    return createHmac('sha256', key);
  }
  update(data: Uint8Array): void {
    this.hash.update(data);
  }
  reset(): void {
    this.hash = this.fresh();
  }
  digest(): Promise<Uint8Array> {
    return Promise.resolve(new Uint8Array(this.hash.digest()));
  }
}

export interface SigningPeer {
  endpoint: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
}

/** A request signed as the SDK signs it for `service` (S3: the payload hash in x-amz-content-sha256). */
export async function signRequest(
  peer: SigningPeer,
  service: string,
  r: PreparedRequest,
  region = 'us-east-1',
): Promise<PreparedRequest> {
  const url = new URL(peer.endpoint);
  const q = r.path.indexOf('?');
  const query: Record<string, string> = {};
  for (const [k, v] of new URLSearchParams(q === -1 ? '' : r.path.slice(q + 1))) query[k] = v;
  const headers: Record<string, string> = { ...r.headers, host: url.host };
  if (service === 's3') {
    headers['x-amz-content-sha256'] = createHash('sha256')
      .update(r.body ?? '')
      .digest('hex');
  }
  const signer = new SignatureV4({
    service,
    region,
    credentials: peer.credentials,
    sha256: NodeSha256,
    uriEscapePath: service !== 's3',
  });
  const signed = await signer.sign({
    method: r.method,
    protocol: url.protocol,
    hostname: url.hostname,
    port: Number(url.port),
    path: q === -1 ? r.path : r.path.slice(0, q),
    query,
    headers,
    ...(r.body !== undefined ? { body: r.body } : {}),
  });
  return { ...r, headers: signed.headers as Record<string, string> };
}

/**
 * `distinct` requests signed ahead of the run; `make(i)` replays request `i % distinct`, signed again
 * once its signature is five minutes old.
 */
export async function signedRequests(
  peer: SigningPeer,
  service: string,
  distinct: number,
  build: (i: number) => PreparedRequest,
): Promise<(i: number) => PreparedRequest> {
  const sign = () =>
    Promise.all(Array.from({ length: distinct }, (_, i) => signRequest(peer, service, build(i))));
  let signed = await sign();
  let at = Date.now();
  let renewing: Promise<void> | undefined;
  return (i) => {
    if (Date.now() - at > 5 * 60_000 && !renewing) {
      renewing = sign().then((s) => {
        signed = s;
        at = Date.now();
        renewing = undefined;
      });
    }
    return signed[i % distinct]!;
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
