/**
 * Closed loops that run themselves, on the range: the time from an injected change (SSH opened to the
 * world with AuthorizeSecurityGroupIngress) to the team's automation's fix (the rule revoked), through
 * CloudTrail → EventBridge rule → Lambda function → RevokeSecurityGroupIngress, as the shipped defence
 * templates/defenses/ssh-revert.cfn.yaml does it (Node.js, AWS SDK v3) and the same function in Python
 * (boto3). The first run after deployment is reported on its own (the first invocation), then p50/p95
 * over the warm runs. Time is measured by polling DescribeSecurityGroups every 10 ms.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import {
  CloudFormationClient,
  CreateStackCommand,
  DescribeStacksCommand,
} from '@aws-sdk/client-cloudformation';
import {
  AuthorizeSecurityGroupIngressCommand,
  CreateSecurityGroupCommand,
  CreateVpcCommand,
  DescribeSecurityGroupsCommand,
  EC2Client,
} from '@aws-sdk/client-ec2';
import { startRange, type Range } from '../../src/range/index.js';
import { packageRoot } from '../../src/paths.js';
import type { BenchRow, BenchSection } from '../bench.js';

const RUNS = 20;
const GIVE_UP_MS = 30_000;
const GOAL_P95_MS = 2000;

/** The same revert as the shipped Node.js handler, for the Python runtime (boto3). */
const PYTHON_HANDLER = `import os
import boto3

ec2 = boto3.client('ec2')

def covers_ssh(p):
    if p.get('IpProtocol') == '-1':
        return True
    return p.get('IpProtocol') == 'tcp' and p.get('FromPort', 0) <= 22 <= p.get('ToPort', 65535)

def handler(event, context):
    params = (event.get('detail') or {}).get('requestParameters') or {}
    group_id = params.get('groupId') or params.get('GroupId')
    if not group_id:
        return {'reverted': 0}
    group = ec2.describe_security_groups(GroupIds=[group_id])['SecurityGroups'][0]
    open_rules = []
    for p in group.get('IpPermissions', []):
        world = [r for r in p.get('IpRanges', []) if r.get('CidrIp') == '0.0.0.0/0']
        if covers_ssh(p) and world:
            rule = {'IpProtocol': p['IpProtocol'], 'IpRanges': [{'CidrIp': '0.0.0.0/0'}]}
            if p['IpProtocol'] != '-1':
                rule.update(FromPort=p['FromPort'], ToPort=p['ToPort'])
            open_rules.append(rule)
    if open_rules:
        try:
            ec2.revoke_security_group_ingress(GroupId=group_id, IpPermissions=open_rules)
        except ec2.exceptions.ClientError as err:
            if err.response['Error']['Code'] != 'InvalidPermission.NotFound':
                raise
    print({'groupId': group_id, 'reverted': len(open_rules)})
    return {'reverted': len(open_rules)}
`;

function pythonTemplate(nodeTemplate: string): string {
  const start = nodeTemplate.indexOf('        ZipFile: |');
  const end = nodeTemplate.indexOf('\n  SshIngressRule:');
  const code = PYTHON_HANDLER.split('\n')
    .map((l) => (l ? `          ${l}` : ''))
    .join('\n');
  return `${nodeTemplate.slice(0, start)}        ZipFile: |\n${code}\n${nodeTemplate.slice(end)}`
    .replace('Runtime: nodejs22.x', 'Runtime: python3.12')
    .replace('Handler: index.handler', 'Handler: index.handler');
}

