/**
 * `sirs drill --emit-schedule`: the drill a team asked for, written as a definition for a scheduler it
 * already runs. The templates are Handlebars files in templates/schedules/ (readable as they are); every
 * value reaches them through a helper that escapes it for the file's syntax (YAML, systemd unit files).
 */
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import Handlebars from 'handlebars';
import { sirsVersion } from '../aws/target.js';
import { UsageError } from '../errors.js';
import { packageRoot } from '../paths.js';
import { parseCron } from './cron.js';
import { eventBridgeCron, onCalendar, posixCron } from './convert.js';

export type SchedulerKind = 'github' | 'gitlab' | 'systemd' | 'eventbridge';

export interface ScheduleRequest {
  scenarios: readonly string[];
  all: boolean;
  schedule?: string;
  target: 'range' | 'aws';
  autopilot: boolean;
  timeLimit?: string;
  timeScale?: string;
  tick?: string;
  region?: string;
  profile?: string;
  config?: string;
  /** systemd: how to run sirs (absolute paths) and where from. */
  sirsCommand?: readonly string[];
  workingDirectory?: string;
  user?: string;
}

/** Where the drill writes its JUnit and JSON results and keeps its state, relative to the job's directory. */
export const RESULTS_DIR = 'sirs-results';
export const STATE_DIR = 'sirs-state';
const SYSTEMD_STATE = '/var/lib/sirs-drill';

/** Scenario ids and paths, regions, durations: nothing a shell, YAML or a CI expression would interpret. */
const SAFE = /^[A-Za-z0-9._/@+-]{1,200}$/;

export function emitSchedule(kind: SchedulerKind, req: ScheduleRequest): string {
  if (!req.schedule) {
    throw new UsageError(
      'schedule-required',
      '--emit-schedule needs --schedule, the cron expression to run at',
      {
        suggestions: [`sirs drill ssh-open-to-world --schedule "0 9 * * 1-5" --emit-schedule ${kind}`],
      },
    );
  }
  const cron = parseCron(req.schedule);
  for (const [what, v] of [
    ...req.scenarios.map((s) => ['scenario', s] as const),
    ['--region', req.region] as const,
    ['--profile', req.profile] as const,
    ['--config', req.config] as const,
    ['--time-limit', req.timeLimit] as const,
    ['--time-scale', req.timeScale] as const,
    ['--tick', req.tick] as const,
  ]) {
    if (v !== undefined && !SAFE.test(v)) {
      throw new UsageError('unsafe-schedule-value', `${what} "${v}" cannot go into a scheduler definition`, {
        suggestions: ['use letters, digits and . _ / @ + - only (scenario ids or relative paths)'],
      });
    }
  }
  const target = kind === 'eventbridge' ? 'aws' : req.target;
  if (kind === 'eventbridge') {
    const paths = req.scenarios.filter((s) => s.includes('/') || /\.ya?ml$/.test(s));
    if (paths.length) {
      throw new UsageError(
        'eventbridge-ids-only',
        `the CodeBuild project has no source checkout, so it can run shipped scenario ids only, not ${paths.join(', ')}`,
        {
          suggestions: [
            'name shipped scenarios by id, or use --emit-schedule github/gitlab/systemd with your repository',
          ],
        },
      );
    }
  }
  if (target === 'aws' && (kind === 'github' || kind === 'gitlab') && !req.region) {
    throw new UsageError(
      'region-required',
      `a ${kind} drill on AWS needs --region (the job has no profile to read it from)`,
    );
  }
  const results = kind === 'systemd' ? `${SYSTEMD_STATE}/results` : RESULTS_DIR;
  const drill = drillArgv(req, target, results, kind === 'eventbridge' ? '${AWS::Region}' : req.region);
  const install = `npm install --global sirs@${sirsVersion()}`;
  const command = shellLine(['sirs', ...drill]);
  const what = req.all ? 'the whole library' : req.scenarios.join(', ');
  const common = {
    version: sirsVersion(),
    generatedBy: `sirs drill ${shellLine(generatedArgs(kind, req))}`,
    cron: posixCron(cron),
    schedule: cron.expression,
    what,
    install,
    command,
    aws: target === 'aws',
    region: req.region ?? '',
    results: RESULTS_DIR,
    state: STATE_DIR,
    junit: `${RESULTS_DIR}/junit.xml`,
    artifacts: [`${RESULTS_DIR}/`, `${STATE_DIR}/exercises/`],
    timeoutMinutes: 60,
  };
  switch (kind) {
    case 'github':
      return render('github.yml.hbs', common);
    case 'gitlab':
      return render('gitlab-ci.yml.hbs', common);
    case 'eventbridge':
      return render('eventbridge.cfn.yaml.hbs', {
        ...common,
        eventBridgeCron: eventBridgeCron(cron),
        writeConfig: `echo '{"aws":{"allowedAccounts":["\${AWS::AccountId}"],"allowedRegions":["\${AWS::Region}"]}}' > sirs.config.yaml`,
      });
    case 'systemd': {
      const run = req.sirsCommand ?? ['/usr/bin/env', 'sirs'];
      return render('systemd.hbs', {
        ...common,
        onCalendar: onCalendar(cron),
        execStart: [...run, ...drill].map(systemdWord).join(' '),
        workingDirectory: req.workingDirectory ?? process.cwd(),
        stateDirectory: SYSTEMD_STATE,
        user: target === 'aws' ? (req.user ?? 'sirs') : undefined,
        profile: target === 'aws' ? req.profile : undefined,
      });
    }
  }
}

