/**
 * Why the team's automation did (not) close a loop, for drills of automation: for each loop of the
 * defences, what AWS itself says about it since the exercise went live.
 *
 * - An EventBridge rule: its `AWS/Events` metrics (`MatchedEvents`, `FailedInvocations`, per `RuleName`).
 *   No match means its pattern never matched the CloudTrail event the fault produced.
 * - A Lambda function: its log group `/aws/lambda/<name>`: `START` lines are invocations; errors are
 *   `errorType`/`errorMessage` lines, `Task timed out`, tracebacks and `ERROR` lines (with the lines).
 * - A Config rule: its compliance (`GetComplianceDetailsByConfigRule`) and its remediation executions
 *   (`DescribeRemediationExecutionStatus`: a failed step says why).
 *
 * Reading is effectful (`readLoopFacts`); judging is pure (`explainLoops`), so every message is unit-tested.
 */
import type { DefenseInventory } from '../exercise/defenses.js';

export type LoopVerdict =
  | 'never-matched'
  | 'delivery-failed'
  | 'not-invoked'
  | 'function-errored'
  | 'not-flagged'
  | 'no-remediation'
  | 'remediation-not-run'
  | 'remediation-failed'
  | 'ran'
  | 'unknown';

export interface LoopExplanation {
  defense: string;
  /** The loop, e.g. "EventBridge rule ssh-revert → Lambda ssh-revert". */
  loop: string;
  verdict: LoopVerdict;
  /** What happened and what to do about it, in a sentence or two. */
  message: string;
  /** Log lines that show the failure (a function's), newest last. */
  logLines?: string[];
}

export interface RuleFacts {
  matched?: number;
  failedInvocations?: number;
  /** Why the metrics could not be read. */
  error?: string;
}

export interface FunctionFacts {
  /** Absent: the log group does not exist (the function never ran). */
  lines?: string[];
  error?: string;
}

export interface ConfigRuleFacts {
  nonCompliant?: string[];
  executions?: Array<{ resource?: string; state?: string; error?: string }>;
  error?: string;
}

export interface LoopFacts {
  rules: Record<string, RuleFacts>;
  functions: Record<string, FunctionFacts>;
  configRules: Record<string, ConfigRuleFacts>;
}

export interface FactsSession {
  call(api: string, input: Record<string, unknown>): Promise<Record<string, unknown>>;
}

const MAX_LOG_LINES = 12;
const ERROR_LINE =
  /errorType|errorMessage|Task timed out|Traceback|^\S+\s+\S+\s+ERROR\b|\bERROR\b|Runtime\.\w+Error/;

/** Read what AWS says about every loop of the defences between `since` and `until`. */
export async function readLoopFacts(
  session: FactsSession,
  inventory: DefenseInventory,
  window: { since: Date; until: Date },
): Promise<LoopFacts> {
  const facts: LoopFacts = { rules: {}, functions: {}, configRules: {} };
  const message = (err: unknown) => (err instanceof Error ? err.message : String(err));
  for (const r of inventory.rules) {
    try {
      const sum = async (metric: string) => {
        const out = await session.call('cloudwatch:GetMetricStatistics', {
          Namespace: 'AWS/Events',
          MetricName: metric,
          Dimensions: [{ Name: 'RuleName', Value: r.name }],
          // Whole minutes around the window: metrics are per period.
          StartTime: new Date(Math.floor(window.since.getTime() / 60_000) * 60_000 - 60_000),
          EndTime: new Date(Math.ceil(window.until.getTime() / 60_000) * 60_000 + 60_000),
          Period: 60,
          Statistics: ['Sum'],
        });
        const points = (out.Datapoints as Array<{ Sum?: number }> | undefined) ?? [];
        return points.reduce((n, p) => n + (p.Sum ?? 0), 0);
      };
      facts.rules[r.name] = {
        matched: await sum('MatchedEvents'),
        failedInvocations: await sum('FailedInvocations'),
      };
    } catch (err) {
      facts.rules[r.name] = { error: message(err) };
    }
  }
  for (const f of inventory.functions) {
    try {
      const lines: string[] = [];
      let token: string | undefined;
      for (let page = 0; page < 10; page++) {
        const out = await session.call('logs:FilterLogEvents', {
          logGroupName: `/aws/lambda/${f.name}`,
          startTime: window.since.getTime() - 1000,
          ...(token ? { nextToken: token } : {}),
        });
        for (const e of (out.events as Array<{ message?: string }> | undefined) ?? [])
          if (e.message) lines.push(e.message.trimEnd());
        token = out.nextToken as string | undefined;
        if (!token) break;
      }
      facts.functions[f.name] = { lines };
    } catch (err) {
      const code = (err as { name?: string }).name;
      facts.functions[f.name] =
        code === 'ResourceNotFoundException' ? {} : { lines: [], error: message(err) };
    }
  }
  for (const c of inventory.configRules) {
    const fact: ConfigRuleFacts = {};
    try {
      const out = await session.call('config:GetComplianceDetailsByConfigRule', {
        ConfigRuleName: c.name,
        ComplianceTypes: ['NON_COMPLIANT'],
      });
      type Result = {
        EvaluationResultIdentifier?: { EvaluationResultQualifier?: { ResourceId?: string } };
      };
      fact.nonCompliant = ((out.EvaluationResults as Result[] | undefined) ?? []).map(
        (e) => e.EvaluationResultIdentifier?.EvaluationResultQualifier?.ResourceId ?? '?',
      );
      if (c.remediation) {
        const st = await session.call('config:DescribeRemediationExecutionStatus', {
          ConfigRuleName: c.name,
        });
        type Status = {
          ResourceKey?: { resourceId?: string };
          State?: string;
          StepDetails?: Array<{ Name?: string; State?: string; ErrorMessage?: string }>;
        };
        fact.executions = ((st.RemediationExecutionStatuses as Status[] | undefined) ?? []).map((s) => {
          const failed = s.StepDetails?.find((d) => d.ErrorMessage || d.State === 'FAILED');
          return {
            ...(s.ResourceKey?.resourceId ? { resource: s.ResourceKey.resourceId } : {}),
            ...(s.State ? { state: s.State } : {}),
            ...(failed
              ? { error: `${failed.Name ?? 'a step'}: ${failed.ErrorMessage ?? failed.State ?? 'failed'}` }
              : {}),
          };
        });
      }
    } catch (err) {
      fact.error = message(err);
    }
    facts.configRules[c.name] = fact;
  }
  return facts;
}

