import { cloudFormationProviders } from './cfn.js';
import type { ProviderTable } from './provider.js';

/**
 * Every resource type the range's CloudFormation can create: one explicit table, each entry from the
 * `cfn.ts` beside the service that backs it. A type missing here fails its stack with a clear reason.
 */
export const resourceProviders: ProviderTable = {
  ...cloudFormationProviders,
};
