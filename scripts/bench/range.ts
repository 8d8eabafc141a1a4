/**
 * The range against moto_server, side by side in one run, over the same prepared wire requests, each
 * signed with SigV4 and the peer's own secret (the range verifies every signature): requests/s and
 * p50/p99 latency for GetCallerIdentity, DescribeSecurityGroups, PutObject and GetObject; a bare
 * Node.js HTTP server answering a fixed body under the same GetCallerIdentity load, as the practical
 * limit of this machine; then (range only: moto has no LookupEvents) LookupEvents latency over
 * >= 100,000 recorded CloudTrail events. Goals: >= 10x moto's throughput on every operation, >= 40% of
 * the bare server on GetCallerIdentity; LookupEvents p99 under 20 ms.
 */
import { CreateSecurityGroupCommand, CreateVpcCommand, EC2Client } from '@aws-sdk/client-ec2';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import type { BenchRow, BenchSection } from '../bench.js';
import { runLoad, signedRequests, type PreparedRequest } from './load.js';
import { motoAvailable, startBarePeer, startMotoPeer, startRangePeer, type Peer } from './peers.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

const COUNT = 3000;
const WARMUP = 500;
const CONCURRENCY = 8;
const LOOKUP_EVENTS_TARGET = 100_000;
const THROUGHPUT_GOAL = 10;
const BARE_SHARE_GOAL = 0.4;
const LOOKUP_P99_GOAL_MS = 20;
const BUCKET = 'sirs-bench-bucket';
const payload = Buffer.alloc(1024, 'x');

function form(body: string): PreparedRequest {
  return {
    method: 'POST',
    path: '/',
    headers: {
      'content-type': 'application/x-www-form-urlencoded; charset=utf-8',
      'content-length': String(Buffer.byteLength(body)),
    },
    body,
  };
}

interface Operation {
  name: string;
  service: string;
  /** How many different requests the operation cycles through. */
  distinct: number;
  build: (i: number) => PreparedRequest;
}

const operations: Operation[] = [
  {
    name: 'GetCallerIdentity',
    service: 'sts',
    distinct: 1,
    build: () => form('Action=GetCallerIdentity&Version=2011-06-15'),
  },
  {
    name: 'DescribeSecurityGroups',
    service: 'ec2',
    distinct: 1,
    build: () => form('Action=DescribeSecurityGroups&Version=2016-11-15'),
  },
  {
    name: 'PutObject (1 KiB)',
    service: 's3',
    distinct: 100,
    build: (i) => ({
      method: 'PUT',
      path: `/${BUCKET}/obj-${i}`,
      headers: { 'content-length': String(payload.length) },
      body: payload,
    }),
  },
  {
    name: 'GetObject (1 KiB)',
    service: 's3',
    distinct: 100,
    build: (i) => ({ method: 'GET', path: `/${BUCKET}/obj-${i}`, headers: {} }),
  },
];

const signedFor = (peer: Peer, op: Operation) => signedRequests(peer, op.service, op.distinct, op.build);

async function prepare(peer: Peer): Promise<void> {
  const config = {
    endpoint: peer.endpoint,
    region: 'us-east-1',
    credentials: peer.credentials,
    forcePathStyle: true,
  };
  const ec2 = new EC2Client(config);
  const { Vpc } = await ec2.send(new CreateVpcCommand({ CidrBlock: '10.42.0.0/16' }));
  for (let i = 0; i < 10; i++) {
    await ec2.send(
      new CreateSecurityGroupCommand({ GroupName: `bench-${i}`, Description: 'bench', VpcId: Vpc!.VpcId }),
    );
  }
  await new S3Client(config).send(new CreateBucketCommand({ Bucket: BUCKET }));
}

