#!/usr/bin/env node
// Derives the service data sirs ships in models/ (Apache-2.0 licensed by Amazon; models/NOTICE keeps
// their notice):
//   models/<service>.json          the range's service models, from the AWS service models published as
//                                  data in the `aws-sdk` (v2) npm package. They are committed: the build
//                                  reads them, and only a maintainer adding a service or refreshing the
//                                  models runs `npm install --no-save aws-sdk@2 && npm run models -- --from-aws-sdk`
//                                  (the v2 SDK is 100 MB and out of support: users should not download it);
//   models/inputs/<prefix>.json    the input shapes of every operation sirs can call, for `sirs validate`,
//                                  from the SDK v3 clients that make the calls (see deriveInputs below);
//   models/range-operations.json   the operations the range implements, from RANGE-COVERAGE.md (which is
//                                  generated from the range's code, and tested to be current).
import { mkdirSync, readFileSync, readdirSync, writeFileSync, copyFileSync, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const out = join(root, 'models');
const fromAwsSdk = process.argv.includes('--from-aws-sdk');

/** service name on the range → model uid in aws-sdk/apis, plus facts the v2 model predates. */
const services = {
  sts: { uid: 'sts-2011-06-15' },
  iam: { uid: 'iam-2010-05-08' },
  ec2: { uid: 'ec2-2016-11-15' },
  s3: { uid: 's3-2006-03-01' },
  s3control: { uid: 's3control-2018-08-20' },
  cloudtrail: { uid: 'cloudtrail-2013-11-01' },
  logs: { uid: 'logs-2014-03-28' },
  kms: { uid: 'kms-2014-11-01' },
  ssm: { uid: 'ssm-2014-11-06' },
  cloudformation: { uid: 'cloudformation-2010-05-15' },
  sns: { uid: 'sns-2010-03-31' },
  events: { uid: 'eventbridge-2015-10-07' },
  lambda: { uid: 'lambda-2015-03-31' },
  config: { uid: 'config-2014-11-12' },
  // CloudWatch now speaks JSON 1.0 (query-compatible) to the JS SDK v3 and Smithy RPC v2 CBOR to
  // botocore, besides the query protocol of the v2 model; the shapes are the same for all three.
  monitoring: {
    uid: 'monitoring-2010-08-01',
    metadata: {
      protocols: ['smithy-rpc-v2-cbor', 'json', 'query'],
      jsonVersion: '1.0',
      targetPrefix: 'GraniteServiceVersion20100801',
      awsQueryCompatible: {},
    },
  },
};

/**
 * Service prefixes as scenarios write them (src/aws/api.ts) → the SDK v3 client that makes the calls and
 * the service's name on the range (where it differs).
 */
const apiServices = {
  cloudformation: { pkg: '@aws-sdk/client-cloudformation' },
  cloudtrail: { pkg: '@aws-sdk/client-cloudtrail' },
  cloudwatch: { pkg: '@aws-sdk/client-cloudwatch', range: 'monitoring' },
  config: { pkg: '@aws-sdk/client-config-service' },
  ec2: { pkg: '@aws-sdk/client-ec2' },
  events: { pkg: '@aws-sdk/client-eventbridge' },
  iam: { pkg: '@aws-sdk/client-iam' },
  kms: { pkg: '@aws-sdk/client-kms' },
  lambda: { pkg: '@aws-sdk/client-lambda' },
  logs: { pkg: '@aws-sdk/client-cloudwatch-logs' },
  s3: { pkg: '@aws-sdk/client-s3' },
  s3control: { pkg: '@aws-sdk/client-s3-control' },
  sns: { pkg: '@aws-sdk/client-sns' },
  ssm: { pkg: '@aws-sdk/client-ssm' },
  sts: { pkg: '@aws-sdk/client-sts' },
};

/** Bump when the format of models/inputs/*.json changes, so that files derived before are redone. */
const INPUTS_FORMAT = 3;

function isCurrent(file, sdk) {
  try {
    const head = JSON.parse(readFileSync(file, 'utf8'));
    return head.format === INPUTS_FORMAT && head.sdk === sdk;
  } catch {
    return false;
  }
}

/** `## <service> (...)` followed by a line of `Operation` names, as scripts/range-coverage.ts writes them. */
function rangeOperations(markdown) {
  const ops = {};
  let service;
  for (const line of markdown.split('\n')) {
    const heading = /^## ([a-z0-9-]+) \(/.exec(line);
    if (heading) service = heading[1];
    else if (service && line.startsWith('`')) {
      ops[service] = [...line.matchAll(/`([A-Za-z0-9]+)`/g)].map((m) => m[1]);
      service = undefined;
    }
  }
  if (Object.keys(ops).length === 0) throw new Error('RANGE-COVERAGE.md lists no operations');
  return ops;
}

// ---------------------------------------------------------------------------------------------------------
// Input shapes, from the SDK v3 client that makes the calls: its operations and members are exactly what
// a call can carry (the SDK drops a member its schema lacks). The schemas it exports (`<Operation>$`, in
// @smithy/core's static schema format) give members, types and which members are required; the
// TypeScript declarations name the enum each string member takes; the v2 model tells integers from
// floating-point numbers where it has the same member (the v3 schemas only say "numeric").
//
// Output: { operations: { Op: Shape | null }, shapes: { Name: Shape } } where a Shape is
//   'string' | 'integer' | 'long' | 'float' | 'double' | 'number' | 'boolean' | 'timestamp' | 'blob' | 'document'
//   '#Name'                                   a structure or enum in `shapes`
//   { type: 'list', member: Shape } | { type: 'map', key: Shape, value: Shape }
//   { type: 'structure', members: { [name]: Shape }, required?: [...], union?: true }  (in `shapes` only)
//   { type: 'enum', values: [...] }                                                      (in `shapes` only)

// @smithy/core schema sentinels (SCHEMA in @smithy/core/schema): simple types are numbers, a list or map
// of a simple type is that number with a modifier bit; named schemas are arrays starting with their kind.
const SIMPLE = { 0: 'string', 2: 'boolean', 4: 'timestamp', 5: 'timestamp', 6: 'timestamp', 7: 'timestamp' };
Object.assign(SIMPLE, { 15: 'document', 17: 'number', 19: 'number', 21: 'blob', 42: 'blob' });
const NUMERIC = 1;
const LIST_MODIFIER = 64;
const MAP_MODIFIER = 128;
const KIND = { simple: 0, list: 1, map: 2, structure: 3, union: 4, operation: 9 };
const V2_NUMBERS = new Set(['integer', 'long', 'float', 'double']);

function deriveInputs(mod, pkgDir, v2) {
  const ts = typeDeclarations(pkgDir);
  const enums = new Set([...ts.enumNames].filter((n) => isEnumObject(mod[n])));
  const shapes = {};
  const deref = (ref) => (typeof ref === 'function' ? ref() : ref);
  const v2Shape = (m) => (m?.shape !== undefined ? v2?.shapes[m.shape] : m);

  const shapeOf = (ref, tsType, v2Member) => {
    let s = deref(ref);
    // A member schema is [target, traits].
    while (Array.isArray(s) && s.length === 2) s = deref(s[0]);
    if (typeof s === 'number') {
      const v2s = v2Shape(v2Member);
      if (s >= MAP_MODIFIER)
        return {
          type: 'map',
          key: shapeOf(0, tsType?.key),
          value: shapeOf(s & 63, tsType?.value, v2s?.value),
        };
      if (s >= LIST_MODIFIER) return { type: 'list', member: shapeOf(s & 63, tsType?.member, v2s?.member) };
      if (s === NUMERIC) {
        const t = v2Shape(v2Member)?.type;
        return V2_NUMBERS.has(t) ? t : 'number';
      }
      if (s === 0 && tsType?.name && enums.has(tsType.name)) return enumRef(tsType.name);
      if (SIMPLE[s] === undefined) throw new Error(`unknown simple schema ${s}`);
      return SIMPLE[s];
    }
    if (!Array.isArray(s)) throw new Error(`unknown schema ${String(s)}`);
    const v2s = v2Shape(v2Member);
    switch (s[0]) {
      case KIND.simple:
        return shapeOf(s[4], tsType, v2Member);
      case KIND.list:
        return { type: 'list', member: shapeOf(s[4], tsType?.member, v2s?.member) };
      case KIND.map:
        return {
          type: 'map',
          key: shapeOf(s[4], tsType?.key, v2s?.key),
          value: shapeOf(s[5], tsType?.value, v2s?.value),
        };
      case KIND.structure:
      case KIND.union:
        return structureRef(s, v2s);
      default:
        throw new Error(`unexpected schema kind ${s[0]} (${s[2]})`);
    }
  };

  const enumRef = (name) => {
    shapes[name] ??= { type: 'enum', values: Object.values(mod[name]) };
    return `#${name}`;
  };

  const structureRef = (s, v2s) => {
    const name = s[2];
    if (shapes[name]) return `#${name}`;
    const shape = { type: 'structure', members: {} };
    shapes[name] = shape; // before the members: structures may contain themselves
    const memberTypes = ts.interfaces.get(name) ?? ts.interfaces.get(`_${name}`) ?? new Map();
    const names = s[4] ?? [];
    names.forEach((member, i) => {
      shape.members[member] = shapeOf(s[5][i], memberTypes.get(member), v2s?.members?.[member]);
    });
    const required = names.slice(0, s[6] ?? 0);
    if (s[0] === KIND.union) shape.union = true;
    else if (required.length) shape.required = required;
    return `#${name}`;
  };

  const operations = {};
  const ops = Object.entries(mod)
    .filter(([key, op]) => key.endsWith('$') && Array.isArray(op) && op[0] === KIND.operation)
    .map(([, op]) => op);
  // Operations the v2 model knows first: a structure is derived once, on its first use, and should get the
  // v2 model's integer/float distinction when any operation using it can tell.
  ops.sort((a, b) => Number(!v2?.operations[a[2]]) - Number(!v2?.operations[b[2]]));
  for (const op of ops) {
    const input = deref(op[4]);
    operations[op[2]] = Array.isArray(input) ? structureRef(input, v2?.operations[op[2]]?.input) : null;
  }
  return { operations: sortKeys(operations), shapes: sortKeys(shapes) };
}

function isEnumObject(v) {
  return (
    v !== null &&
    typeof v === 'object' &&
    !Array.isArray(v) &&
    Object.values(v).every((x) => typeof x === 'string')
  );
}

function sortKeys(o) {
  return Object.fromEntries(Object.entries(o).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/**
 * From the client's declarations (dist-types/models/*.d.ts, generated with one member per line): each
 * interface's member types, union members (`namespace U { interface AMember { A: T } }`) and enum names.
 */
function typeDeclarations(pkgDir) {
  const dir = join(pkgDir, 'dist-types', 'models');
  const interfaces = new Map();
  const enumNames = new Set();
  for (const f of readdirSync(dir).filter((f) => f.endsWith('.d.ts'))) {
    let current;
    let union;
    for (const line of readFileSync(join(dir, f), 'utf8').split('\n')) {
      let m;
      if ((m = /^export declare const (\w+): \{$/.exec(line))) enumNames.add(m[1]);
      else if ((m = /^export interface (\w+) \{$/.exec(line))) interfaces.set(m[1], (current = new Map()));
      else if ((m = /^export declare namespace (\w+) \{$/.exec(line)))
        interfaces.set(m[1], (union = new Map()));
      else if (/^\}$/.test(line)) current = union = undefined;
      else if (current && (m = /^ {4}([A-Za-z_$][\w$]*)\??: (.+);$/.exec(line)))
        current.set(m[1], parseType(m[2]));
      else if (union && (m = /^ {8}([A-Za-z_][\w]*): (.+);$/.exec(line)) && m[2] !== 'never')
        union.set(m[1], parseType(m[2]));
    }
  }
  return { interfaces, enumNames };
}

/** `Foo[] | undefined` → { member: { name: 'Foo' } }; `Partial<Record<K, V>>` → { key, value }. */
function parseType(text) {
  let t = text.replace(/ \| undefined$/, '').trim();
  const partial = /^Partial<(.*)>$/.exec(t);
  if (partial) t = partial[1];
  if (t.endsWith('[]')) return { member: parseType(t.slice(0, -2).replace(/^\((.*)\)$/, '$1')) };
  const record = /^Record<([^,<>]+), (.*)>$/.exec(t);
  if (record) return { key: parseType(record[1]), value: parseType(record[2]) };
  return { name: t };
}

// ---------------------------------------------------------------------------------------------------------

mkdirSync(out, { recursive: true });
const v2Models = {};
if (fromAwsSdk) {
  let sdkDir;
  try {
    sdkDir = dirname(require.resolve('aws-sdk/package.json'));
  } catch {
    console.error('--from-aws-sdk reads the aws-sdk (v2) package: npm install --no-save aws-sdk@2 first');
    process.exit(2);
  }
  for (const [name, spec] of Object.entries(services)) {
    const model = JSON.parse(readFileSync(join(sdkDir, 'apis', `${spec.uid}.min.json`), 'utf8'));
    model.metadata = { ...model.metadata, ...spec.metadata, rangeService: name };
    v2Models[name] = model;
    writeFileSync(join(out, `${name}.json`), JSON.stringify(model));
  }
  const notice = [
    'The service-model JSON files in this folder are derived from the AWS service models published',
    `in the aws-sdk npm package (version ${JSON.parse(readFileSync(join(sdkDir, 'package.json'), 'utf8')).version}), licensed under the Apache License 2.0:`,
    '',
    readFileSync(join(sdkDir, 'NOTICE.txt'), 'utf8'),
  ].join('\n');
  writeFileSync(join(out, 'NOTICE'), notice);
  if (existsSync(join(sdkDir, 'LICENSE.txt')))
    copyFileSync(join(sdkDir, 'LICENSE.txt'), join(out, 'LICENSE'));
  console.log(`derived ${Object.keys(services).length} service models into models/`);
} else {
  for (const name of Object.keys(services)) {
    const file = join(out, `${name}.json`);
    if (!existsSync(file)) {
      console.error(
        `models/${name}.json is missing: it is committed; restore it with git, or regenerate it (scripts/derive-models.mjs explains how)`,
      );
      process.exit(1);
    }
    v2Models[name] = JSON.parse(readFileSync(file, 'utf8'));
  }
}

mkdirSync(join(out, 'inputs'), { recursive: true });
let reused = 0;
for (const [prefix, spec] of Object.entries(apiServices)) {
  const file = join(out, 'inputs', `${prefix}.json`);
  const pkgDir = dirname(require.resolve(`${spec.pkg}/package.json`));
  const sdk = `${spec.pkg}@${JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8')).version}`;
  if (isCurrent(file, sdk)) {
    reused++;
    continue;
  }
  const inputs = deriveInputs(require(spec.pkg), pkgDir, v2Models[spec.range ?? prefix]);
  writeFileSync(join(file), JSON.stringify({ format: INPUTS_FORMAT, sdk, ...inputs }));
}
console.log(
  `derived the input shapes of ${Object.keys(apiServices).length} services into models/inputs/` +
    (reused ? ` (${reused} already current)` : ''),
);

const rangeOps = rangeOperations(readFileSync(join(root, 'RANGE-COVERAGE.md'), 'utf8'));
const byPrefix = Object.fromEntries(
  Object.entries(apiServices).map(([prefix, spec]) => [prefix, rangeOps[spec.range ?? prefix] ?? []]),
);
writeFileSync(join(out, 'range-operations.json'), JSON.stringify(byPrefix));
console.log('derived the operations the range implements into models/range-operations.json');
