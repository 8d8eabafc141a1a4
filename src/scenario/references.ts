import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import Handlebars from 'handlebars';
import { readCfnTemplate } from './cfn-template.js';
import type { CheckContext } from './context.js';
import { didYouMean } from './did-you-mean.js';
import { stringScalars } from './document.js';
import { isRecord, valueAt } from './issues.js';
import { parsePlaceholder, scanPlaceholders } from './placeholders.js';
import { KEY_PRINCIPAL, runbookOf, type Scenario } from './schema.js';
import { renderRunbook, runbookContext, RunbookError } from '../runbook/render.js';
import { readTextFile, resolveInside, type SourceIssue } from './source.js';

/**
 * Checks of what a scenario refers to outside itself: its CloudFormation template (and the parameters and
 * outputs it uses from it), its runbook, and placeholders in its strings.
 */
export function checkTemplate(ctx: CheckContext): void {
  const name = valueAt(ctx.data, ['inject', 'stack', 'template']);
  if (typeof name !== 'string' || name === '') return;
  const templatesDir = join(ctx.root, 'templates');
  const resolved = resolveInside(templatesDir, name, 'templates');
  if (!resolved.ok) {
    reportIssue(ctx, ['inject', 'stack', 'template'], resolved.issue, 'template');
    return;
  }
  const { template, problems } = readCfnTemplate(resolved.abs, ctx.display(resolved.abs));
  problems.forEach((p) => ctx.report(p));
  if (template) ctx.template = template;
}

/**
 * `lint.template`: the template that declares the fault as infrastructure, for `sirs lint`'s library
 * test. It must be a readable CloudFormation template under templates/, like the inject template.
 */
export function checkLintTemplate(ctx: CheckContext): void {
  const name = valueAt(ctx.data, ['lint', 'template']);
  if (typeof name !== 'string' || name === '') return;
  const resolved = resolveInside(join(ctx.root, 'templates'), name, 'templates');
  if (!resolved.ok) {
    const i = resolved.issue;
    const code = i.code === 'file-not-found' ? 'lint-template-not-found' : i.code;
    ctx.at(['lint', 'template'], code, `lint template ${i.message}`, i.hint);
    return;
  }
  readCfnTemplate(resolved.abs, ctx.display(resolved.abs)).problems.forEach((p) => ctx.report(p));
}

export function checkParameters(ctx: CheckContext): void {
  const template = ctx.template;
  if (!template) return;
  const given = valueAt(ctx.data, ['inject', 'stack', 'parameters']);
  const params = isRecord(given) ? given : {};
  const declared = [...template.parameters.keys()];
  for (const [name, value] of Object.entries(params)) {
    const p = template.parameters.get(name);
    const path = ['inject', 'stack', 'parameters', name];
    if (!p) {
      ctx.at(
        path,
        'unknown-parameter',
        `parameter "${name}" is not declared in ${template.file}`,
        didYouMean(name, declared) ?? `declared parameters: ${declared.join(', ') || 'none'}`,
        { key: true },
      );
      continue;
    }
    const text = String(value);
    if (p.allowedValues && !p.allowedValues.includes(text)) {
      ctx.at(
        path,
        'parameter-value',
        `parameter ${name}: "${text}" is not one of its AllowedValues (${p.allowedValues.join(', ')})`,
        didYouMean(text, p.allowedValues),
      );
    }
    if (p.type === 'Number' && (text.trim() === '' || Number.isNaN(Number(text)))) {
      ctx.at(path, 'parameter-value', `parameter ${name} is a Number; "${text}" is not a number`);
    }
  }
  for (const p of template.parameters.values()) {
    if (!p.hasDefault && !(p.name in params)) {
      const where = isRecord(given) ? ['inject', 'stack', 'parameters'] : ['inject', 'stack'];
      ctx.at(
        where,
        'missing-parameter',
        `template parameter ${p.name} has no Default and is not given`,
        `add it under inject.stack.parameters`,
      );
    }
  }
}

/**
 * IAM resource types CloudFormation creates only with CAPABILITY_IAM or CAPABILITY_NAMED_IAM, and the
 * property that gives each a custom name (which needs CAPABILITY_NAMED_IAM). From the CreateStack
 * reference, "Capabilities": AccessKey, Group, InstanceProfile, ManagedPolicy, Policy, Role, User and
 * UserToGroupAddition. A property that refers to an existing name (an AccessKey's UserName, a Policy's
 * PolicyName) names nothing new.
 */
const IAM_CAPABILITY_TYPES: Readonly<Record<string, string | undefined>> = {
  'AWS::IAM::AccessKey': undefined,
  'AWS::IAM::Group': 'GroupName',
  'AWS::IAM::InstanceProfile': 'InstanceProfileName',
  'AWS::IAM::ManagedPolicy': 'ManagedPolicyName',
  'AWS::IAM::Policy': undefined,
  'AWS::IAM::Role': 'RoleName',
  'AWS::IAM::User': 'UserName',
  'AWS::IAM::UserToGroupAddition': undefined,
};

