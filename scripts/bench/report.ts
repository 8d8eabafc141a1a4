/**
 * After-action report rendering: a synthetic journal of 100 scenarios and 100,000 responder calls,
 * read from disk, turned into the report model and rendered as Markdown, HTML and JSON, in a child
 * process so that its peak RSS is the report's own (plus Node's). Goal: under 2 s and under 300 MB.
 *
 * The child runs the built dist/ with plain Node (like the cli section: `npm run build` first), so that
 * neither tsx nor TypeScript compilation is in its time or memory; without dist/ it falls back to tsx.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { packageRoot } from '../../src/paths.js';
import type { BenchSection } from '../bench.js';

const SCENARIOS = 100;
const EVENTS = 100_000;
const PRINCIPALS = 25;
const T0 = Date.parse('2026-11-28T17:45:00.000Z');
const MIN = 60_000;

function line(seq: number, ms: number, body: Record<string, unknown>): string {
  return JSON.stringify({ seq, time: new Date(T0 + ms).toISOString(), ...body });
}

/** A journal of SCENARIOS scenarios (met, late or missed; hints, acks, breaches) and its activity. */
function synthesize(dir: string): void {
  const lines: string[] = [];
  let seq = 0;
  const add = (ms: number, body: Record<string, unknown>) => lines.push(line(seq++, ms, body));
  const ids = Array.from({ length: SCENARIOS }, (_, i) => `bench-scenario-${i}`);
  const severities = ['low', 'medium', 'high', 'critical'];
  add(-60_000, {
    type: 'exercise.created',
    exerciseId: 'bench-report',
    scenarios: ids,
    target: { kind: 'range', region: 'us-east-1', description: 'the range', accountId: '123456789012' },
    sirsVersion: '0.1.0',
    options: { keep: false, autopilot: false },
    facilitator: 'bench',
  });
  add(-1000, { type: 'exercise.live' });
  const cond = (kind: string, family: string, text: string) => ({ kind, family, description: text });
  ids.forEach((id, i) => {
    add(-500, {
      type: 'scenario.defined',
      scenario: {
        id,
        title: `Scenario ${i}: a security group open to the world`,
        summary: 'A synthetic scenario for the report benchmark. '.repeat(4),
        severity: severities[i % 4],
        layer: 'network',
        control: 'SSH is reachable only from the bastion subnet.',
        monitor: 'AuthorizeSecurityGroupIngress with port 22 from outside the bastion CIDR',
        fix: 'Revoke the rule.',
        mitre: ['T1133'],
        runbook: 'network-exposure',
        timeLimitMs: 45 * MIN,
        phases: {
          detect: { targetMs: 10 * MIN, mode: 'any', conditions: [cond('ack', 'ack', `ack on sg-${i}`)] },
          contain: {
            targetMs: 20 * MIN,
            mode: 'all',
            conditions: [cond('sgIngress', 'state', `sg-${i} closed`)],
          },
          recover: {
            targetMs: 30 * MIN,
            mode: 'all',
            conditions: [cond('sgIngress', 'state', `sg-${i} bastion`)],
          },
        },
        steadyState: [cond('sgIngress', 'state', `sg-${i} allows 443`)],
        hints: [{ atMs: 5 * MIN, cost: 5, text: 'Look at CloudTrail.' }],
        detections: [{ title: 'EventBridge rule', how: 'Match AuthorizeSecurityGroupIngress on port 22.' }],
        resources: [`sg-${String(i).padStart(17, '0')}`, `vpc-${String(i).padStart(17, '0')}`],
      },
    });
  });
  add(0, {
    type: 'controller.started',
    tickMs: 15_000,
    scenarios: ids.map((id, i) => ({
      id,
      title: `Scenario ${i}`,
      severity: severities[i % 4],
      timeLimitMs: 45 * MIN,
      phases: {
        detect: { targetMs: 10 * MIN },
        contain: { targetMs: 20 * MIN },
        recover: { targetMs: 30 * MIN },
      },
      hints: [{ atMs: 5 * MIN, cost: 5 }],
    })),
  });
  ids.forEach((id, i) => {
    const at = (m: number) => T0 + m;
    add(5 * MIN, {
      type: 'hint.released',
      scenario: id,
      index: 0,
      cost: 5,
      text: 'Look at CloudTrail.',
      atMs: 5 * MIN,
      by: 'schedule',
    });
    const detect = (5 + (i % 10)) * MIN;
    add(detect, {
      type: 'ack.received',
      ack: {
        finding: 'ssh-exposure',
        resource: `sg-${i}`,
        note: 'found it',
        by: 'arn:aws:iam::123456789012:user/alice',
        at: new Date(at(detect)).toISOString(),
      },
      matched: [{ scenario: id }],
      wrong: i % 7 === 0 ? [{ scenario: id, expected: `sg-${i}` }] : [],
    });
    add(detect, {
      type: 'phase.met',
      scenario: id,
      phase: 'detect',
      atMs: detect,
      evidence: [{ summary: 'acknowledged', source: 'ack', at: new Date(at(detect)).toISOString() }],
    });
    if (i % 5 === 0)
      add(12 * MIN, {
        type: 'steady-state.breached',
        scenario: id,
        index: 0,
        atMs: 12 * MIN,
        evidence: { summary: '443 closed', source: 'probe', at: new Date(at(12 * MIN)).toISOString() },
      });
    const contain = (15 + (i % 12)) * MIN;
    add(contain, {
      type: 'phase.met',
      scenario: id,
      phase: 'contain',
      atMs: contain,
      evidence: [
        {
          summary: 'closed',
          source: 'cloudtrail',
          at: new Date(at(contain)).toISOString(),
          eventName: 'RevokeSecurityGroupIngress',
          actor: 'arn:aws:iam::123456789012:user/alice',
          sourceIp: '203.0.113.7',
        },
      ],
    });
    if (i % 3 !== 0) {
      const recover = (25 + (i % 15)) * MIN;
      add(recover, {
        type: 'phase.met',
        scenario: id,
        phase: 'recover',
        atMs: recover,
        evidence: [{ summary: 'bastion', source: 'probe', at: new Date(at(recover)).toISOString() }],
      });
    }
  });
  add(45 * MIN, { type: 'controller.ended', reason: 'time-limit', atMs: 45 * MIN });
  add(45 * MIN, { type: 'exercise.ending', reason: 'time-limit' });
  add(45 * MIN + 100, {
    type: 'activity.recorded',
    file: 'activity.jsonl',
    events: EVENTS,
    window: { from: new Date(T0 - 1000).toISOString(), to: new Date(T0 + 45 * MIN).toISOString() },
    pages: 2000,
  });
  add(46 * MIN, { type: 'teardown.done', leftovers: [] });
  writeFileSync(join(dir, 'journal.jsonl'), `${lines.join('\n')}\n`);

  const names = [
    'DescribeSecurityGroups',
    'DescribeInstances',
    'LookupEvents',
    'GetBucketPolicy',
    'RevokeSecurityGroupIngress',
    'CreateTags',
  ];
  const events: string[] = [];
  for (let k = 0; k < EVENTS; k++) {
    const p = k % PRINCIPALS;
    const s = (k * 7919) % SCENARIOS;
    const name = names[k % names.length]!;
    events.push(
      JSON.stringify({
        eventId: `00000000-0000-4000-8000-${String(k).padStart(12, '0')}`,
        time: new Date(T0 + Math.floor((k / EVENTS) * 45 * MIN)).toISOString(),
        eventName: name,
        eventSource: 'ec2.amazonaws.com',
        readOnly: name.startsWith('Describe') || name.startsWith('Get') || name === 'LookupEvents',
        actor: `arn:aws:sts::123456789012:assumed-role/Responder/person-${p}`,
        actorType: 'AssumedRole',
        by: p === 0 ? 'autopilot' : 'responder',
        userAgent: 'aws-cli/2.17.20 md/awscrt#0.20.11 ua/2.0 os/linux',
        sourceIp: `203.0.113.${p}`,
        ...(k % 97 === 0 ? { errorCode: 'AccessDenied' } : {}),
        resources: k % 3 === 0 ? [`sg-${String(s).padStart(17, '0')}`] : [`i-${String(k).padStart(17, '0')}`],
      }),
    );
  }
  writeFileSync(join(dir, 'activity.jsonl'), `${events.join('\n')}\n`);
}

