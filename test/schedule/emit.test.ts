import { expect } from 'chai';
import { execFile, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { CloudFormationClient, ValidateTemplateCommand } from '@aws-sdk/client-cloudformation';
import { startTestRange, type TestRange } from '../range/harness.js';
import { repoRoot, sirs } from '../cli/helpers.js';
import { emitSchedule, systemdUnits } from '../../src/schedule/emit.js';

type Ini = Record<string, Record<string, string[]>>;

/** A unit file: [Section] headers, Key=Value lines (repeatable), # and ; comments. */
function parseIni(text: string): Ini {
  const out: Ini = {};
  let section: Record<string, string[]> | undefined;
  for (const [i, raw] of text.split('\n').entries()) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    const header = /^\[([A-Za-z]+)\]$/.exec(line);
    if (header) {
      section = out[header[1]!] ??= {};
      continue;
    }
    const kv = /^([A-Za-z]+)=(.*)$/.exec(line);
    if (!kv || !section) throw new Error(`line ${i + 1} is not a unit file line: ${raw}`);
    (section[kv[1]!] ??= []).push(kv[2]!);
  }
  return out;
}

/** systemd's command line: words, "quoted" with \ escapes, %% and $$ for literal % and $. */
function systemdArgv(line: string): string[] {
  const out: string[] = [];
  const re = /"((?:[^"\\]|\\.)*)"|(\S+)/g;
  for (const m of line.matchAll(re)) {
    const word = m[1] !== undefined ? m[1].replace(/\\(.)/g, '$1') : m[2]!;
    out.push(word.replace(/%%/g, '%').replace(/\$\$/g, '$'));
  }
  return out;
}

/** A POSIX shell line of plain and 'single-quoted' words (what sirs writes), as argv. */
function shellArgv(line: string): string[] {
  const out: string[] = [];
  for (const m of line.matchAll(/((?:'[^']*'|[^\s'])+)/g)) out.push(m[1]!.replace(/'([^']*)'/g, '$1'));
  return out;
}

const fast = fileURLToPath(new URL('../e2e/fixtures/scenarios/fast-ssh.yaml', import.meta.url));

/** A tool on PATH (looked up, not started: cfn-lint takes seconds to start). */
function onPath(tool: string): boolean {
  return (process.env.PATH ?? '').split(delimiter).some((dir) => dir && existsSync(join(dir, tool)));
}

