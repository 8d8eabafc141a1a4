/**
 * Responder runbooks: Handlebars templates in a catalog's runbooks/ folder, one per incident class,
 * rendered per exercise. A pure function of the template, the scenario and what is known of the exercise.
 *
 * - **No spoilers by default.** What responders must find themselves is marked in the template with
 *   `{{discover "security-group-id" outputs.WebSgId}}`: it renders as `<security-group-id>`, and as the
 *   value only with `spoilers`. Whatever a template prints elsewhere, a spoiler value never appears in a
 *   spoiler-free runbook: it is replaced by its label after rendering.
 * - **Escaped for where it lands.** Values from outside (stack outputs, action results, scenario values)
 *   are made safe to paste into a shell and to show in Markdown; scenario prose (`scenario.summary`) is
 *   escaped as Markdown text. Templates run in strict mode: a misspelt name is an error, not a blank.
 */
import Handlebars from 'handlebars';
import { substitutePlaceholders, type PlaceholderValues } from '../scenario/placeholders.js';
import { runbookOf, type Scenario } from '../scenario/schema.js';

export interface ExerciseFacts {
  exerciseId: string;
  accountId: string;
  region: string;
  target: { kind: 'range' | 'aws'; endpoint?: string; description: string };
  /** Stack outputs of this scenario. */
  outputs: Record<string, string>;
  /** Responses of this scenario's inject actions that have an id. */
  actions: Record<string, unknown>;
}

export interface RenderOptions {
  spoilers?: boolean;
  /** The template's file, for error messages. */
  file?: string;
}

export interface RenderedRunbook {
  name: string;
  markdown: string;
  /** What the `discover` helper hid (or showed, with spoilers): label → value. */
  discoveries: Array<{ label: string; value: string }>;
}

export class RunbookError extends Error {
  constructor(
    readonly file: string,
    message: string,
  ) {
    super(`${file}: ${message}`);
  }
}

/** Characters a value may have to be pasted into a shell as it is. */
const SHELL_SAFE = /^[A-Za-z0-9_./:@%+=,~^-]+$/;
const LABEL = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

/**
 * A value from outside, safe in a shell command and in Markdown prose or code: as it is when it has only
 * harmless characters (every AWS id and name does), otherwise single-quoted for the shell, with the
 * characters replaced that would end a code span or make Markdown markup (backticks, brackets, angle
 * brackets: links, images, raw HTML) and control characters. A hostile value is garbled, never obeyed.
 */
export function shellValue(value: string): string {
  if (value === '' || SHELL_SAFE.test(value)) return value;
  // eslint-disable-next-line no-control-regex
  const clean = value.replace(/[\u0000-\u001f\u007f`<>[\]()]/g, '?');
  return `'${clean.replace(/'/g, `'\\''`)}'`;
}

