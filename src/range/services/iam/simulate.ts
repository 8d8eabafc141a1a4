import type {
  ContextEntry,
  EvaluationResult,
  PolicySourceType,
  ResourceSpecificResult,
  Statement as MatchedStatementOut,
} from '@aws-sdk/client-iam';
import { ServiceError } from '../../errors.js';
import { evaluate } from '../../policy/evaluate.js';
import { parsePolicy } from '../../policy/parse.js';
import type {
  Decision,
  RequestContext,
  RequestPrincipal,
  SourcedPolicy,
  Statement,
} from '../../policy/types.js';
import { decodeDocument } from './documents.js';

/**
 * The IAM policy simulator (SimulatePrincipalPolicy, SimulateCustomPolicy) on the range's one
 * evaluator: the same decisions the range enforces, reported as the simulator reports them, with the
 * statements that decided (their policy and position in its text), the context keys the policies
 * wanted but the simulation was not given, and what the permissions boundary said.
 */

/** A policy of the simulation, with the name and type the simulator reports it by. */
export interface SimulatedPolicy {
  /** The simulator's SourcePolicyId: the policy's name, `PolicyInputList.1`, `ResourcePolicy`, ... */
  sourceId: string;
  sourceType: PolicySourceType;
  text: string;
}

export interface Simulation {
  identity: SimulatedPolicy[];
  boundary?: SimulatedPolicy;
  resource?: SimulatedPolicy;
  principal: RequestPrincipal;
  /** The account that owns the simulated resources (ResourceOwner), default the principal's. */
  resourceAccountId?: string;
  actions: string[];
  /** The resources named (ResourceArns); empty: `*`. */
  resources: string[];
  context: RequestContext;
}

/** Parse one input policy; the simulator refuses what is not a policy document (InvalidInput). */
export function inputPolicy(text: string, sourceId: string, sourceType: PolicySourceType): SimulatedPolicy {
  try {
    parsePolicy(decodeDocument(text));
  } catch {
    throw new ServiceError('InvalidInput', `${sourceId} is not a valid policy document: it must be JSON.`);
  }
  return { sourceId, sourceType, text };
}

/** One result per action and resource (`*` when no resources were named), in the order asked. */
export function simulate(sim: Simulation): EvaluationResult[] {
  const byId = new Map<string, SimulatedPolicy>();
  const sourced = (p: SimulatedPolicy, kind: SourcedPolicy['kind']): SourcedPolicy => {
    const id = `${kind}#${byId.size}`;
    byId.set(id, p);
    return { id, kind, document: parsePolicy(decodeDocument(p.text)) };
  };
  const identity = sim.identity.map((p) => sourced(p, 'identity'));
  const boundary = sim.boundary ? sourced(sim.boundary, 'boundary') : undefined;
  const resource = sim.resource ? sourced(sim.resource, 'resource') : undefined;
  const provided = new Set(Object.keys(sim.context).map((k) => k.toLowerCase()));
  const out: EvaluationResult[] = [];
  for (const action of sim.actions) {
    for (const arn of sim.resources.length ? sim.resources : ['*']) {
      const decision = evaluate({
        request: {
          principal: sim.principal,
          action,
          resource: arn,
          ...(sim.resourceAccountId ? { resourceAccountId: sim.resourceAccountId } : {}),
          context: sim.context,
        },
        identity,
        ...(boundary ? { boundary } : {}),
        ...(resource ? { resource } : {}),
      });
      const matched = deciding(decision, byId);
      const missing = missingKeys(
        [...identity, ...(boundary ? [boundary] : []), ...(resource ? [resource] : [])],
        action,
        provided,
      );
      const boundaryDetail = boundary
        ? { PermissionsBoundaryDecisionDetail: { AllowedByPermissionsBoundary: boundaryAllows(decision) } }
        : {};
      const result: EvaluationResult = {
        EvalActionName: action,
        EvalResourceName: arn,
        EvalDecision: decision.decision,
        MatchedStatements: matched,
        MissingContextValues: sim.resources.length ? [] : missing,
        ...boundaryDetail,
        EvalDecisionDetails: {},
      };
      if (sim.resources.length) {
        const specific: ResourceSpecificResult = {
          EvalResourceName: arn,
          EvalResourceDecision: decision.decision,
          MatchedStatements: matched,
          MissingContextValues: missing,
          ...boundaryDetail,
        };
        result.ResourceSpecificResults = [specific];
      }
      out.push(result);
    }
  }
  return out;
}

/**
 * The statements that determine the result: the denying ones for an explicit deny, the allowing ones
 * for an allow, none for an implicit deny.
 */
function deciding(decision: Decision, byId: Map<string, SimulatedPolicy>): MatchedStatementOut[] {
  if (decision.decision === 'implicitDeny') return [];
  const effect = decision.decision === 'explicitDeny' ? 'Deny' : 'Allow';
  const out: MatchedStatementOut[] = [];
  for (const m of decision.matched) {
    if (m.effect !== effect) continue;
    const policy = byId.get(m.policyId);
    if (!policy) continue;
    const span = statementSpans(decodeDocument(policy.text))[m.index];
    out.push({
      SourcePolicyId: policy.sourceId,
      SourcePolicyType: policy.sourceType,
      ...(span ? { StartPosition: span.start, EndPosition: span.end } : {}),
    });
  }
  return out;
}

function boundaryAllows(decision: Decision): boolean {
  const own = decision.matched.filter((m) => m.kind === 'boundary');
  return own.some((m) => m.effect === 'Allow') && !own.some((m) => m.effect === 'Deny');
}

