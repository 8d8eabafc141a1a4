/**
 * What IAM enforcement costs the range: the same cheap call (EC2 DescribeSecurityGroups) as the
 * built-in administrator (never evaluated) and as an IAM user with 10 attached customer managed
 * policies (evaluated on every request: its policies, the request context, the resource), in the same
 * run, over the same kind of prepared signed requests. Goal: the user keeps >= 80% of the
 * administrator's throughput.
 */
import {
  AttachUserPolicyCommand,
  CreateAccessKeyCommand,
  CreatePolicyCommand,
  CreateUserCommand,
  IAMClient,
} from '@aws-sdk/client-iam';
import type { BenchRow, BenchSection } from '../bench.js';
import { runLoad, signedRequests, type LoadResult, type PreparedRequest } from './load.js';
import { startRangePeer, type Peer } from './peers.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

const COUNT = 3000;
const WARMUP = 500;
const CONCURRENCY = 8;
const ROUNDS = 3;
const POLICIES = 10;
const GOAL = 0.8;

function describeSecurityGroups(): PreparedRequest {
  const body = 'Action=DescribeSecurityGroups&Version=2016-11-15';
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

/** Policy i of 10: statements for other services and resources, with conditions; the last one allows the call. */
function policyDocument(i: number): string {
  const statements: Array<Record<string, unknown>> = [
    {
      Sid: `Logs${i}`,
      Effect: 'Allow',
      Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
      Resource: `arn:aws:logs:*:*:log-group:/app/team-${i}/*`,
      Condition: { StringEquals: { 'aws:RequestedRegion': ['us-east-1', 'eu-west-1'] } },
    },
    {
      Sid: `Objects${i}`,
      Effect: 'Allow',
      Action: 's3:GetObject',
      Resource: `arn:aws:s3:::team-${i}-bucket/*`,
    },
    {
      Sid: `NoKeyDeletion${i}`,
      Effect: 'Deny',
      Action: 'kms:ScheduleKeyDeletion',
      Resource: '*',
      Condition: { StringNotEquals: { 'aws:PrincipalTag/team': 'security' } },
    },
  ];
  if (i === POLICIES - 1) {
    statements.push({
      Sid: 'Describe',
      Effect: 'Allow',
      Action: 'ec2:Describe*',
      Resource: '*',
      Condition: { IpAddress: { 'aws:SourceIp': ['127.0.0.0/8', '::1/128'] } },
    });
  }
  return JSON.stringify({ Version: '2012-10-17', Statement: statements });
}

async function restrictedUser(range: Peer): Promise<Peer> {
  const iam = new IAMClient({
    endpoint: range.endpoint,
    region: 'us-east-1',
    credentials: range.credentials,
    maxAttempts: 1,
  });
  await iam.send(new CreateUserCommand({ UserName: 'bench-user' }));
  for (let i = 0; i < POLICIES; i++) {
    const { Policy } = await iam.send(
      new CreatePolicyCommand({ PolicyName: `bench-${i}`, PolicyDocument: policyDocument(i) }),
    );
    await iam.send(new AttachUserPolicyCommand({ UserName: 'bench-user', PolicyArn: Policy!.Arn! }));
  }
  const { AccessKey } = await iam.send(new CreateAccessKeyCommand({ UserName: 'bench-user' }));
  return {
    ...range,
    name: 'bench-user',
    credentials: { accessKeyId: AccessKey!.AccessKeyId!, secretAccessKey: AccessKey!.SecretAccessKey! },
  };
}

function row(name: string, r: LoadResult): BenchRow {
  return {
    name,
    value: r.rps,
    unit: 'req/s',
    note: `p50 ${r.p50.toFixed(2)} ms, p99 ${r.p99.toFixed(2)} ms${r.errors ? `, ${r.errors} errors` : ''}`,
  };
}

export async function run(): Promise<BenchSection> {
  const range = await startRangePeer();
  try {
    const user = await restrictedUser(range);
    const admin = await signedRequests(range, 'ec2', 1, describeSecurityGroups);
    const restricted = await signedRequests(user, 'ec2', 1, describeSecurityGroups);
    for (const make of [admin, restricted]) {
      await runLoad(range.endpoint, make, { count: WARMUP, concurrency: CONCURRENCY });
    }
    // Alternate the two so that drift in the machine's load falls on both alike; keep each one's best.
    let best: { admin?: LoadResult; user?: LoadResult } = {};
    for (let round = 0; round < ROUNDS; round++) {
      const a = await runLoad(range.endpoint, admin, { count: COUNT, concurrency: CONCURRENCY });
      const u = await runLoad(range.endpoint, restricted, { count: COUNT, concurrency: CONCURRENCY });
      best = {
        admin: !best.admin || a.rps > best.admin.rps ? a : best.admin,
        user: !best.user || u.rps > best.user.rps ? u : best.user,
      };
    }
    const a = best.admin as LoadResult;
    const u = best.user as LoadResult;
    const share = u.rps / a.rps;
    return {
      title: 'IAM enforcement: a user with 10 attached policies vs the administrator',
      notes: [
        `ec2:DescribeSecurityGroups, ${COUNT} requests per run (after ${WARMUP} to warm up), ${CONCURRENCY} in flight, best of ${ROUNDS} alternating runs each.`,
        `The user's ${POLICIES} customer managed policies hold ${POLICIES * 3 + 1} statements (conditions on aws:RequestedRegion, aws:PrincipalTag, aws:SourceIp); only the last policy allows the call, so every request is evaluated against all of them. The administrator is never evaluated.`,
      ],
      rows: [
        row('DescribeSecurityGroups as range-admin', a),
        row(`DescribeSecurityGroups as a user with ${POLICIES} attached policies`, u),
        {
          name: 'user throughput as a share of the administrator',
          value: Math.round(share * 1000) / 10,
          unit: '%',
          goal: { text: `>= ${GOAL * 100}%`, met: share >= GOAL && u.errors === 0 && a.errors === 0 },
        },
      ],
    };
  } finally {
    await range.stop();
  }
}
