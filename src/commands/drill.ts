import { Args, Flags } from '@oclif/core';
import { SirsCommand } from '../cli/base.js';
import { SirsError, UsageError } from '../errors.js';
import type { DrillResult } from '../controller/drill.js';

export default class Drill extends SirsCommand {
  static override summary = 'Run scenarios unattended (autopilot) and fail when a phase misses its target.';
  static override description = `A drill is an exercise nobody watches: confirmed without asking, driven by the scenarios'
autopilot (unless --no-autopilot: then your detection and auto-remediation are what is tested),
always torn down. It prints a summary, writes JUnit XML and JSON results, and exits 1 when any
phase missed its target. With --schedule it keeps running and starts a drill at each time of a
cron expression, never two at once.`;
  static override examples = [
    {
      description: 'A drill on the range, results for CI',
      command: '<%= config.bin %> <%= command.id %> ssh-open-to-world --junit reports/drill.xml',
    },
    {
      description: 'Test your own auto-remediation, 5 minutes at most',
      command: '<%= config.bin %> <%= command.id %> ssh-open-to-world --no-autopilot --time-limit 5m',
    },
    {
      description: 'The whole library on the range, one JUnit file',
      command: '<%= config.bin %> <%= command.id %> --all --junit reports/library.xml',
    },
    {
      description: 'Every weekday at 09:00 on a sandbox account',
      command: '<%= config.bin %> <%= command.id %> ssh-open-to-world --target aws --schedule "0 9 * * 1-5"',
    },
  ];
  static override strict = false;
  static override enableJsonFlag = false;
  static override args = {
    scenario: Args.string({ description: 'Scenario or campaign ids or paths (or --all).' }),
  };
  static override flags = {
    autopilot: Flags.boolean({
      description: 'Run the scripted responder (default on).',
      default: true,
      allowNo: true,
    }),
    'time-limit': Flags.string({ description: 'Shorten every scenario’s time limit, like 5m.' }),
    'time-scale': Flags.string({
      description:
        'Run exercise time faster than the clock: 3 facilitates a 45-minute scenario in 15 minutes (targets, hints and the time limit scale with it).',
    }),
    tick: Flags.string({ description: 'Controller tick interval, like 1s or 250ms.' }),
    junit: Flags.string({ description: 'JUnit XML file (default: .sirs/drills/<id>/junit.xml).' }),
    results: Flags.string({ description: 'JSON results file (default: .sirs/drills/<id>/results.json).' }),
    schedule: Flags.string({ description: 'Cron expression: keep running and drill at each time.' }),
    all: Flags.boolean({
      description:
        'Every scenario of the library in one exercise (those that cannot run on the target are skipped and named), one JUnit file.',
    }),
    target: Flags.option({
      options: ['range', 'aws'] as const,
      description: 'Where to run: the range (default) or AWS.',
    })(),
    profile: Flags.string({ description: 'AWS profile (with --target aws).' }),
    region: Flags.string({ description: 'Region.' }),
    'endpoint-url': Flags.string({ description: 'A running range or another AWS-compatible endpoint.' }),
    'exercise-id': Flags.string({
      description: 'Exercise id (not with --schedule).',
      exclusive: ['schedule'],
    }),
    config: Flags.string({ description: 'Project config file (default: sirs.config.yaml).' }),
    json: Flags.boolean({ description: 'One JSON object per event and a final result line.' }),
  };