/**
 * The child's program (plain JavaScript, run with `node --input-type=module -e`): read, build, render;
 * print timings and peak RSS as JSON. `root` is dist/ or src/.
 */
function childProgram(root: string, ext: 'js' | 'ts', dir: string, generatedAt: string): string {
  const mod = (p: string) => JSON.stringify(`${root}/${p}.${ext}`);
  return `
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
const dir = ${JSON.stringify(dir)};
const start = performance.now();
const { readJournal } = await import(${mod('exercise/journal')});
const { readActivityFile } = await import(${mod('report/activity')});
const { buildReport } = await import(${mod('report/model')});
const { renderReport } = await import(${mod('report/render')});
const loaded = performance.now();
const entries = readJournal(join(dir, 'journal.jsonl'));
const activity = readActivityFile(join(dir, 'activity.jsonl'));
const read = performance.now();
const model = buildReport(entries, activity, { generatedAt: ${JSON.stringify(generatedAt)} });
const built = performance.now();
const sizes = {};
const times = {};
for (const format of ['md', 'html', 'json']) {
  const t = performance.now();
  const text = renderReport(model, format);
  times[format] = performance.now() - t;
  sizes[format] = Buffer.byteLength(text);
  writeFileSync(join(dir, 'report.' + format), text);
}
const end = performance.now();
process.stdout.write(
  \`\${JSON.stringify({
    importMs: loaded - start,
    readMs: read - loaded,
    modelMs: built - read,
    renderMs: times,
    totalMs: end - loaded,
    sizes,
    maxRssMb: process.resourceUsage().maxRSS / 1024,
  })}\n\`,
);
`;
}