/** CloudFormation refuses IAM resources unless the caller acknowledges the matching capability. */
export function checkCapabilities(ctx: CheckContext): void {
  const template = ctx.template;
  if (!template) return;
  const given = valueAt(ctx.data, ['inject', 'stack', 'capabilities']);
  const caps = Array.isArray(given) ? given : [];
  const iam = [...template.resources.entries()].filter(([, r]) =>
    Object.hasOwn(IAM_CAPABILITY_TYPES, r.type),
  );
  if (iam.length === 0) return;
  const named = iam.find(([, r]) => {
    const nameProperty = IAM_CAPABILITY_TYPES[r.type];
    return nameProperty !== undefined && r.properties[nameProperty] !== undefined;
  });
  const where = Array.isArray(given) ? ['inject', 'stack', 'capabilities'] : ['inject', 'stack'];
  if (named) {
    if (caps.includes('CAPABILITY_NAMED_IAM')) return;
    const property = IAM_CAPABILITY_TYPES[named[1].type]!;
    ctx.at(
      where,
      'missing-capability',
      `the template names IAM resources (${named[0]} has a ${property}), so the stack needs CAPABILITY_NAMED_IAM`,
      'add capabilities: [CAPABILITY_NAMED_IAM] under inject.stack',
    );
  } else if (!caps.includes('CAPABILITY_IAM') && !caps.includes('CAPABILITY_NAMED_IAM')) {
    ctx.at(
      where,
      'missing-capability',
      `the template creates IAM resources (${iam[0]![0]}), so the stack needs CAPABILITY_IAM`,
      'add capabilities: [CAPABILITY_IAM] under inject.stack; CAPABILITY_NAMED_IAM also does',
    );
  }
}

/** Ids of inject actions, in order (malformed entries skipped). */
function actionIds(ctx: CheckContext): Array<{ id: string; index: number; call: unknown }> {
  const actions = valueAt(ctx.data, ['inject', 'actions']);
  if (!Array.isArray(actions)) return [];
  return actions.flatMap((a, index) =>
    isRecord(a) && typeof a.id === 'string' ? [{ id: a.id, index, call: a.call }] : [],
  );
}

/**
 * Action ids are unique; `{{actions.<id>...}}` in an inject action names an earlier action, elsewhere any;
 * `as: key:<id>` names an earlier (for actions) iam:CreateAccessKey action.
 */
export function checkActionRefs(ctx: CheckContext): void {
  const ids = actionIds(ctx);
  const seen = new Set<string>();
  for (const a of ids) {
    if (seen.has(a.id)) {
      ctx.at(
        ['inject', 'actions', a.index, 'id'],
        'duplicate-action-id',
        `action id "${a.id}" is used twice`,
      );
    }
    seen.add(a.id);
  }
  const keyUse = (steps: unknown, path: (string | number)[], before: (i: number) => number) => {
    if (!Array.isArray(steps)) return;
    steps.forEach((step, i) => {
      if (!isRecord(step) || typeof step.as !== 'string') return;
      const m = KEY_PRINCIPAL.exec(step.as);
      if (!m) return;
      const known = ids.filter((a) => a.index < before(i));
      const target = known.find((a) => a.id === m[1]);
      if (!target) {
        ctx.at(
          [...path, i, 'as'],
          'unknown-key-action',
          `as: ${step.as} names no earlier inject action with id ${m[1]}`,
          didYouMean(
            m[1]!,
            known.map((a) => a.id),
          ) ??
            'add an inject action { id: <id>, call: iam:CreateAccessKey, input: { UserName: ... } } before it',
        );
      } else if (target.call !== 'iam:CreateAccessKey') {
        ctx.at(
          [...path, i, 'as'],
          'not-a-key-action',
          `as: ${step.as}: action ${m[1]} calls ${String(target.call)}, not iam:CreateAccessKey, so it creates no key to sign with`,
        );
      }
    });
  };
  keyUse(valueAt(ctx.data, ['inject', 'actions']), ['inject', 'actions'], (i) => i);
  keyUse(ctx.data.autopilot, ['autopilot'], () => Number.POSITIVE_INFINITY);
}

export function checkPlaceholders(ctx: CheckContext): void {
  const outputs = ctx.template?.outputs;
  const ids = actionIds(ctx);
  const allIds = new Set(ids.map((a) => a.id));
  for (const { value, offset, path } of stringScalars(ctx.source)) {
    // In an inject action, only earlier actions have results.
    const inAction = path[0] === 'inject' && path[1] === 'actions' && typeof path[2] === 'number';
    const actions = inAction
      ? new Set(ids.filter((a) => a.index < (path[2] as number)).map((a) => a.id))
      : allIds;
    const scan = scanPlaceholders(value);
    // Point into the string when the source spells it out verbatim (plain or simply quoted scalars).
    const raw = ctx.source.text.slice(offset, offset + value.length + 2);
    const shift = raw.startsWith(value) ? 0 : raw.slice(1).startsWith(value) ? 1 : undefined;
    const position = (index: number) =>
      ctx.source.position(shift === undefined ? offset : offset + shift + index);
    const report = (index: number, code: string, message: string, hint?: string) => {
      ctx.report({ ...ctx.source.problem(path, code, message, hint), ...position(index) });
    };
    for (const token of scan.tokens) {
      const parsed = parsePlaceholder(token.expr, outputs, actions);
      if (parsed.ok) continue;
      const code = token.expr.startsWith('outputs.')
        ? 'unknown-output'
        : token.expr.startsWith('actions.')
          ? 'unknown-action'
          : 'unknown-placeholder';
      report(token.start, code, parsed.message, parsed.hint);
    }
    if (scan.unclosedAt !== undefined) {
      report(
        scan.unclosedAt,
        'unclosed-placeholder',
        `"{{" is never closed`,
        'write placeholders as {{outputs.Name}}',
      );
    }
  }
}

