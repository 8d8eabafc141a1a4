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
cron expression, never two at once.

--time-limit compresses the drill rather than cutting it short: exercise time runs faster than the
clock so the longest scenario ends at the limit, and targets, hints and autopilot steps scale with
it (results say how, e.g. "met in 2.1s (target 13.3s = 10m00s × 1/45)").

--emit-schedule writes the same drill as a definition for a scheduler you already run: a GitHub
Actions workflow, a GitLab CI job, a systemd service and timer, or an EventBridge Scheduler schedule
that starts a CodeBuild project (a CloudFormation template).`;
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
      description:
        'Prove your automation closes the loop without a person (your EventBridge rule and Lambda)',
      command:
        '<%= config.bin %> <%= command.id %> ssh-open-to-world --defenses templates/defenses/ssh-revert.cfn.yaml --no-autopilot --time-scale 20',
    },
    {
      description: 'The whole library on the range, one JUnit file',
      command: '<%= config.bin %> <%= command.id %> --all --junit reports/library.xml',
    },
    {
      description: 'Every weekday at 09:00 on a sandbox account',
      command: '<%= config.bin %> <%= command.id %> ssh-open-to-world --target aws --schedule "0 9 * * 1-5"',
    },
    {
      description: 'The same drill as a GitHub Actions workflow',
      command:
        '<%= config.bin %> <%= command.id %> ssh-open-to-world --schedule "0 9 * * 1-5" --emit-schedule github --out .github/workflows/sirs-drill.yml',
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
    defenses: Flags.string({
      description:
        "Your team's defences: CloudFormation templates or folders of them (EventBridge rules, Lambda functions, Config rules and remediations), deployed before injection and torn down with the exercise; with --target aws, the stacks (or templates) already deployed, only named. Repeat for several.",
      multiple: true,
      multipleNonGreedy: true,
    }),
    'time-limit': Flags.string({
      description:
        'Compress the drill into this much clock time, like 5m: the longest scenario ends at the limit, and targets, hints and autopilot steps scale with it.',
      exclusive: ['time-scale'],
    }),
    'time-scale': Flags.string({
      description:
        'Run exercise time faster than the clock: 3 facilitates a 45-minute scenario in 15 minutes (targets, hints and the time limit scale with it).',
    }),
    tick: Flags.string({ description: 'Controller tick interval, like 1s or 250ms.' }),
    junit: Flags.string({ description: 'JUnit XML file (default: .sirs/drills/<id>/junit.xml).' }),
    results: Flags.string({ description: 'JSON results file (default: .sirs/drills/<id>/results.json).' }),
    schedule: Flags.string({
      description:
        'Cron expression (minute hour day-of-month month day-of-week, or @daily): keep running and drill at each time; with --emit-schedule, when the scheduler runs it (UTC).',
    }),
    'emit-schedule': Flags.option({
      options: ['github', 'gitlab', 'systemd', 'eventbridge'] as const,
      description:
        'Write this drill as a definition for a scheduler instead of running it: a GitHub Actions workflow, a GitLab CI job, a systemd service and timer, or an EventBridge Scheduler schedule with a CodeBuild project (CloudFormation).',
    })(),
    out: Flags.string({
      description:
        'With --emit-schedule: the file to write (default: standard output); for systemd, a directory (DIR/) gets sirs-drill.service and sirs-drill.timer.',
      dependsOn: ['emit-schedule'],
    }),
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
    'skip-permission-check': Flags.boolean({
      description:
        "Inject without first checking, with IAM's policy simulator, that sirs may do everything the scenarios need.",
    }),
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
    const { parseDuration } = await import('../scenario/duration.js');
    const limit = flags['time-limit'] ? parseDuration(flags['time-limit']) : undefined;
    if (limit && !limit.ok) throw new UsageError('bad-time-limit', `--time-limit: ${limit.error}`);
    const { parseTick, parseTimeScale } = await import('../cli/exercise/flags.js');
    const tickMs = flags.tick ? parseTick(flags.tick) : undefined;
    const timeScale = flags['time-scale'] ? parseTimeScale(flags['time-scale']) : undefined;
    if (flags['emit-schedule']) {
      // A typo must not reach the scheduler: the scenarios load here, as the drill will load them.
      if (!flags.all)
        (await import('../scenario/load.js')).loadExercise(argv as string[], { cwd: process.cwd() });
      const { emitSchedule } = await import('../schedule/emit.js');
      const { join } = await import('node:path');
      const { userInfo } = await import('node:os');
      const text = emitSchedule(flags['emit-schedule'], {
        scenarios: argv as string[],
        all: flags.all,
        schedule: flags.schedule,
        target: flags.target ?? 'range',
        autopilot: flags.autopilot,
        ...(flags['time-limit'] ? { timeLimit: flags['time-limit'] } : {}),
        ...(flags['time-scale'] ? { timeScale: flags['time-scale'] } : {}),
        ...(flags.tick ? { tick: flags.tick } : {}),
        ...(flags.region ? { region: flags.region } : {}),
        ...(flags.profile ? { profile: flags.profile } : {}),
        ...(flags.config ? { config: flags.config } : {}),
        // systemd runs this very sirs, from here.
        sirsCommand: [process.execPath, join(this.config.root, 'bin', 'run.js')],
        workingDirectory: process.cwd(),
        user: userInfo().username,
      });
      if (flags.out) {
        const { writeScheduleFiles } = await import('../schedule/emit.js');
        for (const f of writeScheduleFiles(flags['emit-schedule'], text, flags.out))
          process.stderr.write(`Wrote ${f}\n`);
      } else process.stdout.write(text);
      return;
    }
    let scenarios = argv as string[];
    if (flags.all) {
      const { libraryFor } = await import('../controller/drill.js');
      const library = libraryFor(flags.target ?? 'range');
      for (const s of library.skipped) process.stderr.write(`skipping ${s.id}: ${s.reason}\n`);
      scenarios = library.scenarios;
    }
    const { runDrill, scheduleDrills } = await import('../controller/drill.js');
    const { jsonLines, plainLines } = await import('../cli/exercise/render.js');
    const { describeControllerEvent } = await import('../cli/exercise/controller-render.js');
    const { renderScore } = await import('../cli/exercise/score-render.js');
    const { trapInterrupts } = await import('../cli/exercise/interrupts.js');
    const write = (s: string) => process.stdout.write(s);
    const line = (o: Record<string, unknown>) =>
      write(`${JSON.stringify({ ...o, time: new Date().toISOString() })}\n`);
    // A drill has no responders: with the autopilot nobody takes part; without it, people may watch.
    const emit = flags.json
      ? jsonLines(write)
      : plainLines(write, { audience: flags.autopilot ? 'none' : 'watchers' });
    let running = false;
    const interrupts = trapInterrupts({
      exerciseId: () => flags['exercise-id'],
      say: (l) => process.stderr.write(`${l}\n`),
      ...(flags.schedule ? { idle: () => (running ? undefined : 'stopped; no drill was running.') } : {}),
    });
    const once = async (): Promise<DrillResult> => {
      running = true;
      try {
        return await drill();
      } finally {
        running = false;
      }
    };
    const drill = async (): Promise<DrillResult> => {
      const result = await runDrill({
        scenarios,
        target: {
          ...(flags.target ? { target: flags.target } : {}),
          ...(flags.profile ? { profile: flags.profile } : {}),
          ...(flags.region ? { region: flags.region } : {}),
          ...(flags['endpoint-url'] ? { endpointUrl: flags['endpoint-url'] } : {}),
        },
        autopilot: flags.autopilot,
        ...(flags.defenses?.length ? { defenses: flags.defenses } : {}),
        ...(limit?.ok ? { timeLimitMs: limit.ms } : {}),
        ...(tickMs ? { tickMs } : {}),
        ...(timeScale ? { timeScale } : {}),
        ...(flags['exercise-id'] ? { exerciseId: flags['exercise-id'] } : {}),
        ...(flags.junit ? { junitPath: flags.junit } : {}),
        ...(flags.results ? { resultsPath: flags.results } : {}),
        ...(flags.config ? { configPath: flags.config } : {}),
        ...(flags['skip-permission-check'] ? { skipPermissionCheck: true } : {}),
        emit,
        onControllerEvent: (e) => {
          if (flags.json) line({ ...e });
          else {
            const text = describeControllerEvent(e);
            if (text) write(`${text}\n`);
          }
        },
        signal: interrupts.signal,
        teardownSignal: interrupts.teardownSignal,
      });
      if (flags.json)
        line({
          type: 'result',
          passed: result.passed,
          junit: result.junit,
          results: result.results,
          clock: result.clock,
          ...result.exercise,
        });
      else {
        if (result.exercise.score)
          this.log(renderScore(result.exercise.score, { timeScale: result.clock.timeScale }));
        if (!result.passed && result.explanations.length) {
          const { automationText } = await import('../controller/results.js');
          this.log(automationText(result.explanations));
          for (const x of result.explanations)
            for (const l of x.logLines ?? []) this.log(`    ${x.loop}: ${l}`);
        }
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
          onError: (err) => {
            if (flags.json)
              line({
                type: 'drill.error',
                error: { code: (err as SirsError).code ?? 'error', message: (err as Error).message },
              });
            else process.stderr.write(`drill failed: ${(err as Error).message}\n`);
          },
          onNext: (next) => {
            if (interrupts.signal.aborted) return;
            if (flags.json) line({ type: 'scheduled', next: next?.toISOString() ?? null });
            else
              process.stderr.write(
                next ? `next drill at ${next.toISOString()}\n` : 'no further drills scheduled\n',
              );
          },
        });
        if (interrupts.signal.aborted) {
          if (flags.json) line({ type: 'stopped', signal: String(interrupts.signal.reason ?? 'SIGINT') });
          return this.exit(130);
        }
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
