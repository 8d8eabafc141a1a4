import { compileConditions } from './conditions.js';
import type { CompiledCondition } from './conditions.js';
import { compileGlob } from './glob.js';
import type { GlobMatcher } from './glob.js';
import { literalOf, parseTemplate, resolveTemplate } from './patterns.js';
import type { ContextLookup, Template } from './patterns.js';
import { compilePrincipal } from './principal.js';
import type { CompiledPrincipal } from './principal.js';
import type { PolicyDocument, Statement } from './types.js';

/**
 * A policy document compiled into matchers once ("cache by the document": the same object, or the same
 * text), so that evaluating a request does no parsing and builds no regular expressions.
 */

export interface CompiledStatement {
  index: number;
  sid?: string;
  effect: 'Allow' | 'Deny' | undefined;
  /** Matches a lower-cased `service:Action`. */
  action(lowerAction: string): boolean;
  /** Matches the resource ARN; undefined when the statement has neither Resource nor NotResource. */
  resource: ((arn: string, lookup: ContextLookup) => boolean) | undefined;
  principal?: CompiledPrincipal;
  notPrincipal?: CompiledPrincipal;
  conditions: CompiledCondition[];
}

const RESOLVED_LIMIT = 256;

const list = (v: string | string[] | undefined): string[] =>
  v === undefined ? [] : Array.isArray(v) ? v : [v];

function compileActions(s: Statement): (lowerAction: string) => boolean {
  const negate = s.Action === undefined && s.NotAction !== undefined;
  const patterns = list(s.Action ?? s.NotAction);
  if (patterns.length === 0) return () => false;
  const exact = new Set<string>();
  const regexes: GlobMatcher[] = [];
  for (const p of patterns) {
    if (p === '*') regexes.push({ test: () => true });
    else if (!/[*?]/.test(p)) exact.add(p.toLowerCase());
    else regexes.push(compileGlob(p.replace(/\\/g, '\\\\'), 'ignoreCase'));
  }
  return (action) => (exact.has(action) || regexes.some((r) => r.test(action))) !== negate;
}

function compileResources(s: Statement, variables: boolean): CompiledStatement['resource'] {
  if (s.Resource === undefined && s.NotResource === undefined) return undefined;
  const negate = s.Resource === undefined;
  const templates: Template[] = list(s.Resource ?? s.NotResource).map((r) => parseTemplate(r, variables));
  const exact = new Set<string>();
  const regexes: GlobMatcher[] = [];
  const dynamic: Template[] = [];
  for (const t of templates) {
    if (t.fixed === undefined) dynamic.push(t);
    else {
      const literal = literalOf(t.fixed);
      if (literal !== undefined) exact.add(literal);
      else regexes.push(compileGlob(t.fixed, 'resource'));
    }
  }
  if (!negate && templates.some((t) => t.fixed === '*')) return () => true;
  // A template with variables resolves to few distinct patterns (one per user, tag value...): keep them.
  const matchers = new Map<string, (arn: string) => boolean>();
  const resolved = (glob: string): ((arn: string) => boolean) => {
    let matcher = matchers.get(glob);
    if (!matcher) {
      const literal = literalOf(glob);
      const regex = literal === undefined ? compileGlob(glob, 'resource') : undefined;
      matcher = regex ? (arn) => regex.test(arn) : (arn) => arn === literal;
      if (matchers.size >= RESOLVED_LIMIT) matchers.delete(matchers.keys().next().value as string);
      matchers.set(glob, matcher);
    }
    return matcher;
  };
  return (arn, lookup) => {
    let hit = exact.has(arn) || regexes.some((r) => r.test(arn));
    for (let i = 0; !hit && i < dynamic.length; i++) {
      // A variable without a value matches nothing ("Policy variables with no value").
      const glob = resolveTemplate(dynamic[i]!, lookup);
      hit = glob !== undefined && resolved(glob)(arn);
    }
    return hit !== negate;
  };
}

function compileStatement(s: Statement, index: number, variables: boolean): CompiledStatement {
  const compiled: CompiledStatement = {
    index,
    effect: s.Effect === 'Allow' || s.Effect === 'Deny' ? s.Effect : undefined,
    action: compileActions(s),
    resource: compileResources(s, variables),
    conditions: compileConditions(s.Condition, variables),
  };
  if (s.Sid !== undefined) compiled.sid = s.Sid;
  const asBlock = (p: Statement['Principal']): NonNullable<Statement['Principal']> =>
    typeof p === 'string' && p !== '*' ? { AWS: p } : p!;
  if (s.Principal !== undefined) compiled.principal = compilePrincipal(asBlock(s.Principal));
  if (s.NotPrincipal !== undefined) compiled.notPrincipal = compilePrincipal(asBlock(s.NotPrincipal));
  return compiled;
}

/** A compiled document: its statements, indexed by the services their actions can name. */
export interface CompiledPolicy {
  statements: readonly CompiledStatement[];
  /** The statements that may match a lower-cased `service:Action`, in document order. */
  candidates(lowerAction: string): readonly CompiledStatement[];
}

/** The service prefix a statement's Action names, or undefined when it may match any service. */
function servicesOf(s: Statement): Set<string> | undefined {
  if (s.Action === undefined) return s.NotAction === undefined ? new Set() : undefined;
  const services = new Set<string>();
  for (const action of list(s.Action)) {
    const service = action.split(':')[0]!.toLowerCase();
    if (!action.includes(':') || /[*?]/.test(service)) return undefined;
    services.add(service);
  }
  return services;
}

function indexPolicy(statements: readonly Statement[], compiled: CompiledStatement[]): CompiledPolicy {
  const always: CompiledStatement[] = [];
  const byService = new Map<string, CompiledStatement[]>();
  compiled.forEach((c, i) => {
    const services = servicesOf(statements[i]!);
    if (services === undefined) {
      always.push(c);
      for (const bucket of byService.values()) bucket.push(c);
      return;
    }
    for (const service of services) {
      let bucket = byService.get(service);
      if (!bucket) byService.set(service, (bucket = [...always]));
      bucket.push(c);
    }
  });
  return {
    statements: compiled,
    candidates(action) {
      const colon = action.indexOf(':');
      return byService.get(colon < 0 ? action : action.slice(0, colon)) ?? always;
    },
  };
}

const byObject = new WeakMap<PolicyDocument, CompiledPolicy>();
const BY_TEXT_LIMIT = 2000;
const byText = new Map<string, CompiledPolicy>();

/** Compile a document (cached by object, then by its JSON text). */
export function compilePolicy(document: PolicyDocument): CompiledPolicy {
  const hit = byObject.get(document);
  if (hit) return hit;
  const text = JSON.stringify(document);
  let compiled = byText.get(text);
  if (!compiled) {
    // Policy variables exist only in documents of Version 2012-10-17 ("IAM JSON policy elements: Version").
    const variables = document.Version === '2012-10-17';
    const statements = Array.isArray(document.Statement)
      ? document.Statement
      : [document.Statement as Statement];
    compiled = indexPolicy(
      statements,
      statements.map((s, i) => compileStatement(s, i, variables)),
    );
    if (byText.size >= BY_TEXT_LIMIT) byText.delete(byText.keys().next().value as string);
    byText.set(text, compiled);
  }
  byObject.set(document, compiled);
  return compiled;
}
