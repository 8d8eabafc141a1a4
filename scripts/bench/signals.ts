/**
 * Signals: AWS calls per tick for 1, 10 and 50 live scenarios of the same kind, on one range. Each
 * scenario watches its own security group as the controller would: a detect phase on CloudTrail
 * (RevokeSecurityGroupIngress on the group), a contain phase (sgIngress port 22 absent) and a steady
 * state (sgIngress port 443 present), phases evaluated in order, scenarios side by side.
 * Goal: calls per tick do not grow with the number of scenarios sharing a resource type.
 * (CloudTrail pages grow with the write events in the window, whoever makes them, not with scenarios.)
 */
import { ApiSession } from '../../src/aws/api.js';
import { startRange, type Range } from '../../src/range/index.js';
import type { Condition } from '../../src/signals/registry.js';
import { createObserver } from '../../src/signals/observer.js';
import type { BenchRow, BenchSection } from '../bench.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

const SCENARIOS = [1, 10, 50];
const TICKS = 5;
/** The controller's tick on the range. */
const TICK_MS = 1000;
const GOAL = 'calls per tick do not grow with the number of scenarios sharing a resource type';

interface Watched {
  id: string;
  phases: Condition[][];
  steadyState: Condition[];
}

interface Measured {
  /** Calls in each tick. */
  calls: number[];
  tickMs: number[];
  byApi: Record<string, number>;
}

function session(range: Range, exercise: string): ApiSession {
  return new ApiSession({
    region: range.region,
    endpoint: range.endpoint,
    credentials: range.credentials,
    forcePathStyle: true,
    disableHostPrefix: true,
    maxAttempts: 1,
    customUserAgent: `sirs/bench exercise/${exercise}`,
  });
}

async function measure(range: Range, count: number): Promise<Measured> {
  const exercise = `bench-signals-${count}`;
  const sirs = session(range, exercise);
  const vpc = ((await sirs.call('ec2:CreateVpc', { CidrBlock: '10.50.0.0/16' })).Vpc as { VpcId: string })
    .VpcId;
  const scenarios: Watched[] = [];
  for (let i = 0; i < count; i++) {
    const group = String(
      (
        await sirs.call('ec2:CreateSecurityGroup', {
          GroupName: `${exercise}-${i}`,
          Description: 'bench',
          VpcId: vpc,
        })
      ).GroupId,
    );
    await sirs.call('ec2:AuthorizeSecurityGroupIngress', {
      GroupId: group,
      IpPermissions: [22, 443].map((port) => ({
        IpProtocol: 'tcp',
        FromPort: port,
        ToPort: port,
        IpRanges: [{ CidrIp: '0.0.0.0/0' }],
      })),
    });
    const rule = { group, protocol: 'tcp', cidr: '0.0.0.0/0' } as const;
    scenarios.push({
      id: `ssh-open-${i}`,
      phases: [
        [{ cloudtrailEvent: { eventName: 'RevokeSecurityGroupIngress', resource: group } }],
        [{ sgIngress: { ...rule, port: 22, expect: 'absent' } }],
      ],
      steadyState: [{ sgIngress: { ...rule, port: 443, expect: 'present' } }],
    });
  }
  // As the controller does, the observer starts once the faults are in place.
  const startedAt = new Date();
  const observer = createObserver({
    session: sirs,
    exercise: {
      id: exercise,
      startedAt,
      accountId: range.accountId,
      region: range.region,
      endpoint: range.endpoint,
    },
  });
  const out: Measured = { calls: [], tickMs: [], byApi: {} };
  try {
    for (let t = 0; t < TICKS; t++) {
      observer.beginTick();
      const start = performance.now();
      await Promise.all(
        scenarios.map(async (s) => {
          for (const phase of s.phases) await Promise.all(phase.map((c) => observer.observe(c, s.id)));
          await Promise.all(s.steadyState.map((c) => observer.observe(c, s.id)));
        }),
      );
      const took = performance.now() - start;
      out.tickMs.push(took);
      out.calls.push(observer.stats().callsThisTick);
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, TICK_MS - took)));
    }
    out.byApi = observer.stats().byApi;
    const unknown = observer.stats().observations.unknown;
    if (unknown > 0) throw new Error(`${unknown} observations were unknown on a range without faults`);
  } finally {
    observer.close();
    sirs.destroy();
  }
  return out;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

export async function run(): Promise<BenchSection> {
  // LookupEvents limited to 2 requests/s, as in AWS.
  const range = await startRange({ port: 0 });
  const results: Array<{ count: number; m: Measured }> = [];
  try {
    for (const count of SCENARIOS) results.push({ count, m: await measure(range, count) });
  } finally {
    await range.stop();
  }
  // The first tick also dates the steady states already met (one CloudTrail read); later ticks are steady.
  const steady = (m: Measured) => median(m.calls.slice(1));
  const baseline = steady(results[0]!.m);
  const rows: BenchRow[] = [];
  for (const { count, m } of results) {
    const value = steady(m);
    rows.push({
      name: `sgIngress, ${count} scenario${count === 1 ? '' : 's'}: AWS calls per tick`,
      value,
      unit: 'calls',
      ratio: value / baseline,
      goal: { text: GOAL, met: value <= baseline },
    });
  }
  for (const { count, m } of results) {
    rows.push({
      name: `tick time, ${count} scenario${count === 1 ? '' : 's'} (median)`,
      value: Math.round(median(m.tickMs.slice(1))),
      unit: 'ms',
    });
  }
  return {
    title: `Signals: AWS calls per tick through the shared reader (${TICKS} ticks ${TICK_MS} ms apart, medians after the first)`,
    rows,
    notes: results.map(
      ({ count, m }) =>
        `${count} scenarios: calls by tick ${m.calls.join(', ')}; by API ${Object.entries(m.byApi)
          .map(([api, n]) => `${api} ${n}`)
          .join(', ')}`,
    ),
  };
}