/**
 * Judge every loop from what was read: one explanation per rule, untargeted function and Config rule.
 * `resolved`: every phase was met, so a loop that ran without error needs no excuse.
 */
export function explainLoops(
  inventory: DefenseInventory,
  facts: LoopFacts,
  opts: { resolved?: boolean } = {},
): LoopExplanation[] {
  const resolved = opts.resolved === true;
  const out: LoopExplanation[] = [];
  const targeted = new Set(inventory.rules.flatMap((r) => r.functions));
  for (const r of inventory.rules) {
    const loop = [`EventBridge rule ${r.name}`, ...r.functions.map((f) => `Lambda ${f}`)].join(' → ');
    const rf = facts.rules[r.name] ?? {};
    const base = { defense: r.defense, loop };
    if (rf.matched === 0) {
      out.push({
        ...base,
        verdict: 'never-matched',
        message: `rule ${r.name} never matched an event (AWS/Events MatchedEvents is 0 since the exercise went live): its event pattern does not match the CloudTrail event the fault produced; compare them with aws events test-event-pattern and aws cloudtrail lookup-events`,
      });
      continue;
    }
    if (rf.failedInvocations && rf.failedInvocations > 0) {
      out.push({
        ...base,
        verdict: 'delivery-failed',
        message: `rule ${r.name} matched ${rf.matched ?? 'some'} event(s) but EventBridge failed to invoke its target ${rf.failedInvocations} time(s) (FailedInvocations): check the target's ARN and that the function's resource policy lets events.amazonaws.com invoke it (AWS::Lambda::Permission)`,
      });
      continue;
    }
    const matched = rf.matched === undefined ? '' : `rule ${r.name} matched ${rf.matched} event(s); `;
    const fnExplanations = r.functions.map((f) =>
      explainFunction(f, facts.functions[f], base, matched, resolved),
    );
    if (fnExplanations.length) out.push(...fnExplanations);
    else
      out.push({
        ...base,
        verdict: rf.error ? 'unknown' : 'ran',
        message: rf.error
          ? `rule ${r.name}: its metrics could not be read (${rf.error})`
          : `${matched}its targets are not functions of the defences`,
      });
  }
  for (const f of inventory.functions) {
    if (targeted.has(f.name)) continue;
    out.push(
      explainFunction(
        f.name,
        facts.functions[f.name],
        { defense: f.defense, loop: `Lambda ${f.name}` },
        '',
        resolved,
      ),
    );
  }
  for (const c of inventory.configRules)
    out.push(explainConfigRule(c, facts.configRules[c.name] ?? {}, resolved));
  return out;
}

