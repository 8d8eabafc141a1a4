/**
 * Rows of the reliability section about `--state-dir`: write throughput with durability on against
 * off (same run, same load), the durability crash test (20 SIGKILLs under writes), and the range's
 * memory over a long load with a small CloudTrail retention. The range runs as its own process
 * (scripts/reliability/durable-range.ts); requests are signed with SigV4 once, before the clock starts.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { killUnderWrites, WarmRange, type RangeProcess } from '../reliability/durability.js';
import type { BenchRow } from '../bench.js';
import { runLoad, signRequest, type PreparedRequest } from './load.js';

const WRITES = 3000;
const CONCURRENCY = 8;
const MEMORY_CALLS = 200_000;
const MEMORY_RETENTION = 20_000;

/** A request signed as the SDK signs it (valid for 15 minutes). */
function signed(
  r: RangeProcess,
  service: string,
  req: { method: string; path: string; headers?: Record<string, string>; body: string | Buffer },
): Promise<PreparedRequest> {
  return signRequest(r, service, { ...req, headers: req.headers ?? {} });
}

const query = (params: Record<string, string>) => ({
  method: 'POST',
  path: '/',
  headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
  body: new URLSearchParams(params).toString(),
});

async function writes(
  r: RangeProcess,
  tag: string,
): Promise<{ put: PreparedRequest[]; user: PreparedRequest[] }> {
  const body = Buffer.alloc(1024, 7);
  const put: PreparedRequest[] = [];
  const user: PreparedRequest[] = [];
  for (let i = 0; i < WRITES; i++) {
    put.push(await signed(r, 's3', { method: 'PUT', path: `/bench/${tag}-${i}`, body }));
    user.push(
      await signed(r, 'iam', query({ Action: 'CreateUser', UserName: `${tag}-${i}`, Version: '2010-05-08' })),
    );
  }
  return { put, user };
}

async function throughput(
  durable: boolean,
  tag: string,
): Promise<{ put: number; user: number; errors: number }> {
  const dir = durable ? mkdtempSync(join(tmpdir(), 'sirs-bench-durable-')) : undefined;
  const warm = new WarmRange();
  try {
    const r = await warm.start(dir);
    const bucket = await signed(r, 's3', { method: 'PUT', path: '/bench', body: '' });
    await runLoad(r.endpoint, () => bucket, { count: 1, concurrency: 1 });
    const reqs = await writes(r, tag);
    const put = await runLoad(r.endpoint, (i) => reqs.put[i] as PreparedRequest, {
      count: WRITES,
      concurrency: CONCURRENCY,
    });
    const user = await runLoad(r.endpoint, (i) => reqs.user[i] as PreparedRequest, {
      count: WRITES,
      concurrency: CONCURRENCY,
    });
    return { put: put.rps, user: user.rps, errors: put.errors + user.errors };
  } finally {
    await warm.kill();
    if (dir) rmSync(dir, { recursive: true, force: true });
  }
}

