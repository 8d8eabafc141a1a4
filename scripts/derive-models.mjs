#!/usr/bin/env node
// Derives the range's service models from the AWS service models published as data in the
// `aws-sdk` (v2) npm package, at build time. Output: models/<service>.json plus the license notice.
// The models are Apache-2.0 licensed by Amazon; models/NOTICE keeps their notice.
import { mkdirSync, readFileSync, writeFileSync, copyFileSync, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const sdkDir = dirname(require.resolve('aws-sdk/package.json'));
const out = join(root, 'models');

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

mkdirSync(out, { recursive: true });
for (const [name, spec] of Object.entries(services)) {
  const model = JSON.parse(readFileSync(join(sdkDir, 'apis', `${spec.uid}.min.json`), 'utf8'));
  model.metadata = { ...model.metadata, ...spec.metadata, rangeService: name };
  writeFileSync(join(out, `${name}.json`), JSON.stringify(model));
}
const notice = [
  'The JSON files in this folder are derived at build time from the AWS service models published',
  `in the aws-sdk npm package (version ${JSON.parse(readFileSync(join(sdkDir, 'package.json'), 'utf8')).version}), licensed under the Apache License 2.0:`,
  '',
  readFileSync(join(sdkDir, 'NOTICE.txt'), 'utf8'),
].join('\n');
writeFileSync(join(out, 'NOTICE'), notice);
if (existsSync(join(sdkDir, 'LICENSE.txt'))) copyFileSync(join(sdkDir, 'LICENSE.txt'), join(out, 'LICENSE'));
console.log(`derived ${Object.keys(services).length} service models into models/`);