export async function run(): Promise<BenchSection> {
  const rows: BenchRow[] = [];
  const notes: string[] = [
    `${COUNT} requests per operation (after ${WARMUP} to warm up), ${CONCURRENCY} in flight, keep-alive HTTP, same requests for every peer.`,
    "Requests are signed with SigV4 and each peer's own secret ahead of the run (the AWS SDK's signer), re-signed every five minutes; the range verifies every signature in full.",
  ];
  const range = await startRangePeer();
  const bare = await startBarePeer();
  let moto: Peer | undefined;
  try {
    if (motoAvailable()) moto = await startMotoPeer();
    else notes.push('moto_server is not installed: the range is measured alone, without ratios.');
    await prepare(range);
    if (moto) await prepare(moto);
    // Each peer answers WARMUP requests of an operation before it is measured (JIT, caches, sockets).
    const measure = async (peer: Peer, op: Operation) => {
      const make = await signedFor(peer, op);
      await runLoad(peer.endpoint, make, { count: WARMUP, concurrency: CONCURRENCY });
      return runLoad(peer.endpoint, make, { count: COUNT, concurrency: CONCURRENCY });
    };
    for (const op of operations) {
      const r = await measure(range, op);
      const m = moto ? await measure(moto, op) : undefined;
      const ratio = m ? r.rps / m.rps : undefined;
      rows.push({
        name: `${op.name}: range`,
        value: r.rps,
        unit: 'req/s',
        ratio,
        goal:
          ratio === undefined
            ? undefined
            : { text: `>= ${THROUGHPUT_GOAL}x moto`, met: ratio >= THROUGHPUT_GOAL && r.errors === 0 },
        note: `p50 ${r.p50.toFixed(2)} ms, p99 ${r.p99.toFixed(2)} ms${r.errors ? `, ${r.errors} errors` : ''}`,
      });
      if (m) {
        rows.push({
          name: `${op.name}: moto`,
          value: m.rps,
          unit: 'req/s',
          note: `p50 ${m.p50.toFixed(2)} ms, p99 ${m.p99.toFixed(2)} ms${m.errors ? `, ${m.errors} errors` : ''}`,
        });
      }
      if (op.name === 'GetCallerIdentity') {
        // The same signed request, answered by a server that does nothing but answer.
        const b = await measure(bare, op);
        rows.push({
          name: 'GetCallerIdentity: bare Node.js HTTP server (fixed body), the practical limit',
          value: b.rps,
          unit: 'req/s',
          note: `p50 ${b.p50.toFixed(2)} ms, p99 ${b.p99.toFixed(2)} ms`,
        });
        const share = r.rps / b.rps;
        rows.push({
          name: 'GetCallerIdentity: range as a share of the bare server',
          value: Math.round(share * 1000) / 10,
          unit: '%',
          goal: { text: `>= ${BARE_SHARE_GOAL * 100}%`, met: share >= BARE_SHARE_GOAL },
          ...(ratio !== undefined ? { note: `and ${ratio.toFixed(1)}x moto` } : {}),
        });
      }
    }
    // Fill the range's CloudTrail history to the target with cheap recorded calls, then query it.
    const recorded = COUNT * operations.length;
    const filler = await signedFor(range, operations[0]!);
    if (recorded < LOOKUP_EVENTS_TARGET) {
      await runLoad(range.endpoint, filler, {
        count: LOOKUP_EVENTS_TARGET - recorded + 1000,
        concurrency: 16,
      });
    }
    const lookup = (attribute: boolean) =>
      signedRequests(range, 'cloudtrail', 1, () => {
        const body = JSON.stringify({
          ...(attribute
            ? { LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: 'DescribeSecurityGroups' }] }
            : {}),
          MaxResults: 50,
        });
        return {
          method: 'POST',
          path: '/',
          headers: {
            'x-amz-target': 'CloudTrail_20131101.LookupEvents',
            'content-type': 'application/x-amz-json-1.1',
            'content-length': String(Buffer.byteLength(body)),
          },
          body,
        };
      });
    for (const attribute of [false, true]) {
      const r = await runLoad(range.endpoint, await lookup(attribute), { count: 500, concurrency: 1 });
      rows.push({
        name: `LookupEvents ${attribute ? 'by EventName' : 'newest 50'} (>= ${LOOKUP_EVENTS_TARGET / 1000}k events): p99`,
        value: r.p99,
        unit: 'ms',
        goal: { text: `p99 < ${LOOKUP_P99_GOAL_MS} ms`, met: r.p99 < LOOKUP_P99_GOAL_MS && r.errors === 0 },
        note: `p50 ${r.p50.toFixed(2)} ms${r.errors ? `, ${r.errors} errors` : ''}`,
      });
    }
  } finally {
    await range.stop();
    await bare.stop();
    await moto?.stop();
  }
  return { title: 'the range vs moto_server: throughput and latency', rows, notes };
}
