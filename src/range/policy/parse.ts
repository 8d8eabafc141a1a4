import type { PolicyDocument, Statement } from './types.js';

/** A policy text that is not a JSON policy document at all. */
export class PolicyParseError extends Error {
  override name = 'PolicyParseError';
}

const PARSED_LIMIT = 2000;
/** Parsed documents by their text: the same text yields the same object, so compiled matchers are reused. */
const parsed = new Map<string, PolicyDocument>();

/**
 * Parse a policy document leniently, for evaluation (the services validate what they store): a single
 * Statement object becomes a list, a single Action/Resource/Principal string becomes a list, and a
 * URL-encoded document (as IAM returns them) is decoded. Throws `PolicyParseError` for text that is not a
 * JSON object. Returns the same (frozen) object for the same text.
 */
export function parsePolicy(text: string): PolicyDocument {
  const cached = parsed.get(text);
  if (cached) return cached;
  const doc = normaliseDocument(parseJson(text));
  if (parsed.size >= PARSED_LIMIT) parsed.delete(parsed.keys().next().value as string);
  parsed.set(text, doc);
  return doc;
}

function parseJson(text: string): unknown {
  let source = text.trim();
  if (/^%7B/i.test(source)) {
    try {
      source = decodeURIComponent(source);
    } catch {
      throw new PolicyParseError('The policy is not valid URL-encoded JSON');
    }
  }
  try {
    return JSON.parse(source);
  } catch {
    throw new PolicyParseError('The policy is not valid JSON');
  }
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

const strings = (v: unknown): string[] => (Array.isArray(v) ? v : [v]).map((x) => String(x));

function normaliseDocument(raw: unknown): PolicyDocument {
  if (!isObject(raw)) throw new PolicyParseError('The policy must be a JSON object');
  const statements =
    raw.Statement === undefined ? [] : Array.isArray(raw.Statement) ? raw.Statement : [raw.Statement];
  const doc: PolicyDocument = { Statement: statements.filter(isObject).map(normaliseStatement) };
  if (typeof raw.Version === 'string') doc.Version = raw.Version;
  if (typeof raw.Id === 'string') doc.Id = raw.Id;
  return deepFreeze(doc);
}

function normaliseStatement(raw: Record<string, unknown>): Statement {
  const s: Statement = { Effect: raw.Effect as Statement['Effect'] };
  if (raw.Sid !== undefined) s.Sid = String(raw.Sid);
  for (const key of ['Action', 'NotAction', 'Resource', 'NotResource'] as const) {
    if (raw[key] !== undefined && raw[key] !== null) s[key] = strings(raw[key]);
  }
  for (const key of ['Principal', 'NotPrincipal'] as const) {
    const p = raw[key];
    if (p === '*') s[key] = '*';
    else if (isObject(p)) s[key] = Object.fromEntries(Object.entries(p).map(([k, v]) => [k, strings(v)]));
    else if (typeof p === 'string') s[key] = { AWS: [p] };
  }
  if (isObject(raw.Condition)) {
    const condition: Record<string, Record<string, unknown>> = {};
    for (const [operator, block] of Object.entries(raw.Condition))
      if (isObject(block)) condition[operator] = block;
    s.Condition = condition;
  }
  return s;
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}