describe('sirs drill --emit-schedule', function () {
  this.timeout(120_000);
  let range: TestRange;
  let cwd: string;
  const home = process.cwd();
  // runCommand joins its arguments and splits them again on spaces outside double quotes.
  const cron = ['--schedule', '"0 9 * * 1-5"'];
  // A short scenario (time limit 30s) compressed into 6s; EventBridge's CodeBuild project has no
  // checkout, so it runs a shipped scenario id, compressed into 5s.
  const request: Record<string, string[]> = {
    github: ['drill', fast, '--time-limit', '6s', ...cron],
    gitlab: ['drill', fast, '--time-limit', '6s', ...cron],
    systemd: ['drill', fast, '--time-limit', '6s', ...cron],
    eventbridge: ['drill', 'ssh-open-to-world', '--time-limit', '5s', ...cron],
  };
  const emitted: Record<string, string> = {};
  /** The drill command line each definition runs (after `sirs`, or after node and bin/run.js). */
  const commands: Record<string, string[]> = {};
  let cfnLint: Promise<{ code: number; output: string }> | undefined;

  before(async () => {
    range = await startTestRange();
    cwd = mkdtempSync(join(tmpdir(), 'sirs-schedule-'));
    for (const [kind, args] of Object.entries(request)) {
      const run = await sirs([...args, '--emit-schedule', kind]);
      expect(run.exitCode, run.stderr).to.equal(0);
      emitted[kind] = run.stdout;
    }
    // cfn-lint is slow to start: it checks the template while the other tests run.
    if (onPath('cfn-lint')) {
      const file = join(cwd, 'sirs-drill.cfn.yaml');
      writeFileSync(file, emitted.eventbridge!);
      cfnLint = new Promise((resolve) =>
        execFile('cfn-lint', [file], (err, stdout, stderr) =>
          resolve({ code: err ? Number(err.code ?? 1) : 0, output: stdout + stderr }),
        ),
      );
    }
  });
  after(async () => {
    process.chdir(home);
    await range.stop();
    rmSync(cwd, { recursive: true, force: true });
  });

  /** Run a generated drill command line on the range, from a scratch directory, as the scheduler would. */
  async function runOnRange(argv: string[]): Promise<void> {
    expect(argv[0]).to.equal('drill');
    // The range instead of AWS: the same drill, another target.
    const args = argv.filter(
      (a, i) => !['--target', '--region'].includes(a) && !['--target', '--region'].includes(argv[i - 1]!),
    );
    process.chdir(cwd);
    process.env.SIRS_STATE_DIR = join(cwd, 'sirs-state');
    try {
      rmSync(join(cwd, 'sirs-results'), { recursive: true, force: true });
      // The in-process range, as `sirs drill` uses without --endpoint-url.
      const run = await sirs(args);
      // Passed or failed (a loaded machine can miss a target of seconds): the drill ran to its verdict.
      expect(run.exitCode, run.stdout + run.stderr).to.be.oneOf([0, 1]);
      expect(run.stdout).to.match(/Drill \S+: (PASSED|FAILED)/);
      const junit = args[args.indexOf('--junit') + 1]!;
      expect(readFileSync(junit.startsWith('/') ? junit : join(cwd, junit), 'utf8')).to.match(
        /<testsuites name="sirs drill" tests="3"/,
      );
    } finally {
      delete process.env.SIRS_STATE_DIR;
      process.chdir(home);
    }
  }

  it('github: a workflow on the cron that installs sirs, drills, reports JUnit and keeps the report', async () => {
    const wf = parseYaml(emitted.github!) as {
      on: { schedule: Array<{ cron: string }> };
      jobs: {
        drill: {
          steps: Array<{ name?: string; uses?: string; run?: string; with?: Record<string, string> }>;
        };
      };
    };
    expect(wf.on.schedule).to.deep.equal([{ cron: '0 9 * * 1-5' }]);
    const steps = wf.jobs.drill.steps;
    expect(steps.find((s) => s.name === 'Install sirs')!.run).to.match(/^npm install --global sirs@\d/);
    expect(steps.find((s) => s.name === 'Test report')!.with!.report_paths).to.equal(
      'sirs-results/junit.xml',
    );
    expect(steps.find((s) => s.uses?.startsWith('actions/upload-artifact'))!.with!.path).to.contain(
      'sirs-state/exercises/*/report.*',
    );
    const argv = shellArgv(steps.find((s) => s.name === 'Drill')!.run!);
    expect(argv[0]).to.equal('sirs');
    commands.github = argv.slice(1);
  });

  it('gitlab: a job for scheduled pipelines with a JUnit report', async () => {
    const ci = parseYaml(emitted.gitlab!) as Record<
      string,
      { rules: Array<{ if: string }>; script: string[]; artifacts: { reports: { junit: string } } }
    >;
    const job = ci['sirs-drill']!;
    expect(job.rules[0]!.if).to.equal('$CI_PIPELINE_SOURCE == "schedule"');
    expect(job.artifacts.reports.junit).to.equal('sirs-results/junit.xml');
    expect(emitted.gitlab).to.contain('glab schedule create --cron "0 9 * * 1-5"');
    const argv = shellArgv(job.script.at(-1)!);
    expect(argv[0]).to.equal('sirs');
    commands.gitlab = argv.slice(1);
  });

  it('systemd: a hardened oneshot service and a persistent timer; ExecStart names this sirs', async () => {
    const units = systemdUnits(emitted.systemd!);
    const service = parseIni(units.service);
    const timer = parseIni(units.timer);
    expect(timer.Timer!.OnCalendar).to.deep.equal(['Mon..Fri *-*-* 09:00:00 UTC']);
    expect(timer.Timer!.Persistent).to.deep.equal(['true']);
    expect(service.Service).to.deep.include({
      Type: ['oneshot'],
      NoNewPrivileges: ['yes'],
      ProtectSystem: ['strict'],
      PrivateTmp: ['yes'],
    });
    if (onPath('systemd-analyze')) {
      const dir = mkdtempSync(join(tmpdir(), 'sirs-units-'));
      writeFileSync(join(dir, 'sirs-drill.service'), units.service);
      writeFileSync(join(dir, 'sirs-drill.timer'), units.timer);
      // Unit file syntax as systemd reads it (it checks the timer's service and every directive).
      // It reports unknown or malformed directives on standard error and still exits 0.
      const verify = spawnSync(
        'systemd-analyze',
        ['verify', join(dir, 'sirs-drill.timer'), join(dir, 'sirs-drill.service')],
        { encoding: 'utf8' },
      );
      const out = `${verify.stdout}${verify.stderr}`;
      expect(verify.status, out).to.equal(0);
      expect(out).not.to.match(/Unknown key|Failed to parse|Invalid|ignoring/);
      rmSync(dir, { recursive: true, force: true });
    }
    const argv = systemdArgv(service.Service!.ExecStart![0]!);
    expect(argv[0]).to.equal(process.execPath);
    expect(argv[1]).to.equal(join(repoRoot, 'bin', 'run.js'));
    expect(existsSync(argv[1]!)).to.equal(true);
    commands.systemd = argv.slice(2);
  });

  it('eventbridge: a valid CloudFormation template (ValidateTemplate) whose schedule starts a CodeBuild drill with the account allowlist', async () => {
    const doc = parseYaml(emitted.eventbridge!) as {
      Resources: Record<string, { Type: string; Properties: Record<string, unknown> }>;
    };
    const r = doc.Resources;
    expect(r.Schedule!.Type).to.equal('AWS::Scheduler::Schedule');
    expect(r.Schedule!.Properties).to.deep.include({
      ScheduleExpression: 'cron(0 9 ? * MON-FRI *)',
      ScheduleExpressionTimezone: 'UTC',
    });
    // The scheduler may start this build and nothing else.
    const statements = (
      r.SchedulerRole!.Properties.Policies as Array<{ PolicyDocument: { Statement: unknown[] } }>
    )[0]!.PolicyDocument.Statement;
    expect(statements).to.deep.equal([
      { Effect: 'Allow', Action: 'codebuild:StartBuild', Resource: { 'Fn::GetAtt': ['Drill', 'Arn'] } },
    ]);
    const cfn = new CloudFormationClient(range.clientConfig());
    const valid = await cfn.send(new ValidateTemplateCommand({ TemplateBody: emitted.eventbridge! }));
    expect(valid.Parameters?.map((p) => p.ParameterKey)).to.include('FacilitatorPolicyArn');

    const source = (r.Drill!.Properties.Source as { BuildSpec: { 'Fn::Sub': string } }).BuildSpec['Fn::Sub'];
    const buildspec = parseYaml(
      source.replaceAll('${AWS::AccountId}', range.accountId).replaceAll('${AWS::Region}', 'us-east-1'),
    ) as { phases: Record<string, { commands: string[] }> };
    // The account allowlist: this account and region only.
    const config = /^echo '(.*)' > sirs.config.yaml$/.exec(buildspec.phases.pre_build!.commands[0]!)![1]!;
    expect(JSON.parse(config)).to.deep.equal({
      aws: { allowedAccounts: [range.accountId], allowedRegions: ['us-east-1'] },
    });
    const argv = shellArgv(buildspec.phases.build!.commands[0]!);
    expect(argv.slice(0, 3)).to.deep.equal(['sirs', 'drill', 'ssh-open-to-world']);
    expect(argv).to.include.members(['--target', 'aws']);
    commands.eventbridge = argv.slice(1);
  });

  it('the command each definition holds runs on the range', async () => {
    // GitHub, GitLab and systemd run the same drill; only where results go differs (systemd: its state
    // directory). One run stands for the three.
    const same = (argv: string[]) =>
      argv.map((a) => a.replace('/var/lib/sirs-drill/results', 'sirs-results'));
    expect(same(commands.gitlab!)).to.deep.equal(commands.github);
    expect(same(commands.systemd!)).to.deep.equal(commands.github);
    await runOnRange(commands.github!);
    await runOnRange(commands.eventbridge!);
  });

  it('eventbridge: cfn-lint finds nothing in the template (when cfn-lint is on PATH)', async () => {
    const lint = await cfnLint;
    if (lint) expect(lint, lint.output).to.deep.equal({ code: 0, output: '' });
  });

  it('refuses what cannot be scheduled: no --schedule, a value a shell or CI would interpret, paths on CodeBuild', async () => {
    const noCron = await sirs(['drill', 'ssh-open-to-world', '--emit-schedule', 'github']);
    expect(noCron.exitCode).to.equal(2);
    expect(noCron.stderr).to.contain('--emit-schedule needs --schedule');
    const injected = await sirs([
      'drill',
      'ssh-open-to-world',
      '--target',
      'aws',
      '--region',
      'eu-west-1$(id)',
      '--schedule',
      '@daily',
      '--emit-schedule',
      'github',
    ]);
    expect(injected.exitCode).to.equal(2);
    expect(injected.stderr).to.contain('cannot go into a scheduler definition');
    expect(injected.stdout).to.equal('');
    // A scenario named like a GitHub expression never reaches a workflow, even one that exists.
    expect(() =>
      emitSchedule('github', {
        scenarios: ['${{ secrets.TOKEN }}'],
        all: false,
        schedule: '@daily',
        target: 'range',
        autopilot: true,
      }),
    ).to.throw(/cannot go into a scheduler definition/);
    const path = await sirs(['drill', fast, '--schedule', '@daily', '--emit-schedule', 'eventbridge']);
    expect(path.exitCode).to.equal(2);
    expect(path.stderr).to.contain('shipped scenario ids only');
  });
});
