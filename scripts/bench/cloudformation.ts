/**
 * CreateStack to CREATE_COMPLETE for a 30-resource template (types moto also creates), median of a few
 * runs, the range against moto_server in the same run. Each peer runs as its own process.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  CloudFormationClient,
  CreateStackCommand,
  DeleteStackCommand,
  DescribeStacksCommand,
} from '@aws-sdk/client-cloudformation';
import { packageRoot } from '../../src/paths.js';
import type { BenchRow, BenchSection } from '../bench.js';
import { motoAvailable, startMotoPeer, startRangePeer, type Peer } from './peers.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
const RUNS = 5;

async function createOnce(peer: Peer, body: string, n: number): Promise<number> {
  const cfn = new CloudFormationClient({
    endpoint: peer.endpoint,
    region: 'us-east-1',
    credentials: peer.credentials,
  });
  const name = `bench-thirty-${n}`;
  const start = performance.now();
  await cfn.send(
    new CreateStackCommand({ StackName: name, TemplateBody: body, Capabilities: ['CAPABILITY_IAM'] }),
  );
  for (;;) {
    const s = (await cfn.send(new DescribeStacksCommand({ StackName: name }))).Stacks?.[0];
    if (s?.StackStatus === 'CREATE_COMPLETE') break;
    if (s?.StackStatus && !s.StackStatus.endsWith('_IN_PROGRESS'))
      throw new Error(`${peer.name}: ${name} ended ${s.StackStatus}: ${s.StackStatusReason ?? ''}`);
    await new Promise((r) => setTimeout(r, 10));
  }
  const ms = performance.now() - start;
  await cfn.send(new DeleteStackCommand({ StackName: name }));
  return ms;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

export async function run(): Promise<BenchSection> {
  const body = readFileSync(
    join(packageRoot(), 'test', 'range', 'templates', 'thirty-resources.yaml'),
    'utf8',
  );
  const notes = [`median of ${RUNS} CreateStack runs, polled every 10 ms until CREATE_COMPLETE`];
  const rows: BenchRow[] = [];
  const range = await startRangePeer();
  let moto: Peer | undefined;
  try {
    const r: number[] = [];
    for (let i = 0; i < RUNS; i++) r.push(await createOnce(range, body, i));
    const m: number[] = [];
    if (motoAvailable()) {
      moto = await startMotoPeer();
      for (let i = 0; i < RUNS; i++) m.push(await createOnce(moto, body, i));
    } else notes.push('moto_server is not installed: the range is measured alone');
    rows.push({
      name: 'CreateStack, 30 resources: range',
      value: median(r),
      unit: 'ms',
      ...(m.length ? { ratio: median(r) / median(m) } : {}),
    });
    if (m.length) rows.push({ name: 'CreateStack, 30 resources: moto', value: median(m), unit: 'ms' });
    notes.push(
      'the range paces resources like CloudFormation does (a short delay per resource, so IN_PROGRESS is observable); moto creates everything inside the CreateStack call',
    );
  } finally {
    await range.stop();
    await moto?.stop();
  }
  return { title: 'CloudFormation: time to CREATE_COMPLETE', rows, notes };
}