/** Condition keys of statements that apply to the action, that the simulation was not given. */
function missingKeys(
  policies: readonly SourcedPolicy[],
  action: string,
  provided: ReadonlySet<string>,
): string[] {
  const out = new Map<string, string>();
  const lower = action.toLowerCase();
  for (const p of policies) {
    for (const s of p.document.Statement) {
      if (!actionApplies(s, lower)) continue;
      const raw = s.Condition ?? {};
      for (const block of Object.values(raw)) {
        for (const key of Object.keys(block ?? {})) {
          if (!provided.has(key.toLowerCase()) && !out.has(key.toLowerCase()))
            out.set(key.toLowerCase(), key);
        }
      }
    }
  }
  return [...out.values()];
}

function actionApplies(s: Statement, lowerAction: string): boolean {
  const list = (v: string | string[] | undefined) => (v === undefined ? [] : Array.isArray(v) ? v : [v]);
  const hit = (patterns: string[]) =>
    patterns.some((p) =>
      new RegExp(
        `^${p
          .toLowerCase()
          .replace(/[.+^${}()|[\]\\]/g, '\\$&')
          .replace(/\*/g, '.*')
          .replace(/\?/g, '.')}$`,
      ).test(lowerAction),
    );
  return s.Action !== undefined ? hit(list(s.Action)) : hit(list(s.NotAction)) === false;
}

/** A ContextEntry's values as the evaluator takes them: lists for the *List types, else one value. */
export function contextOf(entries: readonly ContextEntry[] | undefined): RequestContext {
  const out: Record<string, string | string[]> = {};
  for (const e of entries ?? []) {
    const name = e.ContextKeyName ?? '';
    const type = e.ContextKeyType ?? '';
    if (!/^(string|numeric|boolean|date|ip|binary)(List)?$/.test(type)) {
      throw new ServiceError(
        'InvalidInput',
        `Invalid ContextKeyType ${type} for context key ${name}: string, stringList, numeric, numericList, boolean, booleanList, date, dateList, ip, ipList, binary or binaryList.`,
      );
    }
    if (name.length < 5) throw new ServiceError('InvalidInput', `Invalid context key name ${name}.`);
    const values = e.ContextKeyValues ?? [];
    const base = type.replace(/List$/, '');
    for (const v of values) checkValue(name, base, v);
    out[name] = type.endsWith('List') ? [...values] : (values[0] ?? '');
  }
  return out;
}

function checkValue(name: string, type: string, value: string): void {
  const ok =
    type === 'numeric'
      ? value.trim() !== '' && !Number.isNaN(Number(value))
      : type === 'boolean'
        ? /^(true|false)$/i.test(value)
        : type === 'date'
          ? /^\d+$/.test(value) || !Number.isNaN(Date.parse(value))
          : type === 'ip'
            ? /^[0-9a-fA-F:.]+(\/\d{1,3})?$/.test(value)
            : true;
  if (!ok)
    throw new ServiceError('InvalidInput', `Invalid value ${value} for context key ${name} of type ${type}.`);
}

interface Position {
  Line: number;
  Column: number;
}

/**
 * Where each statement of a policy starts and ends in its text, as the simulator reports positions:
 * line from 1, and the column just past the statement's opening and closing braces (the AWS CLI's
 * documented example: a statement whose `{` is the 37th character starts at column 38).
 */
export function statementSpans(text: string): Array<{ start: Position; end: Position }> {
  const spans: Array<{ start: number; end: number }> = [];
  let i = 0;
  const ws = () => {
    while (i < text.length && /\s/.test(text[i] as string)) i++;
  };
  const str = (): string => {
    let out = '';
    i++;
    while (i < text.length && text[i] !== '"') {
      if (text[i] === '\\') {
        out += text[i + 1] ?? '';
        i += 2;
      } else out += text[i++];
    }
    i++;
    return out;
  };
  const skip = (): void => {
    ws();
    const c = text[i];
    if (c === '"') {
      str();
      return;
    }
    if (c === '{' || c === '[') {
      const close = c === '{' ? '}' : ']';
      i++;
      ws();
      if (text[i] === close) {
        i++;
        return;
      }
      while (i < text.length) {
        if (c === '{') {
          ws();
          str();
          ws();
          i++; // the colon
        }
        skip();
        ws();
        const sep = text[i++];
        if (sep !== ',') return;
      }
      return;
    }
    while (i < text.length && !/[\s,\]}]/.test(text[i] as string)) i++;
  };
  const statement = () => {
    ws();
    const start = i;
    skip();
    spans.push({ start, end: i - 1 });
  };
  ws();
  if (text[i] !== '{') return [];
  i++;
  while (i < text.length) {
    ws();
    if (text[i] !== '"') break;
    const key = str();
    ws();
    i++; // the colon
    ws();
    if (key === 'Statement' && text[i] === '[') {
      i++;
      ws();
      while (i < text.length && text[i] !== ']') {
        statement();
        ws();
        if (text[i] === ',') i++;
        ws();
      }
      i++;
    } else if (key === 'Statement') statement();
    else skip();
    ws();
    if (text[i] === ',') i++;
    else break;
  }
  const position = (offset: number): Position => {
    const before = text.lastIndexOf('\n', offset - 1);
    const line = text.slice(0, offset).split('\n').length;
    return { Line: line, Column: offset - before + 1 };
  };
  return spans.map((s) => ({ start: position(s.start), end: position(s.end) }));
}