/** Prose for Markdown: characters that would start markup or HTML are escaped; lines are folded. */
export function markdownText(value: string): string {
  return (
    value
      // eslint-disable-next-line no-control-regex
      .replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, '')
      .replace(/\s*\n\s*/g, ' ')
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;')
      .replace(/([\\`*_[\]{}()#+!|~])/g, '\\$1')
  );
}

function deepMap(value: unknown, fn: (s: string) => string, depth = 0): unknown {
  if (depth > 20) return undefined;
  if (typeof value === 'string') return fn(value);
  if (typeof value === 'number' || typeof value === 'boolean') return fn(String(value));
  if (Array.isArray(value)) return value.map((v) => deepMap(v, fn, depth + 1));
  if (value && typeof value === 'object') {
    // Plain objects (Handlebars' strict mode prints them in errors); keys defined, never assigned, so a
    // key named __proto__ from outside stays an ordinary property.
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      Object.defineProperty(out, k, { value: deepMap(v, fn, depth + 1), enumerable: true, writable: true });
    }
    return out;
  }
  return value;
}

/** The findings the scenario's detect phase expects (`sirs ack <finding> --resource <id>`). */
function findingsOf(scenario: Scenario): Array<{ finding: string; resource?: string }> {
  const out: Array<{ finding: string; resource?: string }> = [];
  for (const phase of ['detect', 'contain', 'recover'] as const) {
    const p = scenario.phases[phase];
    for (const c of [...(p?.any ?? []), ...(p?.all ?? [])]) {
      if ('ack' in c) out.push(c.ack as { finding: string; resource?: string });
    }
  }
  return out;
}

/**
 * The template's view of a scenario and an exercise. Without an exercise (`sirs runbook ID`), every
 * exercise fact is a visible placeholder such as `<WebSgId>`.
 */
export function runbookContext(
  scenario: Scenario,
  outputNames: Iterable<string>,
  facts: ExerciseFacts | undefined,
): Record<string, unknown> {
  // Placeholders this function makes are shown as they are; every other string is escaped.
  const generated = new Set<string>();
  const placeholder = (name: string) => {
    const p = `<${name}>`;
    generated.add(p);
    return p;
  };
  const outputs: Record<string, string> = {};
  for (const name of outputNames) outputs[name] = facts?.outputs[name] ?? placeholder(name);
  const values: PlaceholderValues = {
    outputs,
    actions: facts?.actions ?? {},
    exerciseId: facts?.exerciseId ?? placeholder('exercise-id'),
    accountId: facts?.accountId ?? placeholder('account-id'),
    region: facts?.region ?? placeholder('region'),
  };
  const resolve = (s: string): string => {
    try {
      return substitutePlaceholders(s, values);
    } catch {
      // An action result that is not known without an exercise.
      return s.replace(/\{\{\s*([^}]+?)\s*\}\}/g, (_m, e: string) => placeholder(e.split('.').at(-1)!));
    }
  };
  const rb = runbookOf(scenario);
  const findings = findingsOf(scenario).map((f) => ({
    finding: f.finding,
    resource: f.resource === undefined ? '' : resolve(f.resource),
  }));
  const raw = {
    exercise: { id: values.exerciseId },
    account: { id: values.accountId },
    region: values.region,
    target: {
      kind: facts?.target.kind ?? 'range',
      range: facts ? facts.target.kind === 'range' : true,
      aws: facts ? facts.target.kind === 'aws' : false,
      endpoint: facts?.target.endpoint ?? '',
      description: facts?.target.description ?? placeholder('target'),
    },
    outputs,
    actions: values.actions,
    values: Object.fromEntries(Object.entries(rb.values).map(([k, v]) => [k, resolve(v)])),
    findings,
    finding: findings[0] ?? { finding: '', resource: '' },
  };
  const ctx = deepMap(raw, (s) => (generated.has(s) ? s : shellValue(s))) as Record<string, unknown>;
  ctx.target = { ...(ctx.target as object), range: raw.target.range, aws: raw.target.aws };
  ctx.scenario = {
    id: scenario.id,
    title: markdownText(scenario.title),
    summary: markdownText(scenario.summary),
    control: markdownText(scenario.control),
    monitor: markdownText(scenario.monitor),
    fix: markdownText(scenario.fix),
    severity: scenario.severity,
    layer: scenario.layer,
    mitre: (scenario.mitre ?? []).join(', '),
  };
  return ctx;
}

/** Render one runbook template. Throws RunbookError (with the file) on a template error. */
export function renderRunbook(
  template: string,
  scenario: Scenario,
  context: Record<string, unknown>,
  opts: RenderOptions = {},
): RenderedRunbook {
  const file = opts.file ?? `runbooks/${runbookOf(scenario).name}.md.hbs`;
  const hb = Handlebars.create();
  const discoveries = new Map<string, string>();
  hb.registerHelper('discover', (label: unknown, value: unknown) => {
    if (typeof label !== 'string' || !LABEL.test(label))
      throw new RunbookError(file, `discover needs a kebab-case label first, like "security-group-id"`);
    if (typeof value !== 'string')
      throw new RunbookError(file, `discover "${label}" needs a value, like outputs.WebSgId`);
    discoveries.set(label, value);
    return opts.spoilers ? value : `<${label}>`;
  });
  let markdown: string;
  try {
    const compiled = hb.compile(template, { strict: true, noEscape: true, knownHelpersOnly: false });
    markdown = compiled(context, { allowProtoPropertiesByDefault: false, allowProtoMethodsByDefault: false });
  } catch (err) {
    if (err instanceof RunbookError) throw err;
    throw new RunbookError(file, (err as Error).message.split('\n')[0]!);
  }
  if (!opts.spoilers) markdown = hideSpoilers(markdown, discoveries);
  return {
    name: runbookOf(scenario).name,
    markdown,
    discoveries: [...discoveries].map(([label, value]) => ({ label, value })),
  };
}

/** A spoiler value printed anywhere else (a bare {{outputs.X}}) is replaced by its label too. */
function hideSpoilers(markdown: string, discoveries: ReadonlyMap<string, string>): string {
  let out = markdown;
  const byLength = [...discoveries].sort(([, a], [, b]) => b.length - a.length);
  for (const [label, value] of byLength) {
    // Placeholders and very short values ("22") cannot be told apart from ordinary text.
    if (value.length < 6 || value.startsWith('<')) continue;
    out = out.split(value).join(`<${label}>`);
  }
  return out;
}