function explainFunction(
  name: string,
  facts: FunctionFacts | undefined,
  base: { defense: string; loop: string },
  prefix: string,
  resolved: boolean,
): LoopExplanation {
  if (facts?.error)
    return {
      ...base,
      verdict: 'unknown',
      message: `${prefix}the log group /aws/lambda/${name} could not be read (${facts.error})`,
    };
  const lines = facts?.lines;
  const runs = (lines ?? []).filter((l) => l.startsWith('START RequestId')).length;
  if (!lines || runs === 0) {
    return {
      ...base,
      verdict: 'not-invoked',
      message: `${prefix}Lambda ${name} was never invoked (no START line in /aws/lambda/${name}): check the rule's target and the function's resource policy`,
    };
  }
  const errorLines = lines.filter((l) => ERROR_LINE.test(l));
  if (errorLines.length) {
    const failed = Math.max(
      1,
      lines.filter((l) => /errorType|Task timed out/.test(l)).length || Math.min(runs, errorLines.length),
    );
    const first = errorLines.find((l) => /errorMessage|Task timed out/.test(l)) ?? errorLines[0]!;
    return {
      ...base,
      verdict: 'function-errored',
      message: `${prefix}Lambda ${name} failed in ${Math.min(failed, runs)} of ${runs} invocation(s): ${clip(first)}`,
      logLines: errorLines.slice(-MAX_LOG_LINES).map(clip),
    };
  }
  return {
    ...base,
    verdict: 'ran',
    message: resolved
      ? `${prefix}Lambda ${name} ran ${runs} time(s) without an error`
      : `${prefix}Lambda ${name} ran ${runs} time(s) without an error, but the state it should fix did not change: check which resource and rule its code changes`,
  };
}

function explainConfigRule(
  c: DefenseInventory['configRules'][number],
  f: ConfigRuleFacts,
  resolved: boolean,
): LoopExplanation {
  const loop = `Config rule ${c.name}${c.remediation ? ` → remediation ${c.remediation}` : ''}`;
  const base = { defense: c.defense, loop };
  if (f.error)
    return { ...base, verdict: 'unknown', message: `Config rule ${c.name} could not be read (${f.error})` };
  const failed = (f.executions ?? []).filter((e) => e.state === 'FAILED' || e.error);
  if (failed.length) {
    const e = failed[0]!;
    return {
      ...base,
      verdict: 'remediation-failed',
      message: `the remediation of Config rule ${c.name} (${c.remediation}) failed${e.resource ? ` on ${e.resource}` : ''}: ${clip(e.error ?? 'its execution failed')}; check its parameters and AutomationAssumeRole`,
    };
  }
  const ran = f.executions ?? [];
  const on = [...new Set(ran.map((e) => e.resource).filter((r): r is string => !!r))].join(', ');
  if (!f.nonCompliant?.length && ran.length) {
    return {
      ...base,
      verdict: 'ran',
      message: resolved
        ? `the remediation of Config rule ${c.name} (${c.remediation}) ran${on ? ` on ${on}` : ''} and the rule finds nothing NON_COMPLIANT now`
        : `the remediation of Config rule ${c.name} (${c.remediation}) ran${on ? ` on ${on}` : ''} and the rule finds nothing NON_COMPLIANT now, yet the state the phase checks did not change: the rule does not judge what the fault changed`,
    };
  }
  if (!f.nonCompliant?.length) {
    return {
      ...base,
      verdict: 'not-flagged',
      message: `Config rule ${c.name} found no NON_COMPLIANT resource: it did not flag the fault (check its scope, its source identifier and that the configuration recorder records the resource type)`,
    };
  }
  if (!c.remediation) {
    return {
      ...base,
      verdict: 'no-remediation',
      message: `Config rule ${c.name} flagged ${f.nonCompliant.join(', ')} as NON_COMPLIANT, but it has no remediation configuration: nothing fixes it`,
    };
  }
  if (!f.executions?.length) {
    return {
      ...base,
      verdict: 'remediation-not-run',
      message: c.automatic
        ? `Config rule ${c.name} flagged ${f.nonCompliant.join(', ')} but its automatic remediation (${c.remediation}) never ran`
        : `Config rule ${c.name} flagged ${f.nonCompliant.join(', ')}; its remediation (${c.remediation}) is manual (Automatic: false), so nothing ran`,
    };
  }
  return {
    ...base,
    verdict: 'ran',
    message: `the remediation of Config rule ${c.name} (${c.remediation}) ran ${f.executions.length} time(s) without a failure${on ? ` (on ${on})` : ''}${resolved ? '' : ', but the state the phase checks did not change in time'}`,
  };
}

function clip(s: string): string {
  const one = s.replace(/\s+/g, ' ').trim();
  return one.length <= 300 ? one : `${one.slice(0, 300)}…`;
}
