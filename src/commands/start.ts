import { Args, Flags } from '@oclif/core';
import { SirsCommand } from '../cli/base.js';
import { SirsError } from '../errors.js';
import type { ConfirmationSummary, ExerciseResult } from '../exercise/run.js';

export default class Start extends SirsCommand {
  static override summary = 'Run a game day: inject scenarios, watch the response, tear everything down.';
  static override description = `Starts an exercise with one or more scenarios. By default it runs on the range, a local
AWS-compatible endpoint started in-process, and prints the environment responders paste
into their shell to use the aws CLI against it. With --target aws it uses the standard AWS
credential chain (profiles, SSO, environment) on an account listed in sirs.config.yaml.

Before anything is created sirs shows the account, region and every stack and API call,
and asks to confirm (--yes confirms non-interactively). Everything is journaled in
.sirs/exercises/<id>/journal.jsonl and torn down at the end, on failure, and on Ctrl-C.`;

  static override examples = [
    { description: 'A game day on the range', command: '<%= config.bin %> start ssh-open-to-world' },
    {
      description: 'Unattended, with the scripted responder',
      command: '<%= config.bin %> start ssh-open-to-world --yes --autopilot',
    },
    {
      description: "With the live board in the browser for the room (and the facilitator's actions)",
      command: '<%= config.bin %> start ssh-open-to-world --board web',
    },
    {
      description: 'On a running `sirs range`',
      command: '<%= config.bin %> start ssh-open-to-world --endpoint-url http://127.0.0.1:4566',
    },
    {
      description: 'On a sandbox AWS account',
      command: '<%= config.bin %> start ssh-open-to-world --target aws --profile sandbox --region eu-west-1',
    },
  ];

  static override strict = false;
  static override enableJsonFlag = false;
  static override args = { scenario: Args.string({ description: 'Scenario ids or paths.', required: true }) };

  static override flags = {
    target: Flags.option({
      options: ['range', 'aws'] as const,
      description: 'Where to run: the range (default) or AWS.',
    })(),
    profile: Flags.string({ description: 'AWS profile (with --target aws).' }),
    region: Flags.string({
      description: 'Region (default: us-east-1 on the range; the credential chain on AWS).',
    }),
    'endpoint-url': Flags.string({ description: 'A running range, or another AWS-compatible endpoint.' }),
    'exercise-id': Flags.string({
      description: 'Exercise id (default: generated, like gd-20261128-1742-1a2b).',
    }),
    yes: Flags.boolean({ char: 'y', description: 'Confirm without asking (needed without a terminal).' }),
    keep: Flags.boolean({
      description: 'Leave everything in place at the end, for inspection (clean up later with sirs cleanup).',
    }),
    autopilot: Flags.boolean({ description: "Run the scenarios' scripted responder steps." }),
    defenses: Flags.string({
      description:
        "Your team's defences: CloudFormation templates or folders of them (EventBridge rules, Lambda functions, Config rules and remediations), deployed before injection and torn down with the exercise; with --target aws, the stacks (or templates) already deployed, only named. Repeat for several.",
      multiple: true,
      multipleNonGreedy: true,
    }),
    'time-scale': Flags.string({
      description:
        'Run exercise time faster than the clock: 3 facilitates a 45-minute scenario in 15 minutes (targets, hints and the time limit scale with it).',
    }),
    tick: Flags.string({
      description: 'Controller tick interval, like 1s or 15s (default: 1s on the range, 15s on AWS).',
    }),
    'wrap-up': Flags.string({
      description:
        'After the last phase, keep the exercise up this long (exercise time, not scored) so responders can validate their fix, like 2m; 0 ends at once (default: 2m, 0 with --autopilot). The facilitator can end it sooner.',
    }),
    board: Flags.option({
      options: ['terminal', 'web'] as const,
      description:
        "web: also serve the live board as a page on 127.0.0.1 for the room (the address printed with #token= is the facilitator's, with the actions); terminal (default): the board in this terminal only.",
    })(),
    'board-port': Flags.integer({
      description: 'Port of the web board on 127.0.0.1 (default: a free one).',
      min: 1,
      max: 65535,
    }),
    config: Flags.string({ description: 'Project config file (default: sirs.config.yaml).' }),
    'skip-permission-check': Flags.boolean({
      description:
        "Inject without first checking, with IAM's policy simulator, that sirs may do everything the scenarios need.",
    }),
    json: Flags.boolean({ description: 'One JSON object per event and a final result line.' }),
  };

