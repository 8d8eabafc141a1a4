import { loadModel } from './model/index.js';
import type { ServiceDefinition } from './context.js';
import { resourceProviders } from './services/cloudformation/providers.js';

/** The coverage list (RANGE-COVERAGE.md), generated from the services' handler tables and the models. */
export function coverageMarkdown(
  services: readonly ServiceDefinition[],
  resourceTypes: readonly string[] = Object.keys(resourceProviders),
): string {
  const lines = [
    '# What the range implements',
    '',
    'Generated from the code by `npx tsx scripts/range-coverage.ts`; a test fails when it is stale.',
    'Any other operation of these services answers `NotImplemented` (HTTP 501) naming the operation.',
    '',
    '| service | CloudTrail event source | operations implemented | of the model |',
    '| --- | --- | --- | --- |',
  ];
  const sorted = [...services].sort((a, b) => a.name.localeCompare(b.name));
  for (const s of sorted) {
    const model = loadModel(s.name);
    lines.push(
      `| ${s.name} | ${s.eventSource} | ${Object.keys(s.handlers).length} | ${model.operationNames.length} |`,
    );
  }
  for (const s of sorted) {
    const ops = Object.keys(s.handlers).sort();
    lines.push('', `## ${s.name} (${model(s)})`, '');
    lines.push(ops.length ? ops.map((o) => `\`${o}\``).join(', ') : '_none yet_');
    if (s.dataEvents?.size) lines.push('', `Data events: ${[...s.dataEvents].sort().join(', ')}.`);
    if (s.unrecorded?.size)
      lines.push('', `Not recorded by CloudTrail: ${[...s.unrecorded].sort().join(', ')}.`);
  }
  lines.push(
    '',
    '## CloudFormation resource types',
    '',
    'What scenario templates can use on the range; any other type fails the stack with a clear reason.',
    '',
    [...resourceTypes]
      .sort()
      .map((t) => `\`${t}\``)
      .join(', '),
  );
  return `${lines.join('\n')}\n`;
}

function model(s: ServiceDefinition): string {
  const m = loadModel(s.name).metadata;
  return `${m.serviceId}, ${m.protocol} protocol, API ${m.apiVersion}`;
}