interface ChildResult {
  importMs: number;
  readMs: number;
  modelMs: number;
  renderMs: Record<'md' | 'html' | 'json', number>;
  totalMs: number;
  sizes: Record<'md' | 'html' | 'json', number>;
  maxRssMb: number;
}

export async function run(): Promise<BenchSection> {
  const dir = mkdtempSync(join(tmpdir(), 'sirs-bench-report-'));
  try {
    synthesize(dir);
    const built = existsSync(join(packageRoot(), 'dist', 'report', 'model.js'));
    const program = built
      ? childProgram(
          pathToFileURL(join(packageRoot(), 'dist')).href,
          'js',
          dir,
          new Date(T0 + 50 * MIN).toISOString(),
        )
      : childProgram(
          pathToFileURL(join(packageRoot(), 'src')).href,
          'ts',
          dir,
          new Date(T0 + 50 * MIN).toISOString(),
        );
    const runs: ChildResult[] = [];
    for (let i = 0; i < 3; i++) {
      const args = [...(built ? [] : ['--import', 'tsx']), '--input-type=module', '-e', program];
      const r = spawnSync(process.execPath, args, {
        encoding: 'utf8',
        maxBuffer: 16 * 1024 * 1024,
      });
      if (r.status !== 0) throw new Error(`report bench child failed: ${r.stderr}`);
      runs.push(JSON.parse(r.stdout.trim().split('\n').at(-1)!) as ChildResult);
    }
    // The median run by total time.
    const m = [...runs].sort((a, b) => a.totalMs - b.totalMs)[1]!;
    const peak = Math.max(...runs.map((r) => r.maxRssMb));
    const kb = (n: number) => `${Math.round(n / 1024)} KB`;
    return {
      title: `After-action report of ${SCENARIOS} scenarios and ${EVENTS.toLocaleString('en')} responder calls (median of 3 child processes)`,
      rows: [
        { name: 'read journal and activity.jsonl', value: m.readMs, unit: 'ms' },
        { name: 'build the report model', value: m.modelMs, unit: 'ms' },
        { name: 'render Markdown', value: m.renderMs.md, unit: 'ms', note: kb(m.sizes.md) },
        { name: 'render HTML', value: m.renderMs.html, unit: 'ms', note: kb(m.sizes.html) },
        { name: 'render JSON', value: m.renderMs.json, unit: 'ms', note: kb(m.sizes.json) },
        {
          name: 'read + model + md, html, json',
          value: m.totalMs,
          unit: 'ms',
          goal: { text: 'under 2000 ms', met: m.totalMs < 2000 },
        },
        {
          name: 'peak RSS of the child (Node included)',
          value: peak,
          unit: 'MB',
          goal: { text: 'under 300 MB', met: peak < 300 },
        },
      ],
      notes: [
        `${built ? 'built dist/ with plain node' : 'src/ through tsx (no dist/: npm run build)'}; module loading not counted in the total: ${Math.round(m.importMs)} ms`,
        'per principal the report lists 200 calls (first touches always); all are counted, binned and in activity.jsonl',
      ],
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