export function checkRunbook(ctx: CheckContext): void {
  // `runbook: <name>`, or `runbook: { name, values }`.
  const ref = ctx.data.runbook;
  const at = isRecord(ref) ? ['runbook', 'name'] : ['runbook'];
  const name = isRecord(ref) ? ref.name : ref;
  if (typeof name !== 'string' || !/^[a-z0-9]+(-[a-z0-9]+)*$/.test(name)) return;
  const runbooksDir = join(ctx.root, 'runbooks');
  const resolved = resolveInside(runbooksDir, `${name}.md.hbs`, 'runbooks');
  if (!resolved.ok) {
    if (resolved.issue.code !== 'file-not-found') return reportIssue(ctx, at, resolved.issue, 'runbook');
    const known = runbookNames(runbooksDir);
    const hint =
      didYouMean(name, known) ??
      (known.length > 0 ? `runbooks: ${known.join(', ')}` : 'runbooks/ has no *.md.hbs files');
    return ctx.at(
      at,
      'runbook-not-found',
      `runbook "${name}" not found: there is no runbooks/${name}.md.hbs`,
      hint,
    );
  }
  const display = ctx.display(resolved.abs);
  const read = readTextFile(resolved.abs, 'the runbook');
  if (!read.ok) {
    const { line = 1, col = 1, ...rest } = read.issue;
    ctx.report({ file: display, line, col, path: '', ...rest });
    return;
  }
  try {
    Handlebars.parse(read.text);
  } catch (err) {
    ctx.report({
      file: display,
      path: '',
      code: 'runbook-invalid',
      ...handlebarsError((err as Error).message),
    });
  }
}

/**
 * A valid scenario's runbook must render: strict templates fail on a misspelt value or helper, which
 * would otherwise surface only when an exercise goes live (and the responders get no runbook).
 */
export function checkRunbookRenders(ctx: CheckContext, scenario: Scenario): void {
  const { name } = runbookOf(scenario);
  const resolved = resolveInside(join(ctx.root, 'runbooks'), `${name}.md.hbs`, 'runbooks');
  if (!resolved.ok || !ctx.template) return;
  const read = readTextFile(resolved.abs, 'the runbook');
  if (!read.ok) return;
  try {
    renderRunbook(read.text, scenario, runbookContext(scenario, ctx.template.outputs, undefined), {
      file: ctx.display(resolved.abs),
    });
  } catch (err) {
    const message =
      err instanceof RunbookError ? err.message.slice(err.file.length + 2) : (err as Error).message;
    const where = handlebarsError(message);
    ctx.report({
      file: ctx.display(resolved.abs),
      path: '',
      code: 'runbook-render',
      line: where.line,
      col: where.col,
      message: `the runbook does not render for ${scenario.id}: ${where.message.replace(/^Handlebars: /, '')}`,
      hint: /not defined/.test(message)
        ? 'runbooks see exercise, account, region, target, outputs, actions, values, finding, findings and scenario; give scenario-specific facts under runbook.values'
        : undefined,
    });
  }
}

function reportIssue(ctx: CheckContext, path: string[], issue: SourceIssue, what: string): void {
  const code = issue.code === 'file-not-found' ? `${what}-not-found` : issue.code;
  ctx.at(path, code, `${what} ${issue.message}`, issue.hint);
}

/** Handlebars reports either "Parse error on line N: ... Expecting ..." or "<what> - line:column" (0-based column). */
function handlebarsError(raw: string): { line: number; col: number; message: string } {
  const lines = raw.split('\n');
  const parse = /^Parse error on line (\d+):/.exec(lines[0]!);
  if (parse) {
    const caret = lines.find((l) => /^-*\^$/.test(l));
    const expecting = lines.find((l) => l.startsWith('Expecting')) ?? 'syntax error';
    return { line: Number(parse[1]), col: caret ? caret.length : 1, message: `Handlebars: ${expecting}` };
  }
  const at = / - (\d+):(\d+)$/.exec(lines[0]!);
  const message = `Handlebars: ${lines[0]!.replace(/ - \d+:\d+$/, '')}`;
  return at ? { line: Number(at[1]), col: Number(at[2]) + 1, message } : { line: 1, col: 1, message };
}

function runbookNames(dir: string): string[] {
  try {
    return readdirSync(dir)
      .filter((f) => f.endsWith('.md.hbs'))
      .map((f) => f.slice(0, -'.md.hbs'.length));
  } catch {
    return [];
  }
}
