/**
 * Detection delay on the range: N scenarios live under the real controller and probes (one shared
 * reader, 1 s ticks); a responder fixes each at a random moment; the delay is the time from the fix
 * (its API call returning) to the controller declaring the phase met. Goal: p95 at most one tick.
 */
import { ApiSession } from '../../src/aws/api.js';
import { Controller, type ControlledScenario } from '../../src/controller/controller.js';
import type { JournalEntryBody } from '../../src/exercise/entries.js';
import { startRange } from '../../src/range/index.js';
import type { Condition } from '../../src/signals/registry.js';
import { createObserver } from '../../src/signals/observer.js';
import type { BenchSection } from '../bench.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
const SCENARIOS = 20;
const TICK_MS = 1000;
const FIX_WINDOW_MS = 15_000;

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(p * s.length))] ?? NaN;
}

export async function run(): Promise<BenchSection> {
  const range = await startRange({ port: 0 });
  const session = new ApiSession({
    region: range.region,
    endpoint: range.endpoint,
    credentials: range.credentials,
    forcePathStyle: true,
  });
  const probes = new ApiSession({
    region: range.region,
    endpoint: range.endpoint,
    credentials: range.credentials,
    forcePathStyle: true,
    maxAttempts: 1,
  });
  try {
    const vpc = (await session.call('ec2:CreateVpc', { CidrBlock: '10.9.0.0/16' })).Vpc as { VpcId: string };
    const groups: string[] = [];
    for (let i = 0; i < SCENARIOS; i++) {
      const g = (
        await session.call('ec2:CreateSecurityGroup', {
          GroupName: `bench-${i}`,
          Description: 'bench',
          VpcId: vpc.VpcId,
        })
      ).GroupId as string;
      await session.call('ec2:AuthorizeSecurityGroupIngress', {
        GroupId: g,
        IpPermissions: [{ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '0.0.0.0/0' }] }],
      });
      groups.push(g);
    }
    const scenarios: ControlledScenario[] = groups.map((g, i) => ({
      id: `s${i}`,
      scoring: {
        id: `s${i}`,
        title: 'bench',
        severity: 'high',
        timeLimitMs: FIX_WINDOW_MS + 10_000,
        phases: { detect: { targetMs: FIX_WINDOW_MS } },
        hints: [],
      },
      phases: {
        detect: {
          mode: 'all',
          conditions: [
            {
              sgIngress: { group: g, port: 22, cidr: '0.0.0.0/0', protocol: 'tcp', expect: 'absent' },
            } as Condition,
          ],
        },
      },
      steadyState: [],
      hints: [],
      autopilot: [],
    }));
    const startedAt = new Date();
    const observer = createObserver({
      session: probes,
      exercise: {
        id: 'bench',
        startedAt,
        accountId: range.accountId,
        region: range.region,
        endpoint: range.endpoint,
      },
    });
    const fixedAt = new Map<string, number>();
    const delays: number[] = [];
    const controller = new Controller({
      scenarios,
      observe: (c, s) => observer.observe(c, s),
      beginTick: () => observer.beginTick(),
      newAcks: async () => [],
      runStep: async () => {},
      journal: { append: (_e: JournalEntryBody) => undefined },
      emit: (e) => {
        if (e.type === 'phase.met') {
          const fixed = fixedAt.get(e.scenario);
          if (fixed !== undefined) delays.push(performance.now() - fixed);
        }
      },
      tickMs: TICK_MS,
      signal: new AbortController().signal,
      autopilot: false,
    });
    const done = controller.run();
    await Promise.all(
      groups.map(async (g, i) => {
        await new Promise((r) => setTimeout(r, Math.random() * FIX_WINDOW_MS));
        await session.call('ec2:RevokeSecurityGroupIngress', {
          GroupId: g,
          IpPermissions: [
            { IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '0.0.0.0/0' }] },
          ],
        });
        fixedAt.set(`s${i}`, performance.now());
      }),
    );
    await done;
    const p95 = pct(delays, 0.95);
    return {
      title: 'the controller on the range: delay from a fix to its detection',
      rows: [
        { name: 'fixes detected', value: delays.length, unit: `of ${SCENARIOS}` },
        { name: 'delay p50', value: pct(delays, 0.5), unit: 'ms' },
        {
          name: 'delay p95',
          value: p95,
          unit: 'ms',
          goal: { text: `<= one tick (${TICK_MS} ms)`, met: delays.length === SCENARIOS && p95 <= TICK_MS },
        },
        { name: 'delay max', value: Math.max(...delays), unit: 'ms' },
      ],
      notes: [
        `${SCENARIOS} scenarios, one fix each at a random moment within ${FIX_WINDOW_MS / 1000} s, ${TICK_MS} ms ticks, real probes through the shared reader`,
      ],
    };
  } finally {
    session.destroy();
    probes.destroy();
    await range.stop();
  }
}
