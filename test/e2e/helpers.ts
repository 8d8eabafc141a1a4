import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { EC2Client, DescribeVpcsCommand, DescribeSecurityGroupsCommand } from '@aws-sdk/client-ec2';
import type { TestRange } from '../range/harness.js';
import { runDrill, type DrillOptions, type DrillResult } from '../../src/controller/drill.js';

export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

/** A scratch working directory (for .sirs journals and sirs.config.yaml) and a scenario catalog in it. */
export function scratch(): { cwd: string; catalog: string } {
  const cwd = mkdtempSync(join(tmpdir(), 'sirs-e2e-'));
  const catalog = join(cwd, 'catalog');
  for (const d of ['scenarios', 'templates', 'runbooks']) mkdirSync(join(catalog, d), { recursive: true });
  cpSync(join(repoRoot, 'runbooks'), join(catalog, 'runbooks'), { recursive: true });
  return { cwd, catalog };
}

/** Copy a shipped scenario into a catalog, optionally replacing its template text. */
export function addScenario(
  catalog: string,
  id: string,
  opts: { template?: string; edit?: (yaml: string) => string } = {},
): string {
  const yaml = readFileSync(join(repoRoot, 'scenarios', `${id}.yaml`), 'utf8');
  const file = join(catalog, 'scenarios', `${id}.yaml`);
  writeFileSync(file, opts.edit ? opts.edit(yaml) : yaml);
  const templateName = /template:\s*(\S+)/.exec(yaml)![1]!;
  writeFileSync(
    join(catalog, 'templates', templateName),
    opts.template ?? readFileSync(join(repoRoot, 'templates', templateName), 'utf8'),
  );
  return file;
}

/** What sirs created that still exists on the range: live stacks, VPCs and non-default groups. */
export async function leftoversOn(range: TestRange): Promise<string[]> {
  const out: string[] = [];
  const cfn = new CloudFormationClient(range.clientConfig());
  const stacks = await cfn.send(new DescribeStacksCommand({}));
  for (const s of stacks.Stacks ?? [])
    if (s.StackStatus !== 'DELETE_COMPLETE') out.push(`stack ${s.StackName} ${s.StackStatus}`);
  const ec2 = new EC2Client(range.clientConfig());
  for (const v of (await ec2.send(new DescribeVpcsCommand({}))).Vpcs ?? []) out.push(`vpc ${v.VpcId}`);
  for (const g of (await ec2.send(new DescribeSecurityGroupsCommand({}))).SecurityGroups ?? [])
    out.push(`sg ${g.GroupId} ${g.GroupName}`);
  return out;
}

/** Mutating CloudTrail events recorded since `mark` (an index into range.events()). */
export function mutatingSince(range: TestRange, mark: number): string[] {
  return range
    .events()
    .slice(mark)
    .filter((e) => e.readOnly === false)
    .map((e) => e.eventName);
}

/**
 * A drill of a team's automation on the range, nobody responding (`--defenses FILE --no-autopilot`), 20×
 * faster than the clock: contain's 20-minute target is a minute, far above an automated fix's seconds.
 */
export function drillOfAutomation(o: {
  target: DrillOptions['target'];
  scenario: string;
  defense: string;
  id: string;
  cwd: string;
  signal?: AbortSignal;
  onControllerEvent?: DrillOptions['onControllerEvent'];
}): Promise<DrillResult> {
  return runDrill({
    scenarios: [o.scenario],
    target: o.target,
    autopilot: false,
    defenses: [o.defense],
    exerciseId: o.id,
    timeScale: 20,
    junitPath: join(o.cwd, `${o.id}.xml`),
    resultsPath: join(o.cwd, `${o.id}.json`),
    cwd: o.cwd,
    emit: () => {},
    onControllerEvent: o.onControllerEvent ?? (() => {}),
    signal: o.signal ?? new AbortController().signal,
  });
}