/** The drill's arguments as the scheduler runs them: the same drill, results where the job collects them. */
function drillArgv(
  req: ScheduleRequest,
  target: 'range' | 'aws',
  results: string,
  region?: string,
): string[] {
  return [
    'drill',
    ...(req.all ? ['--all'] : req.scenarios),
    ...(target === 'aws' ? ['--target', 'aws'] : []),
    ...(target === 'aws' && region ? ['--region', region] : []),
    ...(req.autopilot ? [] : ['--no-autopilot']),
    ...(req.timeLimit ? ['--time-limit', req.timeLimit] : []),
    ...(req.timeScale ? ['--time-scale', req.timeScale] : []),
    ...(req.tick ? ['--tick', req.tick] : []),
    ...(req.config ? ['--config', req.config] : []),
    '--junit',
    `${results}/junit.xml`,
    '--results',
    `${results}/results.json`,
  ];
}

function generatedArgs(kind: SchedulerKind, req: ScheduleRequest): string[] {
  return [
    ...(req.all ? ['--all'] : req.scenarios),
    ...(req.target === 'aws' ? ['--target', 'aws'] : []),
    ...(req.timeLimit ? ['--time-limit', req.timeLimit] : []),
    '--schedule',
    req.schedule ?? '',
    '--emit-schedule',
    kind,
  ];
}

/** The systemd output as its two unit files (it is written as one text, with a marker before each). */
export function systemdUnits(text: string): { service: string; timer: string } {
  const service = text.indexOf('# --- sirs-drill.service ---');
  const timer = text.indexOf('# --- sirs-drill.timer ---');
  if (service < 0 || timer < service) throw new Error('systemd output without its two units');
  const header = text.slice(0, service);
  return { service: header + text.slice(service, timer), timer: header + text.slice(timer) };
}

/**
 * Write the definition to `out`; for systemd, a directory (existing, or named with a trailing /) gets
 * the two unit files, sirs-drill.service and sirs-drill.timer.
 */
export function writeScheduleFiles(kind: SchedulerKind, text: string, out: string): string[] {
  const isDir = out.endsWith('/') || (existsSync(out) && statSync(out).isDirectory());
  if (kind === 'systemd' && isDir) {
    mkdirSync(out, { recursive: true });
    const units = systemdUnits(text);
    const files = [join(out, 'sirs-drill.service'), join(out, 'sirs-drill.timer')];
    writeFileSync(files[0]!, units.service);
    writeFileSync(files[1]!, units.timer);
    return files;
  }
  if (isDir) throw new UsageError('out-is-directory', `--out ${out} is a directory: name the file to write`);
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, text);
  return [out];
}

/** POSIX shell words: bare when safe, else single-quoted. */
export function shellLine(argv: readonly string[]): string {
  return argv
    .map((a) => (/^[A-Za-z0-9_@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`))
    .join(' ');
}

/** One word of a systemd command line: specifiers (%) and variables ($) taken literally, quoted when needed. */
export function systemdWord(a: string): string {
  const literal = a.replace(/%/g, '%%').replace(/\$/g, '$$$$');
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(literal)) return literal;
  return `"${literal.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/** A value on the right of `Key=` in a unit file: one line, specifiers taken literally. */
function iniValue(v: string): string {
  if (/[\r\n]/.test(v))
    throw new UsageError(
      'unsafe-schedule-value',
      `a line break cannot go into a unit file: ${JSON.stringify(v)}`,
    );
  return v.replace(/%/g, '%%');
}

function render(file: string, data: Record<string, unknown>): string {
  const hb = Handlebars.create();
  // JSON strings are YAML double-quoted scalars: every value is one, escaped.
  hb.registerHelper('yaml', (v: unknown) => JSON.stringify(String(v)));
  hb.registerHelper('ini', (v: unknown) => iniValue(String(v)));
  // `concat a b ...` (Handlebars passes its options object last).
  hb.registerHelper('concat', (...parts: unknown[]) => parts.slice(0, -1).map(String).join(''));
  const source = readFileSync(join(packageRoot(), 'templates', 'schedules', file), 'utf8');
  return hb.compile(source, { noEscape: true, strict: true })(data);
}