async function memory(): Promise<{
  samples: Array<{ calls: number; rss: number; heapUsed: number }>;
  errors: number;
}> {
  const dir = mkdtempSync(join(tmpdir(), 'sirs-bench-memory-'));
  const warm = new WarmRange();
  try {
    const r = await warm.start(dir, { trailRetentionEvents: MEMORY_RETENTION, memoryEveryMs: 500 });
    let latest = { rss: 0, heapUsed: 0 };
    void (async () => {
      for (let l = await warm.lines.next(); !l.done; l = await warm.lines.next()) {
        latest = JSON.parse(l.value) as typeof latest;
      }
    })();
    const user = await signed(
      r,
      'iam',
      query({ Action: 'CreateUser', UserName: 'tagged', Version: '2010-05-08' }),
    );
    await runLoad(r.endpoint, () => user, { count: 1, concurrency: 1 });
    // Management calls that record an event each and leave the stores as they are.
    const calls = [
      await signed(r, 'sts', query({ Action: 'GetCallerIdentity', Version: '2011-06-15' })),
      await signed(
        r,
        'iam',
        query({
          Action: 'TagUser',
          UserName: 'tagged',
          'Tags.member.1.Key': 'team',
          'Tags.member.1.Value': 'red',
          Version: '2010-05-08',
        }),
      ),
    ];
    const samples: Array<{ calls: number; rss: number; heapUsed: number }> = [];
    let errors = 0;
    const chunk = MEMORY_CALLS / 10;
    for (let done = 0; done < MEMORY_CALLS;) {
      const res = await runLoad(r.endpoint, (i) => calls[i % 2] as PreparedRequest, {
        count: chunk,
        concurrency: CONCURRENCY,
      });
      errors += res.errors;
      done += chunk;
      await new Promise((w) => setTimeout(w, 1100));
      samples.push({ calls: done, ...latest });
      process.stderr.write(`  memory: ${done} calls, heap ${(latest.heapUsed / 2 ** 20).toFixed(0)} MB\n`);
    }
    return { samples, errors };
  } finally {
    await warm.kill();
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function durabilityRows(): Promise<{ rows: BenchRow[]; notes: string[] }> {
  await WarmRange.bundle();
  try {
    const rows: BenchRow[] = [];
    const notes: string[] = [];
    // Off and on twice, alternating, on the same machine load; the better run of each counts.
    const runs = {
      off: [] as Array<{ put: number; user: number }>,
      on: [] as Array<{ put: number; user: number }>,
    };
    let errors = 0;
    for (const [i, mode] of (['off', 'on', 'off', 'on'] as const).entries()) {
      const t = await throughput(mode === 'on', `w${i}`);
      runs[mode].push(t);
      errors += t.errors;
      process.stderr.write(
        `  durability ${mode}: PutObject ${t.put.toFixed(0)}/s, CreateUser ${t.user.toFixed(0)}/s\n`,
      );
    }
    const best = (m: 'off' | 'on', k: 'put' | 'user') => Math.max(...runs[m].map((r) => r[k]));
    for (const [k, name] of [
      ['put', 'PutObject 1 KiB'],
      ['user', 'CreateUser'],
    ] as const) {
      rows.push({ name: `${name}, c=${CONCURRENCY}, no --state-dir`, value: best('off', k), unit: 'req/s' });
      const ratio = best('on', k) / best('off', k);
      rows.push({
        name: `${name}, c=${CONCURRENCY}, --state-dir (fsync before answer)`,
        value: best('on', k),
        unit: 'req/s',
        ratio,
        goal: { text: 'at least half the throughput without', met: ratio >= 0.5 },
      });
    }
    notes.push(
      `throughput: ${WRITES} writes per operation and run, best of 2 runs per mode; ${errors} errors`,
    );

    const crashDir = mkdtempSync(join(tmpdir(), 'sirs-bench-crash-'));
    try {
      const crash = await killUnderWrites({
        dir: crashDir,
        rounds: 20,
        onRound: (r) =>
          process.stderr.write(
            `  kill ${r.round + 1}/20: ${r.acknowledged.length} answered writes, killed +${r.killedAfterMs} ms\n`,
          ),
      });
      rows.push(
        { name: 'SIGKILLs under writes (--state-dir)', value: crash.rounds.length, unit: 'kills' },
        {
          name: 'answered writes (PutObject, CreateUser, PutParameter)',
          value: crash.acknowledged,
          unit: 'writes',
        },
        {
          name: 'answered writes lost after restart',
          value: crash.lost.length,
          unit: 'writes',
          goal: { text: 'zero', met: crash.lost.length === 0 },
        },
        {
          name: 'their CloudTrail events lost',
          value: crash.eventsLost.length,
          unit: 'events',
          goal: { text: 'zero', met: crash.eventsLost.length === 0 },
        },
      );
      if (crash.lost.length) notes.push(`lost: ${crash.lost.slice(0, 10).join(', ')}`);
    } finally {
      rmSync(crashDir, { recursive: true, force: true });
    }

    const mem = await memory();
    const mb = (b: number) => b / 2 ** 20;
    const at = (share: number) => mem.samples[Math.round(share * mem.samples.length) - 1]!;
    for (const share of [0.1, 0.5, 1]) {
      const s = at(share);
      rows.push({
        name: `range heap after ${s.calls.toLocaleString('en')} calls`,
        value: mb(s.heapUsed),
        unit: 'MB',
      });
    }
    const half = at(0.5);
    const end = at(1);
    const growth = end.heapUsed / half.heapUsed;
    rows.push({
      name: `range RSS after ${end.calls.toLocaleString('en')} calls`,
      value: mb(end.rss),
      unit: 'MB',
      ratio: growth,
      goal: { text: 'heap flat over the second half (within 10%)', met: growth <= 1.1 },
    });
    notes.push(
      `memory: GetCallerIdentity and TagUser alternating at c=${CONCURRENCY} with --state-dir and --trail-retention-events ${MEMORY_RETENTION}; heap after a collection; ${mem.errors} errors; samples (calls: heap MB / RSS MB): ${mem.samples.map((s) => `${s.calls / 1000}k: ${mb(s.heapUsed).toFixed(0)}/${mb(s.rss).toFixed(0)}`).join(', ')}`,
    );
    return { rows, notes };
  } finally {
    WarmRange.unbundle();
  }
}
