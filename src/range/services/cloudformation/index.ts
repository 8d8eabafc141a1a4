import type { CallContext, ServiceDefinition } from '../../context.js';
import { settleInterrupted } from './lifecycle/index.js';
import type { ProviderTable } from './provider.js';
import { resourceProviders } from './providers.js';
import type { CloudFormationEnv } from './handlers/common.js';
import {
  createChangeSet,
  deleteChangeSet,
  describeChangeSet,
  executeChangeSet,
  listChangeSets,
} from './handlers/change-sets.js';
import { listExports, listImports } from './handlers/exports.js';
import {
  describeStackEvents,
  describeStackResource,
  describeStackResources,
  listStackResources,
} from './handlers/resources.js';
import {
  createStack,
  deleteStack,
  describeStacks,
  listStacks,
  updateStack,
  updateTerminationProtection,
} from './handlers/stacks.js';
import { getTemplate, getTemplateSummary, validateTemplate } from './handlers/templates.js';

/** Range-clock delay of each resource step: long enough for a poller to see IN_PROGRESS, short enough for tests. */
export const RESOURCE_STEP_MS = 10;

export interface CloudFormationOptions {
  providers?: ProviderTable;
  stepMs?: number;
}

/** The CloudFormation service; tests may pass their own provider table. */
export function cloudFormationService(opts: CloudFormationOptions = {}): ServiceDefinition {
  const env: CloudFormationEnv = {
    providers: opts.providers ?? resourceProviders,
    stepMs: opts.stepMs ?? RESOURCE_STEP_MS,
    running: new Set(),
  };
  const handlers: ServiceDefinition['handlers'] = {
    CreateStack: createStack(env),
    UpdateStack: updateStack(env),
    DeleteStack: deleteStack(env),
    DescribeStacks: describeStacks,
    ListStacks: listStacks,
    UpdateTerminationProtection: updateTerminationProtection,
    DescribeStackEvents: describeStackEvents,
    DescribeStackResources: describeStackResources,
    DescribeStackResource: describeStackResource,
    ListStackResources: listStackResources,
    GetTemplate: getTemplate,
    ValidateTemplate: validateTemplate(env),
    GetTemplateSummary: getTemplateSummary(env),
    CreateChangeSet: createChangeSet(env),
    DescribeChangeSet: describeChangeSet,
    ExecuteChangeSet: executeChangeSet(env),
    DeleteChangeSet: deleteChangeSet,
    ListChangeSets: listChangeSets,
    ListExports: listExports,
    ListImports: listImports,
  };
  // Every call first settles the stacks a restart interrupted: their operations died with the old process.
  const settled: ServiceDefinition['handlers'] = Object.fromEntries(
    Object.entries(handlers).map(([name, handler]) => [
      name,
      (ctx: CallContext, input: object) => {
        settleInterrupted(ctx, env.running);
        return handler(ctx, input);
      },
    ]),
  );
  return { name: 'cloudformation', eventSource: 'cloudformation.amazonaws.com', handlers: settled };
}

export const cloudformationService: ServiceDefinition = cloudFormationService();
export { resourceProviders };