async function deploy(range: Range, name: string, body: string): Promise<void> {
  const cfn = new CloudFormationClient(clientConfig(range));
  await cfn.send(
    new CreateStackCommand({ StackName: name, TemplateBody: body, Capabilities: ['CAPABILITY_IAM'] }),
  );
  for (;;) {
    const s = (await cfn.send(new DescribeStacksCommand({ StackName: name }))).Stacks?.[0];
    if (s?.StackStatus === 'CREATE_COMPLETE') return;
    if (s?.StackStatus && /FAILED|ROLLBACK/.test(s.StackStatus))
      throw new Error(`${name}: ${s.StackStatus} ${s.StackStatusReason ?? ''}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function clientConfig(range: Range) {
  return { region: range.region, endpoint: range.endpoint, credentials: range.credentials };
}

/** Open SSH to the world on a fresh group; ms until the automation has revoked it. */
async function oneFix(ec2: EC2Client, vpcId: string, n: number): Promise<number> {
  const { GroupId } = await ec2.send(
    new CreateSecurityGroupCommand({
      GroupName: `bench-automation-${n}`,
      Description: 'bench',
      VpcId: vpcId,
    }),
  );
  const started = performance.now();
  await ec2.send(
    new AuthorizeSecurityGroupIngressCommand({
      GroupId,
      IpPermissions: [{ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '0.0.0.0/0' }] }],
    }),
  );
  for (;;) {
    const g = (await ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: [GroupId!] })))
      .SecurityGroups?.[0];
    const open = (g?.IpPermissions ?? []).some(
      (p) => p.FromPort === 22 && (p.IpRanges ?? []).some((r) => r.CidrIp === '0.0.0.0/0'),
    );
    const elapsed = performance.now() - started;
    if (!open) return elapsed;
    if (elapsed > GIVE_UP_MS)
      throw new Error(`the automation did not revoke ${GroupId} within ${GIVE_UP_MS} ms`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

async function measure(runtime: string, body: string): Promise<BenchRow[]> {
  const range = await startRange({ lookupEventsPerSecond: 0 });
  try {
    await deploy(range, `bench-${runtime.replace(/\W/g, '')}`, body);
    const ec2 = new EC2Client(clientConfig(range));
    const vpc = await ec2.send(new CreateVpcCommand({ CidrBlock: '10.0.0.0/16' }));
    const vpcId = vpc.Vpc!.VpcId!;
    const first = await oneFix(ec2, vpcId, 0);
    const warm: number[] = [];
    for (let i = 1; i <= RUNS; i++) warm.push(await oneFix(ec2, vpcId, i));
    warm.sort((a, b) => a - b);
    const p95 = percentile(warm, 95);
    ec2.destroy();
    return [
      { name: `${runtime}: first invocation`, value: first, unit: 'ms' },
      { name: `${runtime}: warm p50 (${RUNS} runs)`, value: percentile(warm, 50), unit: 'ms' },
      {
        name: `${runtime}: warm p95 (${RUNS} runs)`,
        value: p95,
        unit: 'ms',
        goal: { text: `< ${GOAL_P95_MS} ms`, met: p95 < GOAL_P95_MS },
      },
    ];
  } finally {
    await range.stop();
  }
}

export async function run(): Promise<BenchSection> {
  const node = readFileSync(join(packageRoot(), 'templates', 'defenses', 'ssh-revert.cfn.yaml'), 'utf8');
  const rows = await measure('Node.js', node);
  const notes = [
    'From AuthorizeSecurityGroupIngress (SSH from 0.0.0.0/0) to the rule gone: CloudTrail → EventBridge rule → Lambda (a child process per invocation on the range) → RevokeSecurityGroupIngress.',
  ];
  const boto3 = spawnSync('python3', ['-c', 'import boto3'], { stdio: 'ignore' }).status === 0;
  if (boto3) rows.push(...(await measure('Python', pythonTemplate(node))));
  else notes.push('Python rows left out: python3 with boto3 is not installed.');
  return { title: 'Automation: injected change to the automated fix (range)', rows, notes };
}

if (process.argv[1]?.endsWith('bench/automation.ts')) {
  const section = await run();
  for (const r of section.rows) console.log(`${r.name}: ${r.value.toFixed(0)} ${r.unit}`);
}