  async run(): Promise<ExerciseResult> {
    const { argv, flags } = await this.parse(Start);
    const scenarios = argv as string[];
    const { startExercise } = await import('../exercise/run.js');
    const { jsonLines, plainLines, confirmationText } = await import('../cli/exercise/render.js');
    const { trapInterrupts } = await import('../cli/exercise/interrupts.js');
    const { controllerLivePhase } = await import('../controller/live.js');
    const { describeControllerEvent, LiveBoard } = await import('../cli/exercise/controller-render.js');
    const { renderScore } = await import('../cli/exercise/score-render.js');
    const { parseTick, parseTimeScale, parseWrapUp } = await import('../cli/exercise/flags.js');
    const tickMs = flags.tick ? parseTick(flags.tick) : undefined;
    // People validate their fix after the last phase; the autopilot has nothing to validate.
    const wrapUpMs = parseWrapUp(flags['wrap-up'] ?? (flags.autopilot ? '0' : '2m'));
    const timeScale = flags['time-scale'] ? parseTimeScale(flags['time-scale']) : undefined;
    let board: InstanceType<typeof LiveBoard> | undefined;
    const write = (s: string) => process.stdout.write(s);
    const tty = !flags.json && process.stdout.isTTY === true;
    const { listrProgress } = await import('../cli/exercise/progress.js');
    const emit = flags.json
      ? jsonLines(write)
      : tty
        ? listrProgress(write)
        : plainLines(write, { stackEvents: !!process.env.SIRS_VERBOSE });
    let exerciseId: string | undefined = flags['exercise-id'];
    const interrupts = trapInterrupts({
      exerciseId: () => exerciseId,
      say: (l) => process.stderr.write(`${l}\n`),
    });
    const ask = async (summary: ConfirmationSummary): Promise<boolean> => {
      if (flags.yes) return true;
      if (!process.stdin.isTTY || !process.stdout.isTTY) {
        throw new SirsError(
          'confirmation-required',
          'sirs start asks before it creates anything, and this is not an interactive terminal: nothing was created',
          {
            suggestions: ['pass --yes to confirm non-interactively (drills, CI)'],
          },
        );
      }
      this.log(confirmationText(summary));
      const { confirm } = await import('@inquirer/prompts');
      return confirm({ message: 'Create these resources and start the exercise?', default: false });
    };
    const { followBoard } = await import('../board/attach.js');
    const { journalPath } = await import('../exercise/journal.js');
    const openWebBoard = async (id: string, port: number | undefined) => {
      const { BoardServer } = await import('../board/server.js');
      return BoardServer.start({
        exerciseId: id,
        journalPath: journalPath(id),
        actions: true,
        ...(port ? { port } : {}),
      });
    };
    let web: Awaited<ReturnType<typeof openWebBoard>> | undefined;
    try {
      const result = await startExercise({
        scenarios,
        target: {
          ...(flags.target ? { target: flags.target } : {}),
          ...(flags.profile ? { profile: flags.profile } : {}),
          ...(flags.region ? { region: flags.region } : {}),
          ...(flags['endpoint-url'] ? { endpointUrl: flags['endpoint-url'] } : {}),
        },
        ...(flags['exercise-id'] ? { exerciseId: flags['exercise-id'] } : {}),
        ...(flags.defenses?.length ? { defenses: flags.defenses } : {}),
        keep: flags.keep,
        autopilot: flags.autopilot,
        ...(timeScale ? { timeScale } : {}),
        ...(flags.config ? { configPath: flags.config } : {}),
        ...(flags['skip-permission-check'] ? { skipPermissionCheck: true } : {}),
        emit,
        live: controllerLivePhase({
          ...(tickMs ? { tickMs } : {}),
          wrapUpMs,
          onController: (controller) => {
            web?.attach(controller);
            if (!tty) return;
            board = new LiveBoard(followBoard(exerciseId!, journalPath(exerciseId!)), process.stdout, () =>
              process.kill(process.pid, 'SIGINT'),
            );
            board.attach(controller);
          },
          onEvent: (e) => {
            web?.refresh();
            if (flags.json) write(`${JSON.stringify({ ...e, time: new Date().toISOString() })}\n`);
            else if (board) board.handle(e);
            else {
              const line = describeControllerEvent(e);
              if (line) write(`${line}\n`);
            }
            if (e.type === 'controller.ended') board?.detach();
          },
        }),
        signal: interrupts.signal,
        teardownSignal: interrupts.teardownSignal,
        confirm: async (summary) => {
          exerciseId = summary.exerciseId;
          const ok = await ask(summary);
          // The web board follows the journal from the first entry; the token is printed, never stored.
          if (ok && flags.board === 'web') {
            web = await openWebBoard(summary.exerciseId, flags['board-port']);
            if (flags.json)
              write(
                `${JSON.stringify({ type: 'board', url: web.url, facilitatorUrl: web.facilitatorUrl })}\n`,
              );
            else
              this.log(
                `Board for the room: ${web.url}\nFacilitator's board (keep the token private): ${web.facilitatorUrl}`,
              );
          }
          return ok;
        },
      });
      board?.detach();
      if (flags.json) write(`${JSON.stringify({ type: 'result', ...result })}\n`);
      else {
        if (result.score) this.log(renderScore(result.score));
        for (const r of result.runbooks) this.log(`Runbook (${r.scenario}): ${r.file}`);
        this.log(`Journal: ${result.journal}`);
        if (result.reports.length) this.log(`After-action report: ${result.reports.join(', ')}`);
      }
      if (result.error) {
        throw new SirsError(result.error.code, result.error.message, {
          suggestions: result.leftovers.length
            ? [`some resources are left: sirs cleanup --exercise ${result.exerciseId}`]
            : [],
          exitCode: result.endReason === 'interrupted' ? 130 : 1,
        });
      }
      if (result.leftovers.length) {
        throw new SirsError(
          'leftovers',
          `exercise ${result.exerciseId} ended, but ${result.leftovers.length} thing(s) could not be removed`,
          {
            suggestions: [`sirs cleanup --exercise ${result.exerciseId}`],
          },
        );
      }
      return result;
    } finally {
      board?.detach();
      web?.refresh();
      await web?.close();
      interrupts.dispose();
    }
  }
}
