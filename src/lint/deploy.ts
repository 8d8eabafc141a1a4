import { resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import {
  CloudFormationClient,
  CreateStackCommand,
  DeleteStackCommand,
  DescribeStackEventsCommand,
  DescribeStacksCommand,
  ListStackResourcesCommand,
} from '@aws-sdk/client-cloudformation';
import type { Problem } from '../scenario/problem.js';
import type { LintConfig } from './config.js';
import { enabledRules, judge, locate, resolveTemplate, type Finding, type TemplateReport } from './engine.js';
import { buildReport, lintPaths, resolveConfig, type LintOptions, type LintReport } from './index.js';
import { readLiveResources, type LiveReader } from './live.js';
import { readLintTemplate, type LintTemplate } from './template.js';
import { isUnknown, type LintResource } from './types.js';

/**
 * `sirs lint --deploy`: the dynamic gate. Each template that passes reading is created as a stack on an
 * ephemeral in-process range; its resources are read back through the range's API (as the signals read
 * them) into the same resource model, judged by the same rules, and what only shows on the deployed
 * stack is added to the report, marked so. The stack is deleted and the range stopped in every case.
 */
const POLL_MS = 50;
const DEPLOY_TIMEOUT_MS = 120_000;

export async function lintDeployed(opts: LintOptions): Promise<LintReport> {
  const config = resolveConfig(opts);
  const first = lintPaths(opts);
  const { startRange } = await import('../range/index.js');
  const range = await startRange({ port: 0, log: () => {} });
  const clientConfig = {
    region: range.region,
    endpoint: range.endpoint,
    credentials: range.credentials,
    forcePathStyle: true,
    maxAttempts: 2,
  };
  const cfn = new CloudFormationClient(clientConfig);
  // Stacks stay up until every template is judged, as in a pipeline that deploys them in order: a later
  // template may import what an earlier one exports. They are deleted newest first.
  const stacks: string[] = [];
  const files: TemplateReport[] = [];
  try {
    for (const report of first.files) {
      const read =
        report.problems.length > 0
          ? undefined
          : readLintTemplate(resolve(opts.cwd, report.file), report.file);
      if (!read?.ok) {
        files.push(report);
        continue;
      }
      const ctx = {
        config,
        parameters: opts.parameters ?? {},
        clientConfig,
        accountId: range.accountId,
        cfn,
        stacks,
      };
      files.push(await deployAndJudge(read.template, report, ctx));
    }
  } finally {
    for (const stackName of [...stacks].reverse()) {
      await cfn.send(new DeleteStackCommand({ StackName: stackName })).catch(() => undefined);
      await waitForStack(cfn, stackName).catch(() => undefined);
    }
    cfn.destroy();
    await range.stop();
  }
  return buildReport(files, first.skippedFiles, config, opts.failOn);
}

interface DeployContext {
  config: LintConfig;
  parameters: Record<string, string>;
  clientConfig: LiveReader['clientConfig'];
  accountId: string;
  cfn: CloudFormationClient;
  /** Stacks created so far (the caller deletes them). */
  stacks: string[];
}

async function deployAndJudge(
  template: LintTemplate,
  report: TemplateReport,
  ctx: DeployContext,
): Promise<TemplateReport> {
  const { cfn } = ctx;
  const stackName = `sirs-lint-${randomBytes(4).toString('hex')}`;
  const problem = (message: string): Problem => ({
    file: report.file,
    line: 1,
    col: 1,
    path: '',
    code: 'deploy-failed',
    message,
  });
  try {
    const declared = new Set(
      Object.keys((template.data.Parameters as Record<string, unknown> | undefined) ?? {}),
    );
    await cfn.send(
      new CreateStackCommand({
        StackName: stackName,
        TemplateBody: template.source.text,
        Parameters: Object.entries(ctx.parameters)
          .filter(([k]) => declared.has(k))
          .map(([ParameterKey, ParameterValue]) => ({ ParameterKey, ParameterValue })),
        Capabilities: ['CAPABILITY_IAM', 'CAPABILITY_NAMED_IAM', 'CAPABILITY_AUTO_EXPAND'],
      }),
    );
    ctx.stacks.push(stackName);
    const status = await waitForStack(cfn, stackName);
    if (status !== 'CREATE_COMPLETE') {
      const reason = await failureReason(cfn, stackName);
      return {
        ...report,
        problems: [
          ...report.problems,
          problem(`the stack could not be deployed on the range (${status}): ${reason}`),
        ],
      };
    }
    const listed = await cfn.send(new ListStackResourcesCommand({ StackName: stackName }));
    const physical = (listed.StackResourceSummaries ?? []).map((r) => ({
      id: r.LogicalResourceId ?? '',
      type: r.ResourceType ?? '',
      physicalId: r.PhysicalResourceId ?? '',
    }));
    const { resources: live, unreadable } = await readLiveResources(
      { clientConfig: ctx.clientConfig },
      physical,
    );
    return mergeDeployed(template, report, live, unreadable, ctx);
  } catch (err) {
    return {
      ...report,
      problems: [
        ...report.problems,
        problem(`the deployment on the range failed: ${(err as Error).message}`),
      ],
    };
  }
}

async function waitForStack(cfn: CloudFormationClient, stackName: string): Promise<string> {
  const deadline = Date.now() + DEPLOY_TIMEOUT_MS;
  for (;;) {
    let status: string;
    try {
      const out = await cfn.send(new DescribeStacksCommand({ StackName: stackName }));
      status = out.Stacks?.[0]?.StackStatus ?? 'DELETE_COMPLETE';
    } catch (err) {
      if (/does not exist/.test((err as Error).message)) return 'DELETE_COMPLETE';
      throw err;
    }
    if (!status.endsWith('_IN_PROGRESS')) return status;
    if (Date.now() > deadline) return `${status} (gave up waiting)`;
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
}

async function failureReason(cfn: CloudFormationClient, stackName: string): Promise<string> {
  const events = await cfn
    .send(new DescribeStackEventsCommand({ StackName: stackName }))
    .catch(() => undefined);
  const failed = (events?.StackEvents ?? []).filter(
    (e) => e.ResourceStatus?.endsWith('_FAILED') && e.ResourceStatusReason,
  );
  const last = failed[failed.length - 1];
  return last ? `${last.LogicalResourceId}: ${last.ResourceStatusReason}` : 'no reason given';
}

/**
 * Deployed findings that the template's own findings do not already cover are added, marked deployedOnly.
 * "Covered" follows references: a world-open AWS::EC2::SecurityGroupIngress found in the template covers
 * the same rule on the group it names (the deployed group carries the rule).
 */
function mergeDeployed(
  template: LintTemplate,
  report: TemplateReport,
  live: LintResource[],
  unreadable: Array<{ resource: string; reason: string }>,
  ctx: DeployContext,
): TemplateReport {
  const { resources: declared } = resolveTemplate(template, { parameters: ctx.parameters });
  const refs = new Map(declared.map((r) => [r.id, referencedIds(r.properties)]));
  const covered = new Set<string>();
  for (const f of [...report.findings, ...report.suppressed]) {
    covered.add(`${f.rule}:${f.resource}`);
    for (const id of refs.get(f.resource) ?? []) covered.add(`${f.rule}:${id}`);
  }
  const added: Finding[] = [];
  const seen = new Set<string>();
  const verdicts = judge(live, enabledRules(ctx.config), ctx.accountId);
  for (const v of verdicts) {
    if (v.message === undefined) continue;
    const key = `${v.rule.id}:${v.resource.id}`;
    if (covered.has(key) || seen.has(key)) continue;
    seen.add(key);
    const inTemplate = template.resources.some((r) => r.id === v.resource.id)
      ? v.resource
      : { ...v.resource, id: firstDeclared(template) };
    added.push({
      ...locate(template, v.rule, ctx.config, inTemplate, [], v.message, true),
      resource: v.resource.id,
      deployedOnly: true,
    });
  }
  const unresolved = unreadable.map((u) => {
    const at = template.source.locate(['Resources', u.resource], { key: true });
    return {
      rule: 'deploy',
      file: report.file,
      ...at,
      resource: u.resource,
      path: `Resources.${u.resource}`,
      reason: u.reason,
    };
  });
  // A check the template left unjudged is judged now if the deployed resource was read (and the check
  // was not skipped again); one on a resource sirs does not read back stays unjudged.
  const read = new Set(live.map((r) => r.id));
  const stillUnresolved = report.unresolved.filter(
    (u) =>
      !(
        read.has(u.resource) &&
        !verdicts.some((v) => v.rule.id === u.rule && v.resource.id === u.resource && v.unresolved)
      ),
  );
  return {
    ...report,
    findings: [...report.findings, ...added],
    unresolved: [...stillUnresolved, ...unresolved],
  };
}

function firstDeclared(template: LintTemplate): string {
  return template.resources[0]?.id ?? '';
}

function referencedIds(v: unknown): string[] {
  if (isUnknown(v)) return [...v.refs];
  if (Array.isArray(v)) return v.flatMap(referencedIds);
  if (v && typeof v === 'object') return Object.values(v).flatMap(referencedIds);
  return [];
}
