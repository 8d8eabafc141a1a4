import type {
  ListExportsInput,
  ListExportsOutput,
  ListImportsInput,
  ListImportsOutput,
} from '@aws-sdk/client-cloudformation';
import type { CallContext } from '../../../context.js';
import { paginate } from '../../../paginate.js';
import { importersOf } from '../lifecycle/outputs.js';
import { findExport } from '../prepare.js';
import { stacks, validation } from './common.js';

export function listExports(ctx: CallContext, input: ListExportsInput): ListExportsOutput {
  const all = Object.values(stacks(ctx))
    .filter((s) => s.status !== 'DELETE_COMPLETE')
    .flatMap((s) =>
      Object.entries(s.exports).map(([Name, Value]) => ({ ExportingStackId: s.stackId, Name, Value })),
    )
    .sort((a, b) => a.Name.localeCompare(b.Name));
  const { page, nextToken } = paginate(all, {
    token: input.NextToken,
    defaultMax: 100,
    query: 'ListExports',
  });
  return { Exports: page, NextToken: nextToken };
}

export function listImports(ctx: CallContext, input: ListImportsInput): ListImportsOutput {
  const name = input.ExportName ?? '';
  const found = findExport(ctx, name);
  const users = found ? importersOf(ctx, name, found.stack.stackId) : [];
  if (!users.length) throw validation(`Export '${name}' is not imported by any stack.`);
  const { page, nextToken } = paginate(users.sort(), {
    token: input.NextToken,
    defaultMax: 100,
    query: name,
  });
  return { Imports: page, NextToken: nextToken };
}