  async run(): Promise<DrillResult | void> {
    const { argv, flags } = await this.parse(Drill);
    if (flags.all === argv.length > 0) {
      throw new UsageError(
        flags.all ? 'drill-all-and-scenarios' : 'drill-what',
        flags.all
          ? '--all runs the whole library: name no scenarios with it'
          : 'name the scenarios to drill, or --all',
        { suggestions: ['sirs drill ssh-open-to-world', 'sirs drill --all --junit drills.xml'] },
      );
    }
    let scenarios = argv as string[];
    if (flags.all) {
      const { libraryFor } = await import('../controller/drill.js');
      const library = libraryFor(flags.target ?? 'range');
      for (const s of library.skipped) process.stderr.write(`skipping ${s.id}: ${s.reason}\n`);
      scenarios = library.scenarios;
    }
    const { runDrill, scheduleDrills } = await import('../controller/drill.js');
    const { parseDuration } = await import('../scenario/duration.js');
    const { jsonLines, plainLines } = await import('../cli/exercise/render.js');
    const { describeControllerEvent } = await import('../cli/exercise/controller-render.js');
    const { renderScore } = await import('../cli/exercise/score-render.js');
    const { trapInterrupts } = await import('../cli/exercise/interrupts.js');
    const limit = flags['time-limit'] ? parseDuration(flags['time-limit']) : undefined;
    if (limit && !limit.ok) throw new UsageError('bad-time-limit', `--time-limit: ${limit.error}`);
    const { parseTick, parseTimeScale } = await import('../cli/exercise/flags.js');
    const tickMs = flags.tick ? parseTick(flags.tick) : undefined;
    const timeScale = flags['time-scale'] ? parseTimeScale(flags['time-scale']) : undefined;
    const write = (s: string) => process.stdout.write(s);
    const emit = flags.json ? jsonLines(write) : plainLines(write);
    const interrupts = trapInterrupts({
      exerciseId: () => flags['exercise-id'],
      say: (l) => process.stderr.write(`${l}\n`),
    });
    const once = async (): Promise<DrillResult> => {
      const result = await runDrill({
        scenarios,
        target: {
          ...(flags.target ? { target: flags.target } : {}),
          ...(flags.profile ? { profile: flags.profile } : {}),
          ...(flags.region ? { region: flags.region } : {}),
          ...(flags['endpoint-url'] ? { endpointUrl: flags['endpoint-url'] } : {}),
        },
        autopilot: flags.autopilot,
        ...(limit?.ok ? { timeLimitMs: limit.ms } : {}),
        ...(tickMs ? { tickMs } : {}),
        ...(timeScale ? { timeScale } : {}),
        ...(flags['exercise-id'] ? { exerciseId: flags['exercise-id'] } : {}),
        ...(flags.junit ? { junitPath: flags.junit } : {}),
        ...(flags.results ? { resultsPath: flags.results } : {}),
        ...(flags.config ? { configPath: flags.config } : {}),
        emit,
        onControllerEvent: (e) => {
          if (flags.json) write(`${JSON.stringify({ ...e, time: new Date().toISOString() })}\n`);
          else {
            const line = describeControllerEvent(e);
            if (line) write(`${line}\n`);
          }
        },
        signal: interrupts.signal,
        teardownSignal: interrupts.teardownSignal,
      });
      if (flags.json)
        write(
          `${JSON.stringify({ type: 'result', passed: result.passed, junit: result.junit, results: result.results, ...result.exercise })}\n`,
        );
      else {
        if (result.exercise.score) this.log(renderScore(result.exercise.score));
        this.log(
          `Drill ${result.exercise.exerciseId}: ${result.passed ? 'PASSED' : 'FAILED'} (JUnit: ${result.junit}, results: ${result.results})`,
        );
        if (result.exercise.reports.length)
          this.log(`After-action report: ${result.exercise.reports.join(', ')}`);
      }
      return result;
    };
    try {
      if (flags.schedule) {
        await scheduleDrills(flags.schedule, once, {
          signal: interrupts.signal,
          onError: (err) => process.stderr.write(`drill failed: ${(err as Error).message}\n`),
          onNext: (next) =>
            process.stderr.write(
              next ? `next drill at ${next.toISOString()}\n` : 'no further drills scheduled\n',
            ),
        });
        return;
      }
      const result = await once();
      if (!result.passed) {
        throw new SirsError('drill-failed', result.exercise.error?.message ?? 'a phase missed its target', {
          suggestions: [`details: sirs score ${result.exercise.exerciseId}`],
        });
      }
      return result;
    } finally {
      interrupts.dispose();
    }
  }
}
