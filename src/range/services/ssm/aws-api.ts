import { ServiceError } from '../../errors.js';

/**
 * What aws:executeAwsApi and the property actions name: a boto3 client (`Service`), an operation
 * (`Api`, PascalCase or boto3's snake_case), and JSONPath selectors over the response.
 */

/** boto3 client names → the range's service names. */
const SERVICES: Readonly<Record<string, string>> = {
  ec2: 'ec2',
  s3: 's3',
  s3control: 's3control',
  iam: 'iam',
  cloudtrail: 'cloudtrail',
  kms: 'kms',
  logs: 'logs',
  sns: 'sns',
  ssm: 'ssm',
  sts: 'sts',
  events: 'events',
  lambda: 'lambda',
  config: 'config',
  cloudwatch: 'monitoring',
  cloudformation: 'cloudformation',
};

export function rangeService(boto3Name: unknown): string {
  const name = String(boto3Name ?? '').toLowerCase();
  const service = Object.hasOwn(SERVICES, name) ? SERVICES[name] : undefined;
  if (!service) {
    throw new ServiceError(
      'InvalidService',
      `The range does not emulate the service ${String(boto3Name)}; it runs ${Object.keys(SERVICES).join(', ')}.`,
    );
  }
  return service;
}

/** `describe_security_groups` or `DescribeSecurityGroups` → `DescribeSecurityGroups`. */
export function operationName(api: unknown): string {
  const text = String(api ?? '');
  if (!/^[a-zA-Z0-9_]+$/.test(text))
    throw new ServiceError('InvalidApi', `The Api ${text} is not an operation name.`);
  return text
    .split('_')
    .map((w) => (w ? w[0]?.toUpperCase() + w.slice(1) : ''))
    .join('');
}

type Token = { kind: 'key'; key: string } | { kind: 'index'; index: number } | { kind: 'all' };

function tokens(selector: string): Token[] {
  if (!selector.startsWith('$'))
    throw new ServiceError('InvalidSelector', `Selector ${selector} must start with $.`);
  const out: Token[] = [];
  const re = /\.([A-Za-z0-9_-]+)|\[(\d+)\]|\[\*\]|\.\*|\['([^']+)'\]/gy;
  re.lastIndex = 1;
  while (re.lastIndex < selector.length) {
    const m = re.exec(selector);
    if (!m)
      throw new ServiceError('InvalidSelector', `Selector ${selector} is not a JSONPath the range reads.`);
    if (m[1] !== undefined) out.push({ kind: 'key', key: m[1] });
    else if (m[2] !== undefined) out.push({ kind: 'index', index: Number(m[2]) });
    else if (m[3] !== undefined) out.push({ kind: 'key', key: m[3] });
    else out.push({ kind: 'all' });
  }
  return out;
}

/**
 * The value a JSONPath selector picks (`$.A.B[0].C`, `$.A[*].B`): a wildcard makes the result a list.
 * Undefined when the path leads nowhere.
 */
export function select(value: unknown, selector: string): unknown {
  let current: unknown[] = [value];
  let many = false;
  for (const t of tokens(selector)) {
    const next: unknown[] = [];
    for (const v of current) {
      if (t.kind === 'all') {
        if (Array.isArray(v)) next.push(...(v as unknown[]));
        else if (v && typeof v === 'object') next.push(...Object.values(v));
        many = true;
      } else if (t.kind === 'index') {
        if (Array.isArray(v) && t.index < v.length) next.push(v[t.index]);
      } else if (v && typeof v === 'object' && !Array.isArray(v) && Object.hasOwn(v, t.key)) {
        next.push((v as Record<string, unknown>)[t.key]);
      }
    }
    current = next.filter((v) => v !== undefined);
  }
  return many ? current : current[0];
}

/** Plain JSON data for a response value (Dates as ISO strings, Buffers as base64). */
export function plain(value: unknown): unknown {
  if (value instanceof Date) return value.toISOString();
  if (Buffer.isBuffer(value)) return value.toString('base64');
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  if (Array.isArray(value)) return value.map(plain);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([k, v]) => v !== undefined && k !== '$metadata')
        .map(([k, v]) => [k, plain(v)]),
    );
  }
  return value;
}

const text = (v: unknown): string => (typeof v === 'string' ? v : JSON.stringify(v));

/** A selected value as an output of the declared Type. Undefined when it cannot be one. */
export function typed(value: unknown, type: string): unknown {
  if (value === undefined) return undefined;
  switch (type) {
    case 'StringList':
      return (Array.isArray(value) ? value : [value]).map(text);
    case 'Integer': {
      const n = Number(value);
      return Number.isInteger(n) ? n : undefined;
    }
    case 'Boolean':
      return value === true || value === 'true'
        ? true
        : value === false || value === 'false'
          ? false
          : undefined;
    case 'StringMap':
      return value && typeof value === 'object' && !Array.isArray(value) ? value : undefined;
    case 'MapList':
      return Array.isArray(value) ? value : undefined;
    default:
      return text(value);
  }
}

/** How GetAutomationExecution shows a value: a list of strings. */
export function shown(value: unknown): string[] {
  if (Array.isArray(value)) return value.map(text);
  return [text(value)];
}
