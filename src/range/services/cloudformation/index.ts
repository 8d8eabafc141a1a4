import type { ServiceDefinition } from '../../context.js';
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
  };
  return {
    name: 'cloudformation',
    eventSource: 'cloudformation.amazonaws.com',
    handlers: {
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
    },
  };
}

export const cloudformationService: ServiceDefinition = cloudFormationService();
export { resourceProviders };
