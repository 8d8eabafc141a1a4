/**
 * Renderers: a report model (model.ts, history.ts) into Markdown or HTML through a Handlebars template
 * (`reports/*.hbs`, or the facilitator's own with --template), JSON (the model, as the committed schema
 * describes it) or JUnit XML (what drills write: one test case per scenario phase).
 *
 * Templates never see a raw outside value: the view given to them has every string of the model escaped
 * for the format (HTML or Markdown, see escape.ts) and capped at MAX_VALUE characters, so `{{x}}` and
 * `{{{x}}}` are equally safe. What the renderer writes itself (charts, the notes' HTML) is added after
 * escaping, from escaped parts.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Handlebars from 'handlebars';
import { junitXml } from '../controller/results.js';
import type { ExerciseScore } from '../controller/scoring.js';
import { SirsError, UsageError } from '../errors.js';
import { packageRoot } from '../paths.js';
import { timelineSvg, trendSvg } from './chart.js';
import { cap, escapeHtml, escapeMarkdown, markdownToHtml, MAX_VALUE, safeMarkdown } from './escape.js';

export { MAX_VALUE };
import { formatMs, formatPoints, formatSigned, formatTime } from './format.js';
import type { ExerciseReport, ReportDocument } from './schema.js';

export const REPORT_FORMATS = ['md', 'html', 'json', 'junit'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

export const FILE_EXTENSION: Record<ReportFormat, string> = {
  md: 'md',
  html: 'html',
  json: 'json',
  junit: 'xml',
};

export interface RenderOptions {
  /** A Handlebars template's text (md and html), instead of the shipped one. */
  template?: string;
  /** Its file, for error messages. */
  templateFile?: string;
}

export function templatePath(kind: ReportDocument['kind'], format: 'md' | 'html'): string {
  return join(packageRoot(), 'reports', `${kind === 'exercise' ? 'report' : 'history'}.${format}.hbs`);
}

export function renderReport(doc: ReportDocument, format: ReportFormat, opts: RenderOptions = {}): string {
  switch (format) {
    case 'json':
      return `${JSON.stringify(doc, null, 2)}\n`;
    case 'junit':
      return renderJunit(doc);
    case 'md':
    case 'html': {
      const file = opts.templateFile ?? templatePath(doc.kind, format);
      const text = opts.template ?? readFileSync(file, 'utf8');
      return renderTemplate(text, file, view(doc, format));
    }
    default:
      throw new UsageError('bad-format', `unknown report format ${String(format)}`);
  }
}

