/**
 * The range against moto_server, side by side in one run, over the same prepared wire requests:
 * requests/s and p50/p99 latency for GetCallerIdentity, DescribeSecurityGroups, PutObject and
 * GetObject; then (range only: moto has no LookupEvents) LookupEvents latency over >= 100,000
 * recorded CloudTrail events. Goals: >= 5x moto's throughput; LookupEvents p99 under 20 ms.
 */
import { CreateSecurityGroupCommand, CreateVpcCommand, EC2Client } from '@aws-sdk/client-ec2';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import type { BenchRow, BenchSection } from '../bench.js';
import { authHeader, runLoad, type PreparedRequest } from './load.js';
import { motoAvailable, startMotoPeer, startRangePeer, type Peer } from './peers.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

const COUNT = 3000;
const CONCURRENCY = 8;
const LOOKUP_EVENTS_TARGET = 100_000;
const THROUGHPUT_GOAL = 5;
const LOOKUP_P99_GOAL_MS = 20;
const BUCKET = 'sirs-bench-bucket';
const payload = Buffer.alloc(1024, 'x');

function form(peer: Peer, service: string, body: string): PreparedRequest {
  return {
    method: 'POST',
    path: '/',
    headers: {
      ...authHeader(peer.credentials.accessKeyId, service),
      'content-type': 'application/x-www-form-urlencoded; charset=utf-8',
      'content-length': String(Buffer.byteLength(body)),
    },
    body,
  };
}

const operations: Array<{ name: string; make: (peer: Peer) => (i: number) => PreparedRequest }> = [
  {
    name: 'GetCallerIdentity',
    make: (p) => () => form(p, 'sts', 'Action=GetCallerIdentity&Version=2011-06-15'),
  },
  {
    name: 'DescribeSecurityGroups',
    make: (p) => () => form(p, 'ec2', 'Action=DescribeSecurityGroups&Version=2016-11-15'),
  },
  {
    name: 'PutObject (1 KiB)',
    make: (p) => (i) => ({
      method: 'PUT',
      path: `/${BUCKET}/obj-${i % 100}`,
      headers: {
        ...authHeader(p.credentials.accessKeyId, 's3'),
        'x-amz-content-sha256': 'UNSIGNED-PAYLOAD',
        'content-length': String(payload.length),
      },
      body: payload,
    }),
  },
  {
    name: 'GetObject (1 KiB)',
    make: (p) => (i) => ({
      method: 'GET',
      path: `/${BUCKET}/obj-${i % 100}`,
      headers: { ...authHeader(p.credentials.accessKeyId, 's3'), 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' },
    }),
  },
];

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
    `${COUNT} requests per operation, ${CONCURRENCY} in flight, keep-alive HTTP, same requests for both peers.`,
  ];
  const range = await startRangePeer();
  let moto: Peer | undefined;
  try {
    if (motoAvailable()) moto = await startMotoPeer();
    else notes.push('moto_server is not installed: the range is measured alone, without ratios.');
    await prepare(range);
    if (moto) await prepare(moto);
    for (const op of operations) {
      const r = await runLoad(range.endpoint, op.make(range), { count: COUNT, concurrency: CONCURRENCY });
      const m = moto
        ? await runLoad(moto.endpoint, op.make(moto), { count: COUNT, concurrency: CONCURRENCY })
        : undefined;
      const ratio = m ? r.rps / m.rps : undefined;
      rows.push({
        name: `${op.name}: range`,
        value: r.rps,
        unit: 'req/s',
        ratio,
        goal:
          ratio === undefined
            ? undefined
            : { text: `>= ${THROUGHPUT_GOAL}x moto`, met: ratio >= THROUGHPUT_GOAL },
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
    }
    // Fill the range's CloudTrail history to the target with cheap recorded calls, then query it.
    const recorded = COUNT * operations.length;
    const filler = operations[0]!.make(range);
    if (recorded < LOOKUP_EVENTS_TARGET) {
      await runLoad(range.endpoint, filler, {
        count: LOOKUP_EVENTS_TARGET - recorded + 1000,
        concurrency: 16,
      });
    }
    const lookup = (attribute: boolean) => () => {
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
          ...authHeader(range.credentials.accessKeyId, 'cloudtrail'),
          'x-amz-target': 'CloudTrail_20131101.LookupEvents',
          'content-type': 'application/x-amz-json-1.1',
          'content-length': String(Buffer.byteLength(body)),
        },
        body,
      };
    };
    for (const attribute of [false, true]) {
      const r = await runLoad(range.endpoint, lookup(attribute), { count: 500, concurrency: 1 });
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
    await moto?.stop();
  }
  return { title: 'the range vs moto_server: throughput and latency', rows, notes };
}
