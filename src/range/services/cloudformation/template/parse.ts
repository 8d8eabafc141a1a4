import { isAlias, isMap, isPair, isScalar, isSeq, parseDocument, type Document, type Node } from 'yaml';
import { ServiceError } from '../../../errors.js';
import { isObject, type Json, type JsonObject } from './types.js';

/** The YAML short forms CloudFormation accepts, each standing for `Fn::<name>` (or Ref / Condition). */
const SHORT_FORMS = new Set([
  'Ref',
  'Condition',
  'GetAtt',
  'Sub',
  'Join',
  'Select',
  'Split',
  'If',
  'Equals',
  'Not',
  'And',
  'Or',
  'FindInMap',
  'GetAZs',
  'Base64',
  'ImportValue',
  'Cidr',
  'Transform',
  'ToJsonString',
  'Length',
]);

export function templateFormatError(message: string): ServiceError {
  return new ServiceError('ValidationError', `Template format error: ${message}`);
}

/**
 * Parse a template body as CloudFormation does: JSON when it looks like JSON, YAML otherwise, with
 * every short-form tag expanded to its long form so later stages see one shape.
 */
export function parseTemplateBody(body: string): JsonObject {
  const trimmed = body.trimStart();
  const value = trimmed.startsWith('{') ? parseJson(body) : parseYaml(body);
  if (!isObject(value)) throw templateFormatError('unsupported structure.');
  return value;
}

function parseJson(body: string): Json {
  try {
    return JSON.parse(body) as Json;
  } catch {
    const { line, column } = lineColumn(body, jsonErrorOffset(body));
    throw templateFormatError(`JSON not well-formed. (line ${line}, column ${column})`);
  }
}

/** Where JSON.parse gave up: Node's messages do not always say, so scan the text once. */
export function jsonErrorOffset(text: string): number {
  let i = 0;
  const ws = () => {
    while (i < text.length && ' \t\r\n'.includes(text[i] as string)) i++;
  };
  const fail = (): never => {
    throw i;
  };
  const literal = (word: string) => (text.startsWith(word, i) ? (i += word.length) : fail());
  const string = () => {
    i++;
    while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
    if (i >= text.length) fail();
    i++;
  };
  const value = (): void => {
    ws();
    const c = text[i];
    if (c === '{' || c === '[') {
      const close = c === '{' ? '}' : ']';
      i++;
      ws();
      if (text[i] === close) return void i++;
      for (;;) {
        if (c === '{') {
          ws();
          if (text[i] !== '"') fail();
          string();
          ws();
          if (text[i] !== ':') fail();
          i++;
        }
        value();
        ws();
        if (text[i] === ',') i++;
        else if (text[i] === close) return void i++;
        else fail();
      }
    }
    if (c === '"') return string();
    const num = /^-?\d+(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i));
    if (num) return void (i += num[0].length);
    if (c === 't') return void literal('true');
    if (c === 'f') return void literal('false');
    if (c === 'n') return void literal('null');
    fail();
  };
  try {
    value();
    ws();
    return i < text.length ? i : text.length;
  } catch (at) {
    return typeof at === 'number' ? at : text.length;
  }
}

function lineColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset).split('\n');
  return { line: before.length, column: (before.at(-1)?.length ?? 0) + 1 };
}

function parseYaml(body: string): Json {
  const doc = parseDocument(body, { uniqueKeys: true, prettyErrors: false });
  const first = doc.errors[0];
  if (first) {
    const { line, column } = lineColumn(body, first.pos[0]);
    throw templateFormatError(`YAML not well-formed. (line ${line}, column ${column})`);
  }
  if (!doc.contents) throw templateFormatError('unsupported structure.');
  return toJson(doc, doc.contents as Node, body);
}

function toJson(doc: Document, node: Node | null | undefined, body: string): Json {
  if (node === null || node === undefined) return null;
  if (isAlias(node)) return toJson(doc, node.resolve(doc) as Node | undefined, body);
  const tag =
    node.tag && node.tag.startsWith('!') && !node.tag.startsWith('!!') ? node.tag.slice(1) : undefined;
  let value: Json;
  if (isScalar(node)) {
    value = scalarValue(node.value, node.source, node.type);
  } else if (isSeq(node)) {
    value = node.items.map((item) => toJson(doc, item as Node, body));
  } else if (isMap(node)) {
    const out: JsonObject = {};
    for (const pair of node.items) {
      if (!isPair(pair)) continue;
      const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
      out[key] = toJson(doc, pair.value as Node, body);
    }
    value = out;
  } else {
    value = null;
  }
  if (!tag) return value;
  if (!SHORT_FORMS.has(tag)) {
    const { line, column } = lineColumn(body, node.range?.[0] ?? 0);
    throw templateFormatError(`YAML not well-formed. Unknown tag !${tag} (line ${line}, column ${column})`);
  }
  return expandShortForm(tag, value);
}

/** Plain scalars keep their source text unless it is a canonical number (so "012" stays "012"). */
function scalarValue(value: unknown, source: string | undefined, type: string | undefined): Json {
  if (value === null || value === undefined) return null;
  if (typeof value === 'number') {
    if (type === 'PLAIN' && source !== undefined && String(value) !== source) return source;
    return Number.isFinite(value) ? value : (source ?? String(value));
  }
  if (typeof value === 'boolean' || typeof value === 'string') return value;
  if (value instanceof Date) return source ?? value.toISOString();
  return String(value);
}

function expandShortForm(tag: string, value: Json): Json {
  switch (tag) {
    case 'Ref':
      return { Ref: value };
    case 'Condition':
      return { Condition: value };
    case 'GetAtt':
      if (typeof value === 'string') {
        const dot = value.indexOf('.');
        return { 'Fn::GetAtt': dot < 0 ? [value] : [value.slice(0, dot), value.slice(dot + 1)] };
      }
      return { 'Fn::GetAtt': value };
    default:
      return { [`Fn::${tag}`]: value };
  }
}
