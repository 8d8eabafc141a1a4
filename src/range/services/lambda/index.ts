import type { EventResource, RangeInfo, ServiceDefinition } from '../../context.js';
import {
  createFunction,
  deleteFunction,
  getFunction,
  getFunctionConfiguration,
  listFunctions,
  updateFunctionCode,
  updateFunctionConfiguration,
} from './functions.js';
import {
  deleteFunctionConcurrency,
  getAccountSettings,
  getFunctionConcurrency,
  putFunctionConcurrency,
} from './concurrency.js';
import { invoke } from './invoke.js';
import {
  getFunctionUrlConfig,
  listAliases,
  listEventSourceMappings,
  listFunctionUrlConfigs,
  listVersionsByFunction,
} from './listings.js';
import { addPermission, functionPolicy, getPolicy, removePermission } from './permissions.js';
import { settled } from './runtime.js';

export { DEFAULT_MAX_PROCESSES, setFunctionConcurrency } from './runtime.js';
import { listTags, tagResource, untagResource } from './tags.js';

export { ASYNC_RETRY_DELAYS_MS } from './invoke.js';

/**
 * Resolves once every function run the range has started (synchronous or queued and due) has ended:
 * tests and drills on a ManualClock advance the clock, then wait for the runs it released.
 */
export function lambdaRunsSettled(range: RangeInfo): Promise<void> {
  return settled(range);
}

/** AWS Lambda (REST-JSON, regional): functions that really run, as local processes. See README.md. */
export const lambdaService: ServiceDefinition = {
  name: 'lambda',
  eventSource: 'lambda.amazonaws.com',
  handlers: {
    CreateFunction: createFunction,
    GetFunction: getFunction,
    GetFunctionConfiguration: getFunctionConfiguration,
    ListFunctions: listFunctions,
    UpdateFunctionCode: updateFunctionCode,
    UpdateFunctionConfiguration: updateFunctionConfiguration,
    DeleteFunction: deleteFunction,
    Invoke: invoke,
    AddPermission: addPermission,
    RemovePermission: removePermission,
    GetPolicy: getPolicy,
    TagResource: tagResource,
    UntagResource: untagResource,
    ListTags: listTags,
    PutFunctionConcurrency: putFunctionConcurrency,
    GetFunctionConcurrency: getFunctionConcurrency,
    DeleteFunctionConcurrency: deleteFunctionConcurrency,
    GetAccountSettings: getAccountSettings,
    ListVersionsByFunction: listVersionsByFunction,
    ListAliases: listAliases,
    ListEventSourceMappings: listEventSourceMappings,
    GetFunctionUrlConfig: getFunctionUrlConfig,
    ListFunctionUrlConfigs: listFunctionUrlConfigs,
  },
  resourcePolicy: functionPolicy,
  // CloudTrail logs Invoke as a data event on the function.
  dataEvents: new Set(['Invoke']),
  // CloudTrail names versioned operations (CreateFunction20150331, ...); the range keeps API names.
  resources(_operation, input, output): EventResource[] {
    const name =
      typeof input.FunctionName === 'string'
        ? input.FunctionName
        : typeof input.Resource === 'string'
          ? input.Resource
          : (output as { FunctionArn?: unknown } | undefined)?.FunctionArn;
    return typeof name === 'string' ? [{ ResourceType: 'AWS::Lambda::Function', ResourceName: name }] : [];
  },
};
