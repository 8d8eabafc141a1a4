import type { CallContext } from '../../../context.js';
import { ServiceError } from '../../../errors.js';
import type { PreparedStack } from '../prepare.js';
import { cloudFormationState, type Stack, type StackOutput } from '../store.js';
import { evaluate, type EvalScope } from '../template/intrinsics.js';
import type { Json } from '../template/types.js';
import { record } from '../../../records.js';

function outputString(v: Json, what: string): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v) && v.every((x) => typeof x === 'string' || typeof x === 'number')) return v.join(',');
  throw new ServiceError(
    'ValidationError',
    `Template error: ${what} must resolve to a string, got ${JSON.stringify(v)}`,
  );
}

/** Outputs whose Condition holds, evaluated against the resources as they now are. */
export function evaluateOutputs(
  prepared: PreparedStack,
  scope: EvalScope,
): { outputs: StackOutput[]; exports: Record<string, string> } {
  const outputs: StackOutput[] = [];
  const exports: Record<string, string> = record();
  for (const [key, o] of Object.entries(prepared.template.Outputs)) {
    if (o.Condition !== undefined && !prepared.conditions[o.Condition]) continue;
    const value = outputString(evaluate(o.Value, scope), `output ${key}`);
    const exportName = o.Export
      ? outputString(evaluate(o.Export.Name, scope), `the export name of output ${key}`)
      : undefined;
    if (exportName !== undefined) {
      if (exportName in exports)
        throw new ServiceError('ValidationError', `Template error: duplicate export name ${exportName}`);
      exports[exportName] = value;
    }
    outputs.push({ OutputKey: key, OutputValue: value, Description: o.Description, ExportName: exportName });
  }
  return { outputs, exports };
}

/** Names of the other live stacks that import an export. */
export function importersOf(ctx: CallContext, exportName: string, exceptStackId: string): string[] {
  return Object.values(ctx.state(cloudFormationState).stacks)
    .filter(
      (s) => s.stackId !== exceptStackId && s.status !== 'DELETE_COMPLETE' && s.imports.includes(exportName),
    )
    .map((s) => s.stackName);
}

/**
 * Whether a stack may publish `next` in place of its current exports: names are unique per account and
 * region, and an export another stack imports can be neither changed nor removed. Returns the reason.
 */
export function exportConflict(
  ctx: CallContext,
  stack: Stack,
  next: Record<string, string>,
): string | undefined {
  for (const name of Object.keys(next)) {
    const owner = Object.values(ctx.state(cloudFormationState).stacks).find(
      (s) => s.stackId !== stack.stackId && s.status !== 'DELETE_COMPLETE' && name in s.exports,
    );
    if (owner) return `Export with name ${name} is already exported by stack ${owner.stackName}`;
  }
  for (const [name, value] of Object.entries(stack.exports)) {
    const users = importersOf(ctx, name, stack.stackId);
    if (!users.length) continue;
    if (!(name in next)) return `Export ${name} cannot be deleted as it is in use by ${users.join(', ')}`;
    if (next[name] !== value) return `Cannot update export ${name} as it is in use by ${users.join(', ')}`;
  }
  return undefined;
}