function renderJunit(doc: ReportDocument): string {
  if (doc.kind !== 'exercise') {
    throw new UsageError(
      'junit-needs-exercise',
      'JUnit XML is the result of one exercise, not of --history',
      {
        suggestions: ['use --format md, html or json with --history'],
      },
    );
  }
  const e = doc.exercise;
  const durationMs = e.durationMs ?? 0;
  if (!e.score) {
    const reason = escapeHtml(e.errors[0] ?? 'the exercise never went live');
    return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="sirs drill" tests="1" failures="1"><testsuite name="${escapeHtml(e.id)}" tests="1" failures="1"><testcase classname="sirs" name="inject"><failure message="${reason}"/></testcase></testsuite></testsuites>\n`;
  }
  // The scoring function's own result, as the model carries it.
  const score: ExerciseScore = {
    scenarios: doc.scenarios.map((s) => s.score),
    decoys: e.score.decoys.map((d) => ({ id: d.id, breaches: d.breaches, penalty: d.penalty })),
    total: e.score.total,
    grade: e.score.grade,
    missedTargets: e.score.missedTargets,
  };
  return junitXml(e.id, score, { timestamp: e.createdAt, durationMs });
}

function deepMap(value: unknown, fn: (s: string) => string): unknown {
  if (typeof value === 'string') return fn(value);
  if (Array.isArray(value)) return value.map((v) => deepMap(v, fn));
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = deepMap(v, fn);
    return out;
  }
  return value;
}

/** What a template sees: the model escaped for the format, plus the renderer's own fragments. */
export function view(doc: ReportDocument, format: 'md' | 'html'): Record<string, unknown> {
  const escape = format === 'html' ? escapeHtml : escapeMarkdown;
  // The same names recur thousands of times (principals, calls, services): escape each once.
  const escaped = new Map<string, string>();
  const v = deepMap(doc, (s) => {
    let out = escaped.get(s);
    if (out === undefined) escaped.set(s, (out = escape(cap(s, MAX_VALUE))));
    return out;
  }) as Record<string, unknown>;
  v.format = format;
  const trends = v.trends as Array<Record<string, unknown>>;
  if (format === 'html') doc.trends.forEach((t, i) => (trends[i]!.chart = trendSvg(t)));
  if (doc.kind === 'exercise') {
    const scenarios = v.scenarios as Array<Record<string, unknown>>;
    doc.scenarios.forEach((s, i) => {
      if (format === 'html') scenarios[i]!.chart = timelineSvg(s, doc.activity);
    });
    v.notes = notesView(doc, format);
  }
  return v;
}

function notesView(doc: ExerciseReport, format: 'md' | 'html'): Record<string, string> {
  const render = format === 'html' ? markdownToHtml : safeMarkdown;
  return { lessons: render(doc.notes.lessons), actions: render(doc.notes.actions) };
}

const DATED: Record<string, string> = {
  event: 'CloudTrail event',
  probe: 'probe (up to a tick late)',
  ack: 'acknowledgement',
  log: 'log event',
};

const VERDICT_MD: Record<string, string> = {
  'on-target': '✅ on target',
  late: '⚠️ late',
  missed: '❌ missed',
};

function helpers(hb: typeof Handlebars): void {
  const num = (v: unknown) => (typeof v === 'number' ? v : undefined);
  hb.registerHelper('duration', (ms: unknown) => formatMs(num(ms)));
  hb.registerHelper('time', (iso: unknown) => formatTime(typeof iso === 'string' ? iso : undefined));
  hb.registerHelper('pts', (v: unknown) => (typeof v === 'number' ? formatPoints(v) : '—'));
  hb.registerHelper('signed', (v: unknown) => (typeof v === 'number' ? formatSigned(v) : '—'));
  hb.registerHelper('eq', (a: unknown, b: unknown) => a === b);
  hb.registerHelper(
    'gt',
    (a: unknown, b: unknown) => typeof a === 'number' && typeof b === 'number' && a > b,
  );
  hb.registerHelper('inc', (i: unknown) => (typeof i === 'number' ? i + 1 : i));
  hb.registerHelper('len', (xs: unknown) => (Array.isArray(xs) ? xs.length : 0));
  hb.registerHelper('join', (xs: unknown, sep: unknown) =>
    Array.isArray(xs) ? xs.join(typeof sep === 'string' ? sep : ', ') : '',
  );
  hb.registerHelper('verdictText', (v: unknown) => VERDICT_MD[String(v)] ?? String(v));
  hb.registerHelper('dated', (v: unknown) => DATED[String(v)] ?? '—');
  /** The phase of that name in a scenario's phases, for {{#with (phaseOf phases "detect")}}. */
  hb.registerHelper('phaseOf', (phases: unknown, name: unknown) =>
    Array.isArray(phases) ? phases.find((p: { phase?: unknown }) => p.phase === name) : undefined,
  );
  /** A signed duration (trend changes): −12s is faster. */
  hb.registerHelper('delta', (ms: unknown) =>
    typeof ms === 'number' ? `${ms > 0 ? '+' : ms < 0 ? '−' : ''}${formatMs(Math.abs(ms))}` : '—',
  );
  hb.registerHelper('percent', (part: unknown, whole: unknown) =>
    typeof part === 'number' && typeof whole === 'number' && whole > 0
      ? String(Math.round((Math.max(0, part) / whole) * 1000) / 10)
      : '0',
  );
}

function renderTemplate(template: string, file: string, context: Record<string, unknown>): string {
  const hb = Handlebars.create();
  helpers(hb);
  try {
    // Values are escaped in the view already (escaping again would show entities as text).
    const compiled = hb.compile(template, { noEscape: true });
    return compiled(context, { allowProtoPropertiesByDefault: false, allowProtoMethodsByDefault: false });
  } catch (err) {
    throw new SirsError('bad-template', `${file}: ${(err as Error).message.split('\n')[0]}`, {
      suggestions: ['templates are Handlebars; see reports/README.md for what they can use'],
    });
  }
}
